#!/usr/bin/env bash
# Builds @fmcg/wasm: the release wasm, wasm-bindgen glue for the nodejs and web targets,
# then wasm-opt -Oz --converge (npm binaryen), and the contract's schema file. Prints the sizes. Needs `npm ci` in this folder first.
set -euo pipefail
cd "$(dirname "$0")"
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}
cargo build -p bindings-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
WASM=$TARGET_DIR/wasm32-unknown-unknown/wasm-release/bindings_wasm.wasm
# wasm-bindgen drops the target-features section, so wasm-opt must be told what is used.
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
rm -rf pkg-node web/pkg
wasm-bindgen --target nodejs --out-dir pkg-node "$WASM"
wasm-bindgen --target web --out-dir web/pkg "$WASM"
for f in pkg-node/bindings_wasm_bg.wasm web/pkg/bindings_wasm_bg.wasm; do
  node_modules/.bin/wasm-opt -Oz --converge "${FEATURES[@]}" "$f" -o "$f"
done
# The contract's JSON Schema ships as a file next to the module (not compiled into it).
for d in pkg-node web/pkg; do cp ../docs/reference/contract.schema.json "$d/"; done
raw=$(stat -c %s "$WASM")
opt=$(stat -c %s web/pkg/bindings_wasm_bg.wasm)
gz=$(gzip -9 -c web/pkg/bindings_wasm_bg.wasm | wc -c)
echo "wasm size: cargo ${raw} B, after wasm-bindgen + wasm-opt -Oz ${opt} B, gzip -9 ${gz} B (budget 409600 B)"
if [ "$gz" -gt 409600 ]; then
  echo "the gzipped wasm is over its 400 KB budget"
  exit 1
fi
