// JS side of benches/hosts/run.sh: the same loops as examples/host_baseline.rs, for
// @fmcg/core (node) or @fmcg/wasm (wasm), chosen by the first argument.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const host = process.argv[2];
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const fmcg = host === 'wasm'
  ? require(join(root, 'bindings-wasm/pkg-node/bindings_wasm.js'))
  : require(join(root, 'bindings-node/index.js'));
const envelopes = readFileSync(join(root, 'fixtures/small_distributor.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const engine = new fmcg.Engine();
const calls = 1_000_000;
let sink = 0;
let t = process.hrtime.bigint();
for (let i = 0; i < calls; i++) sink += engine.lastSeq;
const trivial = Number(process.hrtime.bigint() - t) / calls;

const rounds = 400;
t = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  const e = new fmcg.Engine();
  for (const env of envelopes) e.apply(env);
}
const apply = Number(process.hrtime.bigint() - t) / rounds / envelopes.length;
console.log(JSON.stringify({ host, trivial_ns: +trivial.toFixed(1), apply_ns: +apply.toFixed(1), sink }));
