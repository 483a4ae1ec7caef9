import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { portalDirectory } from '../src/portal/portal';
import { startTestApp, TestApp } from './support/test-app';

// The portal as the gateway serves it (built into dist/web by `npm run build`): its pages
// under the gateway's CSP, its hashed assets, and never in the way of the gateway's routes.
describe('the portal served by the gateway', () => {
  let t: TestApp;
  const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  beforeAll(async () => {
    expect(portalDirectory()).not.toBeNull();
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers each portal route with the page, under a CSP without inline script or style', async () => {
    for (const path of ['/', '/home', '/spaces/123', '/posts/abc', '/me']) {
      const res = await request(t.http).get(path).set('Accept', html);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="root"></div>');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/style-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      // Every script is a file; no style attribute, no inline <style>.
      const scripts = [...res.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/assets\/[^"]+\.js"/);
      expect(res.text).not.toMatch(/\sstyle=|<style/);
    }
  });

  it('serves the hashed assets for a year, and a missing one as 404 (never the page)', async () => {
    const assets = readdirSync(join(portalDirectory()!, 'assets'));
    const script = assets.find((f) => f.endsWith('.js'))!;
    expect(script).toBeDefined();
    const res = await request(t.http).get(`/assets/${script}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await request(t.http).get('/assets/nope.js').set('Accept', html);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('shadows none of the gateway’s routes, even for a browser', async () => {
    const health = await request(t.http).get('/health/live').set('Accept', html);
    expect(health.status).toBe(200);
    expect(health.text).not.toContain('<div id="root">');
    const metrics = await request(t.http).get('/metrics').set('Accept', html);
    expect(metrics.text).not.toContain('<div id="root">');
    const welcome = await request(t.http).get('/auth/welcome').set('Accept', html);
    expect(welcome.status).toBe(401);
    // An empty first segment is not the start page: the gateway's route (and its limits) answers.
    const doubled = await request(t.http).get('//auth//welcome').set('Accept', html);
    expect(doubled.status).not.toBe(200);
    expect(doubled.text).not.toContain('<div id="root">');
    expect(welcome.text).toContain('Non connecté');
    const graphql = await request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send({ query: '{ me { id } }' });
    expect(graphql.status).toBe(401);
    expect(graphql.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Not a portal route: the gateway's own 404, for a browser too.
    const other = await request(t.http).get('/nothing-here').set('Accept', html);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('<div id="root">');
    // A portal path asked for as JSON is not a page.
    const json = await request(t.http).get('/spaces').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    // A write to a portal path is never answered with the page.
    const post = await request(t.http).post('/home').set('Accept', html);
    expect(post.status).toBe(404);
  });
});
