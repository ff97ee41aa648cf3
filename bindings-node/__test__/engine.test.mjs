// @fmcg/core: the shared JS suite, plus what only the Node addon has (journal, async).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, routingSuite, fieldSuite, syncSuite, world, lines, envelope } from '../../fixtures/js/suite.mjs';

const fmcg = createRequire(import.meta.url)('../index.js');

suite('node', fmcg);
fieldSuite('node', fmcg);
syncSuite('node', fmcg);
routingSuite('node', fmcg);

test('node: routeAsync resolves to the same plan as route', async () => {
  const request = { type: 'vrp', matrix: { metres: [[0, 100, 200], [100, 0, 100], [200, 100, 0]] }, stops: [{ point: 1 }, { point: 2 }], vehicles: [{}], budget: { iterations: 20 } };
  const pending = fmcg.routeAsync(request);
  assert.ok(pending instanceof Promise);
  assert.deepEqual(await pending, fmcg.route(request));
  await assert.rejects(fmcg.routeAsync({ type: 'vrp', matrix: { metres: [[0]] }, stops: [], vehicles: [] }), (e) => e.code === 'INVALID_INPUT');
});

test('node: async twins give the same results as the sync calls, off the event loop', async () => {
  const a = world(fmcg);
  const b = world(fmcg);
  for (const env of lines('scenario_order_cancel.jsonl')) {
    const pending = b.applyAsync(env);
    assert.ok(pending instanceof Promise);
    assert.deepEqual(await pending, a.apply(env));
  }
  assert.deepEqual(await b.queryAsync('admin', { type: 'orders' }), a.query('admin', { type: 'orders' }));
  await assert.rejects(b.applyAsync(envelope('x', 'DRV-1', { type: 'approve_order', order_id: 'SO-1' })),
    (e) => e instanceof Error && e.code === 'PERMISSION_DENIED' && e.action === 'order.approve');
  await assert.rejects(b.queryAsync('REP-1', { type: 'outlet', outlet_id: 'O-003' }), { code: 'PERMISSION_DENIED' });
});

test('node: a journal is reopened with the same history', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'fmcg-')), 'engine.journal');
  const engine = await fmcg.Engine.open(path, 'never');
  for (const env of lines('small_distributor.jsonl')) engine.apply(env);
  engine.sync();
  const again = await fmcg.Engine.open(path);
  assert.equal(again.lastSeq, engine.lastSeq);
  assert.deepEqual(again.eventsSince(0), engine.eventsSince(0));
});

test('node: a damaged journal rejects with corrupt and the offset; bad paths with io', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fmcg-'));
  const path = join(dir, 'j');
  const engine = await fmcg.Engine.open(path);
  for (const env of lines('small_distributor.jsonl').slice(0, 3)) engine.apply(env);
  const bytes = readFileSync(path);
  bytes[40] ^= 0xff;
  writeFileSync(path, bytes);
  await assert.rejects(fmcg.Engine.open(path), (e) => e.code === 'CORRUPT' && e.offset === 16);
  await assert.rejects(fmcg.Engine.open(dir), { code: 'IO' });
  assert.throws(() => fmcg.Engine.open(path, 'sometimes'), { code: 'INVALID_INPUT' });
});
