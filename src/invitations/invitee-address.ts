import { WriteErrorCode, WriteException } from '../access/write.exception';

const MAX_EMAIL_LENGTH = 254;
// One local part, one domain of at least two labels; no spaces, no second @.
const EMAIL = /^[^\s@]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The invited address as stored: trimmed, lower-case, and well formed (INVALID_INPUT otherwise). */
export function normalizeInviteeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, 'The email address is not valid', { field: 'email' });
  }
  return email;
}

/** The domain of a normalised address. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** Free text a person typed (a message, a reason): trimmed, null when empty, bounded. */
export function optionalText(raw: string | null | undefined, field: string, max: number): string | null {
  const text = raw?.trim() ?? '';
  if (text.length > max) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `${field} is longer than ${max} characters`, { field });
  }
  return text.length ? text : null;
}

/** Like optionalText, but the text must be there. */
export function requiredText(raw: string | null | undefined, field: string, max: number): string {
  const text = optionalText(raw, field, max);
  if (text === null) throw new WriteException(WriteErrorCode.INVALID_INPUT, `${field} is required`, { field });
  return text;
}
