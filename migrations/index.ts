import { createHash } from 'node:crypto';
import { InitialSchema1764190000000 } from './1764190000000-initial-schema';
import { IdpConnectionKeys1764300000000 } from './1764300000000-idp-connection-keys';
import { PartnerRolesOutsideHost1764400000000 } from './1764400000000-partner-roles-outside-host';
import { WritePath1764500000000 } from './1764500000000-write-path';
import { InvitationAnswers1764530000000 } from './1764530000000-invitation-answers';
import { Conversations1764600000000 } from './1764600000000-conversations';
import { RiskRevisionOrder1764612345000 } from './1764612345000-risk-revision-order';
import { Recertification1764700000000 } from './1764700000000-recertification';
import { AuditAnchors1764710000000 } from './1764710000000-audit-anchors';
import { TokenPrincipal1764720000000 } from './1764720000000-token-principal';

// Every migration, in order. Listed by hand so the build, the CLI and the tests load the same set.
export const MIGRATIONS: Function[] = [
  InitialSchema1764190000000,
  IdpConnectionKeys1764300000000,
  PartnerRolesOutsideHost1764400000000,
  WritePath1764500000000,
  InvitationAnswers1764530000000,
  Conversations1764600000000,
  RiskRevisionOrder1764612345000,
  Recertification1764700000000,
  AuditAnchors1764710000000,
  TokenPrincipal1764720000000,
];

/**
 * A digest of every migration's name and code: what names a migrated template (the tests'
 * PostgreSQL template database, the embedded template tarball), so that editing a migration
 * in place, or adding one, makes a new template instead of reusing a stale one. Whole-line
 * comments are left out, so that the build (which drops them) and ts-jest (which keeps them)
 * name the same template; any other difference only costs a second template, never a stale one.
 */
export function migrationsFingerprint(): string {
  const digest = createHash('sha256');
  for (const migration of MIGRATIONS) {
    const code = String(migration)
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('//'))
      .join('\n');
    digest.update(migration.name).update('\0').update(code).update('\0');
  }
  return digest.digest('hex').slice(0, 16);
}
