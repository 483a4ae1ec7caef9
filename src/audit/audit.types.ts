// What an audit event records, as callers give it.

export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED';

export interface AuditInput {
  /** Dotted verb, e.g. `auth.login`, `authz.denied`, `token.mint`, `world.import`. */
  action: string;
  outcome: AuditOutcome;
  actorId?: string | null;
  actorOrganizationId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /** A precise, machine-readable reason, e.g. `signature_invalid`, `not_visible_or_missing`. */
  reason?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
  ip?: string | null;
}
