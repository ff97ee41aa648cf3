//! The routing module (`@fmcg/wasm/routing`): every routing job of the JSON contract.

use wasm_bindgen::prelude::*;

use crate::{convert, errors};

/// The page's clock (`Date.now()`, milliseconds) for routing time limits.
struct JsClock;

impl fmcg_core::routing::Clock for JsClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

/// Runs a routing job in the JSON contract (`{ type: 'tsp', ... }`: one of `matrix`, `road_matrix`, `tsp`,
/// `vrp`, `beats`, `split`, `insert`, `remove`, `reoptimize`, `geojson`). Time limits run
/// on `Date.now()`; runs on the calling thread (use a Worker for long budgets).
#[wasm_bindgen]
pub fn route(request: &JsValue) -> Result<JsValue, JsValue> {
    let request: fmcg_core::routing::Request = convert::from_js(request)?;
    let response = fmcg_core::routing::solve(&request, &JsClock).map_err(|e| errors::to_js(&e))?;
    convert::to_js(&response)
}
