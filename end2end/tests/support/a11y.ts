import { expect, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** The WCAG levels the product must meet (WCAG 2.1 AA, EN 301 549, AgID guidelines). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let axeSource: string | undefined;
function axeScript(): string {
  if (!axeSource) axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

type AxeNode = { target: unknown[]; html: string; failureSummary?: string };
type AxeViolation = { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] };
type AxeOutcome = { violations?: AxeViolation[]; error?: string };

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' | ')}\n      ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`)
        .join('\n');
      return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core in the page and soft-fails the test with every violation
 * (rule id, impact, target selectors, help), so that the rest of the test still runs.
 *
 * With JavaScript disabled (project `nojs`) `page.evaluate` still runs, but the page's
 * timers never fire and microtasks only run between two evaluations. So there
 * `setTimeout(fn, 0)` is replaced by a microtask (longer timers, which axe only
 * uses as watchdogs, never fire) and the result is polled from the page.
 */
export async function runAxe(page: Page, jsEnabled: boolean): Promise<AxeViolation[]> {
  if (!jsEnabled) {
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      let next = 1;
      w.setTimeout = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const id = next++;
        if (!ms || ms <= 0) void Promise.resolve().then(() => fn(...args));
        return id;
      };
      w.clearTimeout = () => undefined;
    });
  }
  await page.evaluate(axeScript());
  await page.evaluate((tags) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> }; __piazzaAxe?: unknown };
    w.__piazzaAxe = undefined;
    w.axe
      .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      .then(
        (r) => { w.__piazzaAxe = { violations: r.violations }; },
        (e) => { w.__piazzaAxe = { error: String(e) }; },
      );
  }, WCAG_TAGS);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const outcome = (await page.evaluate(() => (window as unknown as { __piazzaAxe?: unknown }).__piazzaAxe)) as AxeOutcome | undefined;
    if (outcome?.error) throw new Error(`axe-core failed: ${outcome.error}`);
    if (outcome?.violations) return outcome.violations;
    if (Date.now() > deadline) throw new Error('axe-core did not finish within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function checkA11y(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const jsEnabled = testInfo.project.use.javaScriptEnabled !== false;
  const violations = await runAxe(page, jsEnabled);
  const report = formatViolations(violations);
  if (violations.length) {
    await testInfo.attach(`axe-${label}.txt`, { body: `${page.url()}\n${report}\n`, contentType: 'text/plain' });
  }
  expect
    .soft(violations.map((v) => v.id), `axe (${WCAG_TAGS.join(', ')}) on "${label}" ${page.url()}:\n${report}`)
    .toEqual([]);
}
