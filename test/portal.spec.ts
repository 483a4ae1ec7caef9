import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PORTAL_ROUTES } from '../src/portal/portal';
import { CATALOGUES, format, initialLang } from '../web/src/messages';
import { ROUTES } from '../web/src/routes';

const ROOT = join(__dirname, '..');

describe('the portal (web/)', () => {
  it('has operation types generated from the committed schema (npm run -s web:codegen when this fails)', () => {
    const check = spawnSync(process.execPath, ['scripts/codegen.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('is served by the gateway exactly at its own routes (the page shadows no route of the gateway)', () => {
    const segments = [...new Set(ROUTES.map((r) => r.split('/')[1]))].sort();
    expect([...PORTAL_ROUTES].sort()).toEqual(segments);
    for (const reserved of ['graphql', 'auth', 'health', 'metrics', 'demo-idp', 'audit', 'saml', 'assets'])
      expect(PORTAL_ROUTES).not.toContain(reserved);
  });

  it('speaks French and English with the same keys, every text filled, the same placeholders', () => {
    const fr = CATALOGUES.fr;
    const en = CATALOGUES.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(fr[key].trim()).not.toBe('');
      expect(en[key].trim()).not.toBe('');
      expect([key, placeholders(en[key])]).toEqual([key, placeholders(fr[key])]);
    }
  });

  it('is in French by default, in English when the browser asks for it first or the person chose it', () => {
    expect(initialLang(null, [])).toBe('fr');
    expect(initialLang(null, ['de-DE', 'fr-FR', 'en'])).toBe('fr');
    expect(initialLang(null, ['en-GB', 'fr'])).toBe('en');
    expect(initialLang('fr', ['en-GB'])).toBe('fr');
    expect(initialLang('en', [])).toBe('en');
    expect(initialLang('xx', ['es'])).toBe('fr');
    expect(format('Bonjour {name}', { name: 'Emma' })).toBe('Bonjour Emma');
  });
});
