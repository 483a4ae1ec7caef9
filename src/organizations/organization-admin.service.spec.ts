import { normalizeDomain } from './organization-admin.service';

describe('normalizeDomain', () => {
  it.each([
    ['acme.test', 'acme.test'],
    ['  Studio-Nord.Example ', 'studio-nord.example'],
    ['a.b.c.example', 'a.b.c.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('keeps %j as %j', (raw, domain) => {
    expect(normalizeDomain(raw)).toBe(domain);
  });

  it.each([
    '',
    'localhost',
    'acme.',
    '.acme.test',
    'a..test',
    '-acme.test',
    'acme-.test',
    'ac me.test',
    'acme_corp.test',
    'alice@acme.test',
    '10.0.0.1',
    `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}example`,
  ])('refuses %j', (raw) => {
    expect(normalizeDomain(raw)).toBeNull();
  });
});
