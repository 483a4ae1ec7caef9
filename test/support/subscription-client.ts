import { INestApplication } from '@nestjs/common';
import WebSocket from 'ws';

// A bare graphql-ws (graphql-transport-ws) client for tests: every frame is visible, close
// codes included, and a test can wait for "the next event" or "the socket closed".

export interface SocketOptions {
  /** Sent as `connectionParams.authorization: "Bearer <token>"`. */
  token?: string;
  /** The session cookie value, sent with the upgrade request. */
  cookie?: string;
  /** The Origin header of the upgrade request. */
  origin?: string;
  /** connection_init payload as is (overrides token). */
  connectionParams?: Record<string, unknown>;
}

export interface Received {
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
}

export interface TestSubscription {
  id: string;
  /** `next` payloads, in order. */
  readonly received: Received[];
  /** The `error` message's errors, if the server refused the subscription. */
  readonly refused: Received['errors'] | null;
  readonly completed: boolean;
  /** Resolves with the n-th payload (1-based), waiting up to timeoutMs. */
  nth(n: number, timeoutMs?: number): Promise<Received>;
  /** Resolves once refused, completed or given a payload with errors (what a refused subscribe gives). */
  settled(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export interface TestSocket {
  ws: WebSocket;
  /** True once acknowledged; false if the server closed the socket instead. */
  acked: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  /** `closed`, failing after timeoutMs instead of waiting for the test's own timeout. */
  closedWithin(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  subscribe(query: string, variables?: Record<string, unknown>): TestSubscription;
  /** Sends a raw protocol message. */
  send(message: Record<string, unknown>): void;
  close(): void;
}

/** Where an app listens for sockets (listening on a free port if it is not yet). */
export async function socketUrl(app: INestApplication): Promise<string> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen(0, '127.0.0.1');
  const { port } = server.address() as { port: number };
  return `ws://127.0.0.1:${port}/graphql`;
}

export function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export function openSocket(url: string, options: SocketOptions = {}): TestSocket {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = `passerelle_session=${encodeURIComponent(options.cookie)}`;
  if (options.origin) headers.origin = options.origin;
  const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
  const subscriptions = new Map<string, { received: Received[]; refused: Received['errors'] | null; done: boolean }>();
  let next = 0;
  let ackResolve: (v: boolean) => void;
  const acked = new Promise<boolean>((resolve) => (ackResolve = resolve));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      ackResolve(false);
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on('error', () => undefined);
  ws.on('open', () => {
    const payload =
      options.connectionParams ?? (options.token ? { authorization: `Bearer ${options.token}` } : undefined);
    ws.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) }));
  });
  ws.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { type: string; id?: string; payload?: any };
    if (message.type === 'connection_ack') return ackResolve(true);
    if (message.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
    const sub = message.id ? subscriptions.get(message.id) : undefined;
    if (!sub) return;
    if (message.type === 'next') sub.received.push(message.payload as Received);
    else if (message.type === 'error') {
      sub.refused = message.payload as Received['errors'];
      sub.done = true;
    } else if (message.type === 'complete') sub.done = true;
  });
  const send = (message: Record<string, unknown>) => ws.send(JSON.stringify(message));
  let closedAs: { code: number; reason: string } | undefined;
  void closed.then((c) => (closedAs = c));
  return {
    ws,
    acked,
    closed,
    closedWithin: (timeoutMs = 5000) => until(() => closedAs, timeoutMs, 'the socket to close'),
    send,
    close: () => ws.close(1000),
    subscribe(query, variables) {
      const id = String(++next);
      const state = { received: [] as Received[], refused: null as Received['errors'] | null, done: false };
      subscriptions.set(id, state);
      void acked.then((ok) => ok && send({ id, type: 'subscribe', payload: { query, variables } }));
      return {
        id,
        get received() {
          return state.received;
        },
        get refused() {
          return state.refused;
        },
        get completed() {
          return state.done;
        },
        nth: (n, timeoutMs = 5000) =>
          until(() => state.received[n - 1], timeoutMs, `payload #${n} of subscription ${id}`),
        settled: async (timeoutMs = 5000) => {
          await until(
            () => (state.done || state.received.some((r) => r.errors?.length) ? true : undefined),
            timeoutMs,
            `subscription ${id} to settle`,
          );
        },
        stop: () => {
          send({ id, type: 'complete' });
          state.done = true;
        },
      };
    },
  };
}
