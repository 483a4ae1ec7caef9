/** Sign-in and sign-out through the gateway's SAML endpoints; the session itself is an HttpOnly cookie. */

const SIGNED_IN = 'passerelle.signedIn';
const NOTICE = 'passerelle.notice';
export type Notice = 'signed-out' | 'expired';

export interface IdpChoice {
  name: string;
  loginUrl: string;
}

/** Where the ACS should send the person back: the page they asked for, or their home. */
export function returnPath(path: string, search: string): string {
  return path === '/' ? '/home' : `${path}${search}`;
}

export function loginHref(loginUrl: string, returnTo: string): string {
  const url = new URL(loginUrl, location.origin);
  url.searchParams.set('returnTo', returnTo);
  return url.pathname.startsWith('/') && url.origin === location.origin ? `${url.pathname}${url.search}` : url.href;
}

export async function discover(email: string): Promise<IdpChoice[]> {
  const response = await fetch(`/auth/discover?email=${encodeURIComponent(email)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`discover: ${response.status}`);
  const body = (await response.json()) as { connections?: IdpChoice[] };
  return body.connections ?? [];
}

/** The demo IdPs, when the gateway serves them (development only); none otherwise. */
export async function demoIdps(): Promise<IdpChoice[]> {
  try {
    const response = await fetch('/demo-idp', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) return [];
    const body = (await response.json()) as { connections?: IdpChoice[] };
    return body.connections ?? [];
  } catch {
    return [];
  }
}

function storage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? localStorage : sessionStorage;
  } catch {
    return null;
  }
}

export function rememberSignedIn(): void {
  storage('local')?.setItem(SIGNED_IN, '1');
}

/** The session ended without the person asking: say so once on the start page. */
export function sessionExpired(): void {
  if (storage('local')?.getItem(SIGNED_IN)) setNotice('expired');
  storage('local')?.removeItem(SIGNED_IN);
}

export function setNotice(notice: Notice): void {
  storage('session')?.setItem(NOTICE, notice);
}

export function takeNotice(): Notice | null {
  const value = storage('session')?.getItem(NOTICE) ?? null;
  storage('session')?.removeItem(NOTICE);
  return value === 'signed-out' || value === 'expired' ? value : null;
}

export async function signOut(): Promise<void> {
  storage('local')?.removeItem(SIGNED_IN);
  setNotice('signed-out');
  let next = '/';
  try {
    const response = await fetch('/auth/logout', {
      method: 'POST',
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
    const body = (await response.json()) as { logoutUrl?: string | null };
    if (body.logoutUrl) next = body.logoutUrl;
  } catch {
    // the cookie is cleared by the answer; without one, the start page still shows
  }
  location.assign(next);
}
