// The page types of a built site, one URL each: what the accessibility test checks and the
// screenshot script shoots. The first of each type the built folder has.

import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The first folder (sorted) below `dir` of `siteDir` holding an index.html, as a URL path. */
export async function firstPage(siteDir, dir) {
  let entries;
  try {
    entries = await fs.readdir(path.join(siteDir, dir), { withFileTypes: true });
  } catch {
    return null;
  }
  const names = entries.filter((e) => e.isDirectory() && e.name !== 'page').map((e) => e.name).sort();
  for (const name of names) {
    try {
      const html = await fs.readFile(path.join(siteDir, dir, name, 'index.html'), 'utf8');
      // An alias or `page/1/` redirect is not a page of the type.
      if (!html.includes('http-equiv="refresh"')) return `/${dir}/${name}/`;
    } catch {
      // a folder without a page of its own (search shards)
    }
  }
  return null;
}

/** [type, URL path] for every page type the site has, in `lang`. */
export async function pageTypes(siteDir, lang = 'ru') {
  const types = [
    ['chooser', '/'],
    ['home-kk', '/kk/'],
    ['home-ru', '/ru/'],
    ['home-kk-latn', '/kk-latn/'],
    ['article-kk-latn', await firstPage(siteDir, 'kk-latn/news')],
    ['section', `/${lang}/news/`],
    ['article', await firstPage(siteDir, `${lang}/news`)],
    ['page', `/${lang}/about/`],
    ['taxonomy', `/${lang}/regions/`],
    ['term', await firstPage(siteDir, `${lang}/tags`)],
    ['search', `/${lang}/search/?q=%D0%BA%D0%BE%D0%BB%D0%BB%D0%B5%D0%B4%D0%B6`],
    ['404', '/no-such-page/'],
  ];
  const out = [];
  for (const [type, url] of types) {
    if (!url) continue;
    if (type === '404') {
      out.push([type, url]);
      continue;
    }
    const file = path.join(siteDir, url.split('?')[0], 'index.html');
    try {
      await fs.access(file);
      out.push([type, url]);
    } catch {
      // the site has no page of this type
    }
  }
  return out;
}

export const WIDTHS = [
  { name: '375', viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
  { name: '1280', viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
];
