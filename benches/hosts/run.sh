#!/usr/bin/env bash
# Per-call overhead of each host against Rust, measured side by side in one run: a trivial
# call (`last_seq`) and `apply` (the 23 fixture commands into a fresh engine, repeated).
# Needs the hosts built first (bash scripts/test-all.sh does it); writes a Markdown table.
# Usage: bash benches/hosts/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PWD/.venv/bin:$PATH
cargo build -q --release -p fmcg-benches --example host_baseline --locked
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
results=$(
  "$TARGET_DIR/release/examples/host_baseline"
  python benches/hosts/bench.py
  node benches/hosts/bench.mjs node
  node benches/hosts/bench.mjs wasm
)
python - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
base = rows[0]
print("| host | trivial call | × Rust | apply (per command) | × Rust |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['host']} | {r['trivial_ns']:.1f} ns | {r['trivial_ns'] / base['trivial_ns']:.0f}× "
          f"| {r['apply_ns'] / 1000:.1f} µs | {r['apply_ns'] / base['apply_ns']:.2f}× |")
PY
