import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { worldId } from '../../src/world-import/world-id';
import { ChildGateway, stopAllChildren } from '../support/child-gateway';
import { gql, launch, newContext, screenshot, seriousViolations, startPortal } from './portal-browser';

// Journey 2 of issue 11, in a real browser through the real gateway and the demo IdPs: a host
// owner (Claire) creates a classification-2 space, makes a colleague (Nadia) its second owner,
// invites an external (Louis, Studio Sud), gets the invitation approved by Nadia (four eyes),
// renews Louis's grant, moderates, and records a critical risk, after which a new external
// grant is shorter (30 days instead of 90), read on the page. Every page is checked with
// axe-core and photographed in French and English; the health figures of the open lab too.

const OPEN_LAB = worldId('space', 'open-lab');
const SPACE_NAME = 'Atelier Tarifs 2027';
const LOUIS = 'louis.bernard@studio-sud.test';
const PAUL = 'paul.roux@studio-sud.test';

describe('the portal in a browser: journey 2 (a host owner)', () => {
  let gateway: ChildGateway | null;
  let base: string;
  let browser: Browser;
  let claire: BrowserContext;
  let nadia: BrowserContext;
  let louis: BrowserContext;
  let page: Page;
  let spaceId = '';
  const shots: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  /** axe-core on the page, then its screenshot. */
  async function check(p: Page, name: string): Promise<void> {
    await p.waitForLoadState('networkidle');
    expect(await seriousViolations(p)).toEqual([]);
    shots.push(await screenshot(p, name));
  }

  async function signIn(p: Page, organisation: string, person: string, greeting: string): Promise<void> {
    await p.goto('/');
    await p.getByRole('link', { name: organisation, exact: true }).click();
    await p.getByRole('button', { name: person, exact: true }).click();
    await p.waitForURL((url) => !url.pathname.startsWith('/demo-idp') && !url.pathname.startsWith('/auth/'));
    await p.getByRole('heading', { name: greeting }).waitFor();
  }

  /** The innermost card of a list that names someone (a member, an invitation). */
  function card(p: Page, text: string): Locator {
    return p.locator('li.card:not(:has(li.card))').filter({ hasText: text });
  }

  /** The number of days the page says a grant lasts, in an invitation's card. */
  async function grantDays(p: Page, who: string): Promise<number> {
    const text = await card(p, who).innerText();
    const days = /Accès jusqu’au .+ \((\d+) jours\)/.exec(text);
    if (!days) throw new Error(`no grant length in: ${text}`);
    return Number(days[1]);
  }

  beforeAll(async () => {
    [{ gateway, base }, browser] = await Promise.all([startPortal(), launch()]);
    [claire, nadia, louis] = await Promise.all([
      newContext(browser, base, 'fr-FR'),
      newContext(browser, base, 'fr-FR'),
      newContext(browser, base, 'fr-FR'),
    ]);
    for (const c of [claire, nadia, louis]) {
      c.setDefaultTimeout(10_000);
      c.on('weberror', (e) => pageErrors.push(String(e.error())));
      // The gateway's CSP must let every screen work: a refused inline style or script is a failure.
      c.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
    }
    page = await claire.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await stopAllChildren();
    console.log(`screenshots:\n${shots.join('\n')}`);
  });

  it('Claire creates a classification-2 space from her spaces', async () => {
    await signIn(page, 'Passerelle Host', 'Claire Dubois', 'Bonjour Claire Dubois');
    await page.getByRole('link', { name: 'Mes espaces' }).click();
    await page.getByRole('link', { name: 'Créer un espace' }).click();
    await page.getByRole('heading', { name: 'Créer un espace', level: 1 }).waitFor();
    // Claire's clearance is 3: the page offers 0 to 3, as spaceCreationLimit says.
    await expect(page.getByRole('radio', { name: '4 · stratégique' }).count()).resolves.toBe(0);
    await check(page, 'space-new-fr');
    await page.getByLabel('Nom de l’espace').fill(SPACE_NAME);
    await page.getByLabel('Objet').fill('Co-construire la grille tarifaire 2027 avec nos partenaires.');
    await page.getByRole('radio', { name: '2 · sensible' }).check();
    await page.getByRole('button', { name: 'Créer un espace' }).click();
    await page.getByRole('heading', { name: SPACE_NAME, level: 1 }).waitFor();
    spaceId = new URL(page.url()).pathname.split('/')[2];
    await expect(page.locator('main .label-badge.label-2').first().innerText()).resolves.toContain('sensible');
    // Its owner's pages: invitations, risk map, health.
    for (const tab of ['Invitations', 'Carte des risques', 'Santé de la communauté']) {
      await page.getByRole('navigation', { name: SPACE_NAME }).getByRole('link', { name: tab }).waitFor();
    }
    await check(page, 'space-owner-fr');
  });

  it('makes Nadia a second owner: she accepts the invitation', async () => {
    await page.getByRole('link', { name: 'Invitations', exact: true }).last().click();
    await page.getByRole('heading', { name: `Invitations — ${SPACE_NAME}` }).waitFor();
    await page.getByLabel('Adresse e-mail de la personne invitée').fill('nadia.benali@host.passerelle.test');
    await page.getByLabel('Rôle').selectOption({ label: 'propriétaire' });
    await page.getByRole('button', { name: 'Inviter', exact: true }).click();
    await page.getByText('Invitation envoyée à nadia.benali@host.passerelle.test.', { exact: true }).waitFor();

    const n = await nadia.newPage();
    await signIn(n, 'Passerelle Host', 'Nadia Benali', 'Bonjour Nadia Benali');
    await n.goto('/invitations');
    await card(n, SPACE_NAME).getByRole('button', { name: 'Accepter' }).click();
    await n.getByText(`Invitation acceptée : vous avez rejoint « ${SPACE_NAME} ».`).waitFor();
  });

  it('invites Louis (Studio Sud) with a sponsor: the invitation waits for a second owner', async () => {
    await page.reload();
    await page.getByLabel('Adresse e-mail de la personne invitée').fill(LOUIS);
    await page.getByLabel('Rôle').selectOption({ label: 'membre' });
    await page.getByLabel('Parrain interne').selectOption({ label: 'Nadia Benali' });
    await page.getByLabel('Un mot pour la personne invitée (facultatif)').fill('Bienvenue dans l’atelier tarifs.');
    await page.getByRole('button', { name: 'Inviter', exact: true }).click();
    await page
      .getByText(`Invitation de ${LOUIS} enregistrée : elle attend l’approbation d’un second propriétaire.`)
      .waitFor();
    const louisCard = card(page, LOUIS);
    await louisCard.getByText('en attente d’approbation', { exact: true }).waitFor();
    await expect(louisCard.innerText()).resolves.toContain('parrain : Nadia Benali');
    // The inviter may withdraw it, never approve it herself.
    await expect(louisCard.getByRole('button', { name: `Approuver l’invitation de ${LOUIS}` }).count()).resolves.toBe(
      0,
    );
    await louisCard.getByText('Retirer l’invitation…', { exact: true }).waitFor();
    expect(await grantDays(page, LOUIS)).toBe(90);
    await check(page, 'space-invitations-fr');
    // Nothing waits for Claire's own signature.
    await page.getByRole('link', { name: 'Approbations' }).click();
    await page.getByRole('heading', { name: 'Approbations', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    await expect(page.getByRole('button', { name: `Approuver l’invitation de ${LOUIS}` }).count()).resolves.toBe(0);
  });

  it('Nadia approves it from her approvals; Louis accepts it', async () => {
    const n = nadia.pages()[0];
    await n.getByRole('link', { name: 'Approbations' }).click();
    await n.getByRole('heading', { name: 'Approbations', level: 1 }).waitFor();
    await n.getByRole('link', { name: SPACE_NAME }).waitFor();
    await check(n, 'approvals-fr');
    await n.getByRole('button', { name: `Approuver l’invitation de ${LOUIS}` }).click();
    // Approved: it went out to Louis, and waits for his answer.
    await card(n, LOUIS).getByText('en attente de réponse', { exact: true }).waitFor();
    await expect(card(n, LOUIS).innerText()).resolves.toContain('approuvée par Nadia Benali');
    await n.reload();
    await n.getByText('Aucune invitation n’attend d’approbation.', { exact: true }).waitFor();

    const l = await louis.newPage();
    await signIn(l, 'Studio Sud', 'Louis Bernard', 'Bonjour Louis Bernard');
    await l.goto('/invitations');
    await card(l, SPACE_NAME).getByRole('button', { name: 'Accepter' }).click();
    await l.getByText(`Invitation acceptée : vous avez rejoint « ${SPACE_NAME} ».`).waitFor();
    // An external member sees none of the owners' pages.
    await l.goto(`/spaces/${spaceId}`);
    await l.getByRole('heading', { name: SPACE_NAME, level: 1 }).waitFor();
    await expect(l.getByRole('link', { name: 'Carte des risques' }).count()).resolves.toBe(0);
    await expect(l.getByRole('link', { name: 'Invitations', exact: true }).count()).resolves.toBe(1); // the main menu's
  });

  it('Claire renews Louis’s grant on the members page', async () => {
    await page.goto(`/spaces/${spaceId}/members`);
    const louisCard = card(page, 'Louis Bernard');
    await louisCard.waitFor();
    const before = await louisCard.locator('p.muted').innerText();
    const until = await louisCard.getByLabel('Nouvelle date de fin').inputValue();
    await check(page, 'members-owner-fr');
    await louisCard.getByRole('button', { name: 'Renouveler' }).click();
    await page.getByText('Accès de Louis Bernard renouvelé.', { exact: true }).waitFor();
    const expected = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(`${until}T12:00:00Z`),
    );
    await louisCard.getByText(`jusqu’au ${expected}`).waitFor();
    expect(await louisCard.locator('p.muted').innerText()).not.toBe(before);
    // Louis himself may change no grant: no such control on his page.
    const l = louis.pages()[0];
    await l.goto(`/spaces/${spaceId}/members`);
    await card(l, 'Claire Dubois').waitFor();
    await expect(l.getByRole('button', { name: 'Renouveler' }).count()).resolves.toBe(0);
  });

  it('moderates Louis’s post: hides it with a reason, then shows it again', async () => {
    const posted = await gql(
      louis,
      `mutation($space: ID!) { createPost(input: { spaceId: $space, title: "Grille Studio Sud", body: "Notre proposition." }) { id } }`,
      { space: spaceId },
    );
    expect(posted.errors).toBeUndefined();
    await page.goto(`/posts/${posted.data.createPost.id}`);
    await page.getByRole('heading', { name: 'Grille Studio Sud', level: 1 }).waitFor();
    await page.getByText('Masquer la publication…', { exact: true }).click();
    await page.getByLabel('Motif (visible des modérateurs)').fill('Chiffres à valider');
    await page.getByRole('button', { name: 'Masquer la publication' }).click();
    await page.getByText('Publication masquée aux membres. Motif : Chiffres à valider', { exact: true }).waitFor();
    await check(page, 'post-moderated-fr');
    await page.getByRole('button', { name: 'Rendre la publication visible' }).click();
    await page.getByText('Masquer la publication…', { exact: true }).waitFor();
  });

  it('records a critical risk; a new external grant is then shorter (30 days, not 90)', async () => {
    await page.goto(`/spaces/${spaceId}/risks`);
    await page.getByRole('heading', { name: `Carte des risques — ${SPACE_NAME}` }).waitFor();
    await page.getByText('Aucun risque enregistré.', { exact: true }).waitFor();
    await page.getByLabel('Description du risque').fill('Fuite de la grille tarifaire avant l’annonce');
    await page.getByLabel('Probabilité').selectOption({ label: '2 · sensible' });
    await page.getByLabel('Impact', { exact: true }).selectOption({ label: '3 · critique' });
    await page.getByLabel('Atténuation (facultatif)').fill('Partage limité aux responsables grands comptes');
    await page.getByRole('button', { name: 'Enregistrer le risque' }).click();
    await page.getByText('Risque enregistré.', { exact: true }).waitFor();
    await page.getByText(/Un risque critique est ouvert/).waitFor();
    // The heat map: one risk at probability 2 (row) × impact 3 (column).
    const table = page.getByRole('table', { name: /Carte des risques/ });
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /sensible/ }) });
    await expect(row.getByRole('cell').allInnerTexts()).resolves.toEqual(['0', '0', '0', '1', '0']);
    await page.getByText('Fuite de la grille tarifaire avant l’annonce', { exact: true }).waitFor();
    await check(page, 'risks-fr');

    await page.getByRole('link', { name: 'Invitations', exact: true }).last().click();
    await page.getByLabel('Adresse e-mail de la personne invitée').fill(PAUL);
    await page.getByRole('button', { name: 'Inviter', exact: true }).click();
    await page.getByText(`Invitation de ${PAUL} enregistrée`, { exact: false }).waitFor();
    const paulDays = await grantDays(page, PAUL);
    const louisDays = await grantDays(page, LOUIS);
    expect(paulDays).toBe(30);
    expect(paulDays).toBeLessThan(louisDays);
  });

  it('reads the open lab’s community health as a chart and a table, "moins de 5" where withheld', async () => {
    await page.goto(`/spaces/${OPEN_LAB}/health`);
    await page.getByRole('heading', { name: /Santé de la communauté/, level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Les chiffres par période' });
    await table.waitFor();
    await expect(table.getByRole('row').count()).resolves.toBe(9); // the header and 8 weeks
    await page.locator('.chart-box svg').first().waitFor();
    // Some figure of the week rests on fewer than 5 people somewhere in six weeks: said as such.
    await expect(table.getByText('moins de 5').count()).resolves.toBeGreaterThan(0);
    // The chart says it too, under the period's name.
    await expect(page.locator('.chart-box svg text').getByText('moins de 5').count()).resolves.toBeGreaterThan(0);
    await check(page, 'health-fr');
    await page.getByRole('radio', { name: 'Par mois' }).check();
    // 6 months instead of 8 weeks.
    await page.waitForFunction(() => document.querySelectorAll('table.figures tbody tr').length === 6);
    await table.getByRole('columnheader', { name: 'Mois' }).waitFor();
  });

  it('reads every screen in English too, and at a phone’s width', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    for (const [path, heading, name] of [
      ['/spaces/new', 'Create a space', 'space-new-en'],
      [`/spaces/${spaceId}/invitations`, `Invitations — ${SPACE_NAME}`, 'space-invitations-en'],
      ['/approvals', 'Approvals', 'approvals-en'],
      [`/spaces/${spaceId}/members`, `Members — ${SPACE_NAME}`, 'members-owner-en'],
      [`/spaces/${spaceId}/risks`, `Risk map — ${SPACE_NAME}`, 'risks-en'],
      [`/spaces/${OPEN_LAB}/health`, /Community health/, 'health-en'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await check(page, name);
    }
    await page.getByRole('table', { name: 'The figures per period' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      [`/spaces/${spaceId}/risks`, 'risks-phone-en'],
      [`/spaces/${OPEN_LAB}/health`, 'health-phone-en'],
      [`/spaces/${spaceId}/invitations`, 'space-invitations-phone-en'],
      [`/spaces/${spaceId}/members`, 'members-phone-en'],
    ] as const) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      shots.push(await screenshot(page, name));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(`${name}: ${width}`).toBe(`${name}: ${Math.min(width, 390)}`);
    }
  });

  it('met no script error and no CSP refusal on any page', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
