// Driving the VS Code workbench in headless Chromium (playwright-core, Debian's chromium): open a
// folder, open a file, run palette commands, click the status bar, reach into webview iframes.

import * as fs from 'node:fs';
import { chromium, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { log, waitFor } from './log';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Keep timers and rendering running in a window nobody looks at.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export function chromiumPath(): string {
  const candidates = [process.env.DD_E2E_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')} (apt-get install chromium)`);
  return found;
}

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

/** `profileDir` lies inside the run folder, so the leftover-process check can recognise Chromium. */
export async function openWorkbench(url: string, folder: string, profileDir: string, consoleLog: string[]): Promise<Workbench> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const close = (): Promise<void> => context.close();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLog.push(`[${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The explorer lists the folder once the remote file system is connected.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return { page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first().click();
  const tab = page.locator(`.tabs-container .tab[aria-label^="${name}"]`);
  await tab.first().waitFor({ timeout: 20_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
  await focusEditor(page);
}

export async function focusEditor(page: Page): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  // Put the cursor at the end so dictated digits append.
  await page.keyboard.press('Control+End');
}

/** Runs a command by its palette title, e.g. "Digit Dictation: Start Digit Dictation". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ timeout: 15_000 });
  } catch {
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`the command palette has no "${title}" (it lists: ${rows.slice(0, 8).join(' | ') || 'nothing'})`);
  }
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

export function editorText(page: Page): Promise<string> {
  return page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
}

/** The status bar entry an extension contributed, found by its id (workbench DOM id = extension id + item id). */
export function statusItem(page: Page, extensionId: string, itemId: string, textHint: string) {
  const byId = page.locator(`.statusbar-item[id="${extensionId}.${itemId}"], .statusbar-item[id="${itemId}"]`);
  const byText = page.locator('.statusbar-item', { hasText: textHint });
  return byId.or(byText).first();
}

export async function statusLabel(page: Page, extensionId: string, itemId: string, textHint: string): Promise<string> {
  const item = statusItem(page, extensionId, itemId, textHint);
  const own = (await item.getAttribute('aria-label')) ?? '';
  const inner =
    (await item
      .locator('[aria-label]')
      .first()
      .getAttribute('aria-label')
      .catch(() => null)) ?? '';
  return inner && inner !== own ? `${own} ${inner}`.trim() : own;
}

/**
 * The content frame of the webview panel titled `title`. VS Code hosts a webview in an
 * `iframe.webview` whose document in turn holds the extension's page in `iframe#active-frame`.
 */
export async function webviewFrame(page: Page, title: string, timeoutMs = 30_000): Promise<Frame> {
  return waitFor(
    `the "${title}" webview to load`,
    async () => {
      for (const frame of page.frames()) {
        if (frame.name() !== 'active-frame' && !frame.url().includes('fake.html')) continue;
        const parent = frame.parentFrame();
        const owner = parent ? await parent.frameElement().catch(() => undefined) : undefined;
        const ownerTitle = owner ? await owner.getAttribute('title').catch(() => null) : null;
        // Some VS Code versions title the outer iframe; otherwise accept the frame holding our test ids.
        if (ownerTitle && ownerTitle !== title) continue;
        if (
          (await frame
            .locator('[data-testid]')
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    },
    timeoutMs,
    300,
  );
}

/** A frame locator chain for the same webview, for screenshots of the outer iframe element. */
export function webviewOuter(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready');
}

export function logConsoleTail(lines: string[], max = 20): void {
  if (lines.length) log(`browser console (last ${Math.min(max, lines.length)} of ${lines.length}):\n  ${lines.slice(-max).join('\n  ')}`);
}
