import { WriteException } from '../access/write.exception';
import { givenProfileFields, normalizeProfile } from './profile';

describe('profile', () => {
  it('trims, clears an empty title and deduplicates skills ignoring case, keeping the first spelling', () => {
    expect(normalizeProfile({ jobTitle: '   ', skills: [' UX ', 'ux', 'Figma', 'FIGMA '], bio: ' Hi ' })).toEqual({
      jobTitle: null,
      skills: ['UX', 'Figma'],
      bio: 'Hi',
    });
  });

  it('counts skills after deduplication and characters, not bytes', () => {
    const skills = Array.from({ length: 30 }, (_, i) => `skill ${i}`);
    expect(normalizeProfile({ skills: [...skills, 'SKILL 0'] }).skills).toHaveLength(30);
    expect(normalizeProfile({ jobTitle: 'é'.repeat(120) }).jobTitle).toHaveLength(120);
    expect(() => normalizeProfile({ skills: [...skills, 'one more'] })).toThrow(WriteException);
  });

  it.each([
    [{ jobTitle: 'x'.repeat(121) }, 'jobTitle'],
    [{ skills: [''] }, 'skills'],
    [{ skills: ['y'.repeat(41)] }, 'skills'],
    [{ bio: 'z'.repeat(1001) }, 'bio'],
  ])('refuses %j with the field in the details', (input, field) => {
    expect(() => normalizeProfile(input)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: expect.objectContaining({ field }) }),
    );
  });

  it('sees a null title as given (it clears) and other nulls as absent', () => {
    expect(givenProfileFields({ jobTitle: null, skills: null, bio: undefined, hiddenFromExternals: false })).toEqual([
      'jobTitle',
      'hiddenFromExternals',
    ]);
  });
});
