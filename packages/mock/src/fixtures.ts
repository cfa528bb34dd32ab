/** The synthetic population, re-exported for `@cpis/mock/fixtures`: it lives in `@cpis/population`. */
export * from '@cpis/population';
