import * as fs from 'fs';
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
 * The newest link to `path` (`/conferma-email` or `/reimposta-password`) sent to `email`:
 * the administrators' outbox shows the email without it (checked in a separate browser
 * session); the demo server's console, where it prints emails whole, has it.
 */
export async function linkFromOutbox(browser: Browser, email: string, path: string): Promise<string> {
  // Administrators see the email in the outbox, but never its one-time link.
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/amministrazione/posta');
    const mail = page.locator('article.mail').filter({ hasText: email }).first();
    await expect(mail).toBeVisible();
    const body = await mail.locator('pre.mail-body').innerText();
    expect(body).toContain(`${path}?token=[nascosto]`);
    expect(body).not.toMatch(new RegExp(`${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]{8,}`));
  } finally {
    await context.close();
  }
  // The demo instance prints the whole email to the console of whoever runs it
  // (.ci/end2end.sh passes that log's path): the link is read there.
  const log = process.env.PIAZZA_E2E_SERVER_LOG;
  expect(log, 'PIAZZA_E2E_SERVER_LOG names the demo server\'s console log').toBeTruthy();
  let link: string | undefined;
  await expect(async () => {
    const text = fs.readFileSync(log!, 'utf8');
    const at = text.lastIndexOf(`To: ${email}\n`);
    expect(at, `the email to ${email} on the demo console`).toBeGreaterThanOrEqual(0);
    const match = text.slice(at).match(new RegExp(`https?://[^\\s]+${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]+`));
    expect(match, `a ${path} link in the email to ${email}`).not.toBeNull();
    link = match![0];
  }).toPass({ timeout: 15_000 });
  const url = new URL(link!);
  return `${url.pathname}${url.search}`;
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
