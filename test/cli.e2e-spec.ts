import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuditModule } from '../src/audit/audit.module';
import { CliContext, CliIo } from '../src/cli/cli-command';
import { CLI_COMMANDS } from '../src/cli/cli-commands';
import { runCli } from '../src/cli/cli-runner';
import { CliException } from '../src/cli/cli.exception';
import { importCommand } from '../src/cli/import.command';
import { tokenCommand } from '../src/cli/token.command';
import { AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { AuthModule } from '../src/auth/auth.module';
import { TokenService } from '../src/auth/token.service';
import { worldId } from '../src/world-import/world-id';
import { WorldImportModule } from '../src/world-import/world-import.module';
import { createTestDatabase } from './support/test-database';
import { buildOnce } from './support/child-gateway';

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/src/cli/main.js');

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 1 },
    { key: 'gone', name: 'Gone Ltd', kind: 'CLIENT', domains: ['gone.test'], clearanceCap: 1, status: 'SUSPENDED' },
  ],
  users: [
    {
      key: 'hana',
      organization: 'host',
      email: 'hana@host.test',
      displayName: 'Hana',
      clearance: 4,
      roles: ['HOST_ADMIN'],
    },
    { key: 'bob', organization: 'acme', email: 'bob@acme.test', displayName: 'Bob', clearance: 1 },
    { key: 'ex', organization: 'acme', email: 'ex@acme.test', displayName: 'Ex', clearance: 1, status: 'DISABLED' },
    { key: 'gus', organization: 'gone', email: 'gus@gone.test', displayName: 'Gus', clearance: 1 },
  ],
};

/** Captures what a command prints. */
function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('admin CLI (e2e)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let moduleRef: TestingModule;
  let dataSource: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-cli-'));
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(new AppConfig({ NODE_ENV: 'test', ...db.env })),
        DatabaseModule,
        AuditModule,
        AuthModule,
        WorldImportModule,
      ],
    }).compile();
    await moduleRef.init();
    dataSource = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a command's `run` against the test module, as the runner would. */
  async function run(command: typeof importCommand, args: string[], flags: CliContext['flags'] = {}) {
    const io = capture();
    await command.run({ args, flags, io, app: async () => moduleRef });
    return io;
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    return (await dataSource.query(`SELECT count(*)::int AS n FROM (${sql}) q`, params))[0].n;
  }

  describe('commands, in process', () => {
    let file: string;

    beforeAll(async () => {
      file = join(dir, 'world.json');
      writeFileSync(file, JSON.stringify(WORLD));
    });

    it('import prints a summary line, then the key → id map with --json', async () => {
      const first = await run(importCommand, [file]);
      expect(first.stdout).toEqual([
        `Imported ${file}: 3 organizations, 4 users, 0 spaces, 0 memberships, 0 posts, 0 comments, 0 reactions (7 created, 0 updated, 0 unchanged).`,
      ]);
      const second = await run(importCommand, [file], { json: true });
      expect(JSON.parse(second.stdout.join('\n'))).toEqual({
        host: worldId('organization', 'host'),
        acme: worldId('organization', 'acme'),
        gone: worldId('organization', 'gone'),
        hana: worldId('user', 'hana'),
        bob: worldId('user', 'bob'),
        ex: worldId('user', 'ex'),
        gus: worldId('user', 'gus'),
      });
      expect(second.stderr).toEqual([]);
    });

    it('token prints one working token per email, in order, each audited', async () => {
      await run(importCommand, [file]);
      const minted = await count(`SELECT 1 FROM audit_events WHERE action = 'token.mint' AND outcome = 'SUCCESS'`);
      const io = await run(tokenCommand, ['bob@acme.test', 'HANA@host.test', 'bob@acme.test'], {
        ttl: '2h',
        name: 'ci',
      });
      // Each line names whose token it is: `email<TAB>token`.
      const lines = io.stdout.map((l) => l.split('\t'));
      expect(lines.map(([email]) => email)).toEqual(['bob@acme.test', 'hana@host.test', 'bob@acme.test']);
      expect(new Set(lines.map(([, token]) => token)).size).toBe(3);
      const tokens = moduleRef.get(TokenService);
      const owners = await Promise.all(lines.map(([, t]) => tokens.resolve(t)));
      expect(owners.map((o) => o?.userId)).toEqual([
        worldId('user', 'bob'),
        worldId('user', 'hana'),
        worldId('user', 'bob'),
      ]);
      expect(owners[0]?.name).toBe('ci');
      expect(owners[0]!.expiresAt.getTime() - owners[0]!.createdAt.getTime()).toBeGreaterThan(7_100_000);
      const events: { actor_id: string | null; details: Record<string, unknown> }[] = await dataSource.query(
        `SELECT actor_id, details FROM audit_events WHERE action = 'token.mint' AND outcome = 'SUCCESS' ORDER BY seq`,
      );
      expect(events).toHaveLength(minted + 3);
      expect(events[events.length - 1]).toMatchObject({
        actor_id: null,
        details: { via: 'cli', email: 'bob@acme.test', userId: worldId('user', 'bob') },
      });
    });

    it.each([
      [
        'an unknown email',
        ['bob@acme.test', 'nobody@acme.test'],
        'no token minted: no user has the email "nobody@acme.test"',
      ],
      ['a disabled user', ['bob@acme.test', 'ex@acme.test'], 'no token minted: user "ex@acme.test" is disabled'],
      [
        'a suspended organisation',
        ['gus@gone.test'],
        'no token minted: the organisation of user "gus@gone.test" is suspended',
      ],
    ])('token refuses them all for %s, and audits the refusal', async (_case, emails, message) => {
      await run(importCommand, [file]);
      const before = await count('SELECT 1 FROM api_tokens');
      const failures = await count(`SELECT 1 FROM audit_events WHERE action = 'token.mint' AND outcome = 'FAILURE'`);
      const error = await run(tokenCommand, emails).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliException);
      expect(error).toMatchObject({ message, exitCode: 1 });
      expect(await count('SELECT 1 FROM api_tokens')).toBe(before);
      expect(await count(`SELECT 1 FROM audit_events WHERE action = 'token.mint' AND outcome = 'FAILURE'`)).toBe(
        failures + 1,
      );
    });

    it('token --json prints one array of { email, token }', async () => {
      await run(importCommand, [file]);
      const io = await run(tokenCommand, ['Bob@acme.test', 'hana@host.test'], { json: true });
      const minted = JSON.parse(io.stdout.join('\n')) as { email: string; token: string }[];
      expect(minted.map((m) => m.email)).toEqual(['bob@acme.test', 'hana@host.test']);
      const owners = await Promise.all(minted.map((m) => moduleRef.get(TokenService).resolve(m.token)));
      expect(owners.map((o) => o?.userId)).toEqual([worldId('user', 'bob'), worldId('user', 'hana')]);
    });

    it('token refuses a lifetime it cannot give', async () => {
      await expect(run(tokenCommand, ['bob@acme.test'], { ttl: '2y' })).rejects.toThrow(
        '--ttl: "2y" is not a lifetime such as 30m, 1h or 7d',
      );
      await expect(run(tokenCommand, ['bob@acme.test'], { ttl: '400d' })).rejects.toThrow(
        '--ttl: a token lives between 1 second and 365 days, got "400d"',
      );
    });
  });

  describe('runner, without a database', () => {
    const env = { NODE_ENV: 'test', DATA_DIR: 'memory' };

    it.each([
      [['import'], 2, 'error: import takes 1 argument, got 0; usage: npm run cli -- import <world.json> [--json]'],
      [
        ['import', 'a.json', '--jsn'],
        2,
        "error: Unknown option '--jsn'; usage: npm run cli -- import <world.json> [--json]",
      ],
      [
        ['token'],
        2,
        'error: token takes at least 1 argument, got 0; usage: npm run cli -- token <email...> [--ttl 1h] [--name label] [--json]',
      ],
      [
        ['frobnicate'],
        2,
        `error: unknown command "frobnicate" (commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}, help)`,
      ],
      [
        ['help', 'nope'],
        2,
        `error: unknown command "nope" (commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}, help)`,
      ],
      [
        ['import', '/nonexistent/world.json'],
        1,
        'error: cannot read world file "/nonexistent/world.json": no such file',
      ],
    ])('%j exits %i with one line', async (argv, code, line) => {
      const io = capture();
      expect(await runCli(argv, io, env)).toBe(code);
      expect(io.stderr).toEqual([line]);
      expect(io.stdout).toEqual([]);
    });

    it('names a wrong setting in one line', async () => {
      const io = capture();
      expect(await runCli(['token', 'a@b.test'], io, { NODE_ENV: 'test', DATABASE_URL: 'mysql://db/x' })).toBe(1);
      expect(io.stderr).toEqual(['error: configuration: DATABASE_URL: must start with postgres: or postgresql://']);
    });

    it('prints help on stdout for `help`, on stderr with exit 2 for nothing', async () => {
      const asked = capture();
      expect(await runCli(['help'], asked, env)).toBe(0);
      expect(asked.stdout.join('\n')).toContain('token <email...> [--ttl 1h] [--name label] [--json]');
      const bare = capture();
      expect(await runCli([], bare, env)).toBe(2);
      expect(bare.stderr.join('\n')).toContain('Commands:');
    });

    it('wraps help to 100 columns, and a command’s usage too', async () => {
      const asked = capture();
      expect(await runCli(['help'], asked, env)).toBe(0);
      const lines = asked.stdout.join('\n').split('\n');
      expect(lines.filter((l) => l.length > 100)).toEqual([]);
      for (const c of CLI_COMMANDS)
        expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(c.usage.replace(/\s+/g, ' '));
      const one = capture();
      expect(await runCli(['help', 'connection'], one, env)).toBe(0);
      expect(
        one.stdout
          .join('\n')
          .split('\n')
          .filter((l) => l.length > 100),
      ).toEqual([]);
      expect(one.stdout.join('\n')).toMatch(/^Usage: npm run -s cli -- connection add/);
    });

    it('lists every problem of a refused import, one line each, up to 50', async () => {
      const users = Array.from({ length: 60 }, (_, i) => ({
        key: `u${i}`,
        organization: 'nowhere',
        email: `u${i}@x.test`,
        displayName: `U${i}`,
        clearance: 1,
      }));
      writeFileSync(
        join(dir, 'many-problems.json'),
        JSON.stringify({ organizations: WORLD.organizations, users: users.slice(0, 4) }),
      );
      const four = capture();
      expect(await runCli(['import', join(dir, 'many-problems.json')], four, env)).toBe(1);
      expect(four.stderr).toEqual([
        'error: 4 problems, nothing imported:',
        ...[0, 1, 2, 3].map((i) => `error: users[${i}] (key "u${i}"): organization "nowhere" is not defined`),
      ]);
      writeFileSync(join(dir, 'many-problems.json'), JSON.stringify({ organizations: WORLD.organizations, users }));
      const sixty = capture();
      expect(await runCli(['import', join(dir, 'many-problems.json')], sixty, env)).toBe(1);
      expect(sixty.stderr).toHaveLength(52);
      expect(sixty.stderr[0]).toBe('error: 60 problems, nothing imported:');
      expect(sixty.stderr[50]).toBe('error: users[49] (key "u49"): organization "nowhere" is not defined');
      expect(sixty.stderr[51]).toBe('error: … and 10 more problems');
    });
  });

  describe('the built command line, as a child process', () => {
    let env: NodeJS.ProcessEnv;
    let file: string;

    beforeAll(() => {
      buildOnce();
      expect(existsSync(MAIN)).toBe(true);
      // PGlite in a folder the child processes share; or the test's PostgreSQL database.
      env = { ...process.env, NODE_ENV: 'test', ...(db.env.DATABASE_URL ? db.env : { DATA_DIR: join(dir, 'pglite') }) };
      if (!db.env.DATABASE_URL) delete env.DATABASE_URL;
      file = join(dir, 'child-world.json');
      writeFileSync(file, JSON.stringify(WORLD));
    }, 300_000);

    function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
      const r = spawnSync(process.execPath, [MAIN, ...args], {
        cwd: dir,
        env: { ...env, ...extraEnv },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    it('refuses a bad path, bad JSON and a wrong setting with one line and no stack', () => {
      const missing = cli(['import', 'missing.json']);
      expect(missing).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: cannot read world file "missing.json": no such file\n',
      });
      writeFileSync(join(dir, 'bad.json'), '{"organizations": [');
      const bad = cli(['import', 'bad.json']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: world file "bad.json" is not valid JSON: [^\n]+\n$/);
      const config = cli(['token', 'a@b.test'], { SESSION_IDLE_MINUTES: 'soon' });
      expect(config).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: configuration: SESSION_IDLE_MINUTES: must be a whole number (got "soon")\n',
      });
    });

    it('imports a world, mints tokens for it, and refuses an invalid world', () => {
      const imported = cli(['import', file, '--json']);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ bob: worldId('user', 'bob'), hana: worldId('user', 'hana') });

      const tokens = cli(['token', 'bob@acme.test', 'hana@host.test', '--ttl', '15m']);
      expect(tokens.stderr).toBe('');
      expect(tokens.code).toBe(0);
      expect(tokens.stdout).toMatch(/^bob@acme\.test\t\S+\nhana@host\.test\t\S+\n$/);

      const refused = cli(['token', 'bob@acme.test', 'nobody@acme.test']);
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: no token minted: no user has the email "nobody@acme.test"\n',
      });

      const none = cli(['connection', 'list', '--org', 'acme.test']);
      expect(none).toEqual({
        code: 0,
        stdout: '',
        stderr:
          'no connections for Acme: add one with npm run -s cli -- connection add --org acme.test --metadata <file|url>\n',
      });

      writeFileSync(
        join(dir, 'invalid.json'),
        JSON.stringify({ ...WORLD, memberships: [{ user: 'bob', space: 'lab', role: 'MEMBER' }] }),
      );
      const invalid = cli(['import', 'invalid.json']);
      expect(invalid).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: memberships[0] (user "bob", space "lab"): space "lab" is not defined\n',
      });
    });
  });
});
