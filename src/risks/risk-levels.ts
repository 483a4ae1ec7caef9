import { registerEnumType } from '@nestjs/graphql';

/** Where a risk stands. Only OPEN ones of impact >= 3 drive the space (grants, four eyes, directory). */
export enum RiskStatus {
  OPEN = 'OPEN',
  MITIGATED = 'MITIGATED',
  CLOSED = 'CLOSED',
}

registerEnumType(RiskStatus, {
  name: 'RiskStatus',
  description:
    'OPEN drives the space while its impact is 3 or more; MITIGATED and CLOSED do not. CLOSED leaves the matrix.',
});

/** The impact from which an OPEN risk drives the space (DESIGN 1). */
export const CRITICAL_IMPACT = 3;

/** Probability and impact 0-4 are named like the labels, in French (issue 9, item 6). */
export const LEVEL_NAMES_FR: readonly string[] = ['non significatif', 'faible', 'sensible', 'critique', 'stratégique'];

export function levelName(level: number): string {
  const name = LEVEL_NAMES_FR[level];
  if (name === undefined) throw new Error(`no level ${level}`);
  return name;
}

/** An OPEN risk of impact >= 3: while one stands, the space's externals are restricted. */
export function isCritical(entry: { status: string; impact: number }): boolean {
  return entry.status === RiskStatus.OPEN && entry.impact >= CRITICAL_IMPACT;
}
