import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';

const KEY = '11'.repeat(32);

describe('AppConfig', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('SECRET_KEY outside production', () => {
    it('is generated once into DATA_DIR (mode 0600) and read back by every later start', () => {
      const dataDir = join(dir, 'pglite');
      const first = new AppConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
      const file = join(dataDir, 'secret.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey.toString('hex'));
      // A later process reads the same file: simulate it by replacing the key on disk.
      writeFileSync(file, `${'ab'.repeat(32)}\n`);
      expect(new AppConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }).secretKey.toString('hex')).toBe(
        'ab'.repeat(32),
      );
    });

    it('names SECRET_KEY when the kept key file is damaged', () => {
      writeFileSync(join(dir, 'secret.key'), 'not a key');
      expect(() => new AppConfig({ NODE_ENV: 'development', DATA_DIR: dir })).toThrow(
        /^SECRET_KEY: not set, and .*secret\.key does not hold a key/,
      );
    });

    it('is a per-process key in memory, and SECRET_KEY wins over any file', () => {
      expect(new AppConfig({ NODE_ENV: 'development', DATA_DIR: 'memory' }).secretKey).toHaveLength(32);
      expect(new AppConfig({ NODE_ENV: 'development', DATA_DIR: dir, SECRET_KEY: KEY }).secretKey.toString('hex')).toBe(
        KEY,
      );
    });

    it('is required in production', () => {
      expect(() => new AppConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(
        /^SECRET_KEY: is required in production/,
      );
    });
  });

  describe('WORKERS', () => {
    const production = { NODE_ENV: 'production', SECRET_KEY: KEY };
    it('is one process by default; more need PostgreSQL and Redis, as instances do', () => {
      expect(new AppConfig({ ...production, DATABASE_URL: 'postgres://db/x' }).workers).toBe(1);
      expect(
        new AppConfig({ ...production, DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r:6379', WORKERS: '4' })
          .workers,
      ).toBe(4);
      expect(() => new AppConfig({ ...production, DATABASE_URL: 'postgres://db/x', WORKERS: '2' })).toThrow(
        /^WORKERS: more than one worker needs DATABASE_URL .* and REDIS_URL/,
      );
      expect(
        () =>
          new AppConfig({
            ...production,
            EMBEDDED_DATABASE: 'true',
            DATA_DIR: dir,
            REDIS_URL: 'redis://r:6379',
            WORKERS: '2',
          }),
      ).toThrow(/^WORKERS: more than one worker needs DATABASE_URL/);
      expect(() => new AppConfig({ ...production, DATABASE_URL: 'postgres://db/x', WORKERS: '0' })).toThrow(
        /^WORKERS: must be between 1 and 64/,
      );
    });
  });

  describe('the database in production', () => {
    it('requires DATABASE_URL unless EMBEDDED_DATABASE=true', () => {
      expect(() => new AppConfig({ NODE_ENV: 'production', SECRET_KEY: KEY })).toThrow(
        /^DATABASE_URL: is required in production \(or set EMBEDDED_DATABASE=true/,
      );
      expect(new AppConfig({ NODE_ENV: 'production', SECRET_KEY: KEY, DATABASE_URL: 'postgres://db/x' }).embedded).toBe(
        false,
      );
      const embedded = new AppConfig({
        NODE_ENV: 'production',
        SECRET_KEY: KEY,
        EMBEDDED_DATABASE: 'true',
        DATA_DIR: dir,
      });
      expect(embedded.embedded).toBe(true);
      expect(embedded.dataDir).toBe(dir);
      // Asked for in production, the embedded database gets no demo world and no demo IdP.
      expect(embedded.demoSeed).toBe(false);
      expect(embedded.demoIdp).toBe(false);
    });

    it('keeps idle pool connections 5 minutes unless DATABASE_IDLE_TIMEOUT_MS says otherwise, within bounds', () => {
      const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://db/x' };
      expect(new AppConfig(base).databaseIdleTimeoutMs).toBe(300_000);
      expect(new AppConfig({ ...base, DATABASE_IDLE_TIMEOUT_MS: '10000' }).databaseIdleTimeoutMs).toBe(10_000);
      expect(() => new AppConfig({ ...base, DATABASE_IDLE_TIMEOUT_MS: '10' })).toThrow(/^DATABASE_IDLE_TIMEOUT_MS: /);
      expect(() => new AppConfig({ ...base, DATABASE_IDLE_TIMEOUT_MS: 'soon' })).toThrow(/^DATABASE_IDLE_TIMEOUT_MS: /);
    });

    it('refuses contradictions, and keeps the embedded default outside production', () => {
      expect(
        () =>
          new AppConfig({
            NODE_ENV: 'production',
            SECRET_KEY: KEY,
            EMBEDDED_DATABASE: 'true',
            DATABASE_URL: 'postgres://db/x',
          }),
      ).toThrow(/^EMBEDDED_DATABASE: cannot be true when DATABASE_URL is set/);
      expect(() => new AppConfig({ NODE_ENV: 'development', EMBEDDED_DATABASE: 'false', DATA_DIR: 'memory' })).toThrow(
        /^DATABASE_URL: is required when EMBEDDED_DATABASE is false/,
      );
      expect(() => new AppConfig({ NODE_ENV: 'production', SECRET_KEY: KEY, EMBEDDED_DATABASE: 'maybe' })).toThrow(
        /^EMBEDDED_DATABASE: must be true or false/,
      );
      expect(new AppConfig({ NODE_ENV: 'development', DATA_DIR: 'memory' }).embedded).toBe(true);
      expect(new AppConfig({ NODE_ENV: 'test' }).embedded).toBe(true);
    });
  });

  describe('DATA_DIR', () => {
    it('is created, folders included', () => {
      const nested = join(dir, 'a', 'b', 'pglite');
      new AppConfig({ NODE_ENV: 'test', DATA_DIR: nested });
      expect(statSync(nested).isDirectory()).toBe(true);
    });

    it.each([
      ['a file', (d: string) => join(d, 'file'), /^DATA_DIR: ".*file" exists and is not a folder$/],
      [
        'a path under a file',
        (d: string) => join(d, 'file', 'pglite'),
        /^DATA_DIR: ".*pglite" cannot be a folder: .*file is a file$/,
      ],
      [
        'a path the kernel refuses to create',
        () => '/proc/passerelle-data',
        /^DATA_DIR: cannot create the folder "\/proc\/passerelle-data" \(ENOENT/,
      ],
    ])('refuses %s at once, in one line naming DATA_DIR', (_case, path, message) => {
      writeFileSync(join(dir, 'file'), '');
      const started = Date.now();
      expect(() => new AppConfig({ NODE_ENV: 'development', SECRET_KEY: KEY, DATA_DIR: path(dir) })).toThrow(message);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
});
