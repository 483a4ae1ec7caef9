import { MembershipStatus, OrganizationStatus, UserStatus } from '../common/domain.enums';

// "Counts", "effective clearance" and "active membership", each in SQL and in memory side by
// side: every reader of these facts (principal loading, the rule-to-SQL schema, the in-memory
// facts, sign-in, the command line) goes through here, and membership-rules.spec.ts holds the
// two faces to the same answers. SQL faces take the aliases of rows already in scope.

/** Expiry of a membership without one: after every instant, as PostgreSQL's 'infinity'. */
export const NEVER_EXPIRES = new Date(8_640_000_000_000_000);

/** A user counts while ACTIVE in an ACTIVE organisation; one who does not count is invisible and cannot sign in. */
export function userCounts(user: { status: string }, organization: { status: string } | null | undefined): boolean {
  return user.status === UserStatus.ACTIVE && organization?.status === OrganizationStatus.ACTIVE;
}

export function userCountsSql(user: string, organization: string): string {
  return `(${user}."status" = '${UserStatus.ACTIVE}' AND ${organization}."status" = '${OrganizationStatus.ACTIVE}')`;
}

/** A user's clearance, capped by their organisation's (0 without an organisation). */
export function effectiveClearance(
  user: { clearance: number },
  organization: { clearanceCap: number } | null | undefined,
): number {
  return Math.min(user.clearance, organization?.clearanceCap ?? 0);
}

export function effectiveClearanceSql(user: string, organization: string): string {
  return `LEAST(${user}."clearance", ${organization}."clearance_cap")`;
}

/** The instant a membership stops being active: its expiry, or never. */
export function membershipActiveUntil(membership: { expiresAt: Date | null }): Date {
  return membership.expiresAt ?? NEVER_EXPIRES;
}

export function membershipActiveUntilSql(membership: string): string {
  return `COALESCE(${membership}."expires_at", 'infinity'::timestamptz)`;
}

/** A membership is active while ACTIVE and not expired: expired from the instant now >= expiresAt. */
export function membershipActive(membership: { status: string; expiresAt: Date | null }, now: Date): boolean {
  return membership.status === MembershipStatus.ACTIVE && membershipActiveUntil(membership).getTime() > now.getTime();
}

/** `now` is a SQL expression (usually a bound parameter such as `$2`). */
export function membershipActiveSql(membership: string, now: string): string {
  return `(${membership}."status" = '${MembershipStatus.ACTIVE}' AND ${membershipActiveUntilSql(membership)} > ${now})`;
}

/** A member is cleared for a space when their effective clearance reaches its classification. */
export function clearedFor(clearance: number, space: { classification: number } | null | undefined): boolean {
  return space !== null && space !== undefined && clearance >= space.classification;
}

export function clearedForSql(clearanceSql: string, space: string): string {
  return `(${clearanceSql} >= ${space}."classification")`;
}
