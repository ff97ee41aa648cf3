//! Node.js bindings of the fmcg engine: `@fmcg/core`.
//!
//! Every function converts its arguments with [`convert`], makes one `fmcg_core` call and
//! converts the result back; errors become JS errors once, in [`errors`]. Calls that may
//! take long have an async twin that runs off the event loop and returns a Promise.

#![expect(
    clippy::needless_pass_by_value,
    reason = "N-API hands exported functions their arguments by value"
)]

mod convert;
mod errors;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use fmcg_core::{
    Engine as CoreEngine, Envelope, FsyncPolicy, JournaledEngine, Outcome, Query, QueryResult,
    StaffId,
    routing::{self, Request},
    sync::{PullRequest, PushRequest},
};
use napi::bindgen_prelude::{AsyncTask, Buffer, Unknown};
use napi::{Env, ScopedTask, Task};
use napi_derive::napi;

type Shared = Arc<Mutex<JournaledEngine>>;

fn lock(inner: &Shared) -> MutexGuard<'_, JournaledEngine> {
    // A panic cannot happen inside the core on input; if one ever did, the engine it left
    // is still consistent (decide never mutates), so keep serving it.
    inner.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The fmcg engine: apply commands, query state, read events.
#[napi]
pub struct Engine {
    inner: Shared,
}

#[napi]
impl Engine {
    /// An empty engine in memory. Its first command must register an admin.
    #[napi(constructor)]
    pub fn new() -> Engine {
        Engine::from(JournaledEngine::in_memory(CoreEngine::new()))
    }

    /// Opens (or creates) a journal file and replays it, off the event loop. `fsync` is
    /// `"always"` (default), `"never"` or a number of events between syncs.
    #[napi(ts_return_type = "Promise<Engine>")]
    pub fn open(
        env: Env,
        path: String,
        fsync: Option<String>,
    ) -> napi::Result<AsyncTask<OpenTask>> {
        // Without one, the core's default policy.
        let policy: FsyncPolicy = fsync
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| errors::to_js(&env, &e))?
            .unwrap_or_default();
        Ok(AsyncTask::new(OpenTask { path, policy }))
    }

    /// Applies a command envelope (an object in the JSON contract); returns the outcome.
    #[napi(
        catch_unwind,
        ts_args_type = "envelope: object",
        ts_return_type = "any"
    )]
    pub fn apply(&self, env: Env, envelope: Unknown<'_>) -> napi::Result<serde_json::Value> {
        let envelope: Envelope = convert::from_js(&env, &envelope)?;
        let outcome = lock(&self.inner)
            .apply(envelope)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &outcome)
    }

    /// Applies a command envelope given as JSON text (the stored form of the contract).
    #[napi(catch_unwind, ts_return_type = "any")]
    pub fn apply_json(&self, env: Env, json: String) -> napi::Result<serde_json::Value> {
        let outcome = lock(&self.inner)
            .apply_json(&json)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &outcome)
    }

    /// `apply`, off the event loop.
    #[napi(ts_args_type = "envelope: object", ts_return_type = "Promise<any>")]
    pub fn apply_async(
        &self,
        env: Env,
        envelope: Unknown<'_>,
    ) -> napi::Result<AsyncTask<ApplyTask>> {
        let envelope: Envelope = convert::from_js(&env, &envelope)?;
        Ok(AsyncTask::new(ApplyTask {
            inner: Arc::clone(&self.inner),
            envelope: Some(envelope),
        }))
    }

    /// Answers a query (an object in the JSON contract) as `actor`, within their scope.
    #[napi(
        catch_unwind,
        ts_args_type = "actor: string, query: object",
        ts_return_type = "any"
    )]
    pub fn query(
        &self,
        env: Env,
        actor: String,
        query: Unknown<'_>,
    ) -> napi::Result<serde_json::Value> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&env, &e))?;
        let query: Query = convert::from_js(&env, &query)?;
        let result = lock(&self.inner)
            .engine()
            .query(&actor, &query)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &result)
    }

    /// Answers a list query (`stock`, `stock_moves`, `orders`, `invoices`, `aging`) as
    /// columns: `{ sku: [...], available: [...], ... }`, money as decimal strings.
    #[napi(
        catch_unwind,
        ts_args_type = "actor: string, query: object",
        ts_return_type = "Record<string, any[]>"
    )]
    pub fn query_table<'e>(
        &self,
        env: &'e Env,
        actor: String,
        query: Unknown<'_>,
    ) -> napi::Result<Unknown<'e>> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(env, &e))?;
        let query: Query = convert::from_js(env, &query)?;
        let table = lock(&self.inner)
            .engine()
            .query_table(&actor, &query)
            .map_err(|e| errors::to_js(env, &e))?;
        // Through N-API's serializer, which keeps the columns in their order.
        env.to_js_value(&table)
    }

    /// `query`, off the event loop.
    #[napi(
        ts_args_type = "actor: string, query: object",
        ts_return_type = "Promise<any>"
    )]
    pub fn query_async(
        &self,
        env: Env,
        actor: String,
        query: Unknown<'_>,
    ) -> napi::Result<AsyncTask<QueryTask>> {
        let actor: StaffId = actor.parse().map_err(|e| errors::to_js(&env, &e))?;
        let query: Query = convert::from_js(&env, &query)?;
        Ok(AsyncTask::new(QueryTask {
            inner: Arc::clone(&self.inner),
            actor,
            query,
        }))
    }

    /// Applies a device's outbox (a push request) as `actor`, the authenticated user, at
    /// `serverNow` (ISO 8601): one result per command, `accepted`, `adjusted` or
    /// `rejected`.
    #[napi(
        catch_unwind,
        ts_args_type = "actor: string, request: object, serverNow: string",
        ts_return_type = "any"
    )]
    pub fn push(
        &self,
        env: Env,
        actor: Unknown<'_>,
        request: Unknown<'_>,
        server_now: Unknown<'_>,
    ) -> napi::Result<serde_json::Value> {
        let actor: StaffId = convert::from_js(&env, &actor)?;
        let request: PushRequest = convert::from_js(&env, &request)?;
        let now: chrono::DateTime<chrono::Utc> = convert::from_js(&env, &server_now)?;
        let response = lock(&self.inner)
            .push(&actor, request, now)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &response)
    }

    /// The events after the request's `since_seq` that `actor` may see, or a fresh scoped
    /// snapshot when their scope changed.
    #[napi(
        catch_unwind,
        ts_args_type = "actor: string, request: { since_seq: number, limit?: number }",
        ts_return_type = "any"
    )]
    pub fn pull(
        &self,
        env: Env,
        actor: Unknown<'_>,
        request: Unknown<'_>,
    ) -> napi::Result<serde_json::Value> {
        let actor: StaffId = convert::from_js(&env, &actor)?;
        let request: PullRequest = convert::from_js(&env, &request)?;
        let response = lock(&self.inner)
            .engine()
            .pull(&actor, request)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &response)
    }

    /// Everything `actor` may see now, to start a device's replica from.
    #[napi(catch_unwind, ts_args_type = "actor: string", ts_return_type = "any")]
    pub fn scoped_snapshot(&self, env: Env, actor: Unknown<'_>) -> napi::Result<serde_json::Value> {
        let actor: StaffId = convert::from_js(&env, &actor)?;
        let snapshot = lock(&self.inner)
            .engine()
            .scoped_snapshot(&actor)
            .map_err(|e| errors::to_js(&env, &e))?;
        convert::to_js(&env, &snapshot)
    }

    /// The events with a sequence number greater than `seq`, in order.
    #[napi(catch_unwind, ts_args_type = "seq: number", ts_return_type = "any[]")]
    pub fn events_since(&self, env: Env, seq: Unknown<'_>) -> napi::Result<serde_json::Value> {
        let seq: u64 = convert::from_js(&env, &seq)?;
        let events = lock(&self.inner).engine().events_since(seq);
        convert::to_js(&env, &events)
    }

    /// Sequence number of the last event (0 when empty).
    #[napi(getter)]
    pub fn last_seq(&self) -> i64 {
        i64::try_from(lock(&self.inner).engine().last_seq()).unwrap_or(i64::MAX)
    }

    /// The whole history as bytes, for `Engine.restore`.
    #[napi(catch_unwind)]
    pub fn snapshot(&self, env: Env) -> napi::Result<Buffer> {
        let bytes = lock(&self.inner)
            .engine()
            .snapshot_bytes()
            .map_err(|e| errors::to_js(&env, &e))?;
        Ok(bytes.into())
    }

    /// An in-memory engine rebuilt from `snapshot()` bytes (checked on the way in).
    #[napi(factory, catch_unwind)]
    pub fn restore(env: Env, data: Buffer) -> napi::Result<Engine> {
        let engine = CoreEngine::restore_bytes(&data).map_err(|e| errors::to_js(&env, &e))?;
        Ok(Engine::from(JournaledEngine::in_memory(engine)))
    }

    /// Forces journal writes to stable storage (nothing to do in memory).
    #[napi(catch_unwind)]
    pub fn sync(&self, env: Env) -> napi::Result<()> {
        lock(&self.inner)
            .sync()
            .map_err(|e| errors::to_js(&env, &e))
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl From<JournaledEngine> for Engine {
    fn from(inner: JournaledEngine) -> Engine {
        Engine {
            inner: Arc::new(Mutex::new(inner)),
        }
    }
}

/// The work of `Engine.open`.
pub struct OpenTask {
    path: String,
    policy: FsyncPolicy,
}

impl Task for OpenTask {
    type Output = Result<JournaledEngine, fmcg_core::Error>;
    type JsValue = Engine;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(JournaledEngine::open(std::path::Path::new(&self.path), self.policy).map(|(e, _)| e))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Engine> {
        output
            .map(Engine::from)
            .map_err(|e| errors::to_js(&env, &e))
    }
}

/// The work of `Engine.applyAsync`.
pub struct ApplyTask {
    inner: Shared,
    envelope: Option<Envelope>,
}

impl<'t> ScopedTask<'t> for ApplyTask {
    type Output = Result<Outcome, fmcg_core::Error>;
    type JsValue = Unknown<'t>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let envelope = self
            .envelope
            .take()
            .ok_or_else(|| napi::Error::from_reason("already applied"))?;
        Ok(lock(&self.inner).apply(envelope))
    }

    fn resolve(&mut self, env: &'t Env, output: Self::Output) -> napi::Result<Unknown<'t>> {
        let outcome = output.map_err(|e| errors::to_js(env, &e))?;
        env.to_js_value(&outcome)
    }
}

/// The work of `Engine.queryAsync`.
pub struct QueryTask {
    inner: Shared,
    actor: StaffId,
    query: Query,
}

impl<'t> ScopedTask<'t> for QueryTask {
    type Output = Result<QueryResult, fmcg_core::Error>;
    type JsValue = Unknown<'t>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(lock(&self.inner).engine().query(&self.actor, &self.query))
    }

    fn resolve(&mut self, env: &'t Env, output: Self::Output) -> napi::Result<Unknown<'t>> {
        let result = output.map_err(|e| errors::to_js(env, &e))?;
        env.to_js_value(&result)
    }
}

/// Runs a routing job in the JSON contract (`{ type: 'tsp', ... }`: one of `matrix`, `road_matrix`, `tsp`,
/// `vrp`, `beats`, `split`, `insert`, `remove`, `reoptimize`, `geojson`). Time limits run
/// on the system clock.
#[napi(catch_unwind, ts_args_type = "request: object", ts_return_type = "any")]
pub fn route(env: Env, request: Unknown<'_>) -> napi::Result<serde_json::Value> {
    let request: Request = convert::from_js(&env, &request)?;
    let response = routing::solve(&request, &routing::SystemClock::new())
        .map_err(|e| errors::to_js(&env, &e))?;
    convert::to_js(&env, &response)
}

/// `route`, off the event loop.
#[napi(ts_args_type = "request: object", ts_return_type = "Promise<any>")]
pub fn route_async(env: Env, request: Unknown<'_>) -> napi::Result<AsyncTask<RouteTask>> {
    let request: Request = convert::from_js(&env, &request)?;
    Ok(AsyncTask::new(RouteTask { request }))
}

/// The work of `routeAsync`.
pub struct RouteTask {
    request: Request,
}

impl<'t> ScopedTask<'t> for RouteTask {
    type Output = Result<routing::Response, fmcg_core::Error>;
    type JsValue = Unknown<'t>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(routing::solve(&self.request, &routing::SystemClock::new()))
    }

    fn resolve(&mut self, env: &'t Env, output: Self::Output) -> napi::Result<Unknown<'t>> {
        let response = output.map_err(|e| errors::to_js(env, &e))?;
        env.to_js_value(&response)
    }
}

/// The JSON Schema of the contract: commands, events, outcomes, queries, errors.
#[napi(ts_return_type = "any")]
pub fn schema() -> serde_json::Value {
    fmcg_core::schema()
}
