import { AppConfig } from '../../config/app-config';
import { OPEN_REDIRECT_PAYLOADS } from '../../common/testing/open-redirect-payloads';
import { safeReturnTo } from './saml-urls';

describe('safeReturnTo', () => {
  const config = new AppConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://sp.passerelle.test' });
  const origin = 'http://sp.passerelle.test';

  it.each([
    ['/spaces/1?tab=x#y', '/spaces/1?tab=x#y'],
    ['/spaces/./1/../2', '/spaces/2'],
    ['http://sp.passerelle.test/feed?a=1', '/feed?a=1'],
    ['/a%2fb', '/a%2fb'],
    ['/@me', '/@me'],
  ])('keeps the same-origin path %s as %s', (input, expected) => {
    expect(safeReturnTo(config, input)).toBe(expected);
  });

  it.each(OPEN_REDIRECT_PAYLOADS.map((p) => [p]))('keeps %j on our origin', (payload) => {
    const out = safeReturnTo(config, payload);
    expect(out).toMatch(/^\/(?![/\\])/);
    expect([...out].filter((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')).toEqual([]);
    const resolved = new URL(out, `${origin}/`);
    expect(resolved.origin).toBe(origin);
    expect(resolved.username + resolved.password).toBe('');
  });

  it.each([[undefined], [null], [42], [['/a', '/b']], [{ a: 1 }], ['']])('falls back on %j', (value) => {
    expect(safeReturnTo(config, value)).toBe('/');
  });
});
