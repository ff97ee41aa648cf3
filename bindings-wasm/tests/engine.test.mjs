// @fmcg/wasm under Node (the nodejs target): the shared JS suite.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { suite, routingSuite, fieldSuite, syncSuite } from '../../fixtures/js/suite.mjs';

const require = createRequire(import.meta.url);
const fmcg = require('../pkg-node/bindings_wasm.js');
// The routing solvers are a second module (`@fmcg/wasm/routing`).
const routing = require('../pkg-node/fmcg_routing.js');

suite('wasm', fmcg, () => JSON.parse(readFileSync(new URL('../pkg-node/contract.schema.json', import.meta.url), 'utf8')));
fieldSuite('wasm', fmcg);
syncSuite('wasm', fmcg);
routingSuite('wasm', routing);
