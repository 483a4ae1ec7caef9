import { expectError } from '../support/graphql-expect';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer, isIP, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { AppConfig } from '../../src/config/app-config';
import { ConnectionException } from '../../src/sso/connections/connection.exception';
import { MetadataFetcher } from '../../src/sso/connections/metadata-fetcher';
import { AuditService } from '../../src/audit/audit.service';
import { demoIdpMetadata } from '../../src/dev/demo-idp/demo-response.builder';
import { keyPair } from '../../src/common/testing/saml-keys';
import { startTestApp, TestApp } from '../support/test-app';

// The one answer a caller gets for any fetch failure, whatever happened on the wire.
const FETCH_FAILED = 'The metadata URL could not be fetched.';

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2 },
  ],
  users: [
    {
      key: 'host-admin',
      organization: 'host',
      email: 'admin@host.test',
      displayName: 'Ada',
      clearance: 4,
      roles: ['HOST_ADMIN'],
    },
    {
      key: 'acme-admin',
      organization: 'acme',
      email: 'alice@acme.test',
      displayName: 'Alice',
      clearance: 2,
      roles: ['PARTNER_ADMIN'],
    },
  ],
  spaces: [],
  memberships: [],
  posts: [],
  comments: [],
};

const CREATE = `mutation($input: CreateIdpConnectionInput!) {
  createIdpConnection(input: $input) { id idpEntityId metadataUrl signingCertificates { fingerprint } }
}`;

/**
 * Every outgoing TCP connection made while this file runs goes through here: anything that
 * is not loopback is stopped before a packet leaves (and listed in `blocked`), so not even
 * unfixed code could send traffic to a private or link-local address.
 */
const blocked: string[] = [];
const realConnect = Socket.prototype.connect;
function guardOutgoingConnections(): void {
  Socket.prototype.connect = function guarded(this: Socket, ...args: unknown[]) {
    // net.connect hands over [options, callback]; socket.connect(port, host) or (options) otherwise.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const options = (
      typeof first === 'object' && first !== null
        ? first
        : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined }
    ) as { host?: string; port?: unknown; path?: string };
    if (options.path) return realConnect.apply(this, args as never);
    const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
    if (!loopback) {
      blocked.push(`${host}:${String(options.port)}`);
      process.nextTick(() => this.destroy(new Error(`test guard: no connection to ${host} leaves this machine`)));
      return this;
    }
    return realConnect.apply(this, args as never);
  } as typeof Socket.prototype.connect;
}

interface Hits {
  /** HTTP requests the test server answered. */
  count: number;
  /** TCP connections it accepted, requests or not. */
  connections: number;
}

function listen(server: Server | ReturnType<typeof createTcpServer>, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function auditReasons(t: TestApp, since: number): Promise<string[]> {
  const events = await t.dataSource
    .getRepository(AuditEvent)
    .find({ where: { action: 'connection.metadata.fetch' }, order: { seq: 'ASC' } });
  return events.filter((e) => e.seq > since).map((e) => e.reason ?? '');
}

async function lastSeq(t: TestApp): Promise<number> {
  const [last] = await t.dataSource.getRepository(AuditEvent).find({ order: { seq: 'DESC' }, take: 1 });
  return last?.seq ?? 0;
}

describe('metadata URL fetches cannot reach inside (SSRF)', () => {
  let strict: TestApp;
  let allowing: TestApp;
  let strictToken: string;
  let allowingToken: string;
  let acmeStrict: string;
  let acmeAllowing: string;
  let goodMetadata: string;
  let server: Server;
  let port: number;
  const hits: Hits = { count: 0, connections: 0 };
  let route: (req: IncomingMessage, res: ServerResponse) => void;

  let bombMember: Buffer;

  beforeAll(async () => {
    guardOutgoingConnections();
    bombMember = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const cert = (await keyPair('idp.acme.test')).cert;
    goodMetadata = demoIdpMetadata(
      'https://idp.acme.test',
      'https://idp.acme.test/sso',
      'https://idp.acme.test/slo',
      cert,
    );
    server = createHttpServer((req, res) => {
      hits.count++;
      route(req, res);
    });
    server.on('connection', () => hits.connections++);
    port = await listen(server);
    strict = await startTestApp();
    allowing = await startTestApp({ METADATA_FETCH_ALLOW_HOSTS: '127.0.0.1', METADATA_FETCH_TIMEOUT_SECONDS: '1' });
    const strictIds = await strict.importWorld(WORLD);
    const allowingIds = await allowing.importWorld(WORLD);
    acmeStrict = strictIds.acme;
    acmeAllowing = allowingIds.acme;
    strictToken = await strict.tokenFor(strictIds['acme-admin']);
    allowingToken = await allowing.tokenFor(allowingIds['acme-admin']);
  }, 120_000);

  afterAll(async () => {
    Socket.prototype.connect = realConnect;
    await close(server);
    await strict?.close();
    await allowing?.close();
  });

  beforeEach(() => {
    hits.count = 0;
    hits.connections = 0;
    blocked.length = 0;
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(goodMetadata);
    };
  });

  async function create(t: TestApp, token: string, organizationId: string, metadataUrl: string) {
    return t.gql(token, CREATE, { input: { organizationId, metadataUrl } });
  }

  function expectFetchRefused(r: Awaited<ReturnType<TestApp['gql']>>): void {
    expect(r.status).toBe(200);
    const errors = expectError(r, 'BAD_USER_INPUT');
    expect(errors.map((e) => e.message)).toEqual([FETCH_FAILED]);
  }

  it('imports metadata from an allow-listed host (the positive case)', async () => {
    const r = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/metadata`);
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body.data.createIdpConnection).toMatchObject({
      idpEntityId: 'https://idp.acme.test',
      metadataUrl: `http://127.0.0.1:${port}/metadata`,
    });
    expect(hits.count).toBe(1);
  });

  // Loopback, in every spelling a URL parser or a resolver accepts: a server really listens there.
  it.each([
    ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/metadata`],
    ['localhost', (p: number) => `http://localhost:${p}/metadata`],
    ['LOCALHOST. (trailing dot, capitals)', (p: number) => `http://LOCALHOST.:${p}/metadata`],
    ['[::1]', (p: number) => `http://[::1]:${p}/metadata`],
    ['[::ffff:127.0.0.1] (IPv4-mapped)', (p: number) => `http://[::ffff:127.0.0.1]:${p}/metadata`],
    ['[::ffff:7f00:1] (IPv4-mapped, hex)', (p: number) => `http://[::ffff:7f00:1]:${p}/metadata`],
    ['2130706433 (decimal)', (p: number) => `http://2130706433:${p}/metadata`],
    ['0x7f000001 (hex)', (p: number) => `http://0x7f000001:${p}/metadata`],
    ['0177.0.0.1 (octal)', (p: number) => `http://0177.0.0.1:${p}/metadata`],
    ['127.1 (short form)', (p: number) => `http://127.1:${p}/metadata`],
    ['0.0.0.0', (p: number) => `http://0.0.0.0:${p}/metadata`],
    ['0 (unspecified, decimal)', (p: number) => `http://0:${p}/metadata`],
  ])('refuses a loopback address: %s, before connecting', async (_label, url) => {
    const since = await lastSeq(strict);
    const r = await create(strict, strictToken, acmeStrict, url(port));
    expectFetchRefused(r);
    expect(hits.connections).toBe(0);
    expect(blocked).toEqual([]);
    expect(await auditReasons(strict, since)).toEqual(['address_refused']);
  });

  it('refuses credentials in the URL before connecting', async () => {
    const since = await lastSeq(allowing);
    expectFetchRefused(
      await create(allowing, allowingToken, acmeAllowing, `http://metadata.example@127.0.0.1:${port}/metadata`),
    );
    expect(hits.connections).toBe(0);
    expect(await auditReasons(allowing, since)).toEqual(['bad_url']);
  });

  // Other internal ranges: only refused, never connected to (the guard above would stop it anyway).
  it.each([
    'http://10.0.0.1/metadata',
    'http://172.16.5.4/metadata',
    'http://192.168.1.1/metadata',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/metadata',
    'http://224.0.0.1/metadata',
    'http://255.255.255.255/metadata',
    'http://192.0.0.170/metadata',
    'http://198.18.0.1/metadata',
    'http://[fd00::1]/metadata',
    'http://[fe80::1]/metadata',
    'http://[ff02::1]/metadata',
    'http://[::]/metadata',
    'http://[::127.0.0.1]/metadata',
    'http://[::ffff:10.0.0.1]/metadata',
    'http://[::ffff:169.254.169.254]/metadata',
    'http://[64:ff9b::a9fe:a9fe]/metadata',
    'http://[2002:a9fe:a9fe::1]/metadata',
    'http://0xa9fea9fe/metadata',
    'http://2852039166/metadata',
  ])('refuses an internal address without connecting: %s', async (url) => {
    const since = await lastSeq(strict);
    const r = await create(strict, strictToken, acmeStrict, url);
    expectFetchRefused(r);
    expect(blocked).toEqual([]);
    expect(await auditReasons(strict, since)).toEqual(['address_refused']);
  });

  it('refuses a redirect from an allowed host to a refused one, checking every hop', async () => {
    const targets = [
      `http://localhost:${port}/metadata`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/metadata`,
      `http://127.0.0.2:${port}/metadata`,
      'http://[::ffff:a9fe:a9fe]/',
    ];
    for (const target of targets) {
      hits.count = 0;
      hits.connections = 0;
      route = (req, res) => {
        if (req.url === '/start') {
          res.writeHead(302, { location: target });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(goodMetadata);
      };
      const since = await lastSeq(allowing);
      const r = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/start`);
      expectFetchRefused(r);
      expect(hits.count).toBe(1);
      expect(hits.connections).toBe(1);
      expect(blocked).toEqual([]);
      expect(await auditReasons(allowing, since)).toEqual(['address_refused']);
    }
  });

  it('follows a few redirects within allowed hosts, and no more', async () => {
    route = (req, res) => {
      const n = Number(new URL(req.url!, 'http://x').searchParams.get('n') ?? '0');
      if (n > 0) {
        res.writeHead(301, { location: `/hop?n=${n - 1}` });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(goodMetadata.replace('https://idp.acme.test"', 'https://idp2.acme.test"'));
    };
    const ok = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/hop?n=2`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.createIdpConnection.idpEntityId).toBe('https://idp2.acme.test');
    hits.count = 0;
    const since = await lastSeq(allowing);
    const tooMany = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/hop?n=50`);
    expectFetchRefused(tooMany);
    expect(hits.count).toBeLessThanOrEqual(6);
    expect(await auditReasons(allowing, since)).toEqual(['too_many_redirects']);
  });

  it('refuses a gzip bomb as soon as the decompressed body passes the cap, with flat memory', async () => {
    // 16 gzip members of 16 MB of zeros each: 256 MB once inflated, about 250 KB on the wire.
    const member = bombMember;
    let written = 0;
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' });
      const write = (): void => {
        while (written < 16) {
          written++;
          if (!res.write(member)) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => {
        written = 16;
      });
      write();
    };
    // Peak growth, sampled while the fetch runs: the unfixed code held the whole inflated body.
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 5);
    const since = await lastSeq(allowing);
    let r: Awaited<ReturnType<TestApp['gql']>>;
    try {
      r = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/bomb`);
    } finally {
      clearInterval(sampler);
    }
    expectFetchRefused(r);
    expect(await auditReasons(allowing, since)).toEqual(['too_large']);
    const rssGrowthMb = (peakRss - before.rss) / 1024 / 1024;
    const heapGrowthMb = (peakHeap - before.heapUsed) / 1024 / 1024;
    // The cap is 1 MB: a few buffers of slack, nowhere near the 256 MB the body inflates to.
    expect(rssGrowthMb).toBeLessThan(64);
    expect(heapGrowthMb).toBeLessThan(32);
  });

  it('refuses a body over the cap without compression too, and a lying Content-Length', async () => {
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let n = 0;
      const write = (): void => {
        while (n < 64) {
          n++;
          if (!res.write(chunk)) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => {
        n = 64;
      });
      write();
    };
    const since = await lastSeq(allowing);
    expectFetchRefused(await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/big`));
    expect(await auditReasons(allowing, since)).toEqual(['too_large']);
  });

  it('times out a slow server (connect + total), with the same message', async () => {
    // Headers at once, then one byte every 200 ms: no idle timeout ever fires, the total one must.
    const timers: NodeJS.Timeout[] = [];
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      timers.push(setInterval(() => res.write(' '), 200));
    };
    const since = await lastSeq(allowing);
    const started = Date.now();
    const r = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/slow`);
    const elapsed = Date.now() - started;
    timers.forEach((t) => clearInterval(t));
    expectFetchRefused(r);
    expect(elapsed).toBeLessThan(4000);
    expect(await auditReasons(allowing, since)).toEqual(['timeout']);
  });

  it('gives the same answer for a closed port, an open non-HTTP port and an HTTP error', async () => {
    const closed = createTcpServer();
    const closedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const held: Socket[] = [];
    const banner = createTcpServer((socket) => {
      held.push(socket);
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    const bannerPort = await listen(banner);
    const silent = createTcpServer((socket) => held.push(socket));
    const silentPort = await listen(silent);
    route = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such thing');
    };
    try {
      const answers = [];
      for (const p of [closedPort, bannerPort, port, silentPort]) {
        const r = await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${p}/metadata`);
        expectFetchRefused(r);
        answers.push(JSON.stringify(r.body));
      }
      expect(new Set(answers).size).toBe(1);
    } finally {
      held.forEach((s) => s.destroy());
      banner.close();
      silent.close();
    }
  });

  it('refuses an unknown content encoding with the same answer', async () => {
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'compress' });
      res.end('xx');
    };
    expectFetchRefused(await create(allowing, allowingToken, acmeAllowing, `http://127.0.0.1:${port}/z`));
  });
});

describe('metadata fetches in production', () => {
  const production = (env: Record<string, string> = {}) =>
    new AppConfig({
      NODE_ENV: 'production',
      SECRET_KEY: '5a'.repeat(32),
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      DEMO_IDP: 'false',
      METADATA_FETCH_ALLOW_HOSTS: '127.0.0.1',
      ...env,
    });
  const quietAudit = { recordQuietly: async () => undefined, record: async () => undefined } as unknown as AuditService;
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createHttpServer((_req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://127.0.0.1/plain' });
      res.end();
    });
    port = await listen(server);
  });
  afterAll(() => close(server));
  afterEach(() => {
    hits = 0;
  });

  it('refuses http, even to an allow-listed host, before connecting', async () => {
    const fetcher = new MetadataFetcher(production(), quietAudit);
    const error = await fetcher.fetch(`http://127.0.0.1:${port}/metadata`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionException);
    expect((error as ConnectionException).message).toBe(FETCH_FAILED);
    expect((error as { reason: string }).reason).toBe('scheme_refused');
    expect(hits).toBe(0);
  });
});
