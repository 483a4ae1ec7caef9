import type { AuditInput } from './audit.types';

/** Distinct (action, reason, subject type, address, actor) kinds kept per window; the rest share one bucket per reason. */
export const NOISE_MAX_KINDS = 50;
const SAMPLES = 5;

interface Bucket {
  base: AuditInput;
  /** Occurrences after the first, which was written at once. */
  suppressed: number;
  firstAt: Date;
  lastAt: Date;
  paths: Set<string>;
  subjectIds: Set<string>;
  sameSubject: boolean;
  overflow: boolean;
}

/**
 * Counts anonymous noise (unauthenticated requests, failed sign-in starts) in memory. The first
 * event of each kind in a window is written at once; the others are counted and come out as
 * one aggregated event per kind at the end of the window. Kinds are capped, so a flood from
 * any number of addresses adds a bounded number of rows per window.
 */
export class NoiseAggregator {
  private buckets = new Map<string, Bucket>();
  private windowStart: Date;

  constructor(
    now: Date,
    private readonly maxKinds = NOISE_MAX_KINDS,
  ) {
    this.windowStart = now;
  }

  /** Returns the event to write now (the first of its kind), or null when it was only counted. */
  note(input: AuditInput, now: Date): AuditInput | null {
    let key = kindOf(input, false);
    let overflow = false;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKinds) {
      key = kindOf(input, true);
      overflow = true;
    }
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.suppressed++;
      bucket.lastAt = now;
      sample(bucket.paths, input.details?.path);
      sample(bucket.subjectIds, input.subjectId);
      if ((input.subjectId ?? null) !== (bucket.base.subjectId ?? null)) bucket.sameSubject = false;
      return null;
    }
    const base: AuditInput = overflow
      ? { ...input, actorId: null, actorOrganizationId: null, subjectId: null, ip: null }
      : { ...input };
    this.buckets.set(key, {
      base,
      suppressed: 0,
      firstAt: now,
      lastAt: now,
      paths: new Set(),
      subjectIds: new Set(),
      sameSubject: true,
      overflow,
    });
    return overflow ? { ...input, details: { ...input.details, overflow: true } } : input;
  }

  /** Ends the window: one event per kind seen more than once, with how many times after the first. */
  drain(now: Date): AuditInput[] {
    const events: AuditInput[] = [];
    for (const b of this.buckets.values()) {
      if (b.suppressed === 0) continue;
      events.push({
        ...b.base,
        // The subject is named only when every occurrence had the same one.
        subjectId: b.sameSubject ? (b.base.subjectId ?? null) : null,
        requestId: null,
        details: {
          aggregated: true,
          count: b.suppressed,
          firstAt: b.firstAt.toISOString(),
          lastAt: b.lastAt.toISOString(),
          windowStart: this.windowStart.toISOString(),
          windowEnd: now.toISOString(),
          ...(b.paths.size ? { samplePaths: [...b.paths] } : {}),
          ...(b.sameSubject ? {} : { sampleSubjectIds: [...b.subjectIds] }),
          ...(b.overflow ? { overflow: true } : {}),
        },
      });
    }
    this.buckets = new Map();
    this.windowStart = now;
    return events;
  }
}

// The subject id is left out of the kind: anyone can make up a new one per request.
function kindOf(e: AuditInput, overflow: boolean): string {
  const who = overflow ? ['*', '*'] : [e.ip ?? null, e.actorId ?? null];
  return JSON.stringify([e.action, e.outcome, e.reason ?? null, e.subjectType ?? null, ...who]);
}

function sample(into: Set<string>, value: unknown): void {
  if (typeof value === 'string' && into.size < SAMPLES) into.add(value.slice(0, 200));
}
