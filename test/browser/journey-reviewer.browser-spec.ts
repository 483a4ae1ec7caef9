import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { worldId } from '../../src/world-import/world-id';
import { ChildGateway, stopAllChildren } from '../support/child-gateway';
import { gql, launch, newContext, screenshot, seriousViolations, startPortal } from './portal-browser';

// Journey 3 of issue 11, in a real browser through the real gateway and the demo IdPs: a
// reviewer reads the policy, explains why a person can read a post (and why they cannot read
// a competitor's), verifies the audit chain and exports the events they filtered; a
// HOST_ADMIN runs the kill switch's dry run on a partner and cancels, then confirms it on a
// throwaway organisation and reactivates it. Every page is checked with axe-core and
// photographed in French and English.

const OWN_POST = worldId('post', 'ph-nord-concept');
const OWN_POST_TITLE = 'Atelier Nord : carton alvéolé consigné';
const COMPETITOR_POST = worldId('post', 'ph-sud-concept');
const ATELIER_NORD = worldId('organization', 'atelier-nord');
const TOM = worldId('user', 'tom');

describe('the portal in a browser: journey 3 (a security reviewer)', () => {
  let gateway: ChildGateway | null;
  let base: string;
  let browser: Browser;
  let samir: BrowserContext;
  let alice: BrowserContext;
  let page: Page;
  let admin: Page;
  const shots: string[] = [];
  const pageErrors: string[] = [];

  async function check(p: Page, name: string): Promise<void> {
    await p.waitForLoadState('networkidle');
    expect(await seriousViolations(p)).toEqual([]);
    // The whole policy is a long page: its full-page picture takes a while on a loaded machine.
    p.setDefaultTimeout(60_000);
    shots.push(await screenshot(p, name));
    p.setDefaultTimeout(10_000);
  }

  async function signIn(p: Page, organisation: string, person: string, greeting: string): Promise<void> {
    await p.goto('/');
    await p.getByRole('link', { name: organisation, exact: true }).click();
    await p.getByRole('button', { name: person, exact: true }).click();
    await p.waitForURL((url) => !url.pathname.startsWith('/demo-idp') && !url.pathname.startsWith('/auth/'));
    await p.getByRole('heading', { name: greeting }).waitFor();
  }

  /** A person through the picker: a search, then the select of the people found. */
  async function pickPerson(p: Page | Locator, search: string, option: string): Promise<void> {
    await p.getByLabel('Chercher une personne (nom ou e-mail)').fill(search);
    const select = p.getByLabel('Personne', { exact: true });
    await select.locator('option', { hasText: option }).waitFor({ state: 'attached' });
    await select.selectOption({ label: option });
  }

  beforeAll(async () => {
    [{ gateway, base }, browser] = await Promise.all([startPortal(), launch()]);
    samir = await newContext(browser, base, 'fr-FR');
    alice = await newContext(browser, base, 'fr-FR');
    for (const c of [samir, alice]) c.on('weberror', (e) => pageErrors.push(String(e.error())));
    for (const c of [samir, alice]) c.setDefaultTimeout(10_000);
    page = await samir.newPage();
    admin = await alice.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await stopAllChildren();
    console.log(`screenshots:\n${shots.join('\n')}`);
  });

  it('Samir (security reviewer) finds the security pages in the menu, without the kill switch the API keeps from him', async () => {
    await signIn(page, 'Passerelle Host', 'Samir Haddad', 'Bonjour Samir Haddad');
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Sécurité' })
      .click();
    await page.getByRole('heading', { name: 'Sécurité', level: 1 }).waitFor();
    for (const name of ['La politique d’accès', 'Expliquer une décision', 'Qui accède, jusqu’où', 'Voir comme'])
      await page.getByRole('link', { name }).waitFor();
    await page.getByRole('link', { name: 'Journal d’audit' }).waitFor();
    await expect(page.getByRole('link', { name: 'Suspendre une organisation' }).count()).resolves.toBe(0);
    // The API refuses him the dry run: the page is not his either.
    const refused = await gql(
      samir,
      `query($o: ID!) { previewOrganizationSuspension(organizationId: $o) { subjectId } }`,
      {
        o: ATELIER_NORD,
      },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await page.goto('/security/kill-switch');
    await page.getByRole('heading', { name: 'Cette page n’existe pas.' }).waitFor();
    await page.goto('/security');
    await check(page, 'security-fr');
  });

  it('reads the policy in plain words with its version', async () => {
    await page.getByRole('link', { name: 'La politique d’accès' }).click();
    await page.getByRole('heading', { name: 'La politique d’accès', level: 1 }).waitFor();
    const api = await gql(samir, `{ accessPolicy { version rules { id } } }`);
    expect(api.errors).toBeUndefined();
    await page.getByText(api.data.accessPolicy.version).waitFor();
    await page.getByRole('heading', { name: `${api.data.accessPolicy.rules.length} règle(s)` }).waitFor();
    await page.getByLabel('Objet concerné').selectOption('Post');
    const shown = await page.locator('ol.rules > li').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(api.data.accessPolicy.rules.length);
    await check(page, 'policy-fr');
  });

  it('explains why Tom (Atelier Nord) reads his organisation’s post in the HUB space, and why not Studio Sud’s', async () => {
    await page.getByRole('link', { name: 'Expliquer une décision' }).click();
    await page.getByRole('heading', { name: 'Expliquer une décision', level: 1 }).waitFor();
    await pickPerson(page, 'Tom', 'Tom Girard (Atelier Nord)');
    const posts = page.getByLabel('Publication lue par cette personne');
    await posts.locator('option', { hasText: OWN_POST_TITLE }).waitFor({ state: 'attached' });
    // What Tom reads: never the competitor's concept.
    await expect(posts.locator('option', { hasText: 'Studio Sud: mono-material pouch' }).count()).resolves.toBe(0);
    await posts.selectOption({ label: `${OWN_POST_TITLE} · 1 faible` });
    await expect(page.getByLabel('ou l’identifiant d’une publication').inputValue()).resolves.toBe(OWN_POST);
    await page.getByRole('button', { name: 'Expliquer' }).click();
    await page.getByRole('heading', { name: 'Décision', exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Autorisé' }).waitFor();
    // The page says what the API says: the same deciding rule, in its French words.
    const api = await gql(
      samir,
      `query($u: ID!, $s: ID!) { explainAccess(userId: $u, action: "read", subjectType: "Post", subjectId: $s) {
         allowed decidingRule { id description { fr } } } }`,
      { u: TOM, s: OWN_POST },
    );
    expect(api.errors).toBeUndefined();
    expect(api.data.explainAccess.allowed).toBe(true);
    await page.getByText(api.data.explainAccess.decidingRule.id).waitFor();
    await page.getByText(api.data.explainAccess.decidingRule.description.fr).waitFor();
    await page.locator('section.result').getByText(OWN_POST_TITLE).waitFor();
    await check(page, 'explain-fr');

    // The competitor's post, by its id: refused, with the HUB rule as the reason.
    await page.getByLabel('ou l’identifiant d’une publication').fill(COMPETITOR_POST);
    await page.getByRole('button', { name: 'Expliquer' }).click();
    await page.getByRole('status').filter({ hasText: 'Refusé' }).waitFor();
    await page.getByText('HUB_OTHER_ORGANIZATION', { exact: true }).waitFor();
    await page.getByText('auteur d’une autre organisation').waitFor();
  });

  it('sees who reads that post, Tom’s reach, and the world as Tom sees it', async () => {
    await page.getByRole('link', { name: 'Qui accède, jusqu’où' }).click();
    await page.getByRole('heading', { name: 'Qui accède, jusqu’où', level: 1 }).waitFor();
    const who = page.locator('section').filter({ hasText: 'Qui peut y accéder' });
    await who.getByLabel('Une publication').check();
    await pickPerson(who, 'Tom', 'Tom Girard (Atelier Nord)');
    const posts = who.getByLabel('Publication lue par cette personne');
    await posts.locator('option', { hasText: OWN_POST_TITLE }).waitFor({ state: 'attached' });
    await posts.selectOption({ label: `${OWN_POST_TITLE} · 1 faible` });
    await who.getByRole('button', { name: 'Afficher les lecteurs' }).click();
    const readers = who.locator('li.card');
    await readers.filter({ hasText: 'Tom Girard' }).waitFor();
    // Studio Sud's people do not read Atelier Nord's post in the HUB space.
    await expect(readers.filter({ hasText: 'Studio Sud' }).count()).resolves.toBe(0);
    const reach = page.locator('section').filter({ hasText: 'Ce qu’une personne ou une organisation peut lire' });
    await pickPerson(reach, 'Tom', 'Tom Girard (Atelier Nord)');
    await reach.getByRole('button', { name: 'Afficher la portée' }).click();
    await reach.locator('li.card').filter({ hasText: 'Hub Emballage durable' }).waitFor();
    await check(page, 'access-fr');

    await page.getByRole('link', { name: 'Voir comme' }).click();
    await page.getByRole('heading', { name: 'Voir comme', level: 1 }).waitFor();
    await pickPerson(page, 'Tom', 'Tom Girard (Atelier Nord)');
    await page.getByRole('button', { name: 'Voir comme cette personne' }).click();
    await page.getByRole('heading', { name: 'Vu par Tom Girard (Atelier Nord)' }).waitFor();
    const seen = page.locator('section.result');
    await seen.locator('li.card').filter({ hasText: 'Hub Emballage durable' }).waitFor();
    await seen.locator('li.card').filter({ hasText: 'Léa Moreau' }).first().waitFor();
    await expect(seen.getByText('Studio Sud: mono-material pouch').count()).resolves.toBe(0);
    await check(page, 'view-as-fr');
  });

  it('reviews Atelier Nord’s grants and starts a recertification campaign, whose items it lists', async () => {
    await page.getByRole('link', { name: 'Revues d’accès' }).click();
    await page.getByRole('heading', { name: 'Revues d’accès', level: 1 }).waitFor();
    const review = page.locator('section').filter({ hasText: 'Revue des accès externes' });
    await review.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Atelier Nord' });
    await review.getByRole('button', { name: 'Revoir les accès' }).click();
    await review.locator('li.card').filter({ hasText: 'Tom Girard' }).first().waitFor();
    await check(page, 'reviews-fr');

    const campaigns = page.locator('section').filter({ hasText: 'Campagnes de recertification' });
    await campaigns.getByText('Lancer une campagne', { exact: true }).click();
    await campaigns.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Atelier Nord' });
    const deadline = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await campaigns.getByLabel('Date limite').fill(deadline);
    await campaigns.getByRole('button', { name: 'Lancer' }).click();
    await page.getByRole('heading', { name: 'Campagne de recertification', level: 1 }).waitFor();
    await page.locator('li.card').filter({ hasText: 'Tom Girard' }).first().waitFor();
    // A reviewer follows; deciding is for sponsors, OWNERs and HOST_ADMINs.
    await expect(page.getByRole('button', { name: 'Confirmer' }).count()).resolves.toBe(0);
    await check(page, 'campaign-fr');
  });

  it('verifies the audit chain, filters the log and exports what it shows', async () => {
    await page.getByRole('link', { name: 'Journal d’audit' }).click();
    await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Vérifier la chaîne d’audit' }).click();
    await page.getByText('La chaîne est intacte.', { exact: true }).waitFor();
    const api = await gql(samir, `{ verifyAuditChain { ok headSeq } }`);
    expect(api.errors).toBeUndefined();
    expect(api.data.verifyAuditChain.ok).toBe(true);

    await page.getByLabel('Action exacte').fill('review.explain');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    const events = page.locator('li.event');
    await events.first().waitFor();
    const shown = await events.allInnerTexts();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown.every((text) => text.includes('review.explain'))).toBe(true);
    await check(page, 'audit-fr');

    const href = await page.getByRole('link', { name: 'Exporter (JSON Lines)' }).getAttribute('href');
    expect(href).toMatch(/^\/audit\/export\?format=jsonl&action=review\.explain$/);
    const exported = await samir.request.get(href!);
    expect(exported.status()).toBe(200);
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(shown.length);
    expect(lines.every((line) => line.action === 'review.explain')).toBe(true);
  });

  it('Alice (HOST_ADMIN) runs the kill switch’s dry run on Atelier Nord and cancels: nothing changes', async () => {
    await signIn(admin, 'Passerelle Host', 'Alice Martin', 'Bonjour Alice Martin');
    await admin.goto('/security');
    await admin.getByRole('link', { name: 'Suspendre une organisation' }).click();
    await admin.getByRole('heading', { name: 'Suspendre une organisation', level: 1 }).waitFor();
    await admin.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Atelier Nord' });
    // No switch before the dry run.
    await expect(admin.getByRole('button', { name: 'Suspendre « Atelier Nord »' }).count()).resolves.toBe(0);
    await admin.getByRole('button', { name: 'Essai à blanc' }).click();
    await admin.getByText('Essai à blanc : rien n’a été modifié.', { exact: true }).waitFor();
    const preview = admin.getByRole('region', { name: 'Résultat de l’essai à blanc' });
    await preview.getByText('Tom Girard', { exact: true }).first().waitFor();
    // The switch waits for a reason and an explicit confirmation.
    const suspend = admin.getByRole('button', { name: 'Suspendre « Atelier Nord »' });
    await expect(suspend.isDisabled()).resolves.toBe(true);
    await admin.getByLabel('Motif de la suspension').fill('Essai');
    await expect(suspend.isDisabled()).resolves.toBe(true);
    await check(admin, 'kill-switch-fr');
    await admin.getByRole('button', { name: 'Annuler' }).click();
    await admin.getByRole('button', { name: 'Essai à blanc' }).waitFor();
    const org = await gql(alice, `query($o: ID!) { organization(id: $o) { status } }`, { o: ATELIER_NORD });
    expect(org.errors).toBeUndefined();
    expect(org.data.organization.status).toBe('ACTIVE');
  });

  it('confirms the switch on a throwaway organisation, sees it suspended, and reactivates it', async () => {
    const created = await gql(
      alice,
      `mutation { createOrganization(input: { name: "Atelier Éphémère", kind: PARTNER, domains: ["ephemere.test"] }) { id } }`,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data.createOrganization.id;
    await admin.reload();
    await admin.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Atelier Éphémère' });
    await admin.getByRole('button', { name: 'Essai à blanc' }).click();
    await admin.getByText('Essai à blanc : rien n’a été modifié.', { exact: true }).waitFor();
    await admin.getByLabel('Motif de la suspension').fill('Fin du partenariat');
    await admin.getByLabel('Je confirme la suspension immédiate de « Atelier Éphémère »').check();
    await admin.getByRole('button', { name: 'Suspendre « Atelier Éphémère »' }).click();
    await admin.getByText('« Atelier Éphémère » est suspendue.', { exact: true }).first().waitFor();
    const after = await gql(alice, `query($o: ID!) { organization(id: $o) { status } }`, { o: id });
    expect(after.errors).toBeUndefined();
    expect(after.data.organization.status).toBe('SUSPENDED');
    await admin.getByRole('button', { name: 'Réactiver « Atelier Éphémère »' }).click();
    await admin.getByText(/« Atelier Éphémère » est de nouveau active/).waitFor();
    const back = await gql(alice, `query($o: ID!) { organization(id: $o) { status } }`, { o: id });
    expect(back.data.organization.status).toBe('ACTIVE');
  });

  it('Alice (HOST_ADMIN) confirms one of the campaign’s grants; its progress moves', async () => {
    await admin.goto('/security/reviews');
    await admin
      .getByRole('link', { name: /^Campagne du / })
      .first()
      .click();
    await admin.getByRole('heading', { name: 'Campagne de recertification', level: 1 }).waitFor();
    await admin.getByText(/0 confirmé\(s\)/).waitFor();
    await admin.getByRole('button', { name: 'Confirmer l’accès de Tom Girard' }).first().click();
    await admin
      .getByText(/1 confirmé\(s\)/)
      .or(admin.getByRole('alert'))
      .first()
      .waitFor();
    await expect(admin.getByRole('alert').allInnerTexts()).resolves.toEqual([]);
    await admin.getByText(/1 confirmé\(s\)/).waitFor();
    await admin.getByLabel('État').selectOption({ label: 'confirmé' });
    const confirmed = admin.locator('li.card').filter({ hasText: 'Tom Girard' });
    await confirmed.first().waitFor();
    await expect(confirmed.count()).resolves.toBe(1);
    await expect(admin.locator('li.card').count()).resolves.toBe(1);
    await check(admin, 'campaign-admin-fr');
  });

  it('Léa (Atelier Nord’s partner admin) gets her own organisation’s review and events, nothing else', async () => {
    const lea = await newContext(browser, base, 'fr-FR');
    lea.on('weberror', (e) => pageErrors.push(String(e.error())));
    lea.setDefaultTimeout(10_000);
    const p = await lea.newPage();
    await signIn(p, 'Atelier Nord', 'Léa Moreau', 'Bonjour Léa Moreau');
    await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Sécurité' }).click();
    await p.getByRole('heading', { name: 'Sécurité', level: 1 }).waitFor();
    await p.getByRole('link', { name: 'Revues d’accès' }).waitFor();
    await p.getByRole('link', { name: 'Journal d’audit' }).waitFor();
    await expect(p.locator('main li.card').count()).resolves.toBe(2);
    await p.getByRole('link', { name: 'Revues d’accès' }).click();
    await p.getByText('Les accès des personnes de Atelier Nord.', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Revoir les accès' }).click();
    await p.locator('li.card').filter({ hasText: 'Tom Girard' }).first().waitFor();
    // No campaigns for her (the API answers them to overseers only), and no policy page.
    await expect(p.getByRole('heading', { name: 'Campagnes de recertification' }).count()).resolves.toBe(0);
    await check(p, 'reviews-partner-fr');
    await p.goto('/security/policy');
    await p.getByRole('heading', { name: 'Cette page n’existe pas.' }).waitFor();
    await lea.close();
  });

  it('reads every security page in English, and at a phone’s width', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    for (const [path, heading, name] of [
      ['/security', 'Security', 'security-en'],
      ['/security/policy', 'The access policy', 'policy-en'],
      ['/security/explain', 'Explain a decision', 'explain-en'],
      ['/security/access', 'Who reaches what', 'access-en'],
      ['/security/view-as', 'View as', 'view-as-en'],
      ['/security/reviews', 'Access reviews', 'reviews-en'],
      ['/security/audit', 'Audit log', 'audit-en'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await check(page, name);
    }
    await admin.getByRole('button', { name: 'Switch to English' }).click();
    await admin.goto('/security/kill-switch');
    await admin.getByRole('heading', { name: 'Suspend an organisation', level: 1 }).waitFor();
    await check(admin, 'kill-switch-en');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/security/explain', 'explain-phone-en'],
      ['/security/audit', 'audit-phone-en'],
      ['/security/reviews', 'reviews-phone-en'],
    ] as const) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
      shots.push(await screenshot(page, name));
    }
  });

  it('met no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
