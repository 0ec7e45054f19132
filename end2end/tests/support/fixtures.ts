import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { checkA11y } from './a11y';
import { saveScreenshot } from './screenshot';

export type Fixtures = {
  /** Runs axe-core (WCAG 2.0/2.1 A + AA) on the current page; soft-fails listing every violation. */
  axe: (label: string) => Promise<void>;
  /** Full-page screenshot saved as `<project>-<name>.png` (see support/screenshot.ts). */
  shot: (name: string) => Promise<void>;
  /** Waits until the page is ready: loaded; with JavaScript also hydrated and with the network quiet. */
  settle: () => Promise<void>;
  /** Requests in flight (used by `settle`). */
  network: NetworkTracker;
  /** Whether this project runs with JavaScript. */
  jsEnabled: boolean;
  /** With JavaScript, marks hydration (see HYDRATION_PROBE); used by `settle`. */
  hydrationProbe: void;
  /** Collects uncaught page errors (a failed hydration shows here) and fails the test on any. */
  pageErrors: string[];
};

/**
 * Counts the page's requests in flight, so that `settle` also works after
 * client-side navigations (server-function fetches). A request left behind by
 * a previous document may never report its end: requests older than `staleMs`
 * are not waited for.
 */
export class NetworkTracker {
  private inflight = new Map<unknown, number>();
  private lastActivity = Date.now();
  constructor(page: Page, private staleMs = 5_000) {
    page.on('request', (r) => {
      // Preloads and icons ("other", "image") served from cache may never report their end.
      if (!['document', 'script', 'stylesheet', 'fetch', 'xhr'].includes(r.resourceType())) return;
      this.inflight.set(r, Date.now());
      this.lastActivity = Date.now();
    });
    const done = (r: unknown) => { this.inflight.delete(r); this.lastActivity = Date.now(); };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
  }
  private pending(): number {
    const now = Date.now();
    let n = 0;
    for (const started of this.inflight.values()) if (now - started < this.staleMs) n++;
    return n;
  }
  /** Resolves once nothing (recent) has been in flight for `quietMs` (at most `maxMs`). */
  async quiet(quietMs = 500, maxMs = 20_000): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < maxMs) {
      if (this.pending() === 0 && Date.now() - this.lastActivity >= quietMs) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Waits until the page is ready to be read: loaded and, with JavaScript, with
 * the network quiet (the wasm bundle loaded and hydrated, or the data of a
 * client-side navigation fetched). `waitForLoadState('networkidle')` is not
 * enough: after a client-side navigation the document is the same, so it
 * resolves at once.
 */
export async function settlePage(page: Page, testInfo: TestInfo, network: NetworkTracker): Promise<void> {
  await page.waitForLoadState('load');
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await waitForHydration(page);
    await network.quiet();
  }
}

/**
 * Marks the moment the wasm bundle has been instantiated and hydration has run:
 * the Leptos loader does `init().then(() => hydrate())` (microtasks only), so a
 * `setTimeout(0)` queued when `WebAssembly.instantiate*` resolves fires after
 * `hydrate()` returned. Installed before any page script runs.
 */
export const HYDRATION_PROBE = `(() => {
  if (!('WebAssembly' in window)) return;
  const mark = () => setTimeout(() => { window.__piazzaHydrated = true; }, 0);
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      const result = original.apply(this, args);
      result.then(mark, () => undefined);
      return result;
    };
  }
})();`;

/** With JavaScript: waits until the page has hydrated (so clicks go through the client-side router). */
export async function waitForHydration(page: Page, timeout = 45_000): Promise<void> {
  try {
    await page.waitForFunction(() => (window as unknown as { __piazzaHydrated?: boolean }).__piazzaHydrated === true, null, { timeout, polling: 100 });
  } catch (e) {
    throw new Error(`${page.url()} did not hydrate within ${timeout / 1000} s (the wasm bundle was not instantiated): ${(e as Error).message.split('\n')[0]}`);
  }
}

export const test = base.extend<Fixtures>({
  jsEnabled: async ({}, use, testInfo) => {
    await use(testInfo.project.use.javaScriptEnabled !== false);
  },
  hydrationProbe: [
    async ({ page }, use, testInfo) => {
      if (testInfo.project.use.javaScriptEnabled !== false) await page.addInitScript(HYDRATION_PROBE);
      await use();
    },
    { auto: true },
  ],
  pageErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.name}: ${err.message}`));
      page.on('console', (msg) => {
        // Leptos/wasm panics are printed with console.error before the RuntimeError.
        if (msg.type() === 'error' && /panicked at|hydration|RuntimeError|unreachable/i.test(msg.text())) {
          errors.push(`${page.url()}: console.error: ${msg.text().slice(0, 500)}`);
        }
      });
      await use(errors);
      if (errors.length) {
        await testInfo.attach('page-errors.txt', { body: errors.join('\n'), contentType: 'text/plain' });
      }
      expect.soft(errors, `uncaught errors in the page (hydration?):\n${errors.join('\n')}`).toEqual([]);
    },
    { auto: true },
  ],
  axe: async ({ page }, use, testInfo) => {
    await use((label: string) => checkA11y(page, testInfo, label));
  },
  shot: async ({ page }, use, testInfo) => {
    await use((name: string) => saveScreenshot(page, testInfo, name));
  },
  network: async ({ page }, use) => {
    await use(new NetworkTracker(page));
  },
  settle: async ({ page, network }, use, testInfo) => {
    await use(() => settlePage(page, testInfo, network));
  },
});

export { expect };
