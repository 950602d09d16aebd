// A plain static file server for the browser checks.
//
// Behaves like a typical static host: `/dir/` serves `/dir/index.html`,
// `/dir` redirects to `/dir/`, and any missing path gets the site's
// `404.html` with status 404 (python's http.server cannot do that).
//
// Use from a test:  const srv = await serve(siteDir); ... srv.url; await srv.close();
// Or by hand:       node server.mjs SITE_DIR [PORT]
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json',
};

async function statOrNull(p) {
  try { return await fs.stat(p); } catch { return null; }
}

export function serve(root, port = 0) {
  root = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = path.join(root, path.normalize(urlPath));
      if (file !== root && !file.startsWith(root + path.sep)) file = null; // no escaping the root
      let st = file && await statOrNull(file);
      if (st?.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          res.writeHead(301, { Location: urlPath + '/' }).end();
          return;
        }
        file = path.join(file, 'index.html');
        st = await statOrNull(file);
      }
      let status = 200;
      if (!st?.isFile()) {
        status = 404;
        file = path.join(root, '404.html');
        if (!(await statOrNull(file))) {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 (and no 404.html)');
          return;
        }
      }
      const body = await fs.readFile(file);
      const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({ url, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, port] = process.argv.slice(2);
  if (!dir) { console.error('usage: node server.mjs SITE_DIR [PORT]'); process.exit(2); }
  const srv = await serve(dir, Number(port ?? 0));
  console.log(`serving ${path.resolve(dir)} at ${srv.url}/`);
}
