import type { Request } from 'express';
import { SESSION_COOKIE } from './session.service';

/** The session cookie, whether or not cookie-parser ran. */
export function sessionCookieOf(req: Request): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
  if (parsed) return parsed;
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
