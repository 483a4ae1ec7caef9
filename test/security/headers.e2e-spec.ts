import request from 'supertest';
import { AppConfig } from '../../src/config/app-config';
import { cspRoutes } from '../../src/config/security-headers';
import { autoPostPage, page } from '../../src/sso/saml/saml-http';
import { SMALL_WORLD } from '../fixtures/small-world';
import { startTestApp, TestApp } from '../support/test-app';

// Security headers (helmet) on every kind of response: GraphQL, SAML routes, errors; HSTS
// and Secure cookies when PUBLIC_URL is https.
jest.setTimeout(300_000);

const UNKNOWN_CONNECTION = '00000000-0000-4000-8000-000000000000';

function csp(res: request.Response): Map<string, string[]> {
  const header = res.headers['content-security-policy'] as string | undefined;
  expect(header).toBeDefined();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectStrictHeaders(res: request.Response, origin: string): void {
  const policy = csp(res);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('script-src')).toEqual(["'self'"]);
  expect(policy.get('style-src')).toEqual(["'self'"]);
  expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
  expect(policy.get('connect-src')).toEqual(["'self'", origin.replace(/^http/, 'ws')]);
  expect(policy.get('form-action')).toEqual(["'self'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

/** No inline script, no inline style, no event handler attribute. */
function expectNoInlineCode(html: string): void {
  expect(html).toMatch(/<html/);
  // Attribute values hold escaped text only: look at the markup around them.
  const markup = html.replace(/"[^"]*"/g, '""');
  expect(markup).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  expect(markup).not.toMatch(/<style/i);
  expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
  expect(markup).not.toMatch(/javascript:/i);
}

describe('security headers over plain http (development)', () => {
  let t: TestApp;
  const origin = 'http://localhost:3000';

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: origin });
  }, 300_000);
  afterAll(async () => t?.close());

  it('sets them on GraphQL answers', async () => {
    // Anonymous GraphQL is refused before it is parsed: the headers are on refusals too.
    const res = await request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send({ query: '{ __typename }' });
    expect(res.status).toBe(401);
    expectStrictHeaders(res, origin);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('gives GraphQL answers no ETag: they are per caller and never revalidated', async () => {
    const { owner } = await t.importWorld(SMALL_WORLD);
    const token = await t.tokenFor(owner);
    const res = await request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set('Authorization', `Bearer ${token}`)
      .send({ query: '{ me { id } }' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: { id: owner } } });
    expect(res.headers.etag).toBeUndefined();
  });

  it('sets them on SAML routes and their error pages, which carry no inline script or style', async () => {
    const res = await request(t.http).get(`/auth/saml/${UNKNOWN_CONNECTION}/metadata`).set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expectStrictHeaders(res, origin);
    expectNoInlineCode(res.text);
    const refused = await request(t.http).get('/auth/discover?email=nobody@nowhere.example').set('Accept', 'text/html');
    expect(refused.status).toBe(404);
    expectStrictHeaders(refused, origin);
    expectNoInlineCode(refused.text);
  });

  it('sets them on errors of the global filter', async () => {
    const res = await request(t.http).get('/no/such/route');
    expect(res.status).toBe(404);
    expectStrictHeaders(res, origin);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it("serves the SAML pages' script and stylesheet from our origin", async () => {
    const script = await request(t.http).get('/auth/assets/autosubmit.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain('data-autosubmit');
    const css = await request(t.http).get('/auth/assets/page.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  it('builds auto-posting SAML pages without inline script', () => {
    const html = autoPostPage('Signing you in…', 'https://idp.example/sso', {
      SAMLRequest: 'PHg+"<script>',
      RelayState: "'><img onerror=x>",
    });
    expectNoInlineCode(html);
    expect(html).toContain('data-autosubmit');
    expect(html).toContain('<script src="/auth/assets/autosubmit.js" defer></script>');
    expectNoInlineCode(page('x', '<p>y</p>'));
  });

  it('relaxes the policy for Apollo Sandbox on GET /graphql only, and never in production', async () => {
    const sandbox = await request(t.http).get('/graphql').set('Accept', 'text/html');
    expect(csp(sandbox).get('script-src')).toContain('https://embeddable-sandbox.cdn.apollographql.com');
    expect(csp(sandbox).get('frame-ancestors')).toEqual(["'none'"]);
    const prod = new AppConfig({
      NODE_ENV: 'production',
      SECRET_KEY: '11'.repeat(32),
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
    });
    expect(cspRoutes(prod)).toEqual([]);
  });
});

describe('security headers and cookies over https', () => {
  let t: TestApp;
  const origin = 'https://passerelle.example';

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: origin });
  }, 300_000);
  afterAll(async () => t?.close());

  it('sends HSTS', async () => {
    // Anonymous GraphQL is refused before it is parsed: the headers are on refusals too.
    const res = await request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send({ query: '{ __typename }' });
    expect(res.status).toBe(401);
    expectStrictHeaders(res, origin);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('marks every cookie it sets Secure', async () => {
    const logout = await request(t.http)
      .post('/auth/logout')
      .set('Accept', 'application/json')
      .set('Cookie', 'passerelle_session=pss_nothing');
    expect(logout.status).toBe(200);
    const cookies = (logout.headers['set-cookie'] as unknown as string[]) ?? [];
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
  });
});
