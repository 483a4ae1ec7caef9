import { AppConfig } from '../config/app-config';

const config = (env: Record<string, string>) => new AppConfig({ NODE_ENV: 'test', ...env });

describe('rate-limit settings', () => {
  it('has defaults: on, trusting loopback proxies only', () => {
    const c = config({});
    expect(c.rateLimitEnabled).toBe(true);
    expect(c.trustProxy).toEqual(['loopback']);
    expect([c.rateLimitAnonymousPerMinute, c.rateLimitSignInPerMinute, c.rateLimitGraphqlPerMinute]).toEqual([
      120, 60, 600,
    ]);
    expect(c.rateLimitRedisPrefix).toBe('passerelle:ratelimit:');
  });

  it('reads limits and refuses nonsense with one line naming the setting', () => {
    expect(config({ RATE_LIMIT_GRAPHQL_PER_MINUTE: '30' }).rateLimitGraphqlPerMinute).toBe(30);
    expect(() => config({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' })).toThrow(/^RATE_LIMIT_ANONYMOUS_PER_MINUTE: /);
    expect(() => config({ RATE_LIMIT_SIGNIN_PER_MINUTE: 'lots' })).toThrow(/^RATE_LIMIT_SIGNIN_PER_MINUTE: /);
    expect(() => config({ RATE_LIMIT_ENABLED: 'maybe' })).toThrow(/^RATE_LIMIT_ENABLED: /);
  });

  it('takes proxies as addresses, CIDR ranges, named ranges, a hop count, or false', () => {
    expect(config({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::/32, 192.0.2.7' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
      '192.0.2.7',
    ]);
    expect(config({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(config({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('refuses to trust every peer, and anything that is not an address or range', () => {
    for (const value of ['true', '*', 'proxy.example', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '11', ',']) {
      expect(() => config({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
    }
  });
});
