import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { baseEnv, ChildGateway, freePort, ROOT, startChild } from '../support/child-gateway';

/** Debian's chromium (apt-get install chromium); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'portal');

/** The built gateway (dist/, with dist/web) on an in-memory embedded database, with the demo world and the demo IdPs. */
export async function startPortal(): Promise<{ gateway: ChildGateway | null; base: string }> {
  // While writing tests: PORTAL_URL=http://localhost:3917 reuses a gateway already running (fresh demo world).
  if (process.env.PORTAL_URL) return { gateway: null, base: process.env.PORTAL_URL };
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const gateway = await startChild(
    baseEnv({ NODE_ENV: 'development', PORT: String(port), PUBLIC_URL: base, DATA_DIR: 'memory' }),
  );
  if (!gateway.listening) throw new Error(`the gateway did not start:\n${gateway.stderr()}`);
  return { gateway, base };
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export function newContext(browser: Browser, base: string, locale: 'fr-FR' | 'en-GB'): Promise<BrowserContext> {
  return browser.newContext({ baseURL: base, locale, viewport: { width: 1100, height: 800 } });
}

/** Serious and critical accessibility violations of the page as it is now (axe-core). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** GraphQL as the person signed in in this context (its session cookie). */
export async function gql<T = any>(
  context: BrowserContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await context.request.post('/graphql', {
    data: { query, variables },
    headers: { 'content-type': 'application/json' },
  });
  return (await response.json()) as { data?: T };
}
