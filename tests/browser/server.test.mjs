// Tests of the static server the browser tests rely on: pretty URLs, 404 page, content
// types, and that no request can read a file outside the site folder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startServer } from './server.mjs';

let tmp;
let site;
let server;

/** A raw GET: the path is sent exactly as given (fetch() would normalize `..` away). */
function rawGet(port, rawPath) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.setTimeout(5000, () => req.destroy(new Error(`timeout on ${rawPath}`)));
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'qostil-server-test-'));
  site = path.join(tmp, 'site');
  await mkdir(path.join(site, 'kk', 'news'), { recursive: true });
  await mkdir(path.join(site, 'empty'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<!DOCTYPE html><title>root</title>');
  await writeFile(path.join(site, '404.html'), '<!DOCTYPE html><title>custom 404</title>');
  await writeFile(path.join(site, 'kk', 'news', 'index.html'), '<!DOCTYPE html><title>news</title>');
  await writeFile(path.join(site, 'style.css'), 'body{}');
  await writeFile(path.join(site, 'kk', 'atom.xml'), '<feed/>');
  await writeFile(path.join(site, 'sitemap.xml'), '<urlset/>');
  await writeFile(path.join(site, 'қаз тест.txt'), 'cyrillic name');
  await writeFile(path.join(tmp, 'secret.txt'), 'SECRET-OUTSIDE');
  await symlink(path.join(tmp, 'secret.txt'), path.join(site, 'link-out.txt'));
  server = await startServer(site);
});

after(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('binds to 127.0.0.1 on a free port', { timeout: 5000 }, () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(server.port > 0);
});

test('pretty URLs serve index.html', { timeout: 5000 }, async () => {
  const root = await fetch(`${server.url}/`);
  assert.equal(root.status, 200);
  assert.match(await root.text(), /<title>root<\/title>/);
  const news = await fetch(`${server.url}/kk/news/`);
  assert.equal(news.status, 200);
  assert.equal(news.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await news.text(), /<title>news<\/title>/);
  const query = await fetch(`${server.url}/kk/news/?q=x`);
  assert.equal(query.status, 200);
});

test('a folder without the trailing slash redirects', { timeout: 5000 }, async () => {
  const res = await fetch(`${server.url}/kk/news`, { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.equal(res.headers.get('location'), '/kk/news/');
});

test('misses answer 404 with the site 404 page', { timeout: 5000 }, async () => {
  for (const p of ['/nope/', '/nope.html', '/empty/', '/style.css/', '/kk/news/index.html/x']) {
    const res = await fetch(`${server.url}${p}`);
    assert.equal(res.status, 404, p);
    assert.match(await res.text(), /custom 404/, p);
  }
});

test('content types', { timeout: 5000 }, async () => {
  const cases = {
    '/style.css': 'text/css; charset=utf-8',
    '/kk/atom.xml': 'application/atom+xml; charset=utf-8',
    '/sitemap.xml': 'application/xml; charset=utf-8',
    '/404.html': 'text/html; charset=utf-8',
    [`/${encodeURIComponent('қаз тест.txt')}`]: 'text/plain; charset=utf-8',
  };
  for (const [p, type] of Object.entries(cases)) {
    const res = await fetch(`${server.url}${p}`);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get('content-type'), type, p);
    await res.arrayBuffer();
  }
});

test('HEAD works, other methods are refused', { timeout: 5000 }, async () => {
  const head = await fetch(`${server.url}/style.css`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '6');
  const post = await fetch(`${server.url}/style.css`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
});

test('no path traversal', { timeout: 10000 }, async () => {
  const attempts = [
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/kk/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/kk/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/secret.txt%00.html',
    '/%ff%fe',
    '//etc/passwd',
    '/link-out.txt',
  ];
  for (const p of attempts) {
    const res = await rawGet(server.port, p);
    assert.ok([400, 404].includes(res.status), `${p} answered ${res.status}`);
    assert.doesNotMatch(res.body, /SECRET-OUTSIDE|root:x:0:0/, p);
  }
});
