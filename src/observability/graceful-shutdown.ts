import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { ReadinessService } from './readiness.service';

interface InFlight {
  req: IncomingMessage;
  res: ServerResponse;
  started: number;
}

export interface ShutdownLog {
  log(message: string): void;
  error(message: string): void;
}

/**
 * The end of a process, on SIGTERM or SIGINT: readiness answers 503 at once, the listener
 * closes (no new connection), requests in flight finish (their connections then close),
 * then `app.close()` runs the modules' hooks (audit flush, DB pool, Redis, sockets). All
 * within `timeoutMs`; past it, what is still open is logged and the exit code is 1.
 */
export class GracefulShutdown {
  private readonly inFlight = new Set<InFlight>();
  private draining = false;
  private stage = 'not started';
  private idle: (() => void) | null = null;

  constructor(
    private readonly app: INestApplication,
    private readonly server: Server,
    private readonly timeoutMs: number,
    private readonly logger: ShutdownLog,
  ) {
    // Before Express sees the request, so a late one on a kept-alive connection is told to close.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const entry = { req, res, started: Date.now() };
      this.inFlight.add(entry);
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.inFlight.delete(entry);
        if (this.inFlight.size === 0) this.idle?.();
      });
    });
  }

  /** Requests being answered now. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves with the exit code: 0 when everything closed in time, 1 otherwise. */
  async run(signal: string): Promise<number> {
    this.logger.log(`${signal}: shutting down (in flight: ${this.inFlight.size}, bound ${this.timeoutMs} ms)`);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((done) => {
      timer = setTimeout(() => done('expired'), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.close().then(() => 'closed' as const), expired]);
      if (outcome === 'closed') {
        this.logger.log('shut down cleanly');
        return 0;
      }
      this.logger.error(
        `shutdown took longer than ${this.timeoutMs} ms, ${this.stage}; still open: ${this.describe()}`,
      );
      return 1;
    } catch (error) {
      this.logger.error(`shutdown failed while ${this.stage}: ${(error as Error)?.message ?? String(error)}`);
      return 1;
    } finally {
      clearTimeout(timer);
    }
  }

  private async close(): Promise<void> {
    this.stage = 'stopping new requests';
    this.draining = true;
    this.app.get(ReadinessService, { strict: false }).beginDraining();
    // No new connection from now on; idle keep-alive ones are closed, busy ones close after their answer.
    this.server.close();
    this.server.closeIdleConnections();
    for (const { res } of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.stage = 'waiting for requests in flight';
    if (this.inFlight.size > 0) await new Promise<void>((done) => (this.idle = done));
    this.stage = 'closing the application (subscriptions, database pool, Redis)';
    await this.app.close();
    this.stage = 'closed';
  }

  private describe(): string {
    if (this.inFlight.size === 0) return 'no request (the application was still closing)';
    const now = Date.now();
    const requests = [...this.inFlight].map(({ req, started }) => {
      const id = (req as IncomingMessage & { requestId?: string }).requestId;
      const path = (req.url ?? '').split('?')[0];
      return `${req.method} ${path}${id ? ` (request ${id})` : ''} for ${now - started} ms`;
    });
    return `${requests.length} request(s): ${requests.join('; ')}`;
  }
}
