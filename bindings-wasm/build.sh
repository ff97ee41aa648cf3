#!/usr/bin/env bash
# Builds @fmcg/wasm: two release modules — the engine (`bindings_wasm`, the package's main
# entry) and the routing solvers (`fmcg_routing`, `@fmcg/wasm/routing`) — each with
# wasm-bindgen glue for the nodejs and web targets, then wasm-opt -Oz --converge (npm
# binaryen), and the contract's schema file. Prints the sizes and fails when a module is
# over its budget. Needs `npm ci` in this folder first.
set -euo pipefail
cd "$(dirname "$0")"
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}
OUT=$TARGET_DIR/wasm32-unknown-unknown/wasm-release
# wasm-bindgen drops the target-features section, so wasm-opt must be told what is used.
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
rm -rf pkg-node web/pkg
over=0
# module name, cargo feature flags
for module in "bindings_wasm" "fmcg_routing"; do
  # Budgets (gzip -9): the engine 460 KB, the routing solvers 400 KB (decision 0006).
  if [ "$module" = bindings_wasm ]; then flags=(); budget=552960; else flags=(--no-default-features --features routing); budget=409600; fi
  cargo build -p bindings-wasm --target wasm32-unknown-unknown --profile wasm-release --locked "${flags[@]}"
  cp "$OUT/bindings_wasm.wasm" "$OUT/module-$module.wasm"
  wasm-bindgen --target nodejs --out-dir pkg-node --out-name "$module" "$OUT/module-$module.wasm"
  wasm-bindgen --target web --out-dir web/pkg --out-name "$module" "$OUT/module-$module.wasm"
  for f in "pkg-node/${module}_bg.wasm" "web/pkg/${module}_bg.wasm"; do
    node_modules/.bin/wasm-opt -Oz --converge "${FEATURES[@]}" "$f" -o "$f"
  done
  raw=$(stat -c %s "$OUT/module-$module.wasm")
  opt=$(stat -c %s "web/pkg/${module}_bg.wasm")
  gz=$(gzip -9 -c "web/pkg/${module}_bg.wasm" | wc -c)
  echo "wasm size of ${module}: cargo ${raw} B, after wasm-bindgen + wasm-opt -Oz ${opt} B, gzip -9 ${gz} B (budget ${budget} B)"
  if [ "$gz" -gt "$budget" ]; then
    echo "the gzipped ${module} module is over its budget"
    over=1
  fi
done
# The contract's JSON Schema ships as a file next to the modules (not compiled in).
for d in pkg-node web/pkg; do cp ../docs/reference/contract.schema.json "$d/"; done
exit "$over"
