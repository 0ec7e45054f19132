import { test, expect } from './support/fixtures';
import { DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';

const CITIZEN = 'citizen@demo.piazza.invalid';

test.describe('REST API', () => {
  test('a citizen creates an access token, sees it once, uses it, then revokes it', async ({ page, request, axe, settle }, testInfo) => {
    const name = `Sito di prova ${testInfo.project.name} ${Date.now()}`;
    await signIn(page, CITIZEN, DEMO_PASSWORD);
    await page.goto('/profilo');
    await settle();
    const section = page.locator('#token-api');
    await expect(section.getByRole('heading', { level: 2 })).toHaveText('Token per le API');

    // A name is required: refused on its field, nothing created.
    await section.getByRole('button', { name: 'Crea il token' }).click();
    await settle();
    await expect(page.locator('#token-nuovo-nome_token-error')).toContainText('obbligatorio');
    await axe('profile, token name missing');

    await page.locator('#token-nuovo-nome_token').fill(name);
    await page.getByLabel('Scrittura: anche propone, commenta e sostiene a tuo nome').check();
    // A write token takes the password again: refused without it, on its field.
    await section.getByRole('button', { name: 'Crea il token' }).click();
    await settle();
    await expect(page.locator('#token-nuovo-password-error')).toContainText('obbligatori');
    await page.locator('#token-nuovo-nome_token').fill(name);
    await page.getByLabel('Scrittura: anche propone, commenta e sostiene a tuo nome').check();
    await page.locator('#token-nuovo-password').fill(DEMO_PASSWORD);
    await submitAndWait(page, () => section.getByRole('button', { name: 'Crea il token' }).click(), /esito=token-creato/);
    await settle();
    const secretBox = page.locator('#token-nuovo-segreto');
    await expect(secretBox).toBeVisible();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^pzt_[A-Za-z0-9_-]{43}$/);
    const row = page.locator('#token-api tbody tr', { hasText: name });
    await expect(row).toContainText('Scrittura');
    await expect(row).toContainText('mai');
    await axe('profile, token created');

    // Shown once: reloading the page does not show it again.
    await page.reload();
    await settle();
    await expect(page.locator('#token-nuovo-segreto')).toHaveCount(0);
    await expect(page.locator('#token-api tbody tr', { hasText: name })).toHaveCount(1);

    // The token works from another program (no cookies): who am I, and a support.
    const auth = { Authorization: `Bearer ${secret}` };
    const me = await request.get('/api/v1/me', { headers: auth });
    expect(me.status()).toBe(200);
    expect((await me.json()).display_name).toBeTruthy();
    const bad = await request.post('/api/v1/me/notifications/read', { headers: { ...auth, 'Content-Type': 'application/json' }, data: '{"notifica": 12}' });
    expect(bad.status()).toBe(422);
    expect(bad.headers()['content-type']).toBe('application/problem+json');
    const read = await request.post('/api/v1/me/notifications/read', { headers: auth, data: {} });
    expect(read.status()).toBe(200);

    // Its last use now shows in the profile.
    await page.reload();
    await settle();
    await expect(page.locator('#token-api tbody tr', { hasText: name })).not.toContainText('mai');

    // Revoked: it stops working at once.
    await submitAndWait(
      page,
      () => page.getByRole('button', { name: `Revoca il token «${name}»` }).click(),
      /esito=token-revocato/,
    );
    await settle();
    await expect(page.locator('#token-api tbody tr', { hasText: name })).toHaveCount(0);
    const refused = await request.get('/api/v1/me', { headers: auth });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).type).toBe('/api/v1/docs#problema-token-non-valido');
  });

  test('the API page is reachable from the footer, readable and bilingual', async ({ page, axe, settle }) => {
    await page.goto('/');
    await settle();
    await page.getByRole('link', { name: 'API per sviluppatori' }).click();
    await page.waitForURL(/\/api\/v1\/docs$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('API di Piazza');
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
    await expect(page.locator('main')).toContainText('GET /api/v1/processes/{process}/proposals');
    await expect(page.locator('#problema-dati-non-validi')).toContainText('422');
    await axe('API page');
    await page.getByRole('link', { name: 'OpenAPI 3.1' }).first().click();
    await expect(page).toHaveURL(/openapi\.json$/);
    await page.goBack();

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/api\/v1\/docs$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Piazza API');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await axe('API page, English');
    await page.getByRole('link', { name: 'Italiano' }).click();
    await page.waitForURL(/\/api\/v1\/docs$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  });
});
