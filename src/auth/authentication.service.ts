import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { sha256Hex } from '../common/secrets';
import { SessionService } from './session.service';
import { sessionCookieOf } from './session-cookie';
import { AuthenticationException } from './authentication.exception';
import { Principal } from './principal';
import { PrincipalService } from './principal.service';
import { AuthenticatedRequest } from './request-context';

interface Refusal {
  reason: string;
  userId?: string;
}

/**
 * Resolves the caller of a request from a bearer token or the session cookie, once per
 * request. Anything else (no credential, unknown, expired, revoked, or a user who no
 * longer counts) is UNAUTHENTICATED and audited with its precise reason.
 */
@Injectable()
export class AuthenticationService {
  private readonly refusals = new WeakMap<AuthenticatedRequest, Refusal>();

  constructor(
    private readonly sessions: SessionService,
    private readonly principals: PrincipalService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async authenticate(req: AuthenticatedRequest): Promise<void> {
    if (await this.identify(req)) return;
    const refusal = this.refusals.get(req) ?? { reason: 'no_credential' };
    return this.refuse(req, refusal.reason, refusal.userId);
  }

  /**
   * Resolves the caller without refusing or auditing: the principal (also attached to the
   * request), or null. The rate limiter calls it before routing; a refusal is kept so that
   * authenticate() later audits it once without a second lookup.
   */
  async identify(req: AuthenticatedRequest): Promise<Principal | null> {
    if (req.principal) return req.principal;
    if (this.refusals.has(req)) return null;
    const refusal = await this.resolve(req);
    if (refusal) {
      this.refusals.set(req, refusal);
      return null;
    }
    return req.principal ?? null;
  }

  private async resolve(req: AuthenticatedRequest): Promise<Refusal | null> {
    const credential = this.credentialOf(req);
    if (!credential) return { reason: 'no_credential' };
    if (credential.kind === 'token') {
      // The token and its user's principal in one statement: every API call pays for it.
      const found = await this.principals.loadByToken(sha256Hex(credential.value), this.clock.now());
      if (!found) return { reason: 'token_invalid_expired_or_revoked' };
      if (!found.principal) return { reason: 'user_or_organization_inactive', userId: found.userId };
      req.principal = found.principal;
      return null;
    }
    const session = await this.sessions.resolve(credential.value);
    if (!session) return { reason: 'session_invalid_expired_or_revoked' };
    const principal = await this.principals.load(session.userId, this.clock.now(), { kind: 'session', id: session.id });
    if (!principal) return { reason: 'user_or_organization_inactive', userId: session.userId };
    req.principal = principal;
    return null;
  }

  private credentialOf(req: AuthenticatedRequest): { kind: 'token' | 'session'; value: string } | null {
    const header = req.headers.authorization;
    if (typeof header === 'string' && header.trim() !== '') {
      const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
      return { kind: 'token', value: m ? m[1] : '' };
    }
    const cookie = sessionCookieOf(req);
    return typeof cookie === 'string' && cookie !== '' ? { kind: 'session', value: cookie } : null;
  }

  private async refuse(req: AuthenticatedRequest, reason: string, userId?: string): Promise<never> {
    await this.audit.recordQuietly({
      action: 'auth.unauthenticated',
      outcome: 'DENIED',
      actorId: userId ?? null,
      reason,
      requestId: req.requestId ?? null,
      ip: req.ip ?? null,
      details: { path: req.path },
    });
    throw AuthenticationException.unauthenticated();
  }
}
