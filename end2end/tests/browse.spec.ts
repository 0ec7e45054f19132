import { test, expect } from './support/fixtures';
import { cardTitleLinks, cards as cardsOf, gotoStatus, pickProcess, platformsWithProposalsFirst, PROPOSAL_HREF } from './support/app';

test.describe('browse: home → process → platform → proposal', () => {
  test('home lists processes with a phase timeline', async ({ page, axe, shot, settle }) => {
    await gotoStatus(page, '/');
    await settle();

    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

    const cards = cardsOf(page);
    expect(await cards.count(), 'at least one process card').toBeGreaterThan(0);
    const first = cards.first();
    await expect(first.locator(':is(h2, h3) a')).toHaveAttribute('href', /^\/processi\/[^/?#]+$/);
    await expect(first.locator(':is(h2, h3) a')).not.toHaveText('');
    await expect(first.locator('.card-text').first(), 'organisation / summary text').toBeVisible();

    const timeline = page.locator('main ol.phase-timeline').first();
    await expect(timeline).toBeVisible();
    expect(await timeline.locator('li.phase-timeline-item').count(), 'timeline items').toBeGreaterThan(0);
    expect(
      await page.locator('main ol.phase-timeline li.phase-timeline-item.is-current, main ol.phase-timeline li.phase-timeline-item.is-past').count(),
      'a current or past phase in a timeline',
    ).toBeGreaterThan(0);

    // Main menu: "Processi" is the current page.
    const menu = page.getByRole('navigation', { name: 'Menu principale' });
    await expect(menu.getByRole('link', { name: 'Processi', exact: true })).toHaveAttribute('aria-current', 'page');

    await axe('home');
    await shot('home');
  });

  test('process, platform and proposal pages', async ({ page, request, axe, shot, settle }) => {
    const proc = await pickProcess(request);

    // Home → process (click the card title).
    await gotoStatus(page, '/');
    await settle();
    const cardLink = cardTitleLinks(page).and(page.locator(`[href="${proc.href}"]`)).first();
    const processTitle = (await cardLink.innerText()).trim();
    await cardLink.click();
    await page.waitForURL((u) => u.pathname === proc.href);
    await settle();

    await expect(page.getByRole('heading', { level: 1 })).toContainText(processTitle);
    const breadcrumb = page.getByRole('navigation', { name: 'Percorso di navigazione' });
    await expect(breadcrumb.getByRole('link', { name: 'Home' })).toHaveAttribute('href', '/');

    // Phases with dates.
    await expect(page.getByRole('heading', { name: /^Fasi\b/ }).first()).toBeVisible();
    const phases = page.locator('main ol.phase-timeline li.phase-timeline-item');
    expect(await phases.count(), 'phases listed').toBeGreaterThan(0);
    await expect(phases.first(), 'a phase shows its dates').toContainText(/\d{4}|\d{1,2}\s+\p{L}+|\d{1,2}[./-]\d{1,2}/u);
    expect(await page.locator('main li.phase-timeline-item.is-current, main li.phase-timeline-item.is-past').count()).toBeGreaterThan(0);

    // Strategic directions, platforms, zones.
    await expect(page.getByRole('heading', { name: /direzion|strategi/i }).first(), 'strategic directions heading').toBeVisible();
    await expect(page.getByRole('heading', { name: /piattaform/i }).first(), 'platforms heading').toBeVisible();
    await expect(page.getByRole('heading', { name: /\bzon[ae]\b/i }).first(), 'zones heading').toBeVisible();
    const platformLinks = page.locator(`main a[href^="${proc.href}/piattaforme/"]`);
    expect(await platformLinks.count(), 'platform links').toBeGreaterThan(0);

    // Counts: proposals, supports, participants.
    const stats = page.locator('main ul.stats li.stat');
    expect(await stats.count(), 'counts (ul.stats li.stat)').toBeGreaterThanOrEqual(3);
    const statsText = (await page.locator('main ul.stats').first().innerText()).toLowerCase();
    expect(statsText).toMatch(/propost/);
    expect(statsText).toMatch(/support|sostegn/);
    expect(statsText).toMatch(/partecipant/);
    for (const v of await page.locator('main ul.stats .stat-value').allInnerTexts()) {
      expect(v.trim(), 'a count is a number').toMatch(/^\d[\d.\s\u202f\u00a0]*$/);
    }

    await axe('process');
    await shot('process');

    // Process → platform (a platform that has proposals, clicked from the process page).
    const platformHref = (await platformsWithProposalsFirst(request, proc.href))[0];
    const platformLink = page.locator(`main a[href="${platformHref}"]`).first();
    const platformName = (await platformLink.innerText()).trim();
    await platformLink.click();
    await page.waitForURL((u) => u.pathname === platformHref);
    await settle();

    await expect(page.getByRole('heading', { level: 1 })).toContainText(platformName);
    expect(await page.locator('main ul.stats li.stat').count(), 'platform counts').toBeGreaterThan(0);
    const fullList = page.locator(`main a[href^="${proc.href}/proposte?"][href*="piattaforma="]`);
    expect(await fullList.count(), 'link to the full list filtered by this platform').toBeGreaterThan(0);
    const proposalLinks = cardTitleLinks(page);
    expect(await proposalLinks.count(), 'the platform lists proposals').toBeGreaterThan(0);

    await axe('platform');
    await shot('platform');

    // Platform → proposal.
    const proposalLink = proposalLinks.first();
    await expect(proposalLink).toHaveAttribute('href', PROPOSAL_HREF);
    const proposalHref = (await proposalLink.getAttribute('href'))!;
    const proposalTitle = (await proposalLink.innerText()).trim();
    await proposalLink.click();
    await page.waitForURL((u) => u.pathname === new URL(proposalHref, 'http://x').pathname);
    await settle();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(proposalTitle);
    const main = page.locator('main');
    await expect(main.locator('.prose').first(), 'rendered Markdown body').toBeVisible();
    await expect(main, 'the proposal names its platform').toContainText(platformName);
    await expect(main.locator('.badge').first(), 'state badge').toBeVisible();
    await expect(main, 'support count').toContainText(/\d+\s*(supporti|supporto|sostegni|sostenitori|supports?|supporters?)|(supporti|supporto|sostegni|sostenitori|supports?|supporters?)\s*:?\s*\d+/i);

    await axe('proposal');
    await shot('proposal');
  });
});
