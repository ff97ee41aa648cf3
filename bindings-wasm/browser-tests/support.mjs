// What the browser tests share: a static server on 127.0.0.1 for `web/` (plus the
// fixtures, plus any routes a test adds) and headless Chromium.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const WEB = join(HERE, '..', 'web');
export const FIXTURES = join(HERE, '..', '..', 'fixtures');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jsonl': 'text/plain' };

/**
 * Serves `web/` and `/fixtures/` on a free port; `routes` maps a path to an async
 * `(body, url) => answer` whose answer is sent as JSON (a throw is a 400).
 */
export function serve(routes = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const route = routes[url.pathname];
    if (route) {
      let body = '';
      for await (const chunk of req) body += chunk;
      try {
        const answer = await route(body ? JSON.parse(body) : {}, url);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e) }));
      }
      return;
    }
    const [root, rest] = url.pathname.startsWith('/fixtures/')
      ? [FIXTURES, url.pathname.slice('/fixtures/'.length)]
      : [WEB, url.pathname === '/' ? 'index.html' : url.pathname.slice(1)];
    const file = normalize(join(root, rest));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Headless Chromium (Debian's, or `$CHROMIUM`) in a fresh profile. */
export function launch() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fmcg-chromium-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
