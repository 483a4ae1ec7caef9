import { AddressInfo, createServer, Server } from 'node:net';
import Redis from 'ioredis';
import { closeRedis } from './redis-close';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('closeRedis', () => {
  let server: Server;
  let connections = 0;
  let url: string;

  // A Redis that never answers: every connection is hung up at once.
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));

  it('stops a client that never reached its server from retrying, even with commands queued', async () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, retryStrategy: () => 20 });
    redis.on('error', () => undefined);
    // A command waiting in the offline queue: QUIT would wait behind it and the client retry on.
    void redis.get('queued').catch(() => undefined);
    while (connections < 2) await sleep(10);
    await closeRedis(redis);
    // A connection the client had already opened may still arrive; none after it.
    await sleep(60);
    const after = connections;
    await sleep(300);
    expect(connections).toBe(after);
  });
});
