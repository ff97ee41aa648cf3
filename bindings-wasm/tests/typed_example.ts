// A small typed program against the generated .d.ts; `tsc --noEmit --strict` checks it.
import { Engine } from '../pkg-node/bindings_wasm.js';
import { route } from '../pkg-node/fmcg_routing.js';

interface FmcgError extends Error {
  code: string;
  kind: string;
  data: Record<string, unknown>;
}

function main(): number {
  const engine: Engine = new Engine();
  try {
    engine.apply({ command_id: 'c1', actor: 'boss', device_id: 'ts', recorded_at: '2026-03-02T08:00:00Z',
      command: { type: 'approve_order', order_id: 'SO-1' } });
  } catch (e) {
    const err = e as FmcgError;
    console.log(err.code, err.data);
  }
  const bytes: Uint8Array = engine.snapshot();
  const restored: Engine = Engine.restore(bytes);
  const plan: { distance_m: number } = route({ type: 'tsp', matrix: { metres: [[0, 5], [5, 0]] } });
  return restored.lastSeq + (plan.distance_m > 0 ? 0 : 1);
}

main();
