// Types for scripts/setup-vendor-apps.mjs, as test/vendor imports it.
export const VENDOR_DIR: string;
export const NODE24_VERSION: string;
export const MSW: Record<2 | 3, string>;
export const npmEnv: NodeJS.ProcessEnv;
export function treeDependencies(mswMajor: 2 | 3): {
  kit: string[];
  dependencies: Record<string, string>;
};
export const NODE24: string;
/** `[command, ...leading arguments]` that run npm for an app tree of this msw major. */
export function npmFor(mswMajor: 2 | 3): [string, ...string[]];
