// Screenshots of every page type of a built site at a phone's and a desktop's width, for a
// review (not a test). One command:
//
//   node tests/browser/screenshots.mjs [SITE_DIR] [OUT_DIR] [--full]
//
// SITE_DIR defaults to public/, OUT_DIR to tests/browser/screenshots/. Each page type gets
// `<type>-375.png` (375×812) and `<type>-1280.png` (1280×800): what is above the fold, or
// the whole page with --full. The pages are the first of each type the built folder has:
// the chooser, both homes, a section list, an article, a standalone page, a taxonomy index,
// a term list, the search page and the 404 page.

import { promises as fs } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { pageTypes, WIDTHS } from './pages.mjs';

const args = process.argv.slice(2);
const full = args.includes('--full');
const [siteDir = 'public', outDir = 'tests/browser/screenshots'] = args.filter((a) => !a.startsWith('--'));
const pages = await pageTypes(siteDir);

await fs.mkdir(outDir, { recursive: true });
const server = await startServer(path.resolve(siteDir));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  for (const w of WIDTHS) {
    const context = await browser.newContext({
      viewport: w.viewport,
      isMobile: w.isMobile,
      hasTouch: w.hasTouch,
      deviceScaleFactor: 1,
      colorScheme: 'light',
    });
    for (const [type, url] of pages) {
      const page = await context.newPage();
      await page.goto(server.url + url, { waitUntil: 'networkidle' });
      const file = path.join(outDir, `${type}-${w.name}.png`);
      await page.screenshot({ path: file, fullPage: full });
      console.log(`${file}  ${url}`);
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
