/**
 * Every story starts at the same instant, so the banner's "checked 10-Mar-2026 14:02" and the dates in
 * the synthetic population are the same in every run, screenshot and test. The clock then
 * runs at normal speed from there (timeouts, retries and deadlines still elapse): `Date` and
 * `Date.now()` are shifted, not stopped.
 */
export const STORY_TODAY = '2026-03-10';
export const STORY_START = `${STORY_TODAY}T14:02:00.000Z`;

const RealDate = Date;
const offset = RealDate.parse(STORY_START) - RealDate.now();
const now = (): number => RealDate.now() + offset;

globalThis.Date = new Proxy(RealDate, {
  construct: (target, args: unknown[], newTarget) =>
    Reflect.construct(target, args.length > 0 ? args : [now()], newTarget) as object,
  apply: () => new RealDate(now()).toString(),
  get: (target, key, receiver) =>
    key === 'now' ? now : (Reflect.get(target, key, receiver) as unknown),
});
