import { canonicalJson } from '../audit/audit-chain';
import { AuditEvent } from '../database/entities/audit-event.entity';
import { AuditDecision } from './audit-log-filter';

/**
 * How much of an event a reader sees. Overseers (HOST_ADMIN, SECURITY_REVIEWER) and the
 * command line see every field. A partner admin sees the events about their organisation's
 * people, and of each: action, decision, reason and time; the actor (with address and
 * request) only when the actor is one of their people; the subject only when it belongs to
 * their organisation; the space only when they see it themselves; never the details (they
 * may name other organisations' people or spaces) nor the hashes.
 */
export type AuditLogView =
  { full: true } | { full: false; organizationId: string; seesSpace: (spaceId: string) => boolean };

/** An event as one reader may see it: withheld fields are null and named in `withheld`. */
export interface AuditEventRecord {
  seq: string;
  id: string;
  occurredAt: Date;
  action: string;
  decision: AuditDecision;
  reason: string | null;
  actorId: string | null;
  actorOrganizationId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  subjectOrganizationId: string | null;
  spaceId: string | null;
  /** The details as canonical JSON. */
  details: string | null;
  ip: string | null;
  requestId: string | null;
  prevHash: string | null;
  hash: string | null;
  withheld: string[];
}

/** A stored event, its details parsed (an entity) or as the database wrote them (the export). */
export type StoredEvent = Omit<AuditEvent, 'seq' | 'details'> & {
  seq: number | string;
  details: Record<string, unknown> | string;
};

export function presentEvent(e: StoredEvent, view: AuditLogView): AuditEventRecord {
  const all: AuditEventRecord = {
    seq: String(e.seq),
    id: e.id,
    occurredAt: e.occurredAt,
    action: e.action,
    decision: e.outcome as AuditDecision,
    reason: e.reason,
    actorId: e.actorId,
    actorOrganizationId: e.actorOrganizationId,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    subjectOrganizationId: e.subjectOrganizationId ?? null,
    spaceId: e.spaceId ?? null,
    details: typeof e.details === 'string' ? e.details : canonicalJson(e.details ?? {}),
    ip: e.ip,
    requestId: e.requestId,
    prevHash: e.prevHash,
    hash: e.hash,
    withheld: [],
  };
  if (view.full) return all;
  const own = view.organizationId;
  const withheld: string[] = [];
  const hide = <K extends keyof AuditEventRecord>(keys: K[]) => {
    for (const k of keys) {
      if (all[k] !== null) withheld.push(k);
      (all[k] as unknown) = null;
    }
  };
  if (e.actorOrganizationId !== own) hide(['actorId', 'actorOrganizationId', 'ip', 'requestId']);
  if (e.subjectOrganizationId !== own) hide(['subjectType', 'subjectId', 'subjectOrganizationId']);
  if (!e.spaceId || !view.seesSpace(e.spaceId)) hide(['spaceId']);
  hide(['details', 'prevHash', 'hash']);
  all.withheld = withheld;
  return all;
}

/** The columns of an export, in order. */
export const EXPORT_COLUMNS = [
  'seq',
  'id',
  'occurredAt',
  'action',
  'decision',
  'reason',
  'actorId',
  'actorOrganizationId',
  'subjectType',
  'subjectId',
  'subjectOrganizationId',
  'spaceId',
  'details',
  'ip',
  'requestId',
  'prevHash',
  'hash',
  'withheld',
] as const;

/** One JSON Lines line (a record's keys are in the order of EXPORT_COLUMNS). */
export function jsonLine(r: AuditEventRecord): string {
  return `${JSON.stringify(r)}\n`;
}

/** The CSV header line. */
export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

/** One CSV line (RFC 4180), every cell safe to open in a spreadsheet. */
export function csvLine(r: AuditEventRecord): string {
  return `${EXPORT_COLUMNS.map((c) => {
    const v = r[c];
    if (v === null) return '';
    if (v instanceof Date) return csvCell(v.toISOString());
    if (Array.isArray(v)) return csvCell(v.join(' '));
    return csvCell(String(v));
  }).join(',')}\r\n`;
}

/**
 * A cell a spreadsheet reads as text: one starting with =, +, -, @, a tab or a carriage
 * return would be read as a formula, so it gets a leading apostrophe; then quoted when it
 * holds a comma, a quote or a line break, quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
