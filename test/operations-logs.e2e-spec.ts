import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Its own file: nestjs-pino keeps one root logger per process (per test file under Jest),
// built by the first application, so this one must be the first and only one here.

describe('request logs', () => {
  let t: TestApp;
  let token: string;
  let cookie: string;
  const written: string[] = [];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    t = await startTestApp({ LOG_LEVEL: 'info' });
    const ids = await t.importWorld(SMALL_WORLD);
    token = await t.tokenFor(ids.owner);
    cookie = await t.sessionFor(ids.owner);
  });

  afterAll(async () => {
    spy.mockRestore();
    await t.close();
  });

  /** The JSON request lines written since `from`. */
  const requestLines = (from: number) =>
    written
      .slice(from)
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => 'requestId' in l && 'res' in l);

  it('writes one JSON line per request with its id, operation, status and duration; no token, cookie or SAML message', async () => {
    const from = written.length;
    const res = await request(t.http)
      .post('/graphql')
      .set('Authorization', `Bearer ${token}`)
      .set('Cookie', `passerelle_session=${cookie}`)
      .send({ query: 'query WhoAmI { me { id } }' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const saml = 'PHNhbWxwOlJlc3BvbnNlIHNlY3JldD0idG9wIj4=';
    const acs = await request(t.http)
      .post(`/auth/saml/${randomUUID()}/acs?SAMLRequest=${saml}`)
      .type('form')
      .send({ SAMLResponse: saml, RelayState: '/' });
    expect(acs.status).toBeGreaterThanOrEqual(400);

    const lines = requestLines(from);
    const line = lines.find((l) => l.requestId === id);
    expect(line).toMatchObject({
      level: 'info',
      requestId: id,
      operation: 'WhoAmI',
      req: { method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
      durationMs: expect.any(Number),
    });
    expect(lines.some((l) => l.requestId === acs.headers['x-request-id'] && l.res.statusCode === acs.status)).toBe(
      true,
    );
    const text = written.slice(from).join('');
    expect(text).toContain(id);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(4));
    expect(text).not.toContain(cookie);
    expect(text).not.toContain(saml);
    expect(text).not.toMatch(/authorization|cookie/i);
  });

  it("names the request in an unexpected error's log line", async () => {
    const failure = jest
      .spyOn(t.app.get(UsersService), 'findSelfWithOrganization')
      .mockRejectedValueOnce(new Error('disk on fire'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const from = written.length;
      const res = await t.gql(token, 'query Broken { me { id } }');
      expectError(res, 'INTERNAL_SERVER_ERROR');
      const line = requestLines(from).find((l) => l.operation === 'Broken');
      expect(line).toMatchObject({ errorCodes: ['INTERNAL_SERVER_ERROR'] });
      const messages = logged.mock.calls.map((call) => String(call[0]));
      expect(messages.filter((m) => m.includes('disk on fire'))).toEqual([
        expect.stringContaining(`unexpected error at me (request ${line!.requestId}): Error: disk on fire`),
      ]);
    } finally {
      failure.mockRestore();
      logged.mockRestore();
    }
  });

  it('carries the same request id into the audit log', async () => {
    const from = written.length;
    const res = await t.gql(token, `query Peek { space(id: "${randomUUID()}") { id } }`);
    expectError(res, 'NOT_FOUND');
    const line = requestLines(from).find((l) => l.operation === 'Peek');
    expect(line).toMatchObject({ res: { statusCode: 200 }, errorCodes: ['NOT_FOUND'] });
    const rows: { action: string }[] = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE request_id = $1`,
      [line!.requestId],
    );
    expect(rows.map((r) => r.action)).toContain('authz.denied');
  });
});
