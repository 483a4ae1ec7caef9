import { WriteErrorCode, WriteException } from '../access/write.exception';
import { MAX_LEVEL } from '../common/domain.enums';

export const TITLE_MAX = 300;
export const BODY_MAX = 50_000;
export const EMOJI_MAX = 32;
export const HIDE_REASON_MAX = 500;

// The database stores no NUL; a title is one line without controls.
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A required text, trimmed, within bounds; INVALID_INPUT (BAD_USER_INPUT) otherwise. */
export function boundedText(raw: unknown, field: string, max: number, forbidden = NUL): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (forbidden.test(text)) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `The ${field} contains a control character`, { field });
  }
  if (text.length < 1 || text.length > max) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `The ${field} has 1 to ${max} characters`, {
      field,
      length: text.length,
    });
  }
  return text;
}

export const postTitle = (raw: unknown): string => boundedText(raw, 'title', TITLE_MAX, CONTROLS);
export const contentBody = (raw: unknown): string => boundedText(raw, 'body', BODY_MAX);
export const hideReason = (raw: unknown): string => boundedText(raw, 'reason', HIDE_REASON_MAX);

// Whitespace, controls, separators and format characters other than the joiners emoji need.
const NOT_IN_EMOJI = /[\s\p{Cc}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

/** An emoji or short keyword: 1 to 32 characters, no whitespace, no control character. */
export function emoji(raw: unknown): string {
  const value = typeof raw === 'string' ? raw : '';
  const length = [...value].length;
  if (length < 1 || length > EMOJI_MAX || NOT_IN_EMOJI.test(value)) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      `An emoji has 1 to ${EMOJI_MAX} characters, without spaces or control characters`,
      { field: 'emoji' },
    );
  }
  return value;
}

/** A level 0-4. */
export function label(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_LEVEL) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A label is a level from 0 to ${MAX_LEVEL}`, {
      field: 'label',
      value: raw,
    });
  }
  return raw;
}

/** A post's label within the space's classification and the writer's effective clearance. */
export function labelWithin(value: number, classification: number, clearance: number): number {
  if (value < classification) {
    throw new WriteException(
      WriteErrorCode.LABEL_BELOW_CLASSIFICATION,
      "A post's label is never below its space's classification",
      { label: value, classification },
    );
  }
  if (value > clearance) {
    throw new WriteException(WriteErrorCode.LABEL_ABOVE_CLEARANCE, 'A label cannot be above your own clearance', {
      label: value,
      effectiveClearance: clearance,
    });
  }
  return value;
}
