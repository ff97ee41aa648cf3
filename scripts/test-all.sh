#!/usr/bin/env bash
# Runs every check and test of every host: Rust, Python, Node, WebAssembly (Node and
# headless Chromium). Installs what is missing first, so it works on a fresh machine.
# Usage: bash scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

# Pinned tools. The wasm-bindgen CLI must equal the crate version in Cargo.lock.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print}' Cargo.lock)
PY_TOOLS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 pyarrow==26.0.1 polars==2.1.0)

# One interpreter for every step, so pyo3's build script never sees two (and rebuilds).
export VIRTUAL_ENV=$ROOT/.venv PATH=$ROOT/.venv/bin:$PATH PYO3_PYTHON=$ROOT/.venv/bin/python

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
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]; then
    # Without --locked: its lock file pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WBG_VERSION"
  fi
}
setup_python() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check "${PY_TOOLS[@]}"
}
setup_node() {
  (cd bindings-node && npm ci --no-audit --no-fund --loglevel=error)
  (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error)
}
setup_chromium() {
  command -v chromium >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
  chromium --version
}

rust_fmt()         { cargo fmt --all --check; }
rust_clippy()      { cargo clippy --workspace --all-targets --locked -- -D warnings; }
# The core and the wasm binding must build clean for the browser: no fs, no clock.
rust_clippy_wasm() {
  cargo clippy -p fmcg-core -p bindings-wasm --target wasm32-unknown-unknown --locked -- -D warnings \
    && cargo clippy -p bindings-wasm --no-default-features --features routing \
      --target wasm32-unknown-unknown --locked -- -D warnings
}
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
rust_bench_build() { cargo bench -p fmcg-benches --no-run --locked; }

py_build() {
  (cd bindings-python && maturin develop --locked --quiet --target-dir "$CARGO_TARGET_DIR/maturin-py")
}
py_test()  { (cd bindings-python && python -m pytest -p no:cacheprovider tests/); }
py_types() {
  (cd bindings-python && python -m mypy.stubtest --mypy-config-file pyproject.toml fmcg._fmcg \
    && python -m mypy --strict tests/typed_example.py)
}

# What a user does: `pip install ./bindings-python` into a fresh venv, then import it.
py_package() {
  local venv
  venv=$(mktemp -d)/venv
  python3 -m venv "$venv"
  (unset VIRTUAL_ENV PYO3_PYTHON; CARGO_TARGET_DIR=$CARGO_TARGET_DIR/pip-py \
    "$venv/bin/python" -m pip install -q --disable-pip-version-check ./bindings-python)
  "$venv/bin/python" -c 'import fmcg, decimal; e = fmcg.Engine(); assert e.last_seq == 0; print("pip-installed fmcg", fmcg.__version__)'
}

node_build() {
  (cd bindings-node && npx napi build --platform)
  # The generated loader and type declarations are committed: they must be current.
  git diff --exit-code -- bindings-node/index.js bindings-node/index.d.ts \
    || { echo "bindings-node/index.{js,d.ts} are stale: run 'npx napi build --platform' there"; exit 1; }
}
node_test()  { (cd bindings-node && node --test __test__/); }
node_types() { (cd bindings-node && npx tsc -p tsconfig.json); }

wasm_build()   { bash bindings-wasm/build.sh; }
wasm_test()    { (cd bindings-wasm && node --test tests/); }
wasm_types()   { (cd bindings-wasm && npx tsc -p tsconfig.json); }
browser_test() { (cd bindings-wasm && node --test browser-tests/); }

step setup:rust         setup_rust
step setup:python       setup_python
step setup:node         setup_node
step setup:chromium     setup_chromium
step rust:fmt           rust_fmt
step rust:clippy        rust_clippy
step rust:clippy-wasm32 rust_clippy_wasm
step rust:lean-default  rust_lean_default
step rust:doc           rust_doc
step rust:bench-build   rust_bench_build
step rust:test          rust_test
step py:build           py_build
step py:test            py_test
step py:types           py_types
step py:package         py_package
step node:build         node_build
step node:test          node_test
step node:types         node_types
step wasm:build         wasm_build
step wasm:test          wasm_test
step wasm:types         wasm_types
step browser:test       browser_test

echo "::: timings"
printf '%s\n' "${TIMES[@]}"
echo "total ${SECONDS} s"
