import { test, expect } from './support/fixtures';
import { DEMO_ADMIN, DEMO_PASSWORD, freshEmail, linkFromOutbox, registerAndConfirm, signIn, submitAndWait } from './support/accounts';

const PASSWORD = 'tramonto sul Tanaro 1987';

test.describe('accounts', () => {
  test('register → confirm → sign out → sign in → sign out', async ({ page, browser, axe, settle }, testInfo) => {
    const email = freshEmail('registra', testInfo.project.name);
    await page.goto('/registrati');
    await settle();
    await axe('register');

    // A weak password is refused by field, in Italian, and nothing is lost but the password.
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Nome visualizzato').fill('Giulia Prova');
    await page.getByLabel('Password', { exact: true }).fill('password123');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: "Crea l'account" }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('«Password» è troppo facile da indovinare');
    await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await axe('register with an error');

    await registerAndConfirm(page, browser, email, 'Giulia Prova', PASSWORD);
    await expect(page.getByRole('status')).toContainText('Indirizzo confermato');
    await settle();
    await axe('profile');

    await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /\/\?esito=uscita/);
    await expect(page.getByRole('link', { name: 'Accedi', exact: true })).toBeVisible();

    // Wrong password: one message that does not say which part was wrong.
    await page.goto('/accedi');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('non è questa la password');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Email o password non corretti.');
    await axe('sign in with an error');

    await signIn(page, email, PASSWORD);
    await expect(page.locator('header')).toContainText('Giulia Prova');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /\/\?esito=uscita/);
  });

  test('password reset through the outbox', async ({ page, browser, axe, settle }, testInfo) => {
    const email = freshEmail('reimposta', testInfo.project.name);
    await registerAndConfirm(page, browser, email, 'Marco Prova', PASSWORD);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /\/\?esito=uscita/);

    await page.goto('/password-dimenticata');
    await settle();
    await axe('forgot password');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Invia il collegamento' }).click(), /esito=inviata/);
    await expect(page.getByRole('status')).toContainText('ti abbiamo inviato il collegamento');

    const link = await linkFromOutbox(browser, email, '/reimposta-password');
    await page.goto(link);
    await settle();
    await axe('reset password');
    const newPassword = 'una nuova frase per Piazza 2026';
    await page.getByLabel('Nuova password').fill(newPassword);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Salva la nuova password' }).click(), /password-reimpostata/);
    await expect(page.getByRole('status')).toContainText('Password reimpostata');
    await signIn(page, email, newPassword);
  });

  test('an administrator assigns and removes a facilitator role', async ({ page, axe, settle }) => {
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/amministrazione');
    await settle();
    await axe('administration');
    await page.getByRole('link', { name: 'Persone e ruoli' }).click();
    await page.waitForURL(/\/amministrazione\/utenti/);
    await page.getByLabel('Cerca per nome o email').fill('citizen-2@demo');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Cerca' }).click(), /q=citizen-2/);
    await settle();
    await axe('people and roles');
    const row = page.locator('tbody tr').filter({ hasText: 'citizen-2@demo.piazza.invalid' });
    await expect(row).toHaveCount(1);
    await row.getByLabel('Ruolo', { exact: true }).selectOption('facilitator');
    const scope = row.getByLabel('Ambito', { exact: true });
    const platformValue = await scope.locator('option[value^="piattaforma:"]').first().getAttribute('value');
    const platformName = (await scope.locator('option[value^="piattaforma:"]').first().innerText()).trim();
    await scope.selectOption(platformValue!);
    await row.getByRole('button', { name: /Aggiungi il ruolo/ }).click();
    const granted = page.locator('tbody tr').filter({ hasText: 'citizen-2@demo.piazza.invalid' }).locator('.role-list li').filter({ hasText: platformName });
    await expect(granted).toContainText('Facilitatore');

    await page.goto('/amministrazione/registro');
    await expect(page.locator('tbody tr').first()).toContainText('Ruolo assegnato');
    await axe('action log');

    await page.goto('/amministrazione/utenti?q=citizen-2%40demo');
    await page.locator('tbody tr').filter({ hasText: 'citizen-2@demo.piazza.invalid' }).getByRole('button', { name: /Togli il ruolo Facilitatore/ }).click();
    await expect(page.locator('tbody tr').filter({ hasText: 'citizen-2@demo.piazza.invalid' }).locator('.role-list li').filter({ hasText: platformName })).toHaveCount(0);

    await page.goto('/amministrazione/posta');
    await settle();
    await axe('outbox');
    await page.goto('/amministrazione/residenza');
    await settle();
    await axe('census upload');
  });

  test('a person downloads and deletes their data', async ({ page, browser, axe, jsEnabled }, testInfo) => {
    const email = freshEmail('elimina', testInfo.project.name);
    await registerAndConfirm(page, browser, email, 'Anna Prova', PASSWORD);

    // Download: the same file with or without JavaScript.
    const response = await page.request.get('/profilo/dati');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-disposition']).toContain('attachment');
    const data = await response.json();
    expect(data.account.email).toBe(email);
    if (jsEnabled) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Scarica i miei dati' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.json$/);
    }

    // Deleting needs the confirmation word.
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Conferma').fill('forse');
    await page.getByRole('button', { name: "Elimina definitivamente l'account" }).click();
    await expect(page.getByRole('alert')).toContainText('«Conferma» va confermato');
    await axe('delete with an error');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Conferma').fill('ELIMINA');
    await submitAndWait(page, () => page.getByRole('button', { name: "Elimina definitivamente l'account" }).click(), /account-eliminato/);
    await expect(page.getByRole('status')).toContainText('Il tuo account è stato eliminato.');

    // The account is gone.
    await page.goto('/accedi');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Email o password non corretti.');
  });

  test('demo mode is marked and the sign-in page lists the demo personas', async ({ page, axe, settle }) => {
    await page.goto('/accedi');
    await settle();
    await expect(page.getByRole('note').filter({ hasText: 'Istanza dimostrativa' })).toBeVisible();
    await expect(page.getByRole('table')).toContainText(DEMO_ADMIN);
    await axe('sign in');
  });
});
