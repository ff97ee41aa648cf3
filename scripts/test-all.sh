#!/usr/bin/env bash
# Runs every check and test of every host, installing what is missing first.
# Usage: bash scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

TIMES=()
step() { # step NAME CMD...
  local name=$1; shift
  local t0=$SECONDS
  echo "::: $name"
  "$@"
  TIMES+=("$(printf '%-24s %5ds' "$name" $((SECONDS - t0)))")
}

setup_rust() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
}

rust_fmt()         { cargo fmt --all --check; }
rust_clippy()      { cargo clippy --workspace --all-targets --locked -- -D warnings; }
# The core must build clean for the browser: no fs, no clock, no threads.
rust_clippy_wasm() { cargo clippy -p fmcg-core --target wasm32-unknown-unknown --locked -- -D warnings; }
rust_test()        { cargo test --workspace --locked; }
rust_doc()         { RUSTDOCFLAGS="-D warnings" cargo doc -p fmcg-core --no-deps --locked; }
# The default build of the core pulls in no optional dependency (the journal's CRC).
rust_lean_default() {
  local tree
  tree=$(cargo tree -p fmcg-core -e normal --prefix none --locked)
  if grep -qE '^crc32c ' <<<"$tree"; then
    echo "the default fmcg-core build depends on the optional crc32c crate"
    exit 1
  fi
  echo "default fmcg-core build: no optional dependencies ($(sort -u <<<"$tree" | wc -l) crates)"
}
rust_bench_build() { cargo bench --workspace --no-run --locked; }

step setup:rust         setup_rust
step rust:fmt           rust_fmt
step rust:clippy        rust_clippy
step rust:clippy-wasm32 rust_clippy_wasm
step rust:lean-default  rust_lean_default
step rust:doc           rust_doc
step rust:bench-build   rust_bench_build
step rust:test          rust_test

echo "::: timings"
printf '%s\n' "${TIMES[@]}"
echo "total ${SECONDS} s"
