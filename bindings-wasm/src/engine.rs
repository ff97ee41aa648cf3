//! The engine module (`@fmcg/wasm`): apply, query, events, snapshots.

use fmcg_core::{Envelope, Query, StaffId};
use wasm_bindgen::prelude::*;

use crate::{convert, errors};

/// The fmcg engine: apply commands, query state, read events.
#[wasm_bindgen(js_name = Engine)]
pub struct JsEngine {
    inner: fmcg_core::Engine,
}

#[wasm_bindgen(js_class = Engine)]
impl JsEngine {
    /// An empty engine. Its first command must register an admin.
    #[wasm_bindgen(constructor)]
    #[expect(clippy::new_without_default, reason = "a JS constructor")]
    pub fn new() -> JsEngine {
        JsEngine {
            inner: fmcg_core::Engine::new(),
        }
    }

    /// Applies a command envelope (an object in the JSON contract); returns the outcome.
    pub fn apply(&mut self, envelope: &JsValue) -> Result<JsValue, JsValue> {
        let envelope: Envelope = convert::from_js(envelope)?;
        let outcome = self.inner.apply(envelope).map_err(|e| errors::to_js(&e))?;
        convert::to_js(&outcome)
    }

    /// Applies a command envelope given as JSON text (the stored form of the contract).
    #[wasm_bindgen(js_name = applyJson)]
    pub fn apply_json(&mut self, json: &str) -> Result<JsValue, JsValue> {
        let outcome = self.inner.apply_json(json).map_err(|e| errors::to_js(&e))?;
        convert::to_js(&outcome)
    }

    /// Answers a query (an object in the JSON contract) as `actor`, within their scope.
    pub fn query(&self, actor: &str, query: &JsValue) -> Result<JsValue, JsValue> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&e))?;
        let query: Query = convert::from_js(query)?;
        let result = self
            .inner
            .query(&actor, &query)
            .map_err(|e| errors::to_js(&e))?;
        convert::to_js(&result)
    }

    /// Answers a list query (`stock`, `stock_moves`, `orders`, `invoices`, `aging`) as
    /// columns: `{ sku: [...], available: [...], ... }`, money as decimal strings.
    #[wasm_bindgen(js_name = queryTable)]
    pub fn query_table(&self, actor: &str, query: &JsValue) -> Result<JsValue, JsValue> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&e))?;
        let query: Query = convert::from_js(query)?;
        let table = self
            .inner
            .query_table(&actor, &query)
            .map_err(|e| errors::to_js(&e))?;
        convert::to_js(&table)
    }

    /// The events with a sequence number greater than `seq`, in order.
    #[wasm_bindgen(js_name = eventsSince)]
    pub fn events_since(&self, seq: f64) -> Result<JsValue, JsValue> {
        let seq: u64 = convert::from_js(&JsValue::from_f64(seq))?;
        convert::to_js(&self.inner.events_since(seq))
    }

    /// Sequence number of the last event (0 when empty).
    #[wasm_bindgen(getter, js_name = lastSeq)]
    pub fn last_seq(&self) -> f64 {
        // Sequence numbers stay far below 2^53.
        #[expect(clippy::cast_precision_loss, reason = "exact below 2^53")]
        let seq = self.inner.last_seq() as f64;
        seq
    }

    /// The whole history as bytes, for `Engine.restore`.
    pub fn snapshot(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.snapshot_bytes().map_err(|e| errors::to_js(&e))
    }

    /// An engine rebuilt from `snapshot()` bytes (checked on the way in).
    pub fn restore(data: &[u8]) -> Result<JsEngine, JsValue> {
        let inner = fmcg_core::Engine::restore_bytes(data).map_err(|e| errors::to_js(&e))?;
        Ok(JsEngine { inner })
    }
}
