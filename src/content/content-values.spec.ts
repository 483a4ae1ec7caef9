import { WriteException } from '../access/write.exception';
import { emoji, labelWithin, postTitle } from './content-values';
import { mentionedIds, withinMentionLimit } from './mentions';

const reasonOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof WriteException ? error.code : 'OTHER';
  }
};

describe('conversation values', () => {
  it('takes emoji and short keywords, refuses spaces, controls and length', () => {
    for (const ok of ['👍', '+1', '👩‍💻', '🇫🇷', 'x'.repeat(32)]) expect(emoji(ok)).toBe(ok);
    for (const bad of ['', ' ', 'a b', 'a\tb', 'a\u0000', 'x'.repeat(33), 'a\u2028b'])
      expect(reasonOf(() => emoji(bad))).toBe('INVALID_INPUT');
  });

  it('keeps a label between the classification and the clearance', () => {
    expect(labelWithin(2, 1, 3)).toBe(2);
    expect(reasonOf(() => labelWithin(0, 1, 3))).toBe('LABEL_BELOW_CLASSIFICATION');
    expect(reasonOf(() => labelWithin(4, 1, 3))).toBe('LABEL_ABOVE_CLEARANCE');
  });

  it('trims a title and refuses control characters in it', () => {
    expect(postTitle('  Hello  ')).toBe('Hello');
    expect(reasonOf(() => postTitle('a\nb'))).toBe('INVALID_INPUT');
    expect(reasonOf(() => postTitle('   '))).toBe('INVALID_INPUT');
  });
});

describe('mentions', () => {
  const a = '0b6c1f0e-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
  const b = '1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F';

  it('finds distinct @<uuid> in order, lower-cased, and nothing else', () => {
    expect(mentionedIds(`hi @${a} and @${b}, again @${a}`)).toEqual([a, b.toLowerCase()]);
    expect(mentionedIds(`@not-an-id @${a.slice(0, 30)} ${a}`)).toEqual([]);
  });

  it('allows at most 20 distinct people', () => {
    const ids = Array.from({ length: 21 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(reasonOf(() => withinMentionLimit(ids.slice(0, 20)))).toBeNull();
    expect(reasonOf(() => withinMentionLimit(ids))).toBe('TOO_MANY_MENTIONS');
  });
});
