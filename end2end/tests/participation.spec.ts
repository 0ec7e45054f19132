import { test, expect } from './support/fixtures';
import { DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';
import type { Page } from '@playwright/test';

const AUTHOR = 'citizen@demo.piazza.invalid';
const COMMENTER = 'citizen-2@demo.piazza.invalid';
const SUPPORTER = 'verified@demo.piazza.invalid';
const PINEROLO = '/processi/agenda-digitale-pinerolo';
const ALESSANDRIA = '/processi/piano-strategico-alessandria-2030';

async function signOut(page: Page): Promise<void> {
  await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /esito=uscita/);
}

test.describe('participation', () => {
  test('write a proposal (with a similar-proposal hint), comment and reply, the author is notified', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    const title = `Sportello digitale itinerante nelle frazioni (${stamp})`;

    // The author writes, after looking for similar proposals.
    await signIn(page, AUTHOR, DEMO_PASSWORD);
    await page.goto(`${PINEROLO}/proposte/nuova`);
    await settle();
    await axe('new proposal');
    await page.locator('#simili').fill('certificati online per le iscrizioni scolastiche');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Cerca proposte simili' }).click(), /simili=/);
    await settle();
    await expect(page.locator('#simili-risultati')).toContainText('Piano dei servizi online: prima certificati e iscrizioni scolastiche');
    await axe('new proposal with similar proposals');

    // A body too short is refused by field, in Italian.
    await page.locator('#proposta-piattaforma').selectOption('servizi-online');
    await page.locator('#proposta-titolo').fill(title);
    await page.locator('#proposta-testo').fill('Troppo breve.');
    await page.getByRole('button', { name: 'Pubblica la proposta' }).click();
    await expect(page.getByRole('alert')).toContainText('«Testo della proposta» è troppo corto: almeno 30 caratteri.');
    await settle();
    // Nothing typed is lost, with or without JavaScript.
    await expect(page.locator('#proposta-titolo')).toHaveValue(title);
    await expect(page.locator('#proposta-testo')).toHaveValue('Troppo breve.');
    await expect(page.locator('#proposta-piattaforma')).toHaveValue('servizi-online');
    await expect(page.locator('#proposta-testo')).toHaveAttribute('aria-invalid', 'true');
    await axe('new proposal with an error');

    await page.locator('#proposta-piattaforma').selectOption('servizi-online');
    await page.locator('#proposta-titolo').fill(title);
    await page
      .locator('#proposta-testo')
      .fill('Un furgone attrezzato che una volta al mese porta nelle **frazioni** un operatore per:\n\n- SPID e CIE\n- certificati\n- pagamenti pagoPA');
    await page.locator('#proposta-zona').selectOption('frazioni-pianura');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Pubblica la proposta' }).click(), /\/proposte\/[0-9a-f-]+\?esito=proposta-pubblicata/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Proposta pubblicata');
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(page.locator('.prose strong')).toHaveText('frazioni');
    await axe('published proposal');
    const proposalUrl = new URL(page.url()).pathname;
    await signOut(page);

    // Someone else comments.
    await signIn(page, COMMENTER, DEMO_PASSWORD);
    await page.goto(proposalUrl);
    await settle();
    await page.locator('#commento-nuovo-commento').fill(`Ottima idea, ${stamp}: servirebbe anche a Riva.`);
    await page.locator('#commento-nuovo-posizione-favore').check();
    await submitAndWait(page, () => page.getByRole('button', { name: 'Pubblica il commento' }).click(), /esito=commento-pubblicato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Commento pubblicato.');
    await expect(page.locator('.comment').first()).toContainText('A favore');
    await axe('proposal with a comment');
    await signOut(page);

    // The author finds the notification, then replies.
    await signIn(page, AUTHOR, DEMO_PASSWORD);
    await expect(page.locator('.account-notifications')).toContainText('da leggere');
    await page.goto('/notifiche');
    await settle();
    await expect(page.locator('.notification').filter({ hasText: title }).first()).toContainText('ha commentato');
    await axe('notifications');
    await page.goto(proposalUrl);
    await settle();
    const comment = page.locator('.comment').first();
    await comment.locator('summary', { hasText: 'Rispondi a' }).click();
    await comment.locator('textarea[name="commento"]').first().fill('Grazie! Riva è già nel giro previsto.');
    await submitAndWait(page, () => comment.getByRole('button', { name: 'Pubblica la risposta' }).click(), /esito=commento-pubblicato/);
    await settle();
    await expect(page.locator('.comment-list.replies')).toContainText('Riva è già nel giro previsto');
    // Commented: the author can no longer edit, and says why.
    await expect(page.locator('.author-actions')).toContainText('ha già ricevuto un commento');
    await axe('proposal with a reply');
    await signOut(page);
  });

  test('support a proposal while voting is open, then withdraw the support', async ({ page, axe, settle }) => {
    await signIn(page, SUPPORTER, DEMO_PASSWORD);
    await page.goto(`${ALESSANDRIA}/proposte?stato=pubblicata`);
    await settle();
    await page.locator('.proposal-card a').first().click();
    await page.waitForURL(/\/proposte\/[0-9a-f-]+$/);
    await settle();
    const box = page.locator('#sostegno');
    // A previous interrupted run may have left the support in place.
    if (await box.getByRole('button', { name: 'Ritira il sostegno' }).isVisible()) {
      await submitAndWait(page, () => box.getByRole('button', { name: 'Ritira il sostegno' }).click(), /esito=sostegno-ritirato/);
      await settle();
    }
    await axe('proposal during voting');
    await submitAndWait(page, () => box.getByRole('button', { name: 'Sostieni questa proposta' }).click(), /esito=sostegno-dato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('il tuo sostegno è stato registrato');
    await expect(box).toContainText('Hai sostenuto questa proposta.');
    await expect(box).toContainText(/Sostegni usati in questa piattaforma: \d su 5\./);
    await axe('supported proposal');
    await submitAndWait(page, () => box.getByRole('button', { name: 'Ritira il sostegno' }).click(), /esito=sostegno-ritirato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Il tuo sostegno è stato ritirato.');
    await expect(box.getByRole('button', { name: 'Sostieni questa proposta' })).toBeVisible();
    await signOut(page);
  });

  test('a support given in another browser shows live on an open proposal page', async ({ page, browser, settle, jsEnabled }) => {
    test.skip(!jsEnabled, 'live updates need JavaScript; without it the page shows the count of when it was loaded');
    await page.goto(`${ALESSANDRIA}/proposte?stato=pubblicata&ordine=recenti`);
    await settle();
    await page.locator('.proposal-card a').nth(1).click();
    await page.waitForURL(/\/proposte\/[0-9a-f-]+$/);
    await settle();
    const path = new URL(page.url()).pathname;
    const count = page.locator('ul.stats .stat-value').first();
    const before = Number((await count.innerText()).replace(/\D/g, ''));

    // Someone else, elsewhere, supports it and then withdraws: the open page follows.
    const elsewhere = await browser.newContext();
    const other = await elsewhere.newPage();
    await signIn(other, SUPPORTER, DEMO_PASSWORD);
    await other.goto(path);
    const box = other.locator('#sostegno');
    let start = before;
    if (await box.getByRole('button', { name: 'Ritira il sostegno' }).isVisible()) {
      // Left by an interrupted run.
      await submitAndWait(other, () => box.getByRole('button', { name: 'Ritira il sostegno' }).click(), /esito=sostegno-ritirato/);
      start = before - 1;
      await expect(count).toHaveText(String(start));
    }
    await submitAndWait(other, () => box.getByRole('button', { name: 'Sostieni questa proposta' }).click(), /esito=sostegno-dato/);
    await expect(count).toHaveText(String(start + 1));
    await submitAndWait(other, () => box.getByRole('button', { name: 'Ritira il sostegno' }).click(), /esito=sostegno-ritirato/);
    await expect(count).toHaveText(String(start));
    await elsewhere.close();
  });

  test('closed actions say when they open; results readable without JavaScript', async ({ page, axe, settle }) => {
    // Pinerolo collects proposals: supports open later, and the page says when.
    await page.goto(`${PINEROLO}/proposte`);
    await settle();
    await page.locator('.proposal-card a').first().click();
    await page.waitForURL(/\/proposte\/[0-9a-f-]+$/);
    await settle();
    await expect(page.locator('#sostegno')).toContainText('I sostegni non sono aperti in questa fase. Si apriranno con la fase');
    await expect(page.locator('#sostegno').getByRole('button')).toHaveCount(0);

    await page.goto(`${ALESSANDRIA}/risultati`);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Risultati');
    await expect(page.locator('#grafico-piattaforme svg[role="img"]')).toBeVisible();
    await expect(page.locator('#grafico-piattaforme-table tbody tr').first()).toBeVisible();
    await axe('results');

    // Full-text search in Italian: a plural finds the singular.
    await page.goto(`${PINEROLO}/proposte?cerca=certificato`);
    await settle();
    await expect(page.locator('.proposal-card').first()).toContainText('ertificat');
    await axe('search');
  });
});
