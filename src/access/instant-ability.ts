import { AppAbility } from './subjects';

/**
 * An ability shared by the requests of one cached principal, and each request's view of it.
 *
 * The rules depend on the request's instant in one place only: a membership is active while
 * `activeUntil > now` (activeMembershipConditions). A shared ability is built once, with
 * INSTANT standing for `now`; each request sees it through `abilityAt(shared, now)`:
 * - in memory, INSTANT holds the request's time for the length of each call on the view
 *   (CASL compares dates by their time when it matches), and no time at all between calls,
 *   so a comparison made outside a view finds nothing active (it refuses, never widens);
 * - in SQL, `instantOf` gives the shared ability and the request's instant, and the
 *   parameters that stand for INSTANT are given the request's `now` (access.service.ts).
 *
 * Everything else the rules say comes from the cached principal, which every request proves
 * current at its own instant (principal-check.ts), so a view answers exactly what an ability
 * built for `{ ...principal, now }` answers (instant-ability.spec.ts checks both faces).
 */
export const INSTANT: Date = new Date(Number.NaN);

/** A request's view: the shared ability and the instant it is read at. */
export interface AbilityAtInstant {
  shared: AppAbility;
  now: Date;
}

const views = new WeakMap<object, AbilityAtInstant>();

/** `shared` (built with INSTANT for now) as the ability of a request at `now`. */
export function abilityAt(shared: AppAbility, now: Date): AppAbility {
  const time = now.getTime();
  const view = new Proxy(shared, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => atTime(time, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  views.set(view, { shared, now });
  return view;
}

/** The shared ability and instant behind a request's view; undefined for an ability of its own. */
export function instantOf(ability: object): AbilityAtInstant | undefined {
  return views.get(ability);
}

/** `params` with every value standing for INSTANT replaced by `now` (a new object). */
export function bindInstant(params: Readonly<Record<string, unknown>>, now: Date): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = value === INSTANT ? now : Array.isArray(value) ? value.map((v) => (v === INSTANT ? now : v)) : value;
  }
  return out;
}

/** Runs `fn` with INSTANT at `time`, then gives INSTANT back the time it had (none, outside a call). */
function atTime<T>(time: number, fn: () => T): T {
  const before = INSTANT.getTime();
  INSTANT.setTime(time);
  try {
    return fn();
  } finally {
    INSTANT.setTime(before);
  }
}
