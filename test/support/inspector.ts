import WebSocket from 'ws';

/**
 * The V8 inspector of a child started with `--inspect=127.0.0.1:0`: forces a full garbage
 * collection and reads the heap, from outside, so the gateway needs no endpoint for it.
 */
export class Inspector {
  private next = 1;
  private readonly pending = new Map<number, { done: (v: any) => void; fail: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.error) waiting.fail(new Error(`inspector: ${message.error.message}`));
      else waiting.done(message.result);
    });
    socket.on('close', () => {
      for (const waiting of this.pending.values()) waiting.fail(new Error('inspector: connection closed'));
      this.pending.clear();
    });
  }

  /** The WebSocket address Node prints on stderr ("Debugger listening on ws://..."). */
  static urlIn(stderr: string): string | null {
    return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((done, fail) => {
      const socket = new WebSocket(url);
      socket.once('open', () => done(new Inspector(socket)));
      socket.once('error', fail);
    });
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((done, fail) => {
      this.pending.set(id, { done, fail });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Bytes of live JavaScript heap after full collections (twice: the first may leave finalised objects). */
  async heapAfterGc(): Promise<{ usedBytes: number; totalBytes: number }> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const usage = await this.call<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  }

  close(): Promise<void> {
    return new Promise((done) => {
      if (this.socket.readyState === WebSocket.CLOSED) return done();
      this.socket.once('close', () => done());
      this.socket.close();
    });
  }
}
