import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { loginStateHash } from './login-state';
import { newMessageId } from './passport-saml.service-provider';
import { SAML_CACHE, SamlCache, SamlCacheKind } from './saml-cache';
import { SamlConnectionsService } from './saml-connections.service';
import { auditRefusal } from './saml-refusal';
import { LoginRequestMessage, SamlServiceProvider } from './saml-service-provider';
import { safeReturnTo } from './saml-urls';
import { LoginState, REQUEST_TTL_MS, RequestMeta } from './saml.types';

/** The way in: the SP metadata of a connection and the AuthnRequests it sends. */
@Injectable()
export class SamlLoginService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly connections: SamlConnectionsService,
    private readonly provider: SamlServiceProvider,
    @Inject(SAML_CACHE) private readonly cache: SamlCache,
  ) {}

  async metadata(connectionId: string): Promise<string> {
    const { connection } = await this.connections.load(connectionId, { active: false });
    return this.provider.metadata(this.connections.contextOf(connection));
  }

  /**
   * Starts an SP-initiated sign-in; the return path and the hash of the browser's login
   * state are kept server-side with the request ID.
   */
  async startLogin(
    connectionId: string,
    returnTo: unknown,
    browser: string,
    meta: RequestMeta,
  ): Promise<LoginRequestMessage> {
    try {
      const { connection } = await this.connections.load(connectionId, { active: true });
      const requestId = newMessageId();
      const state: LoginState = { returnTo: safeReturnTo(this.config, returnTo), browser: loginStateHash(browser) };
      await this.cache.remember(
        SamlCacheKind.REQUEST,
        connection.id,
        requestId,
        JSON.stringify(state),
        new Date(this.clock.now().getTime() + REQUEST_TTL_MS),
      );
      return await this.provider.loginRequest(this.connections.contextOf(connection), requestId);
    } catch (error) {
      await auditRefusal(this.audit, 'auth.login.start', connectionId, error, meta);
      throw error;
    }
  }
}
