// A small typed program against the generated index.d.ts; `tsc --noEmit --strict` checks it.
import { Engine, schema } from '../index.js';

interface FmcgError extends Error {
  code: string;
  kind: string;
  data: Record<string, unknown>;
}

async function main(): Promise<number> {
  const engine: Engine = new Engine();
  try {
    engine.apply({ command_id: 'c1', actor: 'boss', device_id: 'ts', recorded_at: '2026-03-02T08:00:00Z',
      command: { type: 'approve_order', order_id: 'SO-1' } });
  } catch (e) {
    const err = e as FmcgError;
    console.log(err.code, err.data);
  }
  const journaled: Engine = await Engine.open('/tmp/typed-example.journal', 'never');
  const bytes: Buffer = engine.snapshot();
  const restored: Engine = Engine.restore(bytes);
  const s: unknown = schema();
  return restored.lastSeq + journaled.lastSeq + (s ? 0 : 1);
}

void main();
