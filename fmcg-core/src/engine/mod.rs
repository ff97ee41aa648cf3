//! The engine: `apply(envelope) -> Outcome`, atomic and idempotent, with a gap-free event
//! sequence, scoped queries and snapshots.
//!
//! Applying a command happens in two steps. *Decide* reads the state and returns the events
//! or an error; it cannot change anything. *Commit* assigns sequence numbers and folds the
//! events into the state with [`State::evolve`], which cannot fail. So an error changes
//! nothing, and replaying the committed events rebuilds the same state.

pub mod command;
mod decide;
pub mod event;
pub mod field_query;
pub mod query;
pub mod state;
mod wire;

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Entity, Error, Result};
use crate::ids::{CommandId, StaffId};
use crate::sync::Adjustment;

pub use command::Envelope;
pub use decide::MAX_LINES;
use event::{Event, EventRecord};
use query::{MoveRow, Query, QueryResult};
use state::State;

/// Decides `envelope` on `state` as a command pushed by an offline device (with the sync
/// policies): what a client replica applies to its local view.
pub(crate) fn decide_synced(state: &State, envelope: &Envelope) -> Result<Vec<Event>> {
    let events = decide::decide(state, envelope, true)?;
    if events.is_empty() {
        return Err(Error::invalid("command", "has no effect"));
    }
    Ok(events)
}

/// One applied command: its envelope and the events it produced. The unit of the journal
/// and of snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Commit {
    /// Sequence number of the first event.
    pub first_seq: u64,
    /// The command as received.
    pub envelope: Envelope,
    /// The events, numbered `first_seq..first_seq + events.len()`.
    pub events: Vec<Event>,
}

impl Commit {
    /// Sequence number of the last event.
    pub fn last_seq(&self) -> u64 {
        self.first_seq
            .saturating_add(self.events.len() as u64)
            .saturating_sub(1)
    }

    /// The events as records.
    pub fn records(&self) -> impl Iterator<Item = EventRecord> + '_ {
        (self.first_seq..)
            .zip(&self.events)
            .map(|(seq, e)| self.record(seq, e.clone()))
    }

    /// `event` (one of this commit's, possibly redacted) as the record numbered `seq`.
    pub(crate) fn record(&self, seq: u64, event: Event) -> EventRecord {
        EventRecord {
            seq,
            command_id: self.envelope.command_id.clone(),
            actor: self.envelope.actor.clone(),
            recorded_at: self.envelope.recorded_at,
            event,
        }
    }
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Applied as asked.
    Accepted,
    /// Applied, changed by a policy (see [`Outcome::adjustments`]): an order taken offline
    /// partly on back order or held for want of stock, an outlet edit that lost fields to a
    /// later one.
    Adjusted,
}

/// The result of applying a command: its events with their sequence numbers. Applying the
/// same `command_id` again returns the same outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// The command.
    pub command_id: CommandId,
    /// How it ended.
    pub status: OutcomeStatus,
    /// Sequence number of the first event.
    pub first_seq: u64,
    /// Sequence number of the last event.
    pub last_seq: u64,
    /// The events.
    pub events: Vec<EventRecord>,
    /// What a policy changed (status `adjusted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

impl From<&Commit> for Outcome {
    fn from(c: &Commit) -> Outcome {
        let adjustments = crate::sync::adjustments(&c.events);
        Outcome {
            command_id: c.envelope.command_id.clone(),
            status: if adjustments.is_empty() {
                OutcomeStatus::Accepted
            } else {
                OutcomeStatus::Adjusted
            },
            first_seq: c.first_seq,
            last_seq: c.last_seq(),
            events: c.records().collect(),
            adjustments,
        }
    }
}

/// A decided command, not yet committed: what [`Engine::prepare`] returns.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "short-lived: returned once per command"
)]
pub enum Prepared {
    /// New events to commit.
    New(Commit),
    /// The command was applied before: its original outcome.
    Duplicate(Outcome),
}

/// The engine's full history in one value: what [`Engine::snapshot`] writes and
/// [`Engine::restore`] reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    /// Format version ([`SNAPSHOT_VERSION`]).
    pub version: u32,
    /// Every commit, in order.
    pub commits: Vec<Commit>,
}

/// The snapshot format version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// The domain engine.
///
/// ```
/// use fmcg_core::{Engine, Envelope};
/// let mut engine = Engine::new();
/// let first: Envelope = serde_json::from_value(serde_json::json!({
///     "command_id": "c1", "actor": "admin", "device_id": "console",
///     "recorded_at": "2026-03-02T08:00:00Z",
///     "command": {"type": "create_staff", "staff": {
///         "id": "admin", "employee_no": "E1", "name": "Ada", "roles": ["admin"]}}
/// })).unwrap();
/// let outcome = engine.apply(first.clone()).unwrap();
/// assert_eq!(outcome.first_seq, 1);
/// assert_eq!(engine.apply(first).unwrap(), outcome); // idempotent
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    state: State,
    commits: Vec<Commit>,
    by_command: HashMap<CommandId, usize>,
    next_seq: u64,
    /// Events that changed what someone may see, with whose view (`None`: anyone's).
    scope_changes: Vec<(u64, Option<StaffId>)>,
    /// Pushed commands refused, so a late duplicate gets the same answer.
    rejected: HashMap<CommandId, (Envelope, Error)>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    /// An empty engine. Its first command must register an admin (see
    /// [`command::Command::CreateStaff`]).
    pub fn new() -> Engine {
        Engine {
            state: State::default(),
            commits: Vec::new(),
            by_command: HashMap::new(),
            next_seq: 1,
            scope_changes: Vec::new(),
            rejected: HashMap::new(),
        }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Sequence number of the last event (0 when empty).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Every commit, in order.
    pub fn commits(&self) -> &[Commit] {
        &self.commits
    }

    /// Applies a command: decides, then commits.
    ///
    /// # Errors
    /// Whatever the command fails with ([`Error::Conflict`] for a reused `command_id` with
    /// different content); the engine is unchanged.
    pub fn apply(&mut self, envelope: Envelope) -> Result<Outcome> {
        match self.prepare(envelope)? {
            Prepared::Duplicate(outcome) => Ok(outcome),
            Prepared::New(commit) => self.commit(commit),
        }
    }

    /// Applies a command given as JSON (the contract form).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `json`) for undecodable input, else as [`Engine::apply`].
    pub fn apply_json(&mut self, json: &str) -> Result<Outcome> {
        self.apply(Envelope::from_json(json)?)
    }

    /// Decides a command without changing anything: the commit to make, or the original
    /// outcome of a repeated `command_id`. A journal writes the commit before
    /// [`Engine::commit`] makes it visible.
    ///
    /// # Errors
    /// As [`Engine::apply`].
    pub fn prepare(&self, envelope: Envelope) -> Result<Prepared> {
        self.prepare_as(envelope, false)
    }

    /// [`Engine::prepare`] for a command pushed by an offline device (`synced`): the sync
    /// policies of `settings.sync` apply.
    ///
    /// # Errors
    /// As [`Engine::apply`].
    pub fn prepare_as(&self, envelope: Envelope, synced: bool) -> Result<Prepared> {
        if let Some(&i) = self.by_command.get(&envelope.command_id)
            && let Some(seen) = self.commits.get(i)
        {
            return if seen.envelope.actor == envelope.actor
                && seen.envelope.command == envelope.command
            {
                Ok(Prepared::Duplicate(Outcome::from(seen)))
            } else {
                Err(Error::conflict(format!(
                    "command `{}` was already applied with different content",
                    envelope.command_id
                )))
            };
        }
        let events = decide::decide(&self.state, &envelope, synced)?;
        if events.is_empty() {
            return Err(Error::invalid("command", "has no effect"));
        }
        Ok(Prepared::New(Commit {
            first_seq: self.next_seq,
            envelope,
            events,
        }))
    }

    /// Commits a prepared command. The commit must come from [`Engine::prepare`] on this
    /// engine with nothing applied in between.
    ///
    /// # Errors
    /// [`Error::Conflict`] for a stale commit (the engine moved on since it was prepared) or
    /// a command id already applied; nothing changes.
    pub fn commit(&mut self, commit: Commit) -> Result<Outcome> {
        if commit.first_seq != self.next_seq
            || commit.events.is_empty()
            || self.by_command.contains_key(&commit.envelope.command_id)
        {
            return Err(Error::conflict(
                "the prepared commit is stale: prepare it again",
            ));
        }
        let outcome = Outcome::from(&commit);
        self.fold_in(commit);
        Ok(outcome)
    }

    fn fold_in(&mut self, commit: Commit) {
        for (i, e) in commit.events.iter().enumerate() {
            let seq = commit.first_seq.saturating_add(i as u64);
            for who in crate::sync::scope_change(&self.state, e) {
                self.scope_changes.push((seq, who));
            }
            self.state.evolve(e);
        }
        self.next_seq = commit.last_seq().saturating_add(1);
        self.by_command
            .insert(commit.envelope.command_id.clone(), self.commits.len());
        self.commits.push(commit);
    }

    /// Folds a stored commit (from a journal or snapshot) into the engine, checking only
    /// that it continues the sequence and repeats no command.
    ///
    /// # Errors
    /// [`Error::Corrupt`] (offset 0) for a gap, an empty commit or a repeated command id.
    pub fn replay_commit(&mut self, commit: Commit) -> Result<()> {
        if commit.first_seq != self.next_seq || commit.events.is_empty() {
            return Err(Error::Corrupt {
                offset: 0,
                reason: format!(
                    "commit starting at seq {} does not continue seq {}",
                    commit.first_seq,
                    self.last_seq()
                ),
            });
        }
        if self.by_command.contains_key(&commit.envelope.command_id) {
            return Err(Error::Corrupt {
                offset: 0,
                reason: format!("command `{}` appears twice", commit.envelope.command_id),
            });
        }
        self.fold_in(commit);
        Ok(())
    }

    /// Rebuilds an engine from commits, in order.
    ///
    /// # Errors
    /// As [`Engine::replay_commit`].
    pub fn replay(commits: impl IntoIterator<Item = Commit>) -> Result<Engine> {
        let mut engine = Engine::new();
        for c in commits {
            engine.replay_commit(c)?;
        }
        Ok(engine)
    }

    /// The commits holding events after `seq`.
    pub(crate) fn commits_after(&self, seq: u64) -> &[Commit] {
        let start = self.commits.partition_point(|c| c.last_seq() <= seq);
        &self.commits[start..]
    }

    /// Events with a sequence number greater than `seq`, in order.
    pub fn events_since(&self, seq: u64) -> Vec<EventRecord> {
        let start = self.commits.partition_point(|c| c.last_seq() <= seq);
        self.commits[start..]
            .iter()
            .flat_map(Commit::records)
            .filter(|r| r.seq > seq)
            .collect()
    }

    /// Answers a query as `actor`.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] for an unknown actor or an action outside the actor's
    /// roles or scope; [`Error::NotFound`] for unknown ids.
    pub fn query(&self, actor: &StaffId, query: &Query) -> Result<QueryResult> {
        let staff = query::actor(&self.state, actor)?;
        if let Query::StockMoves {
            location,
            sku,
            since_seq,
        } = query
        {
            crate::access::authorize(
                self.state.directory(),
                staff,
                crate::access::Action::StockView,
                crate::access::Target::Global,
            )?;
            let rows = self
                .events_since(*since_seq)
                .into_iter()
                .filter_map(|r| match r.event {
                    Event::StockMoved(m) => Some(MoveRow {
                        seq: r.seq,
                        stock_move: m,
                    }),
                    _ => None,
                })
                .filter(|r| {
                    location
                        .as_ref()
                        .is_none_or(|l| &r.stock_move.location == l)
                })
                .filter(|r| sku.as_ref().is_none_or(|s| &r.stock_move.sku == s))
                .collect();
            return Ok(QueryResult::StockMoves { rows });
        }
        query::answer(&self.state, staff, query)
    }

    /// Answers a list query as columns (see [`QueryResult::to_table`]): what hosts turn
    /// into an Arrow table or a data frame.
    ///
    /// # Errors
    /// As [`Engine::query`], and [`Error::InvalidInput`] for a query with no table form.
    pub fn query_table(&self, actor: &StaffId, query: &Query) -> Result<crate::table::Table> {
        self.query(actor, query)?.to_table()
    }

    /// Answers a query given as JSON.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `json`) for undecodable input, else as
    /// [`Engine::query`].
    pub fn query_json(&self, actor: &str, json: &str) -> Result<QueryResult> {
        let actor = StaffId::new(actor)?;
        let query: Query = serde_json::from_str(json).map_err(|e| Error::json(&e))?;
        self.query(&actor, &query)
    }

    /// The engine's history as one value.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: SNAPSHOT_VERSION,
            commits: self.commits.clone(),
        }
    }

    /// The snapshot as JSON bytes.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if serialisation fails (it does not for valid states).
    pub fn snapshot_bytes(&self) -> Result<Vec<u8>> {
        #[derive(Serialize)]
        struct SnapshotRef<'a> {
            version: u32,
            commits: &'a [Commit],
        }
        serde_json::to_vec(&SnapshotRef {
            version: SNAPSHOT_VERSION,
            commits: &self.commits,
        })
        .map_err(|e| Error::json(&e))
    }

    /// Rebuilds an engine from a snapshot.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown version; [`Error::Corrupt`] for a broken
    /// sequence.
    pub fn restore(snapshot: Snapshot) -> Result<Engine> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(Error::invalid(
                "version",
                format!(
                    "snapshot version {} is not {SNAPSHOT_VERSION}",
                    snapshot.version
                ),
            ));
        }
        Engine::replay(snapshot.commits)
    }

    /// Rebuilds an engine from snapshot bytes.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for undecodable bytes, else as [`Engine::restore`].
    pub fn restore_bytes(bytes: &[u8]) -> Result<Engine> {
        // Through a `Value`, like every other decoder: the event and command types then
        // share one decoder (it matters for the WASM package's size).
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Error::json(&e))?;
        let snapshot: Snapshot = serde_json::from_value(value).map_err(|e| Error::json(&e))?;
        Engine::restore(snapshot)
    }

    /// The refusal of a pushed command, if this exact envelope was refused before.
    pub(crate) fn rejection(&self, envelope: &Envelope) -> Option<&Error> {
        self.rejected
            .get(&envelope.command_id)
            .filter(|(seen, _)| seen == envelope)
            .map(|(_, e)| e)
    }

    /// Remembers the refusal of a pushed command.
    pub(crate) fn remember_rejection(&mut self, envelope: Envelope, error: Error) {
        self.rejected
            .insert(envelope.command_id.clone(), (envelope, error));
    }

    /// The scope changes after `seq`: `(seq, whose view)`, `None` for anyone's.
    pub(crate) fn scope_changes_since(&self, seq: u64) -> &[(u64, Option<StaffId>)] {
        let start = self.scope_changes.partition_point(|(s, _)| *s <= seq);
        &self.scope_changes[start..]
    }

    /// The commit that applied `command_id`.
    ///
    /// # Errors
    /// [`Error::NotFound`] if it was never applied.
    pub fn commit_of(&self, command_id: &CommandId) -> Result<&Commit> {
        self.by_command
            .get(command_id)
            .and_then(|&i| self.commits.get(i))
            .ok_or_else(|| Error::not_found(Entity::Command, command_id))
    }
}
