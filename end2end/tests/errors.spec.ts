import { test, expect } from './support/fixtures';
import type { Page } from '@playwright/test';
import { cardTitleLinks, gotoStatus, pickProcess } from './support/app';

async function expectHelpful404(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const home = page.locator('main a[href="/"]');
  expect(await home.count(), 'the 404 page links back home').toBeGreaterThan(0);
  await expect(home.first()).toBeVisible();
  await expect(page.getByRole('contentinfo').getByRole('link', { name: 'Dichiarazione di accessibilità' })).toBeVisible();
}

async function expectFooterLinks(page: Page) {
  const footer = page.getByRole('contentinfo');
  await expect(footer.getByRole('link', { name: 'Dichiarazione di accessibilità' })).toHaveAttribute('href', '/accessibilita');
  await expect(footer.getByRole('link', { name: 'Informativa privacy' })).toHaveAttribute('href', '/privacy');
}

test.describe('not found', () => {
  const cases: [string, string][] = [
    ['unknown route', '/questa-pagina-non-esiste'],
    ['unknown proposal id', '/proposte/00000000-0000-7000-8000-000000000000'],
    ['malformed proposal id', '/proposte/non-un-uuid'],
    ['unknown process', '/processi/processo-che-non-esiste'],
  ];
  for (const [name, path] of cases) {
    test(`${name} answers 404 with a way back home`, async ({ page, axe, shot, settle }) => {
      await gotoStatus(page, path, 404);
      await settle();
      await expectHelpful404(page);
      await axe(`404-${name}`);
      await shot(`404-${name}`);
      // The way back works.
      await page.locator('main a[href="/"]').first().click();
      await page.waitForURL((u) => u.pathname === '/');
      await expect(cardTitleLinks(page).first()).toBeVisible();
    });
  }
});

test.describe('footer: accessibility statement and privacy notice', () => {
  test('every page links both, and both pages answer 200', async ({ page, request, axe, shot, settle }) => {
    const proc = await pickProcess(request);
    for (const path of ['/', proc.href, `${proc.href}/proposte`, '/accessibilita', '/privacy']) {
      await gotoStatus(page, path);
      await expectFooterLinks(page);
    }
    await gotoStatus(page, '/pagina-inesistente', 404);
    await expectFooterLinks(page);

    // Follow the footer links from the home page.
    await gotoStatus(page, '/');
    await settle();
    await page.getByRole('contentinfo').getByRole('link', { name: 'Dichiarazione di accessibilità' }).click();
    await page.waitForURL((u) => u.pathname === '/accessibilita');
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/accessibilit/i);
    await axe('accessibilita');
    await shot('accessibilita');

    await page.getByRole('contentinfo').getByRole('link', { name: 'Informativa privacy' }).click();
    await page.waitForURL((u) => u.pathname === '/privacy');
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/privacy/i);
    await axe('privacy');
    await shot('privacy');
  });

  test('both pages answer 200 over plain HTTP', async ({ request }) => {
    for (const path of ['/accessibilita', '/privacy']) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(res.headers()['content-type'] ?? '', path).toMatch(/text\/html/);
    }
  });
});
