import { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { GatewayExpressAdapter, withPrototype } from './gateway-express-adapter';

/** What one request through `adapter`'s server saw: prototypes changed on the way, and the answer. */
async function oneRequest(adapter: ExpressAdapter) {
  adapter.initHttpServer({});
  const app = adapter.getInstance<Express>();
  const seen: { requestProto?: object; responseProto?: object } = {};
  app.get('/probe', (req, res) => {
    seen.requestProto = Object.getPrototypeOf(req) as object;
    seen.responseProto = Object.getPrototypeOf(res) as object;
    res.json({ host: req.get('host') !== undefined, secure: req.secure });
  });
  const server = adapter.getHttpServer() as Server;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const changed: string[] = [];
  const setPrototypeOf = Object.setPrototypeOf;
  const spy = jest.spyOn(Object, 'setPrototypeOf').mockImplementation((o: object, proto: object | null) => {
    if ((o instanceof IncomingMessage || o instanceof ServerResponse) && Object.getPrototypeOf(o) !== proto)
      changed.push(o.constructor.name);
    return setPrototypeOf(o, proto) as object;
  });
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/probe`);
    return { status: res.status, body: (await res.json()) as unknown, changed, seen, app };
  } finally {
    spy.mockRestore();
    await new Promise((done) => server.close(done));
  }
}

describe('GatewayExpressAdapter', () => {
  it("builds requests and responses with Express's prototypes, so that Express changes none", async () => {
    const { status, body, changed, seen, app } = await oneRequest(new GatewayExpressAdapter());
    expect({ status, body }).toEqual({ status: 200, body: { host: true, secure: false } });
    expect(seen.requestProto).toBe(app.request);
    expect(seen.responseProto).toBe(app.response);
    expect(changed).toEqual([]);
  });

  it("is measured against Nest's own server, whose requests and responses Express changes", async () => {
    const { status, changed, seen, app } = await oneRequest(new ExpressAdapter());
    expect(status).toBe(200);
    expect(seen.requestProto).toBe(app.request);
    expect(changed.sort()).toEqual(['IncomingMessage', 'ServerResponse']);
  });

  it('runs a constructor function on the given prototype, and leaves classes and foreign prototypes out', () => {
    function Base(this: { made: boolean }) {
      this.made = true;
    }
    const proto = Object.create(Base.prototype as object) as object;
    const Built = withPrototype(Base as unknown as new () => object, proto)!;
    const made = new Built() as { made: boolean };
    expect(Object.getPrototypeOf(made)).toBe(proto);
    expect(made.made).toBe(true);
    class AClass {}
    expect(withPrototype(AClass, Object.create(AClass.prototype) as object)).toBeNull();
    expect(() => withPrototype(IncomingMessage, {})).toThrow('does not extend IncomingMessage');
  });
});
