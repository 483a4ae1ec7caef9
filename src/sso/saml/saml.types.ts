/** How long an AuthnRequest (or a LogoutRequest we sent) may wait for its answer. */
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

export interface SignedInUser {
  id: string;
  email: string;
  displayName: string;
  organizationId: string;
}

export interface SignedIn {
  cookieValue: string;
  sessionId: string;
  user: SignedInUser;
  returnTo: string;
  created: boolean;
  pendingInvitations: PendingInvitation[];
}

/** What is kept server-side with an AuthnRequest's ID until its answer comes. */
export interface LoginState {
  returnTo: string;
  /** The hash of the browser's login state cookie (login-state.ts). */
  browser?: string;
}
