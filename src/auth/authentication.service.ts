import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { sha256Hex } from '../common/secrets';
import { SessionService } from './session.service';
import { sessionCookieOf } from './session-cookie';
import { AuthenticationException } from './authentication.exception';
import { Principal } from './principal';
import { PrincipalService } from './principal.service';
import { PrincipalCache, principalAt } from './principal-cache';
import { attachCheck, PrincipalCheck, pendingCheckOf, proveAlone } from './principal-check';
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
  private readonly cache = new PrincipalCache();

  constructor(
    private readonly sessions: SessionService,
    private readonly principals: PrincipalService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Attaches the caller's principal to the request, or refuses (UNAUTHENTICATED, audited).
   * A bearer token seen recently gets its cached principal with a pending PrincipalCheck:
   * `carried` says whether the request's statements will prove it (a GraphQL query served by
   * carried-check.ts); otherwise it is proven here, before anything else runs.
   */
  async authenticate(req: AuthenticatedRequest, carried?: () => boolean): Promise<void> {
    const principal = await this.identify(req);
    if (!principal) {
      const refusal = this.refusals.get(req) ?? { reason: 'no_credential' };
      return this.refuse(req, refusal.reason, refusal.userId);
    }
    const check = pendingCheckOf(principal);
    if (!check || check.carried) return;
    if (carried?.()) {
      check.carried = true;
      return;
    }
    await this.settle(req);
  }

  /**
   * Proves the request's cached principal current (one statement), or replaces it by the
   * caller's principal as it stands now, or refuses the request when its credential no longer
   * authenticates. Nothing to do for a principal that was not cached.
   */
  async settle(req: AuthenticatedRequest): Promise<void> {
    if (!(await this.proveCached(req))) await this.renew(req);
  }

  /** True once the request's principal is proven current (at once for one not cached); false when it is stale. */
  async proveCached(req: AuthenticatedRequest): Promise<boolean> {
    const check = req.principal ? pendingCheckOf(req.principal) : undefined;
    return !check || proveAlone(this.dataSource, check);
  }

  /**
   * The caller's principal loaded again from the database, whatever was cached (a statement
   * found the cached one stale), or an audited refusal.
   */
  async renew(req: AuthenticatedRequest): Promise<Principal> {
    req.principal = undefined;
    const refusal = await this.resolve(req, true);
    const principal = req.principal as Principal | undefined;
    if (refusal || !principal) return this.refuse(req, refusal?.reason ?? 'no_credential', refusal?.userId);
    return principal;
  }

  /**
   * Resolves the caller without refusing or auditing: the principal (also attached to the
   * request; from the cache, with a pending check, for a recently seen token), or null. The
   * rate limiter calls it before routing; a refusal is kept so that authenticate() later
   * audits it once without a second lookup.
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

  private async resolve(req: AuthenticatedRequest, fresh = false): Promise<Refusal | null> {
    const credential = this.credentialOf(req);
    if (!credential) return { reason: 'no_credential' };
    if (credential.kind === 'token') {
      const hash = sha256Hex(credential.value);
      const now = this.clock.now();
      const cached = fresh ? undefined : this.cache.get(hash, now.getTime());
      if (cached) {
        const principal = principalAt(cached.principal, now);
        attachCheck(principal, new PrincipalCheck(hash, now, cached.text));
        req.principal = principal;
        return null;
      }
      // The token and its user's principal in one statement.
      const found = await this.principals.loadByToken(hash, now);
      if (!found?.principal || found.text === null) {
        this.cache.delete(hash);
        return found
          ? { reason: 'user_or_organization_inactive', userId: found.userId }
          : { reason: 'token_invalid_expired_or_revoked' };
      }
      this.cache.set(hash, { principal: found.principal, text: found.text, loadedAt: now.getTime() });
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
