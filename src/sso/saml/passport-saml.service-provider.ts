import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SAML, SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import { MultiSamlStrategy, Profile, VerifiedCallback } from '@node-saml/passport-saml';
import { AppConfig } from '../../config/app-config';
import { SsoBinding } from '../../common/domain.enums';
import {
  InboundLogoutMessage,
  LibraryProfile,
  LoginRequestMessage,
  LogoutMessage,
  SamlServiceProvider,
  SamlSubject,
  SpContext,
} from './saml-service-provider';
import { SamlErrorCode, SamlException } from './saml.exception';

/** The request object passport-saml sees: ours carries the connection it is about. */
interface StrategyRequest {
  samlContext: SpContext;
  /** The ID the library must give the message it builds (request caches are ours). */
  samlMessageId: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  url: string;
  user?: unknown;
  res?: { send: (html: string) => void };
}

type StrategyOutcome =
  | { kind: 'success'; user: unknown }
  | { kind: 'redirect'; url: string }
  | { kind: 'form'; html: string }
  | { kind: 'fail'; info: unknown }
  | { kind: 'error'; error: Error };

/**
 * @node-saml/passport-saml's MultiSamlStrategy, with per-connection options looked up in
 * `getSamlOptions` from the connection the controller loaded and re-checked. Our own
 * validator runs first; this library then validates again (defence in depth). The request
 * and replay caches are ours (per connection, shared), so the library's stays off.
 */
@Injectable()
export class PassportSamlServiceProvider extends SamlServiceProvider {
  private readonly strategy: MultiSamlStrategy;
  /** Validating instances by connection id, with the options they were made from. */
  private readonly validators = new Map<string, { fingerprint: string; saml: SAML }>();

  constructor(private readonly config: AppConfig) {
    super();
    this.strategy = new MultiSamlStrategy(
      {
        passReqToCallback: false,
        getSamlOptions: (req, done) => {
          try {
            done(null, this.optionsFor(req as unknown as StrategyRequest));
          } catch (error) {
            done(error as Error);
          }
        },
      },
      (profile: Profile | null, done: VerifiedCallback) => done(null, profile as unknown as Record<string, unknown>),
      (profile: Profile | null, done: VerifiedCallback) => done(null, profile as unknown as Record<string, unknown>),
    );
  }

  /** The options of one connection: everything explicit, nothing left to library defaults that matter. */
  optionsFor(req: StrategyRequest): SamlConfig {
    const { connection, endpoints, spPrivateKey } = req.samlContext;
    const signing =
      spPrivateKey && connection.spCertificate
        ? { privateKey: spPrivateKey, publicCert: connection.spCertificate }
        : {};
    return {
      issuer: endpoints.entityId,
      audience: endpoints.entityId,
      callbackUrl: endpoints.acsUrl,
      logoutCallbackUrl: endpoints.sloUrl,
      entryPoint: connection.ssoUrl,
      authnRequestBinding: connection.ssoBinding === SsoBinding.POST ? 'HTTP-POST' : 'HTTP-Redirect',
      logoutUrl: connection.sloUrl ?? connection.ssoUrl,
      idpCert: connection.signingCertificates,
      idpIssuer: connection.idpEntityId,
      wantAssertionsSigned: connection.wantAssertionsSigned,
      wantAuthnResponseSigned: connection.wantResponseSigned,
      acceptedClockSkewMs: this.config.samlClockSkewSeconds * 1000,
      maxAssertionAgeMs: 0,
      validateInResponseTo: ValidateInResponseTo.never,
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
      signMetadata: false,
      generateUniqueId: () => req.samlMessageId,
      ...signing,
    };
  }

  async metadata(ctx: SpContext): Promise<string> {
    const req = this.request(ctx, newMessageId());
    return new Promise((resolve, reject) => {
      this.strategy.generateServiceProviderMetadata(
        req as never,
        null,
        ctx.connection.spCertificate ?? null,
        (err, metadata) => (err ? reject(err) : resolve(metadata as string)),
      );
    });
  }

  async loginRequest(ctx: SpContext, requestId: string): Promise<LoginRequestMessage> {
    const outcome = await this.run(this.request(ctx, requestId));
    if (outcome.kind === 'redirect') return { kind: 'redirect', url: outcome.url };
    if (outcome.kind === 'form') return { kind: 'form', ...formOf(outcome.html) };
    throw new Error(`could not build an AuthnRequest: ${describe(outcome)}`);
  }

  /**
   * The library's own check of a login response: `SAML.validatePostResponseAsync`, what the
   * strategy runs for a posted SAMLResponse, on this connection's validating instance.
   */
  async validateLoginResponse(ctx: SpContext, samlResponse: string): Promise<LibraryProfile> {
    let result: { profile: Profile | null; loggedOut: boolean };
    try {
      result = await this.validatorFor(ctx).validatePostResponseAsync({ SAMLResponse: samlResponse });
    } catch (error) {
      throw new SamlException(SamlErrorCode.LIBRARY_REJECTED, { library: (error as Error).message.slice(0, 300) });
    }
    const profile = result.profile;
    if (result.loggedOut || !profile) {
      throw new SamlException(SamlErrorCode.LIBRARY_REJECTED, {
        library: result.loggedOut ? 'a logout response' : 'no profile',
      });
    }
    return { issuer: profile.issuer ?? null, nameId: profile.nameID, sessionIndex: profile.sessionIndex ?? null };
  }

  /**
   * One validating SAML instance per connection, kept while the connection's options stay the
   * same: it parses the pinned certificates once instead of on every response. The key is the
   * options themselves (certificates, issuer, endpoints, signing requirements, skew), so a
   * changed connection gets a new instance on its next response, never a stale one. It holds
   * no SP private key: validating a response (no encrypted assertions) does not use it.
   */
  private validatorFor(ctx: SpContext): SAML {
    const options = this.optionsFor(this.request({ ...ctx, spPrivateKey: null }, ''));
    const { generateUniqueId: _unused, ...keyed } = options;
    const fingerprint = JSON.stringify(keyed);
    const cached = this.validators.get(ctx.connection.id);
    if (cached && cached.fingerprint === fingerprint) return cached.saml;
    const saml = new SAML({ ...options, generateUniqueId: newMessageId });
    this.validators.delete(ctx.connection.id);
    if (this.validators.size >= MAX_VALIDATORS) this.validators.delete(this.validators.keys().next().value!);
    this.validators.set(ctx.connection.id, { fingerprint, saml });
    return saml;
  }

  async logoutRequestUrl(ctx: SpContext, subject: SamlSubject, requestId: string): Promise<string> {
    const req = this.request(ctx, requestId);
    req.user = {
      nameID: subject.nameId,
      nameIDFormat: subject.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      sessionIndex: subject.sessionIndex ?? undefined,
    };
    return new Promise((resolve, reject) => {
      this.strategy.logout(req as never, (err, url) =>
        err || !url ? reject(err ?? new Error('no logout URL')) : resolve(url),
      );
    });
  }

  async validateLogoutMessage(ctx: SpContext, message: InboundLogoutMessage): Promise<LogoutMessage> {
    const saml = this.samlFor(ctx, newMessageId());
    const fromQuery = typeof message.query.SAMLRequest === 'string' || typeof message.query.SAMLResponse === 'string';
    try {
      if (fromQuery) {
        // The library accepts an unsigned Redirect message: we do not.
        if (typeof message.query.Signature !== 'string' || typeof message.query.SigAlg !== 'string') {
          throw new SamlException(SamlErrorCode.LOGOUT_INVALID, { problem: 'unsigned redirect message' });
        }
        if (!/rsa-sha(256|384|512)$/i.test(message.query.SigAlg)) {
          throw new SamlException(SamlErrorCode.WEAK_SIGNATURE_ALGORITHM, { algorithm: message.query.SigAlg });
        }
        const result = await saml.validateRedirectAsync(message.query as never, message.originalQuery);
        return this.toLogoutMessage(result.profile, message.query);
      }
      if (typeof message.body.SAMLRequest === 'string') {
        const result = await saml.validatePostRequestAsync(message.body as never);
        return this.toLogoutMessage(result.profile, message.body);
      }
      if (typeof message.body.SAMLResponse === 'string') {
        const result = await saml.validatePostResponseAsync(message.body as never);
        if (!result.loggedOut)
          throw new SamlException(SamlErrorCode.LOGOUT_INVALID, { problem: 'not a LogoutResponse' });
        return { kind: 'response', inResponseTo: null };
      }
    } catch (error) {
      if (error instanceof SamlException) throw error;
      throw new SamlException(SamlErrorCode.LOGOUT_INVALID, { library: (error as Error).message.slice(0, 300) });
    }
    throw new SamlException(SamlErrorCode.LOGOUT_INVALID, { problem: 'no SAML message' });
  }

  async logoutResponseUrl(
    ctx: SpContext,
    requestId: string,
    relayState: string | null,
    success: boolean,
    responseId: string,
  ): Promise<string> {
    const saml = this.samlFor(ctx, responseId);
    return saml.getLogoutResponseUrlAsync({ ID: requestId } as never, relayState ?? '', {}, success);
  }

  private toLogoutMessage(profile: Profile | null, relay: Record<string, unknown>): LogoutMessage {
    if (!profile) return { kind: 'response', inResponseTo: null };
    const relayState = typeof relay.RelayState === 'string' ? relay.RelayState : null;
    return {
      kind: 'request',
      id: String((profile as unknown as { ID?: string }).ID ?? ''),
      issuer: profile.issuer ?? null,
      nameId: profile.nameID,
      sessionIndex: profile.sessionIndex ?? null,
      relayState,
    };
  }

  private samlFor(ctx: SpContext, messageId: string): SAML {
    return new SAML(this.optionsFor(this.request(ctx, messageId)));
  }

  private request(ctx: SpContext, messageId: string): StrategyRequest {
    return { samlContext: ctx, samlMessageId: messageId, query: {}, body: {}, headers: {}, url: '/' };
  }

  /** Runs the strategy as passport would, collecting its verdict instead of writing a response. */
  private run(req: StrategyRequest): Promise<StrategyOutcome> {
    return new Promise((resolve) => {
      const attempt = Object.create(this.strategy) as MultiSamlStrategy & Record<string, unknown>;
      attempt.success = (user: unknown) => resolve({ kind: 'success', user });
      attempt.fail = (info: unknown) => resolve({ kind: 'fail', info });
      attempt.redirect = (url: string) => resolve({ kind: 'redirect', url });
      attempt.pass = () => resolve({ kind: 'fail', info: 'pass' });
      attempt.error = (error: Error) => resolve({ kind: 'error', error });
      req.res = { send: (html: string) => resolve({ kind: 'form', html }) };
      attempt.authenticate(req as never, {});
    });
  }
}

/** Connections whose validating instance is kept; the least recently made goes first. */
const MAX_VALIDATORS = 500;

function newMessageId(): string {
  // An NCName: SAML IDs must not start with a digit.
  return `_${randomBytes(20).toString('hex')}`;
}

export { newMessageId };

function describe(outcome: StrategyOutcome): string {
  switch (outcome.kind) {
    case 'error':
      return outcome.error.message;
    case 'fail':
      return `fail: ${JSON.stringify(outcome.info)}`;
    case 'form':
    case 'redirect':
    case 'success':
      return outcome.kind;
  }
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&apos;': "'",
  '&quot;': '"',
  '&lt;': '<',
  '&gt;': '>',
  '&#13;': '\r',
};

/** The action and fields of the library's auto-posting form: we render the page ourselves, without inline script (CSP). */
function formOf(html: string): { url: string; fields: Record<string, string> } {
  const decode = (s: string) => s.replace(/&(amp|apos|quot|lt|gt|#13);/g, (e) => ENTITIES[e]);
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error('the SAML library built no POST form');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)" \/>/g))
    fields[decode(m[1])] = decode(m[2]);
  if (!fields.SAMLRequest) throw new Error('the SAML library built a POST form without SAMLRequest');
  return { url: decodeURI(decode(action)), fields };
}
