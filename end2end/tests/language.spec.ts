import { test, expect } from './support/fixtures';
import type { Page } from '@playwright/test';
import { cardTitleLinks, gotoStatus, pickProcess } from './support/app';

/** The language switch links live in the header's language nav (aria-label "Lingua" / "Language"). */
function switchLink(page: Page, lang: 'it' | 'en') {
  return page.locator(`header nav a[lang="${lang}"]`);
}

test.describe('language switch', () => {
  test('Italian by default, English on request, and back', async ({ page, request, axe, shot, settle }) => {
    const proc = await pickProcess(request);

    await gotoStatus(page, '/');
    await settle();
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
    const langNav = page.getByRole('navigation', { name: 'Lingua' });
    await expect(langNav).toBeVisible();
    await expect(langNav.locator('a[lang="it"]'), 'Italian is the current language').toHaveAttribute('aria-current', 'true');
    await expect(page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: 'Processi', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Vai al contenuto principale' })).toHaveAttribute('href', '#main');
    await expect(page.locator('main#main')).toHaveCount(1);
    await axe('home-it');

    // To English.
    const toEnglish = switchLink(page, 'en');
    await expect(toEnglish).toHaveCount(1);
    await expect(toEnglish).toHaveAttribute('href', /^\/lingua\/en\?torna=/);
    await toEnglish.click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page).toHaveURL((u) => u.pathname === '/');
    await settle();
    await expect(page.getByRole('link', { name: 'Processes', exact: true }).first()).toBeVisible();
    await expect(page.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main');
    await expect(switchLink(page, 'en'), 'English is now the current language').toHaveAttribute('aria-current', 'true');
    const footer = page.getByRole('contentinfo');
    await expect(footer.getByRole('link', { name: 'Accessibility statement' })).toHaveAttribute('href', '/accessibilita');
    await expect(footer.getByRole('link', { name: 'Privacy notice' })).toHaveAttribute('href', '/privacy');
    await axe('home-en');
    await shot('home-en');

    // Stays English on navigation (click the process card).
    await cardTitleLinks(page).and(page.locator(`[href="${proc.href}"]`)).first().click();
    await page.waitForURL((u) => u.pathname === proc.href);
    await settle();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('link', { name: 'Processes', exact: true }).first()).toBeVisible();
    await axe('process-en');
    await shot('process-en');

    // And on a fresh load of the page (the cookie, not client state, carries the language).
    await gotoStatus(page, proc.href);
    await settle();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    // Back to Italian, staying on the process page.
    const toItalian = switchLink(page, 'it');
    await expect(toItalian).toHaveAttribute('href', /^\/lingua\/it\?torna=/);
    await toItalian.click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
    await expect(page).toHaveURL((u) => u.pathname === proc.href);
    await settle();
    await expect(page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: 'Processi', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Processes', exact: true })).toHaveCount(0);
    await axe('process-it');
    await shot('process-it');
  });

  test('switching language keeps the query string of the page', async ({ page, request, settle }) => {
    const proc = await pickProcess(request);
    const listPath = `/processi/${proc.slug}/proposte`;
    await gotoStatus(page, `${listPath}?ordine=recenti`);
    await settle();
    const toEnglish = switchLink(page, 'en');
    const href = (await toEnglish.getAttribute('href'))!;
    const torna = new URL(href, 'http://x').searchParams.get('torna');
    expect(torna, `the "torna" of ${href}`).toBe(`${listPath}?ordine=recenti`);

    await toEnglish.click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page).toHaveURL((u) => u.pathname === listPath && u.searchParams.get('ordine') === 'recenti');
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Apply filters' })).toBeVisible();
  });

  test('/lingua/{it|en} answers 303 back to "torna" and sets a cookie', async ({ request }) => {
    const res = await request.get('/lingua/en?torna=%2Faccessibilita', { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers()['location']).toMatch(/^(https?:\/\/[^/]+)?\/accessibilita$/);
    expect(res.headers()['set-cookie'] ?? '', 'a language cookie is set').toMatch(/=en\b/);

    const back = await request.get('/lingua/it?torna=%2F', { maxRedirects: 0 });
    expect(back.status()).toBe(303);
    expect(back.headers()['location']).toMatch(/^(https?:\/\/[^/]+)?\/$/);
  });

  test('/lingua does not redirect to another site', async ({ request, baseURL }) => {
    for (const torna of ['https://example.com/', '//example.com/', '/\\example.com/']) {
      const res = await request.get(`/lingua/en?torna=${encodeURIComponent(torna)}`, { maxRedirects: 0 });
      expect(res.status(), `status for torna=${torna}`).toBeLessThan(500);
      const location = res.headers()['location'];
      if (location !== undefined) {
        const target = new URL(location, baseURL);
        expect(target.origin, `torna=${torna} redirects to ${location}`).toBe(new URL(baseURL!).origin);
        expect(location, `torna=${torna}: a protocol-relative Location leaves the site`).not.toMatch(/^\/[/\\]/);
      }
    }
  });
});
