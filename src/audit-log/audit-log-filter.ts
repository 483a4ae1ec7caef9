import { isUuid } from '../common/ids';
import { AuditLogErrorCode, AuditLogException } from './audit-log.exception';

/** An event's outcome, as the filter and the answers name it. */
export enum AuditDecision {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
  DENIED = 'DENIED',
}

/** What a list or an export of the audit log is narrowed to; every field is optional. */
export interface AuditLogFilter {
  /** Events by this person. */
  actor?: string;
  /** Events about this organisation (its people acting, or its people and objects acted on). */
  organization?: string;
  /** Events concerning this space. */
  space?: string;
  /** This action exactly, e.g. `auth.login`. */
  action?: string;
  decision?: AuditDecision;
  /** From this instant (included). */
  from?: Date;
  /** Up to this instant (excluded). */
  to?: Date;
}

export const FILTER_KEYS = ['actor', 'organization', 'space', 'action', 'decision', 'from', 'to'] as const;
const MAX_ACTION_LENGTH = 100;

const invalid = (field: string, message: string) =>
  new AuditLogException(AuditLogErrorCode.INVALID_FILTER, `${field}: ${message}`, { field });

/**
 * Checks a filter given as text (a query string, command-line flags) or already typed
 * (GraphQL): ids are UUIDs, instants ISO 8601, `from` before `to`. Unknown keys are refused.
 */
export function parseAuditLogFilter(raw: Record<string, unknown>): AuditLogFilter {
  const filter: AuditLogFilter = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw invalid(key, 'not a filter of the audit log');
    if (typeof value !== 'string' && !(value instanceof Date)) throw invalid(key, 'give one value');
    switch (key as (typeof FILTER_KEYS)[number]) {
      case 'actor':
      case 'organization':
      case 'space':
        if (typeof value !== 'string' || !isUuid(value)) throw invalid(key, 'not an id');
        filter[key as 'actor'] = value.toLowerCase();
        break;
      case 'action':
        if (typeof value !== 'string' || value === '' || value.length > MAX_ACTION_LENGTH)
          throw invalid(key, `1 to ${MAX_ACTION_LENGTH} characters`);
        filter.action = value;
        break;
      case 'decision':
        if (typeof value !== 'string' || !(value in AuditDecision))
          throw invalid(key, `one of ${Object.keys(AuditDecision).join(', ')}`);
        filter.decision = value as AuditDecision;
        break;
      case 'from':
      case 'to': {
        const at = value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : null;
        if (!at || Number.isNaN(at.getTime())) throw invalid(key, 'not an ISO 8601 instant');
        filter[key as 'from'] = at;
        break;
      }
    }
  }
  if (filter.from && filter.to && filter.from >= filter.to) throw invalid('from', 'must be before to');
  return filter;
}

/** The filter as it is recorded in an audit event's details. */
export function describeFilter(filter: AuditLogFilter): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
  );
}
