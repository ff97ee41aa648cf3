//! The JSON Schema of the contract: commands, events, outcomes, errors, queries.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::Value;

use crate::engine::event::EventRecord;
use crate::engine::query::{Query, QueryResult};
use crate::engine::{Envelope, Outcome, Snapshot};
use crate::error::Error;
use crate::routing::{Request, Response};
use crate::sync::{Notice, PullRequest, PullResponse, PushRequest, PushResponse, ScopedSnapshot};

/// The contract's top-level types, one property each; their parts are in `$defs`.
#[derive(JsonSchema)]
#[expect(dead_code, reason = "only its schema is used")]
struct Contract {
    /// A command envelope: what `apply` takes.
    envelope: Envelope,
    /// What `apply` returns.
    outcome: Outcome,
    /// An event with its sequence number: what `events_since` returns.
    event_record: EventRecord,
    /// An error, tagged by `kind`.
    error: Error,
    /// A query: what `query` takes.
    query: Query,
    /// What `query` returns.
    query_result: QueryResult,
    /// A snapshot: what `snapshot` returns and `restore` takes.
    snapshot: Snapshot,
    /// A routing job: what `route` takes.
    routing_request: Request,
    /// What `route` returns.
    routing_response: Response,
    /// A device's outbox: what `push` takes.
    push_request: PushRequest,
    /// What `push` returns.
    push_response: PushResponse,
    /// What `pull` takes.
    pull_request: PullRequest,
    /// What `pull` returns.
    pull_response: PullResponse,
    /// What `scoped_snapshot` returns and a client replica starts from.
    scoped_snapshot: ScopedSnapshot,
    /// What a client replica tells its host's user.
    notice: Notice,
}

/// The JSON Schema (draft 2020-12) of the contract every host shares. Its `properties`
/// name the top-level types (`envelope`, `outcome`, `event_record`, `error`, `query`,
/// `query_result`, `snapshot`, `routing_request`, `routing_response`, `push_request`,
/// `push_response`, `pull_request`, `pull_response`, `scoped_snapshot`, `notice`); every type
/// is under `$defs`.
///
/// ```
/// let schema = fmcg_core::schema();
/// assert!(schema["$defs"]["Command"].is_object());
/// assert_eq!(schema["properties"]["envelope"]["$ref"], "#/$defs/Envelope");
/// ```
pub fn schema() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Contract>().to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), "fmcg contract".into());
        map.insert("$id".into(), "https://fmcg.dev/schema/contract.json".into());
    }
    schema
}
