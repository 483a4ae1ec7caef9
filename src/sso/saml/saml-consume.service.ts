import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { SessionService } from '../../auth/session.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../observability/metrics.service';
import { JitProvisioningService } from './jit-provisioning.service';
import { sameLoginState } from './login-state';
import { SAML_CACHE, SamlCache, SamlCacheKind } from './saml-cache';
import { SamlConnectionsService } from './saml-connections.service';
import { auditRefusal } from './saml-refusal';
import { SamlResponseValidator } from './saml-response.validator';
import { SamlServiceProvider } from './saml-service-provider';
import { safeReturnTo } from './saml-urls';
import { SamlErrorCode, SamlException } from './saml.exception';
import { LoginState, RequestMeta, SignedIn } from './saml.types';
import { SsoRepository } from './sso.repository';

/**
 * The assertion consumer: a response is validated by us, then by the library, checked
 * against replay and the browser that asked for it; then the user is provisioned and a
 * session opened. Every refusal and every success is audited with its precise reason.
 */
@Injectable()
export class SamlConsumeService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly connections: SamlConnectionsService,
    private readonly validator: SamlResponseValidator,
    private readonly provider: SamlServiceProvider,
    private readonly provisioning: JitProvisioningService,
    private readonly sessions: SessionService,
    private readonly repository: SsoRepository,
    @Inject(SAML_CACHE) private readonly cache: SamlCache,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /**
   * Every check, then a session. `browser` is the login state the posting browser holds: an
   * answer to our request is accepted only from the browser that started it.
   */
  async consume(
    connectionId: string,
    body: Record<string, unknown>,
    browser: string | undefined,
    meta: RequestMeta,
  ): Promise<SignedIn> {
    try {
      const { connection, organization } = await this.connections.load(connectionId, { active: true });
      const validated = this.validator.validate(connection, body.SAMLResponse);
      // Second opinion: the library must agree with us about the same message.
      const library = await this.provider.validateLoginResponse(
        this.connections.contextOf(connection, { withPrivateKey: false }),
        body.SAMLResponse as string,
      );
      if (library.nameId !== validated.nameId)
        throw new SamlException(SamlErrorCode.LIBRARY_REJECTED, { problem: 'NameID disagreement' });

      if (
        !(await this.cache.claim(
          SamlCacheKind.ASSERTION,
          connection.id,
          validated.assertionId,
          validated.replayableUntil,
        ))
      ) {
        throw new SamlException(SamlErrorCode.ASSERTION_REPLAYED, { assertionId: validated.assertionId });
      }
      let state: LoginState;
      if (validated.inResponseTo) {
        // Taken from this connection's requests only: a request made through another connection is unknown here.
        const stored = await this.cache.take(SamlCacheKind.REQUEST, connection.id, validated.inResponseTo);
        if (stored === null)
          throw new SamlException(SamlErrorCode.IN_RESPONSE_TO_UNKNOWN, { inResponseTo: validated.inResponseTo });
        state = JSON.parse(stored) as LoginState;
        // Login CSRF: someone else's answer (or one posted by a page elsewhere) has no or another browser's state.
        if (!sameLoginState(state.browser, browser)) {
          throw new SamlException(SamlErrorCode.LOGIN_STATE_MISMATCH, {
            loginState: browser === undefined ? 'missing' : 'other_browser',
          });
        }
        // Checked again on the way out: a request stored before a stricter rule is held to it too.
        state.returnTo = safeReturnTo(this.config, state.returnTo);
      } else {
        if (!connection.allowIdpInitiated) throw new SamlException(SamlErrorCode.UNSOLICITED_RESPONSE);
        state = { returnTo: safeReturnTo(this.config, body.RelayState) };
      }

      const signedIn = await this.repository.transaction(async (manager) => {
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
          user: {
            id: provisioned.user.id,
            email: provisioned.user.email,
            displayName: provisioned.user.displayName,
            organizationId: provisioned.user.organizationId,
          },
          returnTo: state.returnTo,
          created: provisioned.created,
        };
      });
      this.metrics?.countSignIn('success', validated.inResponseTo ? 'sp_initiated' : 'idp_initiated');
      // Outside the transaction: on PGlite the one connection is the transaction's until it ends.
      return {
        ...signedIn,
        pendingInvitations: await this.repository.pendingInvitations(signedIn.user, this.clock.now()),
      };
    } catch (error) {
      this.metrics?.countSignIn('refused', error instanceof SamlException ? error.reason : 'unexpected_error');
      await auditRefusal(this.audit, 'auth.login', connectionId, error, meta);
      throw error;
    }
  }
}
