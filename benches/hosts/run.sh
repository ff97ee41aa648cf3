#!/usr/bin/env bash
# Per-call overhead of each host against Rust, measured side by side in one run: a trivial
# call (`last_seq`) and `apply` (the 23 fixture commands into a fresh engine, repeated).
# Builds every host in release mode first (after the set-up of scripts/test-all.sh: the
# venv, npm packages, wasm-bindgen); prints a Markdown table.
# Usage: bash benches/hosts/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export VIRTUAL_ENV=$ROOT/.venv PATH=$ROOT/.venv/bin:$PATH PYO3_PYTHON=$ROOT/.venv/bin/python
cargo build -q --release -p fmcg-benches --example host_baseline --locked
(cd bindings-python && maturin develop --release --locked --quiet --target-dir "$TARGET_DIR/maturin-py")
(cd bindings-node && npx napi build --platform --release >/dev/null)
bash bindings-wasm/build.sh >/dev/null
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

# The engine itself in WebAssembly vs native, on the order-submission workload of the
# criterion bench (benches/examples/profile_orders.rs: 20,000 ten-line orders, best of 3).
rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
cargo build -q --release -p fmcg-benches --example profile_orders --locked
cargo build -q --release -p fmcg-benches --example profile_orders --target wasm32-wasip1 --locked
best() { grep -o '[0-9]*/s' | tr -d '/s' | sort -n | tail -1; }
native=$("$TARGET_DIR/release/examples/profile_orders" 3 | best)
wasm=$(node --no-warnings benches/hosts/wasi.mjs "$TARGET_DIR/wasm32-wasip1/release/examples/profile_orders.wasm" 3 | best)
echo
echo "| engine | order submissions/s | × native |"
echo "| --- | ---: | ---: |"
echo "| native (x86-64) | $native | 1.00× |"
echo "| wasm32 under Node (V8) | $wasm | $(python -c "print(f'{$wasm / $native:.2f}')")× |"
