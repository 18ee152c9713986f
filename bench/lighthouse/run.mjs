// Lighthouse 12.2.3 (pinned in package.json) with Debian's Chromium over a built site: the
// home, an article, a section list and the search page, mobile (Lighthouse's default) and
// desktop. Prints each category's score and fails below 95 (search's SEO excepted: the
// search page is `noindex` on purpose). Too slow for CI (about a minute a page on this
// machine): run it by hand.
//
//   (cd bench/lighthouse && npm ci) && node bench/lighthouse/run.mjs [SITE_DIR]

import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

import { startServer } from '../../tests/browser/server.mjs';
import { pageTypes } from '../../tests/browser/pages.mjs';

const siteDir = process.argv[2] || 'public';
const MIN = 95;
const wanted = ['home-ru', 'article', 'section', 'search'];
const server = await startServer(path.resolve(siteDir));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.QOSTIL_CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
let failed = false;
try {
  const pages = (await pageTypes(siteDir)).filter(([type]) => wanted.includes(type));
  for (const [form, config] of [['mobile', undefined], ['desktop', desktopConfig]]) {
    for (const [type, url] of pages) {
      const result = await lighthouse(server.url + url, { port: chrome.port, output: 'json', logLevel: 'error' }, config);
      const scores = Object.fromEntries(
        Object.values(result.lhr.categories).map((c) => [c.id, Math.round(c.score * 100)]),
      );
      const low = Object.entries(scores).filter(([id, s]) => s < MIN && !(type === 'search' && id === 'seo'));
      console.log(`${form.padEnd(8)} ${type.padEnd(8)} ${JSON.stringify(scores)}${low.length ? '  BELOW 95' : ''}`);
      if (low.length) failed = true;
    }
  }
} finally {
  await chrome.kill();
  await server.close();
}
process.exit(failed ? 1 : 0);
