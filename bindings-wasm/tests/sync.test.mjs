// ClientReplica (Node target): offline record, push, pull, notices, persistence, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const { Engine, ClientReplica } = createRequire(import.meta.url)('../pkg-node/bindings_wasm.js');
const NOW = '2026-03-02T03:00:00Z';

function server() {
  const engine = new Engine();
  const lines = readFileSync(join(HERE, '..', '..', 'fixtures', 'small_distributor.jsonl'), 'utf8').split('\n');
  for (const line of lines) if (line.trim()) engine.applyJson(line);
  return engine;
}

const env = (id, command) => ({ command_id: id, actor: 'REP-1', device_id: 'phone', recorded_at: NOW, command });

test('a replica takes an oversized order offline and learns it was back-ordered', () => {
  const engine = server();
  const replica = new ClientReplica(engine.scopedSnapshot('REP-1'), 'phone');
  const local = replica.record(env('c1', { type: 'submit_order', order_id: 'SO-X', outlet: 'O-001',
    warehouse: 'W1', lines: [{ sku: 'COLA-330', qty: 2000 }] }));
  assert.equal(local.adjustments[0].type, 'backordered');
  assert.equal(replica.pending, 1);
  const pushed = engine.push('REP-1', replica.pushRequest(NOW), NOW);
  assert.equal(pushed.results[0].status, 'adjusted');
  replica.applyPush(pushed);
  replica.applyPull(engine.pull('REP-1', replica.pullRequest()));
  assert.equal(replica.pending, 0);
  assert.equal(replica.seq, engine.lastSeq);
  const notices = replica.takeNotices();
  assert.deepEqual(notices.map((n) => n.kind), ['adjusted']);
  assert.equal(replica.query({ type: 'orders' }).rows[0].lines[0].qty_allocated, 1680);
  // Kept across a reload.
  const again = ClientReplica.fromJson(replica.toJson());
  assert.equal(again.seq, replica.seq);
  assert.equal(again.actor, 'REP-1');
});

test('replica and sync errors are typed', () => {
  const engine = server();
  const replica = new ClientReplica(engine.scopedSnapshot('REP-1'), 'phone');
  assert.throws(() => replica.record({ ...env('c2', { type: 'start_day' }), actor: 'REP-2' }), { code: 'PERMISSION_DENIED' });
  assert.throws(() => replica.record(env('c3', { type: 'submit_order', order_id: 'S', outlet: 'O-003',
    warehouse: 'W1', lines: [{ sku: 'COLA-330', qty: 1 }] })), { code: 'NOT_FOUND' });
  assert.throws(() => engine.pull('REP-1', { since_seq: engine.lastSeq + 1 }), { code: 'INVALID_INPUT' });
  const stale = engine.pull('REP-1', { since_seq: 0 });
  assert.throws(() => replica.applyPull(stale), { code: 'CONFLICT' });
  assert.throws(() => new ClientReplica({ version: 9 }, 'phone'), { code: 'INVALID_INPUT' });
  assert.deepEqual(replica.stamp(1000), { wall_ms: 1000, counter: 0, node: 'phone' });
  assert.deepEqual(replica.stamp(500), { wall_ms: 1000, counter: 1, node: 'phone' }, 'never goes back');
});
