import { inflateRawSync } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { SessionService } from '../../auth/session.service';
import { Clock } from '../../common/clock';
import { ConnectionStatus } from '../../common/domain.enums';
import { AppConfig } from '../../config/app-config';
import { newMessageId } from './passport-saml.service-provider';
import { SAML_CACHE, SamlCache, SamlCacheKind } from './saml-cache';
import { SamlConnectionsService } from './saml-connections.service';
import { auditRefusal } from './saml-refusal';
import { InboundLogoutMessage, SamlServiceProvider } from './saml-service-provider';
import { attr, decodeSamlMessage, parseXmlStrict } from './saml-xml';
import { SamlErrorCode, SamlException } from './saml.exception';
import { REQUEST_TTL_MS, RequestMeta } from './saml.types';
import { SsoRepository } from './sso.repository';

/** The way out, both directions: our logout (then the IdP's SLO) and the IdP's LogoutRequests and LogoutResponses. */
@Injectable()
export class SamlLogoutService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly connections: SamlConnectionsService,
    private readonly provider: SamlServiceProvider,
    private readonly sessions: SessionService,
    private readonly repository: SsoRepository,
    @Inject(SAML_CACHE) private readonly cache: SamlCache,
  ) {}

  /** Ends the session behind a cookie; returns where the browser goes next (the IdP's SLO when it has one). */
  async logout(
    cookieValue: string | undefined,
    meta: RequestMeta,
  ): Promise<{ loggedOut: boolean; logoutUrl: string | null }> {
    if (!cookieValue) return { loggedOut: false, logoutUrl: null };
    const session = await this.repository.unrevokedSessionOf(cookieValue);
    if (!session) return { loggedOut: false, logoutUrl: null };
    await this.sessions.revoke(session.id, 'logout');
    await this.audit.record({
      action: 'auth.logout',
      outcome: 'SUCCESS',
      actorId: session.userId,
      subjectType: 'Session',
      subjectId: session.id,
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
    });
    if (!session.connectionId || !session.nameId) return { loggedOut: true, logoutUrl: null };
    const connection = await this.repository.connection(session.connectionId);
    if (!connection?.sloUrl || connection.status !== ConnectionStatus.ACTIVE)
      return { loggedOut: true, logoutUrl: null };
    const requestId = newMessageId();
    await this.cache.remember(
      SamlCacheKind.LOGOUT,
      connection.id,
      requestId,
      'sent',
      new Date(this.clock.now().getTime() + REQUEST_TTL_MS),
    );
    const logoutUrl = await this.provider.logoutRequestUrl(
      this.connections.contextOf(connection),
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
  async singleLogout(
    connectionId: string,
    message: InboundLogoutMessage,
    meta: RequestMeta,
  ): Promise<{ redirectUrl: string; revoked: number }> {
    try {
      const { connection } = await this.connections.load(connectionId, { active: false });
      const ctx = this.connections.contextOf(connection);
      // Our own pre-checks (size, base64, no DTD, well-formed) and the Destination, which the library leaves unchecked.
      const root = this.logoutMessageRoot(message);
      const destination = attr(root, 'Destination');
      if (destination !== null && destination !== ctx.endpoints.sloUrl)
        throw new SamlException(SamlErrorCode.DESTINATION_MISMATCH, { destination });
      const parsed = await this.provider.validateLogoutMessage(ctx, message);
      if (parsed.kind === 'response') {
        await this.audit.record({
          action: 'auth.slo.response',
          outcome: 'SUCCESS',
          subjectType: 'IdpConnection',
          subjectId: connection.id,
          ip: meta.ip ?? null,
          requestId: meta.requestId ?? null,
        });
        return { redirectUrl: '/', revoked: 0 };
      }
      if (parsed.issuer !== connection.idpEntityId)
        throw new SamlException(SamlErrorCode.ISSUER_MISMATCH, { issuer: parsed.issuer });
      if (
        !parsed.id ||
        !(await this.cache.claim(
          SamlCacheKind.LOGOUT,
          connection.id,
          `in:${parsed.id}`,
          new Date(this.clock.now().getTime() + REQUEST_TTL_MS),
        ))
      ) {
        throw new SamlException(SamlErrorCode.ASSERTION_REPLAYED, { logoutRequestId: parsed.id });
      }
      const revoked = await this.repository.revokeFederatedSessions(
        this.clock.now(),
        connection.id,
        parsed.nameId,
        parsed.sessionIndex,
      );
      await this.audit.record({
        action: 'auth.slo',
        outcome: 'SUCCESS',
        subjectType: 'IdpConnection',
        subjectId: connection.id,
        details: { revokedSessions: revoked },
        ip: meta.ip ?? null,
        requestId: meta.requestId ?? null,
      });
      const redirectUrl = await this.provider.logoutResponseUrl(
        ctx,
        parsed.id,
        parsed.relayState,
        true,
        newMessageId(),
      );
      return { redirectUrl, revoked };
    } catch (error) {
      await auditRefusal(this.audit, 'auth.slo', connectionId, error, meta);
      throw error;
    }
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
          throw new SamlException(SamlErrorCode.NOT_XML, {
            problem: 'not a DEFLATE-encoded message within the size limit',
          });
        }
        return parseXmlStrict(xml).documentElement;
      }
    }
    throw new SamlException(SamlErrorCode.MISSING_SAML_RESPONSE);
  }
}
