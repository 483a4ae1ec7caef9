import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  baseEnv,
  buildOnce,
  CLI_MAIN,
  freePort,
  MAIN,
  ROOT,
  startChild,
  stopAllChildren,
} from './support/child-gateway';

// What a newcomer following the README meets in the first hour, on the built gateway.
jest.setTimeout(300_000);

function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]] = m[2]
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  return fields;
}

/** The README's "Trying it": open /demo-idp, pick an organisation, then a person; returns the ACS answer. */
async function demoSignIn(base: string): Promise<{ status: number; cookie: string | null }> {
  const index = await fetch(`${base}/demo-idp`);
  expect(index.status).toBe(200);
  const login = /<a href="([^"]+\/login)">/.exec(await index.text())?.[1];
  expect(login).toBeDefined();
  const toIdp = await fetch(login!.replace(/&amp;/g, '&'), { redirect: 'manual' });
  expect(toIdp.status).toBe(302);
  // Like a browser: the login-state cookie set by /login goes back with the response to the ACS.
  const loginState = (toIdp.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const sso = new URL(toIdp.headers.get('location')!, base);
  const picker = await fetch(`${base}${sso.pathname}${sso.search}`);
  expect(picker.status).toBe(200);
  const firstPerson = (await picker.text()).split('<li>')[1];
  const posted = await fetch(`${base}${sso.pathname}`, {
    method: 'POST',
    body: new URLSearchParams(hiddenInputs(firstPerson)),
    redirect: 'manual',
  });
  if (posted.status !== 200) return { status: posted.status, cookie: null };
  const page = await posted.text();
  const acs = new URL(/action="([^"]+)"/.exec(page)![1]);
  const consumed = await fetch(`${base}${acs.pathname}`, {
    method: 'POST',
    body: new URLSearchParams(hiddenInputs(page)),
    redirect: 'manual',
    headers: { accept: 'text/html', cookie: loginState },
  });
  return { status: consumed.status, cookie: consumed.headers.get('set-cookie') };
}

function cli(args: string[], env: NodeJS.ProcessEnv, timeout = 60_000) {
  const r = spawnSync(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

describe('the first hour (built gateway, child processes)', () => {
  let dir: string;

  beforeAll(() => {
    buildOnce();
    expect(existsSync(MAIN)).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'passerelle-first-hour-'));
  });

  afterEach(() => stopAllChildren());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs in through a demo IdP before and after a restart on the same data folder, and names SECRET_KEY when it changes', async () => {
    const port = await freePort();
    const env = baseEnv({ NODE_ENV: 'development', PORT: String(port), DATA_DIR: join(dir, 'pglite') });
    const base = `http://localhost:${port}`;

    const first = await startChild(env);
    expect(first.stderr()).toBe('');
    expect(first.listening).toBe(true);
    // Piped output: no terminal colour codes.
    expect(first.stdout()).not.toContain(String.fromCharCode(27));
    expect(await demoSignIn(base)).toMatchObject({
      status: 303,
      cookie: expect.stringMatching(/^passerelle_session=/),
    });
    await first.stop();

    const second = await startChild(env);
    expect(second.listening).toBe(true);
    expect(await demoSignIn(base)).toMatchObject({
      status: 303,
      cookie: expect.stringMatching(/^passerelle_session=/),
    });
    await second.stop();

    // Another key: the start stops with one line naming SECRET_KEY and the way out.
    const otherKey = { ...env, SECRET_KEY: '42'.repeat(32) };
    const refused = await startChild(otherKey);
    expect(refused.listening).toBe(false);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(
      /^Passerelle failed to start: SECRET_KEY: the private keys stored for \d+ IdP connection\(s\) \(.+\) cannot be decrypted with this key; .*npm run -s cli -- demo-keys\n$/,
    );

    const renewed = cli(['demo-keys'], otherKey);
    expect(renewed.stderr).toBe('');
    expect(renewed.code).toBe(0);
    expect(renewed.stdout).toMatch(/demo IdP: new keys\n/);
    const third = await startChild(otherKey);
    expect(third.listening).toBe(true);
    expect(await demoSignIn(base)).toMatchObject({ status: 303 });
    await third.stop();
  });

  describe('start-up failures are one line on stderr and exit 1', () => {
    it('names DATABASE_URL when the database is not there, without stack traces or retries', async () => {
      const port = await freePort();
      const started = Date.now();
      const g = await startChild(
        baseEnv({
          NODE_ENV: 'development',
          PORT: String(port),
          DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/passerelle`,
        }),
      );
      expect(await g.exited).toBe(1);
      // Without retries: seconds (the old start retried twice, printing stack traces).
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(g.stderr()).toMatch(
        /^Passerelle failed to start: cannot reach the database at DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/passerelle\): connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/,
      );
      expect(g.stdout()).toBe('');
    });

    it('names PORT when the port is taken, and never says it started', async () => {
      const port = await freePort();
      const squatter: Server = createServer();
      await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
      try {
        const g = await startChild(
          baseEnv({ NODE_ENV: 'development', PORT: String(port), DATA_DIR: 'memory', DEMO_SEED: 'false' }),
        );
        expect(await g.exited).toBe(1);
        expect(g.stderr()).toBe(
          `Passerelle failed to start: PORT: 127.0.0.1:${port} is already in use (another gateway running?); stop it or set PORT\n`,
        );
        expect(g.stdout()).not.toContain('successfully started');
      } finally {
        squatter.close();
      }
    });

    it.each([
      ['a file', () => join(dir, 'a-file')],
      ['a path under a file', () => join(dir, 'a-file', 'pglite')],
      ['a path that cannot be created (under /proc)', () => '/proc/passerelle/pglite'],
    ])('names DATA_DIR within seconds when it is %s, for the gateway and the CLI', async (_case, path) => {
      writeFileSync(join(dir, 'a-file'), '');
      const env = baseEnv({ NODE_ENV: 'development', PORT: String(await freePort()), DATA_DIR: path() });
      const started = Date.now();
      const g = await startChild(env, 40_000);
      if (g.child.exitCode === null && !g.listening) g.child.kill('SIGKILL');
      expect(await g.exited).toBe(1);
      expect(g.stderr()).toMatch(/^Configuration error: DATA_DIR: [^\n]+\n$/);
      const token = cli(['token', 'alice.martin@host.passerelle.test'], env, 40_000);
      expect(token.timedOut).toBe(false);
      expect(token.code).toBe(1);
      expect(token.stderr).toMatch(/^error: configuration: DATA_DIR: [^\n]+\n$/);
      // Seconds, not minutes: on a busy machine a Node start alone takes a few.
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });
});

describe('the words a newcomer reads', () => {
  it('/auth/welcome, not signed in: no "session has ended", in French then English', async () => {
    const { startTestApp } = await import('./support/test-app');
    const t = await startTestApp();
    try {
      const res = await request(t.http).get('/auth/welcome').set('Accept', 'text/html');
      expect(res.status).toBe(401);
      expect(res.text).not.toMatch(/session/i);
      expect(res.text).toContain('Vous n’êtes pas connecté');
      expect(res.text).toContain('You are not signed in');
      expect(res.text.indexOf('lang="fr"')).toBeLessThan(res.text.indexOf('<p lang="en"'));
    } finally {
      await t.close();
    }
  });
});
