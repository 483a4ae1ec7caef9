import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The first path segments the portal (web/) owns: its routes, answered with its index.html.
 * Listed rather than "everything else" so the page never shadows a route of the gateway
 * (/graphql, /auth, /health, /metrics, /demo-idp, /audit…); test/portal.spec.ts checks it
 * against the portal's own list (web/src/routes.ts).
 */
export const PORTAL_ROUTES: readonly string[] = [
  '',
  'home',
  'feed',
  'spaces',
  'posts',
  'invitations',
  'approvals',
  'notifications',
  'experts',
  'me',
  'security',
];

/** Where the built portal is: dist/web beside dist/src (built), or the repository's dist/web (ts-jest on src/). */
export function portalDirectory(): string | null {
  const root = join(__dirname, '../..');
  // Never web/ itself: its index.html is the source the build turns into dist/web.
  const dir = basename(root) === 'dist' ? join(root, 'web') : join(root, 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** GET/HEAD of a portal route by a browser (an HTML navigation), not of a file. */
export function isPortalPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const first = req.path.split('/')[1] ?? '';
  // The start page is `/` itself: `//auth//discover` is not the portal's (it is the gateway's, or nothing).
  if (first === '' ? req.path !== '/' : !PORTAL_ROUTES.includes(first)) return false;
  return req.accepts(['html', 'json']) === 'html';
}

/**
 * The built assets (hashed names: cached for a year) and the page for every portal route
 * (never cached, read on each load: a new build is picked up at once). No portal built: nothing is served.
 */
export function portalHandlers(dir: string | null = portalDirectory()): RequestHandler[] {
  if (!dir) return [];
  const indexFile = join(dir, 'index.html');
  const files = express.static(dir, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    setHeaders(res, path) {
      res.setHeader(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      );
    },
  });
  const notFound = (res: Response) => res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Not found' } });
  const file: RequestHandler = (req, res, next) => {
    const isFile = req.path.startsWith('/assets/') || req.path === '/favicon.svg';
    if (!isFile || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    files(req, res, () => notFound(res));
  };
  const page: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (!isPortalPage(req)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    // Read on each page load (a small file, cached by the OS): a rebuilt portal names new assets.
    readFile(indexFile).then(
      (html) => res.type('html').send(html),
      (error: unknown) => next(error),
    );
  };
  return [file, page];
}
