import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { SpEndpoints } from './saml-urls';

/** One connection as the SAML library needs it: its row, its SP endpoints and its SP key. */
export interface SpContext {
  connection: IdpConnection;
  endpoints: SpEndpoints;
  /** The SP's private key in clear (decrypted for this request only), or null. */
  spPrivateKey: string | null;
}

/** How the AuthnRequest leaves: a redirect, or fields the browser posts to `url` (POST binding). */
export type LoginRequestMessage =
  { kind: 'redirect'; url: string } | { kind: 'form'; url: string; fields: Record<string, string> };

/** What the library read from a response it also accepted. */
export interface LibraryProfile {
  issuer: string | null;
  nameId: string;
  sessionIndex: string | null;
}

export interface SamlSubject {
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
}

/** An inbound message on the SLO endpoint. */
export interface InboundLogoutMessage {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The raw query string, as signed by the IdP for the Redirect binding. */
  originalQuery: string;
}

export type LogoutMessage =
  | {
      kind: 'request';
      id: string;
      issuer: string | null;
      nameId: string;
      sessionIndex: string | null;
      relayState: string | null;
    }
  | { kind: 'response'; inResponseTo: string | null };

/**
 * The SAML SDK behind an injectable adapter: the controller and services speak this
 * interface; `PassportSamlServiceProvider` implements it with @node-saml/passport-saml.
 */
export abstract class SamlServiceProvider {
  /** SP metadata of one connection. */
  abstract metadata(ctx: SpContext): Promise<string>;
  /** An AuthnRequest with the given ID, for the connection's SSO binding. */
  abstract loginRequest(ctx: SpContext, requestId: string): Promise<LoginRequestMessage>;
  /** The library's own validation of a response, run after ours as a second opinion. */
  abstract validateLoginResponse(ctx: SpContext, samlResponse: string): Promise<LibraryProfile>;
  /** A signed LogoutRequest URL (Redirect binding) to the IdP's SLO endpoint. */
  abstract logoutRequestUrl(ctx: SpContext, subject: SamlSubject, requestId: string): Promise<string>;
  /** Validates a LogoutRequest or LogoutResponse from the IdP (signature against pinned certificates). */
  abstract validateLogoutMessage(ctx: SpContext, message: InboundLogoutMessage): Promise<LogoutMessage>;
  /** A signed LogoutResponse URL answering the IdP's LogoutRequest. */
  abstract logoutResponseUrl(
    ctx: SpContext,
    requestId: string,
    relayState: string | null,
    success: boolean,
    responseId: string,
  ): Promise<string>;
}
