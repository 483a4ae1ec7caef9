import { WriteErrorCode, WriteException } from '../access/write.exception';
import { domainOf, normalizeInviteeEmail, optionalText, requiredText } from './invitee-address';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as WriteException).code;
  }
  return null;
};

describe('invitee address', () => {
  it('stores addresses trimmed and lower-case', () => {
    expect(normalizeInviteeEmail('  Ana.Lopez@Acme.TEST ')).toBe('ana.lopez@acme.test');
    expect(domainOf('ana@sub.acme.test')).toBe('sub.acme.test');
  });

  it.each([
    '',
    'ana',
    'ana@',
    '@acme.test',
    'ana@acme',
    'a b@acme.test',
    'ana@@acme.test',
    'ana@acme..test',
    'ana@-acme.test',
  ])('refuses %p', (raw) => {
    expect(codeOf(() => normalizeInviteeEmail(raw))).toBe(WriteErrorCode.INVALID_INPUT);
  });

  it('bounds free text and requires it where it must be given', () => {
    expect(optionalText('  ', 'message', 5)).toBeNull();
    expect(optionalText(' hi ', 'message', 5)).toBe('hi');
    expect(codeOf(() => optionalText('x'.repeat(6), 'message', 5))).toBe(WriteErrorCode.INVALID_INPUT);
    expect(codeOf(() => requiredText(' ', 'reason', 5))).toBe(WriteErrorCode.INVALID_INPUT);
  });
});
