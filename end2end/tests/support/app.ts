import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/**
 * The title links of the cards in the page's main content (process cards, proposal cards):
 * the link in the card's heading. The contract shows `<h3 class="card-title">`; a list whose
 * cards sit right under the h1 may use h2, which is the better outline, so both are accepted.
 */
export const CARD_TITLE_LINK = 'main article :is(h2, h3) a';

export function cardTitleLinks(page: Page): Locator {
  return page.locator(CARD_TITLE_LINK);
}

/** The cards (articles in main) that have a title link. */
export function cards(page: Page): Locator {
  return page.locator('main article').filter({ has: page.locator(':is(h2, h3) a') });
}

/** Proposal links in the main content: `/proposte/{uuid}`. */
export const PROPOSAL_HREF = /\/proposte\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

/** Navigates and insists on the status (200 by default). */
export async function gotoStatus(page: Page, path: string, status = 200) {
  const response = await page.goto(path);
  expect(response, `no response for ${path}`).not.toBeNull();
  expect(response!.status(), `HTTP status of ${path}`).toBe(status);
  return response!;
}

function decodeHref(h: string): string {
  return h.replace(/&amp;/g, '&');
}

/** Every distinct href of the HTML that matches `re` (group 1), in document order. */
function hrefs(html: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(re)) {
    const h = decodeHref(m[1]);
    if (!out.includes(h)) out.push(h);
  }
  return out;
}

async function html(request: APIRequestContext, path: string): Promise<string> {
  const res = await request.get(path);
  expect(res.status(), `HTTP status of ${path}`).toBe(200);
  return res.text();
}

async function hasProposals(request: APIRequestContext, path: string): Promise<boolean> {
  const res = await request.get(path);
  if (res.status() !== 200) return false;
  return PROPOSAL_HREF.test(await res.text());
}

/**
 * The process the tests walk through: the first one on the home page whose
 * proposal list is not empty (the first one if none has proposals, so that the
 * tests fail loudly on the empty list rather than skip).
 * Looked up over plain HTTP so that the browser steps stay a straight walk.
 */
export async function pickProcess(request: APIRequestContext): Promise<{ href: string; slug: string }> {
  const processes = hrefs(await html(request, '/'), /href="(\/processi\/[^"/?#]+)"/g);
  expect(processes.length, 'the home page links at least one process (/processi/{slug})').toBeGreaterThan(0);
  for (const href of processes) {
    if (await hasProposals(request, `${href}/proposte`)) return { href, slug: href.split('/')[2] };
  }
  return { href: processes[0], slug: processes[0].split('/')[2] };
}

/** Among the platform links of a process page, the hrefs whose platform page lists proposals come first. */
export async function platformsWithProposalsFirst(request: APIRequestContext, processHref: string): Promise<string[]> {
  const platforms = hrefs(await html(request, processHref), /href="(\/processi\/[^"/?#]+\/piattaforme\/[^"/?#]+)"/g);
  const withProposals: string[] = [];
  const without: string[] = [];
  for (const href of platforms) ((await hasProposals(request, href)) ? withProposals : without).push(href);
  return [...withProposals, ...without];
}

/** `<option>`s of a select with a non-empty value. */
export async function realOptions(select: Locator): Promise<{ value: string; label: string }[]> {
  return select.locator('option').evaluateAll((opts) =>
    (opts as HTMLOptionElement[])
      .filter((o) => o.value !== '')
      .map((o) => ({ value: o.value, label: (o.textContent || '').replace(/\s+/g, ' ').trim() })),
  );
}

/** Option label without a trailing count such as "Ambiente (12)". */
export function bareLabel(label: string): string {
  return label.replace(/\s*\(\d+\)\s*$/, '').trim();
}

/** Whether `path` (a proposal list URL) lists at least one proposal. */
export async function listHasProposals(request: APIRequestContext, path: string): Promise<boolean> {
  return hasProposals(request, path);
}

/** hrefs of the proposal title links currently listed. */
export async function listedProposalHrefs(page: Page): Promise<string[]> {
  return cardTitleLinks(page).evaluateAll((as) => (as as HTMLAnchorElement[]).map((a) => a.getAttribute('href') || ''));
}
