// @fmcg/wasm under Node (the nodejs target): the shared JS suite.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { suite, routingSuite } from '../../fixtures/js/suite.mjs';

const fmcg = createRequire(import.meta.url)('../pkg-node/bindings_wasm.js');

suite('wasm', fmcg, () => JSON.parse(readFileSync(new URL('../pkg-node/contract.schema.json', import.meta.url), 'utf8')));
routingSuite('wasm', fmcg);
