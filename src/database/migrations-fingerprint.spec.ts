import { MIGRATIONS, migrationsFingerprint } from '../../migrations';

// The name of a migrated template (embedded tarball, tests' PostgreSQL template database):
// a migration edited in place must name a new template, or a test would start from a stale one.
describe('migrationsFingerprint', () => {
  const last = MIGRATIONS.length - 1;
  const original = MIGRATIONS[last];
  afterEach(() => {
    MIGRATIONS[last] = original;
  });

  function withLast(migration: Function): string {
    MIGRATIONS[last] = migration;
    return migrationsFingerprint();
  }

  it('is the same for the same migrations', () => {
    expect(migrationsFingerprint()).toMatch(/^[0-9a-f]{16}$/);
    expect(migrationsFingerprint()).toBe(migrationsFingerprint());
  });

  it('changes when a migration keeps its name but its code changes', () => {
    const before = withLast(
      class TokenPrincipal1764720000000 {
        up(): string {
          return 'ALTER TABLE spaces ADD COLUMN a int';
        }
      },
    );
    const after = withLast(
      class TokenPrincipal1764720000000 {
        up(): string {
          return 'ALTER TABLE spaces ADD COLUMN b int';
        }
      },
    );
    expect(after).not.toBe(before);
  });

  it('changes when a migration is added', () => {
    const all = migrationsFingerprint();
    MIGRATIONS.push(class Later1999999999999 {});
    try {
      expect(migrationsFingerprint()).not.toBe(all);
    } finally {
      MIGRATIONS.pop();
    }
  });

  it('ignores whole-line comments, which the build drops and ts-jest keeps', () => {
    const plain = withLast(
      class TokenPrincipal1764720000000 {
        up(): string {
          return 'SELECT 1';
        }
      },
    );
    const commented = withLast(
      class TokenPrincipal1764720000000 {
        up(): string {
          // said once, in a comment
          return 'SELECT 1';
        }
      },
    );
    expect(commented).toBe(plain);
  });
});
