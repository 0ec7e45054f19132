import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect } from './support/fixtures';
import { DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';

const FACILITATOR = 'facilitator-milano@demo.piazza.invalid';
const COUNCIL = 'council-milano@demo.piazza.invalid';
const MILANO = '/processi/piano-strategico-metropolitano-milano';
// The council member of the demo may approve any process's plan.
const COUNCIL_ANY = 'council@demo.piazza.invalid';
// Two demo processes wait in their approval phase: a plan is approved once,
// so each browser mode approves its own.
const AWAITING_APPROVAL: Record<string, string> = {
  js: '/processi/piano-strategico-chieri-2030',
  nojs: '/processi/piano-strategico-ivrea-2030',
};

test.describe('final plan', () => {
  test('a facilitator composes and saves two versions, then compares them', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name}-${Date.now()}`;
    await signIn(page, FACILITATOR, DEMO_PASSWORD);
    await page.goto(`${MILANO}/piano`);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Piano strategico');
    await page.getByRole('link', { name: 'Componi il piano' }).click();
    await page.waitForURL(/\/piano\/componi$/);
    await settle();
    await axe('plan composer');

    // A wrong position is refused on its field.
    const firstPosition = page.locator('#piano-posizione_1');
    await firstPosition.evaluate((input: HTMLInputElement) => { input.type = 'text'; });
    await firstPosition.fill('primo');
    await page.locator('#piano-introduzione').fill(`Prima introduzione ${stamp}.`);
    await page.getByRole('button', { name: 'Salva una nuova versione' }).click();
    await settle();
    await expect(page.getByRole('alert').first()).toContainText('Posizione della sezione 1');
    await axe('plan composer, wrong position');

    await page.goto(`${MILANO}/piano/componi`);
    await settle();
    await page.locator('#piano-introduzione').fill(`Prima introduzione ${stamp}.`);
    await page.locator('#piano-testo_1').fill(`Testo della prima sezione ${stamp}.`);
    await page.locator('#piano-nota').fill('prima stesura');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Salva una nuova versione' }).click(), /esito=versione-salvata/);
    await settle();
    await expect(page.locator('.plan-document')).toContainText(`Prima introduzione ${stamp}.`);
    await expect(page.locator('.plan-document')).toContainText('Allegato: corrispondenza con gli obiettivi del DUP');
    const first = Number(/versioni\/(\d+)/.exec(page.url())![1]);
    await axe('plan version');

    await page.goto(`${MILANO}/piano/componi`);
    await settle();
    await expect(page.locator('#piano-introduzione')).toHaveValue(`Prima introduzione ${stamp}.`);
    await page.locator('#piano-introduzione').fill(`Seconda introduzione ${stamp}.`);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Salva una nuova versione' }).click(), /esito=versione-salvata/);
    await settle();
    const second = Number(/versioni\/(\d+)/.exec(page.url())![1]);
    expect(second).toBe(first + 1);

    // The plan page lists both; the comparison shows what changed.
    await page.goto(`${MILANO}/piano`);
    await settle();
    await expect(page.getByRole('link', { name: `Versione ${first}`, exact: true })).toBeVisible();
    await page.locator('#confronto-da').selectOption(String(first));
    await page.locator('#confronto-a').selectOption(String(second));
    await page.getByRole('button', { name: 'Confronta' }).click();
    await page.waitForURL(new RegExp(`confronta\\?da=${first}&a=${second}`));
    await settle();
    await expect(page.locator('del', { hasText: `Prima introduzione ${stamp}.` })).toBeVisible();
    await expect(page.locator('ins', { hasText: `Seconda introduzione ${stamp}.` })).toBeVisible();
    await axe('plan comparison');

    // The downloads are files.
    const download = await page.request.get(`${MILANO}/piano/versioni/${second}/piano.html`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain(`-v${second}.html`);
    expect(await download.text()).toContain(`Seconda introduzione ${stamp}.`);
  });

  test('a council member sees when the plan can be approved', async ({ page, axe, settle }) => {
    await signIn(page, COUNCIL, DEMO_PASSWORD);
    await page.goto(`${MILANO}/piano`);
    await settle();
    // Milan is past its approval phase: the form is not offered, the reason is.
    await expect(page.getByText('Il piano si approva nella fase di approvazione del percorso.')).toBeVisible();
    await expect(page.locator('#approvazione')).toHaveCount(0);
    await axe('plan page, council');
  });

  test('a council member approves the plan and downloads the PDF and the open data', async ({ page, axe, settle }, testInfo) => {
    const process = AWAITING_APPROVAL[testInfo.project.name];
    await signIn(page, COUNCIL_ANY, DEMO_PASSWORD);
    await page.goto(`${process}/piano`);
    await settle();
    await expect(page.locator('#approvazione')).toBeVisible();
    await axe('plan page, approval open');

    // A missing resolution number is refused on its field, nothing is recorded.
    await page.locator('#approvazione-numero_delibera').evaluate((input: HTMLInputElement) => { input.required = false; });
    await page.locator('#approvazione-data_delibera').fill('2026-11-20');
    await page.getByRole('button', { name: "Registra l'approvazione" }).click();
    await settle();
    await expect(page.getByRole('alert').first()).toContainText('Numero della delibera');
    await expect(page.locator('#approvazione')).toBeVisible();
    await axe('plan page, approval refused');

    await page.locator('#approvazione-numero_delibera').fill('87/2026');
    await page.locator('#approvazione-data_delibera').fill('2026-11-20');
    await page.locator('#approvazione-organo').selectOption('consiglio');
    await submitAndWait(page, () => page.getByRole('button', { name: "Registra l'approvazione" }).click(), /esito=piano-approvato/);
    await settle();
    await expect(page.getByText('Approvazione registrata.')).toBeVisible();
    await expect(page.locator('.callout.success')).toContainText('n. 87/2026');
    await expect(page.locator('#approvazione')).toHaveCount(0);
    await axe('plan page, approved');

    // The PDF, from its link: tagged, and it states the approval.
    const pdfDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'PDF accessibile (.pdf)' }).click();
    const pdf = await pdfDownload;
    expect(pdf.suggestedFilename()).toMatch(/^piano-piano-strategico-[a-z]+-2030-v1\.pdf$/);
    const pdfPath = await pdf.path();
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('pdfinfo', [pdfPath], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()).toMatch(/Tagged:\s+yes/);
    const text = execFileSync('pdftotext', [pdfPath, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('delibera n. 87/2026 del 20 novembre 2026');
    expect(text).toContain('Allegato: corrispondenza con gli obiettivi del DUP');

    // The open data, zipped.
    const zipDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Scarica i dati aperti del percorso (.zip)' }).click();
    const zip = await zipDownload;
    expect(zip.suggestedFilename()).toMatch(/^dati-aperti-piano-strategico-[a-z]+-2030-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(readFileSync(await zip.path()).subarray(0, 2).toString()).toBe('PK');
  });
});
