//! The engine module (`@fmcg/wasm`): apply, query, events, snapshots.

use fmcg_core::sync::{ClientReplica, PullRequest, PullResponse, PushRequest, PushResponse};
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

    /// Applies a device's outbox (a push request) as `actor`, the authenticated user, at
    /// `serverNow` (ISO 8601): one result per command, `accepted`, `adjusted` or
    /// `rejected`.
    pub fn push(
        &mut self,
        actor: &str,
        request: &JsValue,
        #[wasm_bindgen(js_name = serverNow)] server_now: &str,
    ) -> Result<JsValue, JsValue> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&e))?;
        let request: PushRequest = convert::from_js(request)?;
        let now = convert::from_js(&JsValue::from_str(server_now))?;
        let response = self
            .inner
            .push(&actor, request, now)
            .map_err(|e| errors::to_js(&e))?;
        convert::to_js(&response)
    }

    /// The events after the request's `since_seq` that `actor` may see, or a fresh scoped
    /// snapshot when their scope changed.
    pub fn pull(&self, actor: &str, request: &JsValue) -> Result<JsValue, JsValue> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&e))?;
        let request: PullRequest = convert::from_js(request)?;
        let response = self
            .inner
            .pull(&actor, request)
            .map_err(|e| errors::to_js(&e))?;
        convert::to_js(&response)
    }

    /// Everything `actor` may see now: what a `ClientReplica` starts from.
    #[wasm_bindgen(js_name = scopedSnapshot)]
    pub fn scoped_snapshot(&self, actor: &str) -> Result<JsValue, JsValue> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&e))?;
        let snapshot = self
            .inner
            .scoped_snapshot(&actor)
            .map_err(|e| errors::to_js(&e))?;
        convert::to_js(&snapshot)
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

/// A device's replica of what its actor may see, with an outbox of commands taken offline
/// and applied to a local view. The transport is the page's: send `pushRequest()` and
/// `pullRequest()` to the server, hand its answers to `applyPush` and `applyPull`.
#[wasm_bindgen(js_name = ClientReplica)]
pub struct JsClientReplica {
    inner: ClientReplica,
}

#[wasm_bindgen(js_class = ClientReplica)]
impl JsClientReplica {
    /// A replica started from a scoped snapshot (`engine.scopedSnapshot(actor)` on the
    /// server), on device `deviceId`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        snapshot: &JsValue,
        #[wasm_bindgen(js_name = deviceId)] device_id: &str,
    ) -> Result<JsClientReplica, JsValue> {
        let snapshot = convert::from_js(snapshot)?;
        let device = device_id.parse().map_err(|e| errors::to_js(&e))?;
        let inner = ClientReplica::new(snapshot, device).map_err(|e| errors::to_js(&e))?;
        Ok(JsClientReplica { inner })
    }

    /// A replica saved with `toJson()` (e.g. in IndexedDB across page loads).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> Result<JsClientReplica, JsValue> {
        let inner = ClientReplica::from_json(json).map_err(|e| errors::to_js(&e))?;
        Ok(JsClientReplica { inner })
    }

    /// The replica as JSON text, to keep.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> Result<String, JsValue> {
        self.inner.to_json().map_err(|e| errors::to_js(&e))
    }

    /// Records a command envelope: decided on the local view and queued; returns its local
    /// events. Throws the typed error when it fails here (nothing is queued).
    pub fn record(&mut self, envelope: &JsValue) -> Result<JsValue, JsValue> {
        let envelope: Envelope = convert::from_js(envelope)?;
        let outcome = self.inner.record(envelope).map_err(|e| errors::to_js(&e))?;
        convert::to_js(&outcome)
    }

    /// The outbox to send to the server's `push`.
    #[wasm_bindgen(js_name = pushRequest)]
    pub fn push_request(
        &self,
        #[wasm_bindgen(js_name = deviceNow)] device_now: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let now = match device_now {
            Some(n) => Some(convert::from_js(&JsValue::from_str(&n))?),
            None => None,
        };
        convert::to_js(&self.inner.push_request(now))
    }

    /// Takes the server's answer to a push.
    #[wasm_bindgen(js_name = applyPush)]
    pub fn apply_push(&mut self, response: &JsValue) -> Result<(), JsValue> {
        let response: PushResponse = convert::from_js(response)?;
        self.inner.apply_push(&response);
        Ok(())
    }

    /// What to ask the server's `pull` for next.
    #[wasm_bindgen(js_name = pullRequest)]
    pub fn pull_request(&self, limit: Option<u32>) -> Result<JsValue, JsValue> {
        convert::to_js(&self.inner.pull_request(limit.unwrap_or(10_000)))
    }

    /// Takes the server's answer to a pull; throws `conflict` for one that does not
    /// continue this replica (nothing changes).
    #[wasm_bindgen(js_name = applyPull)]
    pub fn apply_pull(&mut self, response: &JsValue) -> Result<(), JsValue> {
        let response: PullResponse = convert::from_js(response)?;
        self.inner
            .apply_pull(&response)
            .map_err(|e| errors::to_js(&e))
    }

    /// Answers a query on the local view, as the replica's actor.
    pub fn query(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: Query = convert::from_js(query)?;
        let result = self.inner.query(&query).map_err(|e| errors::to_js(&e))?;
        convert::to_js(&result)
    }

    /// The notices (adjusted, rejected, local conflicts, clock skew) since the last call.
    #[wasm_bindgen(js_name = takeNotices)]
    pub fn take_notices(&mut self) -> Result<JsValue, JsValue> {
        convert::to_js(&self.inner.take_notices())
    }

    /// A hybrid logical clock stamp for an outlet edit made at `nowMs` (device clock).
    pub fn stamp(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let now: i64 = convert::from_js(&JsValue::from_f64(now_ms))?;
        convert::to_js(&self.inner.stamp(now))
    }

    /// The server sequence number the replica is at.
    #[wasm_bindgen(getter)]
    pub fn seq(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "exact below 2^53")]
        let seq = self.inner.seq() as f64;
        seq
    }

    /// Commands the server has not acknowledged yet.
    #[wasm_bindgen(getter)]
    pub fn pending(&self) -> u32 {
        u32::try_from(self.inner.unacknowledged()).unwrap_or(u32::MAX)
    }

    /// The replica's actor.
    #[wasm_bindgen(getter)]
    pub fn actor(&self) -> String {
        self.inner.actor().to_string()
    }
}
