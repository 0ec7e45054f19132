import { expect, type Browser, type Page } from '@playwright/test';

/** The demo administrator and the password every named demo persona shares. */
export const DEMO_ADMIN = 'admin@demo.piazza.invalid';
export const DEMO_PASSWORD = 'piazza-demo-2026';

/** A fresh address for one test run and project, so journeys never collide. */
export function freshEmail(prefix: string, project: string): string {
  return `${prefix}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.it`;
}

/** Waits for a navigation caused by a form (with JavaScript it is a client-side one). */
export async function submitAndWait(page: Page, click: () => Promise<void>, url: RegExp): Promise<void> {
  await click();
  await page.waitForURL(url, { timeout: 30_000 });
  await page.waitForLoadState('load');
}

/** Signs in through the form on /accedi. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/accedi');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submitAndWait(page, () => page.getByRole('button', { name: 'Accedi', exact: true }).click(), /\/profilo/);
  await expect(page.getByRole('heading', { level: 1, name: 'Il tuo profilo' })).toBeVisible();
}

/**
 * The newest link to `path` (`/conferma-email` or `/reimposta-password`) sent to `email`,
 * read from the administrators' outbox in a separate browser session.
 */
export async function linkFromOutbox(browser: Browser, email: string, path: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/amministrazione/posta');
    const mail = page.locator('article.mail').filter({ hasText: email }).first();
    await expect(mail).toBeVisible();
    const body = await mail.locator('pre.mail-body').innerText();
    const match = body.match(new RegExp(`https?://[^\\s]+${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]+`));
    expect(match, `a ${path} link in the email to ${email}:\n${body}`).not.toBeNull();
    const url = new URL(match![0]);
    return `${url.pathname}${url.search}`;
  } finally {
    await context.close();
  }
}

/** Registers `email` and activates it through the outbox; ends signed in on the profile. */
export async function registerAndConfirm(page: Page, browser: Browser, email: string, name: string, password: string): Promise<void> {
  await page.goto('/registrati');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Nome visualizzato').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('checkbox').check();
  await submitAndWait(page, () => page.getByRole('button', { name: "Crea l'account" }).click(), /\/registrati\/inviata/);
  await expect(page.getByRole('heading', { level: 1, name: 'Controlla la tua email' })).toBeVisible();
  const link = await linkFromOutbox(browser, email, '/conferma-email');
  await page.goto(link);
  await submitAndWait(page, () => page.getByRole('button', { name: "Attiva l'account" }).click(), /\/profilo/);
  await expect(page.getByRole('heading', { level: 1, name: 'Il tuo profilo' })).toBeVisible();
}
