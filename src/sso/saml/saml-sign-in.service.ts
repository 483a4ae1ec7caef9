import { inflateRawSync } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { ConnectionStatus, InvitationStatus, OrganizationStatus } from '../../common/domain.enums';
import { AuditService } from '../../audit/audit.service';
import { Organization } from '../../database/entities/organization.entity';
import { User } from '../../database/entities/user.entity';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { decryptSecret, sha256Hex } from '../../common/secrets';
import { isUuid } from '../../common/ids';
import { Session } from '../../database/entities/session.entity';
import { SessionService } from '../../auth/session.service';
import { userCounts } from '../../auth/membership-rules';
import { JitProvisioningService } from './jit-provisioning.service';
import { loginStateHash, sameLoginState } from './login-state';
import { newMessageId } from './passport-saml.service-provider';
import { SAML_CACHE, SamlCache, SamlCacheKind } from './saml-cache';
import { SamlResponseValidator } from './saml-response.validator';
import { InboundLogoutMessage, LoginRequestMessage, SamlServiceProvider, SpContext } from './saml-service-provider';
import { safeReturnTo, spEndpoints } from './saml-urls';
import { attr, decodeSamlMessage, parseXmlStrict } from './saml-xml';
import { SamlErrorCode, SamlException } from './saml.exception';

/** How long an AuthnRequest may wait for its answer. */
export const REQUEST_TTL_MS = 15 * 60_000;

export interface RequestMeta {
  ip?: string | null;
  requestId?: string | null;
}

export interface PendingInvitation {
  id: string;
  spaceId: string;
  spaceName: string;
  role: string;
  expiresAt: Date;
}

export interface SignedIn {
  cookieValue: string;
  sessionId: string;
  user: { id: string; email: string; displayName: string; organizationId: string };
  returnTo: string;
  created: boolean;
  pendingInvitations: PendingInvitation[];
}

interface LoginState {
  returnTo: string;
  /** The hash of the browser's login state cookie (login-state.ts). */
  browser?: string;
}

/**
 * The SAML conversation of every connection: AuthnRequests out, responses in (validated by
 * us, then by the library), caches, provisioning, sessions, logout and SLO. Every refusal
 * and every success is audited with its precise reason.
 */
@Injectable()
export class SamlSignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly validator: SamlResponseValidator,
    private readonly provider: SamlServiceProvider,
    private readonly provisioning: JitProvisioningService,
    @Inject(SAML_CACHE) private readonly cache: SamlCache,
  ) {}

  async metadata(connectionId: string): Promise<string> {
    const { connection } = await this.load(connectionId, { active: false });
    return this.provider.metadata(this.contextOf(connection));
  }

  /**
   * Starts an SP-initiated sign-in; the return path and the hash of the browser's login
   * state are kept server-side with the request ID.
   */
  async startLogin(connectionId: string, returnTo: unknown, browser: string, meta: RequestMeta): Promise<LoginRequestMessage> {
    try {
      const { connection } = await this.load(connectionId, { active: true });
      const requestId = newMessageId();
      const state: LoginState = { returnTo: safeReturnTo(this.config, returnTo), browser: loginStateHash(browser) };
      await this.cache.remember(SamlCacheKind.REQUEST, connection.id, requestId, JSON.stringify(state), new Date(this.clock.now().getTime() + REQUEST_TTL_MS));
      return await this.provider.loginRequest(this.contextOf(connection), requestId);
    } catch (error) {
      await this.refused('auth.login.start', connectionId, error, meta);
      throw error;
    }
  }

  /**
   * The assertion consumer: every check, then a session. `browser` is the login state the
   * posting browser holds: an answer to our request is accepted only from the browser that
   * started it.
   */
  async consume(connectionId: string, body: Record<string, unknown>, browser: string | undefined, meta: RequestMeta): Promise<SignedIn> {
    try {
      const { connection, organization } = await this.load(connectionId, { active: true });
      const validated = this.validator.validate(connection, body.SAMLResponse);
      // Second opinion: the library must agree with us about the same message.
      const library = await this.provider.validateLoginResponse(this.contextOf(connection), body.SAMLResponse as string);
      if (library.nameId !== validated.nameId) throw new SamlException(SamlErrorCode.LIBRARY_REJECTED, { problem: 'NameID disagreement' });

      if (!(await this.cache.claim(SamlCacheKind.ASSERTION, connection.id, validated.assertionId, validated.replayableUntil))) {
        throw new SamlException(SamlErrorCode.ASSERTION_REPLAYED, { assertionId: validated.assertionId });
      }
      let state: LoginState;
      if (validated.inResponseTo) {
        // Taken from this connection's requests only: a request made through another connection is unknown here.
        const stored = await this.cache.take(SamlCacheKind.REQUEST, connection.id, validated.inResponseTo);
        if (stored === null) throw new SamlException(SamlErrorCode.IN_RESPONSE_TO_UNKNOWN, { inResponseTo: validated.inResponseTo });
        state = JSON.parse(stored) as LoginState;
        // Login CSRF: someone else's answer (or one posted by a page elsewhere) has no or another browser's state.
        if (!sameLoginState(state.browser, browser)) {
          throw new SamlException(SamlErrorCode.LOGIN_STATE_MISMATCH, { loginState: browser === undefined ? 'missing' : 'other_browser' });
        }
        // Checked again on the way out: a request stored before a stricter rule is held to it too.
        state.returnTo = safeReturnTo(this.config, state.returnTo);
      } else {
        if (!connection.allowIdpInitiated) throw new SamlException(SamlErrorCode.UNSOLICITED_RESPONSE);
        state = { returnTo: safeReturnTo(this.config, body.RelayState) };
      }

      const signedIn = await this.dataSource.transaction(async (manager) => {
        const provisioned = await this.provisioning.provision(manager, connection, organization, validated);
        const { session, cookieValue } = await this.sessions.create(
          provisioned.user.id,
          { connectionId: connection.id, nameId: validated.nameId, sessionIndex: validated.sessionIndex },
          manager,
        );
        await this.audit.record(
          {
            action: 'auth.login',
            outcome: 'SUCCESS',
            actorId: provisioned.user.id,
            actorOrganizationId: provisioned.user.organizationId,
            subjectType: 'IdpConnection',
            subjectId: connection.id,
            reason: validated.inResponseTo ? 'sp_initiated' : 'idp_initiated',
            details: {
              sessionId: session.id,
              assertionId: validated.assertionId,
              userCreated: provisioned.created,
              rolesChanged: provisioned.rolesChanged,
              signed: validated.signed,
            },
            ip: meta.ip ?? null,
            requestId: meta.requestId ?? null,
          },
          manager,
        );
        return {
          cookieValue,
          sessionId: session.id,
          user: { id: provisioned.user.id, email: provisioned.user.email, displayName: provisioned.user.displayName, organizationId: provisioned.user.organizationId },
          returnTo: state.returnTo,
          created: provisioned.created,
        };
      });
      // Outside the transaction: on PGlite the one connection is the transaction's until it ends.
      return { ...signedIn, pendingInvitations: await this.pendingInvitations(signedIn.user.email) };
    } catch (error) {
      await this.refused('auth.login', connectionId, error, meta);
      throw error;
    }
  }

  /** Home-realm discovery: the active connections that may assert the email's domain. */
  async discover(email: unknown): Promise<{ id: string; name: string; loginUrl: string }[]> {
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) || email.length > 320) {
      throw new SamlException(SamlErrorCode.INVALID_EMAIL);
    }
    const domain = email.trim().toLowerCase().split('@')[1];
    const rows: { id: string; name: string }[] = await this.dataSource.query(
      `SELECT c.id, c.name FROM idp_connections c JOIN organizations o ON o.id = c.organization_id
        WHERE c.status = 'ACTIVE' AND o.status = 'ACTIVE' AND $1 = ANY(c.allowed_domains) AND $1 = ANY(o.domains)
        ORDER BY c.created_at, c.id`,
      [domain],
    );
    if (rows.length === 0) throw new SamlException(SamlErrorCode.DISCOVERY_NO_MATCH, { domain });
    return rows.map((r) => ({ id: r.id, name: r.name, loginUrl: spEndpoints(this.config, r.id).loginUrl }));
  }

  /** Ends the session behind a cookie; returns where the browser goes next (the IdP's SLO when it has one). */
  async logout(cookieValue: string | undefined, meta: RequestMeta): Promise<{ loggedOut: boolean; logoutUrl: string | null }> {
    if (!cookieValue) return { loggedOut: false, logoutUrl: null };
    const session = await this.dataSource.getRepository(Session).findOne({ where: { secretHash: sha256Hex(cookieValue), revokedAt: IsNull() } });
    if (!session) return { loggedOut: false, logoutUrl: null };
    await this.sessions.revoke(session.id, 'logout');
    await this.audit.record({ action: 'auth.logout', outcome: 'SUCCESS', actorId: session.userId, subjectType: 'Session', subjectId: session.id, ip: meta.ip ?? null, requestId: meta.requestId ?? null });
    if (!session.connectionId || !session.nameId) return { loggedOut: true, logoutUrl: null };
    const connection = await this.dataSource.getRepository(IdpConnection).findOne({ where: { id: session.connectionId } });
    if (!connection?.sloUrl || connection.status !== ConnectionStatus.ACTIVE) return { loggedOut: true, logoutUrl: null };
    const requestId = newMessageId();
    await this.cache.remember(SamlCacheKind.LOGOUT, connection.id, requestId, 'sent', new Date(this.clock.now().getTime() + REQUEST_TTL_MS));
    const logoutUrl = await this.provider.logoutRequestUrl(
      this.contextOf(connection),
      { nameId: session.nameId, nameIdFormat: null, sessionIndex: session.sessionIndex },
      requestId,
    );
    return { loggedOut: true, logoutUrl };
  }

  /**
   * SAML Single Logout endpoint: a LogoutRequest from the IdP ends the matching sessions of
   * this connection and is answered with a signed LogoutResponse; a LogoutResponse closes
   * a logout we started.
   */
  async singleLogout(connectionId: string, message: InboundLogoutMessage, meta: RequestMeta): Promise<{ redirectUrl: string; revoked: number }> {
    try {
      const { connection } = await this.load(connectionId, { active: false });
      const ctx = this.contextOf(connection);
      // Our own pre-checks (size, base64, no DTD, well-formed) and the Destination, which the library leaves unchecked.
      const root = this.logoutMessageRoot(message);
      const destination = attr(root, 'Destination');
      if (destination !== null && destination !== ctx.endpoints.sloUrl) throw new SamlException(SamlErrorCode.DESTINATION_MISMATCH, { destination });
      const parsed = await this.provider.validateLogoutMessage(ctx, message);
      if (parsed.kind === 'response') {
        await this.audit.record({ action: 'auth.slo.response', outcome: 'SUCCESS', subjectType: 'IdpConnection', subjectId: connection.id, ip: meta.ip ?? null, requestId: meta.requestId ?? null });
        return { redirectUrl: '/', revoked: 0 };
      }
      if (parsed.issuer !== connection.idpEntityId) throw new SamlException(SamlErrorCode.ISSUER_MISMATCH, { issuer: parsed.issuer });
      if (!parsed.id || !(await this.cache.claim(SamlCacheKind.LOGOUT, connection.id, `in:${parsed.id}`, new Date(this.clock.now().getTime() + REQUEST_TTL_MS)))) {
        throw new SamlException(SamlErrorCode.ASSERTION_REPLAYED, { logoutRequestId: parsed.id });
      }
      const revoked = await this.revokeFederatedSessions(connection.id, parsed.nameId, parsed.sessionIndex);
      await this.audit.record({
        action: 'auth.slo',
        outcome: 'SUCCESS',
        subjectType: 'IdpConnection',
        subjectId: connection.id,
        details: { revokedSessions: revoked },
        ip: meta.ip ?? null,
        requestId: meta.requestId ?? null,
      });
      const redirectUrl = await this.provider.logoutResponseUrl(ctx, parsed.id, parsed.relayState, true, newMessageId());
      return { redirectUrl, revoked };
    } catch (error) {
      await this.refused('auth.slo', connectionId, error, meta);
      throw error;
    }
  }

  /** The user and pending invitations behind a session cookie (for the page shown after sign-in). */
  async whoAmI(cookieValue: string | undefined): Promise<{ user: SignedIn['user']; pendingInvitations: PendingInvitation[] } | null> {
    if (!cookieValue) return null;
    const session = await this.sessions.resolve(cookieValue);
    if (!session) return null;
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: session.userId }, relations: { organization: true } });
    if (!user || !userCounts(user, user.organization)) return null;
    return {
      user: { id: user.id, email: user.email, displayName: user.displayName, organizationId: user.organizationId },
      pendingInvitations: await this.pendingInvitations(user.email),
    };
  }

  /** Loads a connection named in a path and re-checks it may be used now. */
  async load(connectionId: string, options: { active: boolean }): Promise<{ connection: IdpConnection; organization: Organization }> {
    if (!isUuid(connectionId)) throw new SamlException(SamlErrorCode.CONNECTION_NOT_FOUND);
    const connection = await this.dataSource.getRepository(IdpConnection).findOne({ where: { id: connectionId }, relations: { organization: true } });
    if (!connection || !connection.organization) throw new SamlException(SamlErrorCode.CONNECTION_NOT_FOUND);
    if (options.active) {
      if (connection.status !== ConnectionStatus.ACTIVE) throw new SamlException(SamlErrorCode.CONNECTION_DISABLED);
      if (connection.organization.status !== OrganizationStatus.ACTIVE) throw new SamlException(SamlErrorCode.ORGANIZATION_SUSPENDED);
    }
    return { connection, organization: connection.organization };
  }

  contextOf(connection: IdpConnection): SpContext {
    return {
      connection,
      endpoints: spEndpoints(this.config, connection.id),
      spPrivateKey: connection.spPrivateKey ? decryptSecret(this.config.secretKey, connection.spPrivateKey) : null,
    };
  }

  private logoutMessageRoot(message: InboundLogoutMessage): Element {
    const max = this.config.samlMaxBodyBytes;
    for (const source of [message.body, message.query]) {
      for (const key of ['SAMLRequest', 'SAMLResponse']) {
        const value = source[key];
        if (typeof value !== 'string') continue;
        if (source === message.body) return decodeSamlMessage(value, max).doc.documentElement;
        // Redirect binding: DEFLATE, bounded on the way out.
        let xml: string;
        try {
          xml = inflateRawSync(Buffer.from(value, 'base64'), { maxOutputLength: max }).toString('utf8');
        } catch {
          throw new SamlException(SamlErrorCode.NOT_XML, { problem: 'not a DEFLATE-encoded message within the size limit' });
        }
        return parseXmlStrict(xml).documentElement;
      }
    }
    throw new SamlException(SamlErrorCode.MISSING_SAML_RESPONSE);
  }

  private async revokeFederatedSessions(connectionId: string, nameId: string, sessionIndex: string | null): Promise<number> {
    const params: unknown[] = [this.clock.now(), connectionId, nameId];
    let sql = `UPDATE sessions SET revoked_at = $1, revoked_reason = 'saml_slo' WHERE revoked_at IS NULL AND connection_id = $2 AND name_id = $3`;
    if (sessionIndex) {
      params.push(sessionIndex);
      sql += ` AND session_index = $4`;
    }
    const result: unknown = await this.dataSource.query(`${sql} RETURNING id`, params);
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : [];
    return rows.length;
  }

  private async pendingInvitations(email: string): Promise<PendingInvitation[]> {
    const rows: { id: string; space_id: string; space_name: string; role: string; expires_at: Date }[] = await this.dataSource.query(
      `SELECT i.id, i.space_id, s.name AS space_name, i.role, i.expires_at
         FROM invitations i JOIN spaces s ON s.id = i.space_id
        WHERE i.email = $1 AND i.status = $2 AND i.expires_at > $3
        ORDER BY i.created_at, i.id`,
      [email, InvitationStatus.PENDING, this.clock.now()],
    );
    return rows.map((r) => ({ id: r.id, spaceId: r.space_id, spaceName: r.space_name, role: r.role, expiresAt: new Date(r.expires_at) }));
  }

  /** Audits a refusal with its reason; an unexpected error too, as `unexpected_error` (the log has the rest). */
  private async refused(action: string, connectionId: string, error: unknown, meta: RequestMeta): Promise<void> {
    const known = error instanceof SamlException;
    await this.audit.recordQuietly({
      action,
      outcome: 'FAILURE',
      subjectType: 'IdpConnection',
      subjectId: isUuid(connectionId) ? connectionId : null,
      reason: known ? error.reason : 'unexpected_error',
      details: known ? { code: error.code, ...error.details } : { error: (error as Error)?.name ?? typeof error },
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
    });
  }
}
