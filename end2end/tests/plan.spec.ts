import { test, expect } from './support/fixtures';
import { DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';

const FACILITATOR = 'facilitator-milano@demo.piazza.invalid';
const COUNCIL = 'council-milano@demo.piazza.invalid';
const MILANO = '/processi/piano-strategico-metropolitano-milano';

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
});
