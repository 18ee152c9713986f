// `qostil serve` in a real browser: a page open in Chromium follows the files on disk with no
// user action — an edit shows up, a broken edit shows the error overlay, fixing it clears the
// overlay, a CSS edit swaps the stylesheet without a reload, and the scroll position is kept.
//
//   QOSTIL_BIN=target/release/qostil node --test serve.test.mjs
//
// Environment:
//   QOSTIL_BIN       the qostil binary (default: ../../target/release/qostil)
//   QOSTIL_CHROMIUM  the browser binary (default: /usr/bin/chromium)
//
// The server runs on a free loopback port against a temporary copy of the portal and is
// stopped (with the browser) by after(), also when a test fails.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BIN = path.resolve(REPO, process.env.QOSTIL_BIN || 'target/release/qostil');
const ARTICLE = 'content/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen.md';
const ARTICLE_URL = '/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/';
const WAIT = 15_000;

let site;
let child;
let base;
let browser;
let page;
const consoleErrors = [];

before(async () => {
  site = await fs.mkdtemp(path.join(os.tmpdir(), 'qostil-serve-'));
  for (const entry of ['content', 'themes', 'taxonomies', 'site.yaml']) {
    await fs.cp(path.join(REPO, entry), path.join(site, entry), { recursive: true });
  }
  child = spawn(BIN, ['serve', '--root', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start')), 60_000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const m = buffer.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(base + ARTICLE_URL);
  // The live-reload stream is open once the hello event arrived.
  await page.waitForFunction(() => window.__qostilEvents && window.__qostilEvents.readyState === 1, null, { timeout: WAIT });
});

after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((r) => { child.once('exit', r); setTimeout(r, 5000); });
  }
  if (site) await fs.rm(site, { recursive: true, force: true });
});

async function edit(rel, change) {
  const file = path.join(site, rel);
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, change(text));
}

test('an edit on disk shows up in the open page, at the same scroll position', async () => {
  await page.evaluate(() => window.scrollTo(0, 600));
  const before = await page.evaluate(() => window.scrollY);
  assert.ok(before > 300, `the page scrolled (${before})`);
  await edit(ARTICLE, (t) => t + '\nБраузер бұл сөйлемді өзі көрсетеді.\n');
  await page.waitForFunction(() => document.body.innerText.includes('Браузер бұл сөйлемді өзі көрсетеді.'), null, { timeout: WAIT });
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 50, before, { timeout: WAIT });
});

test('a broken edit shows the error overlay, the fix clears it', async () => {
  const original = await fs.readFile(path.join(site, ARTICLE), 'utf8');
  await edit(ARTICLE, (t) => t.replace('title:', 'title: [broken'));
  const overlay = page.locator('#qostil-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: WAIT });
  const text = await overlay.innerText();
  assert.match(text, /abay-oblysynyn-akimi-berik-ualidin-toragalygymen\.md:\d+:\d+/);
  // The last good page is still the one shown.
  assert.ok((await page.locator('h1').innerText()).length > 0);
  await fs.writeFile(path.join(site, ARTICLE), original.replace('Абай облысының әкімі', 'Абай облысының жаңа әкімі'));
  await overlay.waitFor({ state: 'detached', timeout: WAIT });
  await page.waitForFunction(() => document.body.innerText.includes('Абай облысының жаңа әкімі'), null, { timeout: WAIT });
});

test('a CSS edit swaps the stylesheet without reloading the page', async () => {
  await page.evaluate(() => { window.__notReloaded = true; });
  await edit('themes/portal/static/style.css', (t) => t + '\nbody { outline: 3px solid rgb(1, 2, 3); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no full reload');
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
