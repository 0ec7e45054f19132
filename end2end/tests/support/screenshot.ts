import type { Page, TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Fixed folder, kept between runs (Playwright cleans only outputDir): end2end/test-results/screenshots. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'screenshots');

/** Saves a full-page screenshot as `<project>-<name>.png` and attaches it to the report. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const safe = name.replace(/[^a-zA-Z0-9._-]+/g, '-');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${testInfo.project.name}-${safe}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`${testInfo.project.name}-${safe}.png`, { path, contentType: 'image/png' });
  return path;
}
