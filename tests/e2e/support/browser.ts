/**
 * Debian's Chromium driven by playwright-core (CHROME_PATH, else /usr/bin/chromium; nothing is
 * ever downloaded), and screenshots of each step into tests/e2e/screenshots/ (git-ignored).
 * Every page records what a strict CSP or Trusted Types refused, and uncaught errors, so a
 * journey can assert the demo pages run clean under their policy.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const screenshotsDir = fileURLToPath(new URL('../screenshots/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  /** CSP and Trusted Types violations seen so far. */
  violations: string[];
  /** Uncaught errors and console errors seen so far. */
  errors: string[];
}

/** A page that reports policy violations and errors. */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  await page.exposeFunction('__reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => (window as unknown as { __reportViolation(text: string): void }).__reportViolation(`${event.violatedDirective}: ${event.blockedURI || event.sample} at ${event.sourceFile}:${event.lineNumber}`), true);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, violations, errors };
}

/** Screenshots named `<journey>-<nn>-<step>.png`, numbered in the order taken. */
export function screenshotter(journey: string) {
  mkdirSync(screenshotsDir, { recursive: true });
  // A fresh set per run: no picture from an earlier run passes for this one's.
  for (const file of readdirSync(screenshotsDir)) if (file.startsWith(`${journey}-`) && file.endsWith('.png')) rmSync(join(screenshotsDir, file));
  let step = 0;
  return async (page: Page, name: string): Promise<string> => {
    step += 1;
    const path = join(screenshotsDir, `${journey}-${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path });
    return path;
  };
}
