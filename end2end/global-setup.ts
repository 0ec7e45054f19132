import type { FullConfig } from '@playwright/test';

/**
 * `cargo leptos end-to-end` starts the server and runs the tests at once, without
 * waiting: poll `/readyz` until it answers 200 (at most 10 minutes, or
 * PIAZZA_READY_TIMEOUT_S seconds).
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = String(config.projects[0]?.use?.baseURL ?? 'http://127.0.0.1:3000');
  const url = new URL('/readyz', baseURL).toString();
  const limitMs = Number(process.env.PIAZZA_READY_TIMEOUT_S || 600) * 1000;
  const started = Date.now();
  let last = 'no answer yet';
  let announced = false;
  while (Date.now() - started < limitMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
      if (res.status === 200) {
        if (announced) console.log(`[globalSetup] ${url} ready after ${Math.round((Date.now() - started) / 1000)} s`);
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).cause ? String((e as Error).cause) : String(e);
    }
    if (!announced) {
      console.log(`[globalSetup] waiting for ${url} (${last}) ...`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`[globalSetup] ${url} did not answer 200 within ${limitMs / 1000} s (last: ${last})`);
}
