// A small static file server for the end-to-end tests: serves one directory under a URL prefix
// ("/" or e.g. "/course/incidents/") on 127.0.0.1 and an ephemeral port. Anything outside the
// prefix is a 404, so a page that asks for an absolute asset URL fails visibly under a sub-path.
//
//   import { startServer } from './server.mjs';
//   const srv = await startServer({ root: 'dist', prefix: '/course/incidents/' });
//   srv.url  // http://127.0.0.1:PORT/course/incidents/
//   await srv.close();
//
// Also runnable by hand: node www/e2e/server.mjs [DIR] [PREFIX] [PORT]

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Normalises a prefix to start and end with "/". */
function normalisePrefix(prefix) {
  let p = prefix || '/';
  if (!p.startsWith('/')) p = '/' + p;
  if (!p.endsWith('/')) p += '/';
  return p;
}

/**
 * Serves `root` under `prefix`. Returns { url, origin, port, prefix, close() }.
 * `onRequest(method, path, status)` is called after every response (optional).
 */
export async function startServer({ root, prefix = '/', port = 0, onRequest } = {}) {
  const base = resolve(root);
  const pre = normalisePrefix(prefix);
  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      onRequest?.(req.method, req.url, status);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    // The prefix without its trailing slash redirects, as a web server does for a directory.
    if (pre !== '/' && path === pre.slice(0, -1)) {
      res.writeHead(301, { location: pre });
      res.end();
      onRequest?.(req.method, req.url, 301);
      return;
    }
    if (!path.startsWith(pre)) return send(404, 'not found (outside the served prefix)\n');
    let file = join(base, path.slice(pre.length));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden\n');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      send(200, body, MIME[extname(file).toLowerCase()] || 'application/octet-stream');
    } catch {
      send(404, 'not found\n');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = server.address().port;
  const origin = `http://127.0.0.1:${actual}`;
  return {
    origin,
    port: actual,
    prefix: pre,
    url: origin + pre,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const [root = 'dist', prefix = '/', port = '0'] = process.argv.slice(2);
  const srv = await startServer({ root, prefix, port: Number(port),
    onRequest: (m, u, s) => console.log(s, m, u) });
  console.log(`serving ${resolve(root)} at ${srv.url}`);
}
