// A tiny static file server for the built site, used by the browser tests.
//
// - binds to 127.0.0.1 on a free port (port 0) only;
// - pretty URLs: `/kk/news/` serves `kk/news/index.html`; `/kk/news` (a folder without the
//   trailing slash) answers 301 to `/kk/news/`;
// - a miss answers 404 with the site's `/404.html` as the body (plain text if there is none);
// - content types by file extension, UTF-8 for text;
// - no path traversal: the decoded, normalized path must stay inside the root, also after
//   resolving symlinks; `..` segments, NUL bytes and backslashes are refused (400).

import { createServer } from 'node:http';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.xsl': 'application/xslt+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

/** The Content-Type for a file name (Atom feeds are `*.atom` or `atom.xml`). */
export function contentType(file) {
  const base = path.basename(file).toLowerCase();
  if (base === 'atom.xml' || base.endsWith('.atom')) return 'application/atom+xml; charset=utf-8';
  if (base === 'rss.xml') return 'application/rss+xml; charset=utf-8';
  return TYPES[path.extname(base)] ?? 'application/octet-stream';
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Maps a request pathname to a path relative to the root, or throws HttpError(400).
 * Returns { rel, dirRequest } where dirRequest is true when the URL ends with `/`.
 */
export function resolveRequestPath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'bad percent-encoding');
  }
  if (!decoded.startsWith('/')) throw new HttpError(400, 'path must start with /');
  if (decoded.includes('\0') || decoded.includes('\\')) throw new HttpError(400, 'bad character in path');
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) throw new HttpError(400, 'no .. in paths');
  const rel = path.posix.normalize(decoded).replace(/^\/+/, '');
  return { rel, dirRequest: decoded.endsWith('/') };
}

async function statOrNull(p) {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

/** True when `child` is `parent` or inside it (both absolute, already real paths). */
function inside(parent, child) {
  const r = path.relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${path.sep}`) && !path.isAbsolute(r));
}

/**
 * Starts a server for `rootDir`. Resolves to { url, port, close() }; `url` has no trailing
 * slash (`http://127.0.0.1:PORT`). `close()` ends open connections too.
 */
export async function startServer(rootDir, { log = null } = {}) {
  const root = await fs.realpath(path.resolve(rootDir));
  const rootStat = await statOrNull(root);
  if (!rootStat?.isDirectory()) throw new Error(`site folder is not a directory: ${rootDir}`);

  async function fileFor(rel, dirRequest) {
    const abs = path.join(root, rel);
    if (!inside(root, abs)) return { kind: 'missing' };
    const st = await statOrNull(abs);
    if (!st) return { kind: 'missing' };
    if (st.isDirectory()) {
      if (!dirRequest && rel !== '') return { kind: 'redirect' };
      const index = path.join(abs, 'index.html');
      const ist = await statOrNull(index);
      if (!ist?.isFile()) return { kind: 'missing' };
      return { kind: 'file', abs: index };
    }
    if (dirRequest) return { kind: 'missing' }; // `/style.css/` is not a folder
    if (!st.isFile()) return { kind: 'missing' };
    return { kind: 'file', abs };
  }

  async function send(res, req, status, abs, extraHeaders = {}) {
    // Symlinks must not lead out of the root.
    const real = await fs.realpath(abs);
    if (!inside(root, real)) throw new HttpError(404, 'outside the site');
    const body = await fs.readFile(real);
    res.writeHead(status, {
      'Content-Type': contentType(real),
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...extraHeaders,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function sendText(res, req, status, text, extraHeaders = {}) {
    const body = Buffer.from(`${text}\n`);
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      ...extraHeaders,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function notFound(res, req) {
    const page = path.join(root, '404.html');
    const st = await statOrNull(page);
    if (st?.isFile()) return send(res, req, 404, page);
    return sendText(res, req, 404, 'not found');
  }

  async function handle(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, req, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    }
    const rawPath = (req.url ?? '/').split('?')[0].split('#')[0];
    if (!rawPath.startsWith('/')) throw new HttpError(400, 'bad request target');
    const { rel, dirRequest } = resolveRequestPath(rawPath);
    const found = await fileFor(rel, dirRequest);
    if (found.kind === 'redirect') {
      const q = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      return sendText(res, req, 301, 'moved', { Location: `${rawPath}/${q}` });
    }
    if (found.kind === 'missing') return notFound(res, req);
    return send(res, req, 200, found.abs);
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .then(() => log?.(`${res.statusCode} ${req.method} ${req.url}`))
      .catch((err) => {
        const status = err instanceof HttpError ? err.status : 500;
        log?.(`${status} ${req.method} ${req.url}: ${err.message}`);
        if (res.headersSent) {
          res.destroy();
        } else if (status === 404) {
          notFound(res, req).catch(() => res.destroy());
        } else {
          sendText(res, req, status, status === 500 ? 'internal error' : err.message);
        }
      });
  });
  server.keepAliveTimeout = 1000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    root,
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
