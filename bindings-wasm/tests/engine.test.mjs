// @fmcg/wasm under Node (the nodejs target): the shared JS suite.
import { createRequire } from 'node:module';
import { suite } from '../../fixtures/js/suite.mjs';

const fmcg = createRequire(import.meta.url)('../pkg-node/bindings_wasm.js');

suite('wasm', fmcg);
