import { AppConfig, ConfigError } from '../config/app-config';
import { scrubSecrets } from './logging';

describe('scrubSecrets', () => {
  it('hides API tokens, passwords in URLs and SAML messages in query strings', () => {
    const text =
      'token psl_abcDEF123_-x at postgres://app:s3cr3t@db:5432/p and redis://:pw@r:6379, /slo?SAMLRequest=PHNhbWw%2B&x=1';
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).toContain('psl_[REDACTED]');
    expect(scrubbed).toContain('postgres://app:[REDACTED]@db:5432/p');
    expect(scrubbed).toContain('redis://:[REDACTED]@r:6379');
    expect(scrubbed).toContain('SAMLRequest=[REDACTED]&x=1');
    for (const secret of ['abcDEF123', 's3cr3t', ':pw@', 'PHNhbWw']) expect(scrubbed).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    const text = 'POST /graphql 200 in 12 ms (http://localhost:3000)';
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('LOG_LEVEL', () => {
  it('is silent under NODE_ENV=test unless set, info otherwise, and refuses an unknown level', () => {
    expect(new AppConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(new AppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(new AppConfig({ NODE_ENV: 'development', DATA_DIR: 'memory' }).logLevel).toBe('info');
    expect(() => new AppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => new AppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
  });
});
