import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests for Piazza.
 *
 * The server is not started here: `cargo leptos end-to-end` (or a developer)
 * starts it; globalSetup waits until `${PIAZZA_BASE_URL}/readyz` answers 200.
 * Chromium is the system one (Debian package `chromium`): never run
 * `npx playwright install`, it downloads a browser and fails on these machines.
 */
const baseURL = (process.env.PIAZZA_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
// Two suites may run at once (SQLite and PostgreSQL, see .ci/end2end.sh): each writes its own results.
const backend = process.env.PIAZZA_E2E_BACKEND || 'sqlite';

const chromium = {
  ...devices['Desktop Chrome'],
  browserName: 'chromium' as const,
  // The system Chromium; Playwright gives every launch a fresh temporary profile (user data dir).
  launchOptions: {
    executablePath: process.env.PIAZZA_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.spec.ts',
  outputDir: `./test-results/${backend}`,
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: Number(process.env.PIAZZA_E2E_WORKERS || 1),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { outputFolder: `./playwright-report/${backend}`, open: 'never' }],
  ],
  use: {
    baseURL,
    locale: 'it-IT',
    // The app decides the language from its cookie, not from the browser: keep the default Italian.
    extraHTTPHeaders: { 'Accept-Language': 'it-IT,it;q=0.9' },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'js', use: { ...chromium, javaScriptEnabled: true } },
    { name: 'nojs', use: { ...chromium, javaScriptEnabled: false } },
  ],
});
