import { Locale } from '../common/domain.enums';

/**
 * A text people read, in French and English: lines with `{{name}}` placeholders. A line
 * may list alternatives; the first whose placeholders all have a value is used, and a
 * line with none is left out (an optional message, a name the reader may not see).
 */
export type TextLine = string | readonly string[];

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
// C0 and C1 controls except tab and newline; a value never brings its own line breaks into a subject.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export const MAX_PARAM_LENGTH = 2000;

const ROLE_NAMES: Record<Locale, Record<string, string>> = {
  [Locale.FR]: { OWNER: 'propriétaire', ANIMATOR: 'animateur', MEMBER: 'membre', OBSERVER: 'observateur' },
  [Locale.EN]: { OWNER: 'owner', ANIMATOR: 'animator', MEMBER: 'member', OBSERVER: 'observer' },
};

/** The locale of a stored value: French unless it says English. */
export function localeOf(value: unknown): Locale {
  return value === Locale.EN ? Locale.EN : Locale.FR;
}

/** A date as people write it (Paris time: the host is a French enterprise). */
export function formatDate(value: unknown, locale: Locale): string | null {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale === Locale.EN ? 'en-GB' : 'fr-FR', {
    dateStyle: 'long',
    timeZone: 'Europe/Paris',
  }).format(date);
}

export function formatRole(value: unknown, locale: Locale): string | null {
  return typeof value === 'string' ? (ROLE_NAMES[locale][value] ?? null) : null;
}

/**
 * The printable value of a parameter, or null when it has none: strings (controls removed,
 * bounded), finite numbers, and dates and roles in the reader's language when the key says so.
 */
export function paramValue(key: string, value: unknown, locale: Locale): string | null {
  if (value === null || value === undefined) return null;
  if (key === 'role') return formatRole(value, locale);
  if (/At$|Date$|until$/.test(key)) return formatDate(value, locale);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.replace(CONTROLS, '').trim().slice(0, MAX_PARAM_LENGTH);
  return text.length ? text : null;
}

/**
 * Fills one line: the first alternative whose placeholders all have values, else null.
 * `literal` transforms the template's own text (HTML escaping); values come as given.
 */
export function fillLine(
  line: TextLine,
  values: (key: string) => string | null,
  literal: (text: string) => string = (t) => t,
): string | null {
  for (const candidate of typeof line === 'string' ? [line] : line) {
    let missing = false;
    let out = '';
    let last = 0;
    for (const match of candidate.matchAll(PLACEHOLDER)) {
      const v = values(match[1]);
      if (v === null) missing = true;
      out += literal(candidate.slice(last, match.index)) + (v ?? '');
      last = match.index + match[0].length;
    }
    if (!missing) return out + literal(candidate.slice(last));
  }
  return null;
}

/** One line, for a mail subject or a title: no line breaks (no header injection), bounded. */
export function oneLine(text: string, max = 200): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only web links are ever put in a message. */
export function safeLink(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}
