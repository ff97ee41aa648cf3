// The offline-order page in headless Chromium: a rep's replica (the web target) syncing
// over HTTP with a server running the engine (the Node target) in this process. The
// network is switched off, an order is taken, the sync fails and keeps it; the network
// comes back and the sync delivers it exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve, launch, FIXTURES } from './support.mjs';

const { Engine } = createRequire(import.meta.url)('../pkg-node/bindings_wasm.js');
const NOW = '2026-03-02T03:00:00Z';

function serverEngine() {
  const engine = new Engine();
  for (const line of readFileSync(join(FIXTURES, 'small_distributor.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) engine.applyJson(line);
  }
  return engine;
}

test('an order taken offline in the browser reaches the server once when the network is back', async () => {
  const engine = serverEngine();
  const server = await serve({
    '/sync/snapshot': (_, url) => engine.scopedSnapshot(url.searchParams.get('actor')),
    '/sync/push': (body, url) => engine.push(url.searchParams.get('actor'), body, NOW),
    '/sync/pull': (body, url) => engine.pull(url.searchParams.get('actor'), body),
  });
  const { port } = server.address();
  const context = await launch();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/offline.html`);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: 30_000 });
    const before = engine.lastSeq;

    await context.setOffline(true);
    assert.equal(await page.evaluate(() => window.takeOrder()), 3, 'check-in, order, check-out queued');
    assert.equal(await page.evaluate(() => window.sync()), 'offline');
    assert.equal(await page.textContent('#pending'), '3');
    assert.match(await page.textContent('#orders'), /WEB-1 O-001 allocated/);
    assert.equal(engine.lastSeq, before, 'nothing reached the server');

    await context.setOffline(false);
    assert.equal(await page.evaluate(() => window.sync()), 'synced');
    assert.equal(await page.textContent('#pending'), '0');
    assert.equal(await page.evaluate(() => window.sync()), 'synced', 'a second sync repeats nothing');
    const order = engine.query('admin', { type: 'orders', outlet: 'O-001' }).rows.filter((o) => o.id === 'WEB-1');
    assert.equal(order.length, 1);
    assert.equal(order[0].lines[0].qty_allocated, 48);
    // The phone now holds exactly the server's view for REP-1.
    const saved = await page.evaluate(() => window.replicaState());
    const expected = engine.scopedSnapshot('REP-1');
    assert.equal(saved.seq, engine.lastSeq);
    assert.deepEqual(saved.base, expected.state);
    assert.deepEqual(saved.outbox, []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});
