import { createHash } from 'node:crypto';

/** The fields an event's hash covers, in a fixed order. */
export interface ChainedFields {
  seq: number;
  id: string;
  occurredAt: Date;
  action: string;
  outcome: string;
  actorId: string | null;
  actorOrganizationId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  prevHash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over a canonical JSON of the event and the previous hash. */
export function hashEvent(e: ChainedFields): string {
  const canonical = canonicalJson([
    e.seq,
    e.id,
    e.occurredAt.toISOString(),
    e.action,
    e.outcome,
    e.actorId,
    e.actorOrganizationId,
    e.subjectType,
    e.subjectId,
    e.reason,
    e.details,
    e.requestId,
    e.ip,
    e.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted, so that jsonb round trips hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
