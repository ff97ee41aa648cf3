// Runs a wasm32-wasip1 build of an example under Node's WASI, passing its arguments:
// the engine itself compiled to WebAssembly, with no JS conversion in the loop.
// Usage: node benches/hosts/wasi.mjs FILE.wasm [ARGS...]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: {} });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
wasi.start(instance);
