// @fmcg/wasm (the web target) in headless Chromium: a page served on 127.0.0.1 drives the
// engine and the test reads the result off the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = join(HERE, '..', 'web');
const FIXTURES = join(HERE, '..', '..', 'fixtures');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jsonl': 'text/plain' };

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
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

test('wasm web target: the page runs the scenario in headless Chromium', async () => {
  const server = await serve();
  const { port } = server.address();
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fmcg-chromium-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => document.getElementById('out').textContent !== 'running…', null, { timeout: 30_000 });
    const result = JSON.parse(await page.textContent('#out'));
    assert.deepEqual(errors, []);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.afterSubmit, result.before - 48);
    assert.equal(result.afterCancel, result.before);
    assert.equal(result.total, '184.91');
    assert.deepEqual(result.refusal, { code: 'PERMISSION_DENIED', action: 'order.approve', isError: true });
    assert.ok(result.lastSeq > 30);
  } finally {
    await context.close();
    server.close();
  }
});
