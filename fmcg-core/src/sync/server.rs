//! The server's side of sync: push, pull and scoped snapshots.

use chrono::{DateTime, Utc};

use crate::engine::event::{Event, EventRecord};
use crate::engine::state::State;
use crate::engine::{Commit, Engine, Outcome, OutcomeStatus, Prepared, query};
use crate::error::{Error, Result};
use crate::ids::StaffId;
use crate::order::{ApprovalReason, OrderStatus};
use crate::sync::scope::Viewer;
use crate::sync::{
    Acknowledgement, Adjustment, MAX_PULL, PullRequest, PullResponse, PushRequest, PushResponse,
    PushResult, PushStatus, SCOPED_SNAPSHOT_VERSION, ScopedSnapshot, ShortLine,
};

/// An engine that commits: the in-memory [`Engine`], or one that writes a journal first.
pub trait Committer {
    /// The engine.
    fn engine(&self) -> &Engine;
    /// The engine, to remember refusals (kept in memory only, not in the journal).
    fn engine_mut(&mut self) -> &mut Engine;
    /// Makes a prepared commit durable and visible.
    ///
    /// # Errors
    /// As [`Engine::commit`], plus whatever writing it fails with.
    fn commit(&mut self, commit: Commit) -> Result<Outcome>;
}

impl Committer for Engine {
    fn engine(&self) -> &Engine {
        self
    }

    fn engine_mut(&mut self) -> &mut Engine {
        self
    }

    fn commit(&mut self, commit: Commit) -> Result<Outcome> {
        Engine::commit(self, commit)
    }
}

/// What a policy changed, read from a command's events.
pub(crate) fn adjustments(events: &[Event]) -> Vec<Adjustment> {
    let mut out = Vec::new();
    for e in events {
        match e {
            Event::OrderSubmitted { order } => {
                let lines: Vec<ShortLine> = order
                    .lines
                    .iter()
                    .filter(|l| l.qty_allocated < l.qty_ordered)
                    .map(|l| ShortLine {
                        line_no: l.line_no,
                        sku: l.sku.clone(),
                        ordered: l.qty_ordered,
                        allocated: l.qty_allocated,
                    })
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                let held = order.status == OrderStatus::Submitted
                    && order
                        .approval_reasons
                        .iter()
                        .any(|r| matches!(r, ApprovalReason::StockShortfall { .. }));
                let order_id = order.id.clone();
                out.push(if held {
                    Adjustment::HeldForApproval { order_id, lines }
                } else {
                    Adjustment::Backordered { order_id, lines }
                });
            }
            Event::OutletEdited {
                outlet_id,
                superseded,
                ..
            } if !superseded.is_empty() => out.push(Adjustment::Superseded {
                outlet_id: outlet_id.clone(),
                fields: superseded.clone(),
            }),
            _ => {}
        }
    }
    out
}

fn result(outcome: Outcome, recorded_in_future: bool) -> PushResult {
    PushResult {
        command_id: outcome.command_id,
        status: match outcome.status {
            OutcomeStatus::Accepted => PushStatus::Accepted,
            OutcomeStatus::Adjusted => PushStatus::Adjusted,
        },
        adjustments: outcome.adjustments,
        events: outcome.events,
        error: None,
        message: None,
        recorded_in_future,
    }
}

/// Applies a device's outbox as `actor` (authenticated by the host), in order. Each command
/// is decided with the sync policies; a command already applied returns its original
/// outcome; a command that fails is `rejected` and changes nothing. A refusal is
/// remembered (in memory), so a late duplicate of the same envelope is refused again
/// rather than decided anew after the device was told.
///
/// # Errors
/// [`Error::PermissionDenied`] for an unknown or inactive actor (nothing is applied), and
/// what the [`Committer`] fails with (the commands before it stand; a retry repeats them).
pub fn push<C: Committer + ?Sized>(
    target: &mut C,
    actor: &StaffId,
    request: PushRequest,
    server_now: DateTime<Utc>,
) -> Result<PushResponse> {
    query::actor(target.engine().state(), actor)?;
    let max_skew_ms = i64::from(target.engine().state().settings.sync.max_clock_skew_s) * 1000;
    let clock_skew_ms = request
        .device_now
        .map(|d| (d - server_now).num_milliseconds());
    let mut results = Vec::with_capacity(request.commands.len());
    for envelope in request.commands {
        let future = (envelope.recorded_at - server_now).num_milliseconds() > max_skew_ms;
        let command_id = envelope.command_id.clone();
        let decided = if let Some(e) = target.engine().rejection(&envelope) {
            // Refused before: a late duplicate gets the same answer.
            Err(e.clone())
        } else if &envelope.actor == actor {
            let prepared = target.engine().prepare_as(envelope.clone(), true);
            if let Err(e) = &prepared
                && e.kind() != crate::error::ErrorKind::Conflict
            {
                target.engine_mut().remember_rejection(envelope, e.clone());
            }
            prepared
        } else {
            Err(Error::PermissionDenied {
                actor: actor.to_string(),
                action: envelope.command.name().into(),
                reason: format!("the command is `{}`'s, not the pusher's", envelope.actor),
            })
        };
        results.push(match decided {
            Ok(Prepared::Duplicate(outcome)) => result(outcome, future),
            Ok(Prepared::New(commit)) => result(target.commit(commit)?, future),
            Err(e) => PushResult {
                command_id,
                status: PushStatus::Rejected,
                adjustments: Vec::new(),
                events: Vec::new(),
                message: Some(e.to_string()),
                error: Some(e),
                recorded_in_future: future,
            },
        });
    }
    Ok(PushResponse {
        results,
        clock_skew_flagged: clock_skew_ms.is_some_and(|s| s.abs() > max_skew_ms),
        clock_skew_ms,
        server_seq: target.engine().last_seq(),
    })
}

impl Engine {
    /// Applies a device's outbox: see [`push`].
    ///
    /// # Errors
    /// As [`push`].
    pub fn push(
        &mut self,
        actor: &StaffId,
        request: PushRequest,
        server_now: DateTime<Utc>,
    ) -> Result<PushResponse> {
        push(self, actor, request, server_now)
    }

    /// The events after `since_seq` that `actor` may see, redacted, at most `limit` of
    /// them — or, when the actor's scope changed in that range, a fresh snapshot.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] for an unknown actor; [`Error::InvalidInput`] (field
    /// `since_seq`) for a sequence number the server has not reached.
    pub fn pull(&self, actor: &StaffId, request: PullRequest) -> Result<PullResponse> {
        let staff = query::actor(self.state(), actor)?;
        let head = self.last_seq();
        if request.since_seq > head {
            return Err(Error::invalid(
                "since_seq",
                format!(
                    "{} is beyond the server's last sequence number {head}",
                    request.since_seq
                ),
            ));
        }
        let viewer = Viewer::new(self.state(), staff);
        let changed = self
            .scope_changes_since(request.since_seq)
            .iter()
            .any(|(_, who)| viewer.touched_by(who.as_ref()));
        let mine = |c: &Commit| {
            (&c.envelope.actor == actor).then(|| Acknowledgement {
                command_id: c.envelope.command_id.clone(),
                adjustments: adjustments(&c.events),
            })
        };
        if changed {
            return Ok(PullResponse {
                actor: actor.clone(),
                since_seq: request.since_seq,
                to_seq: head,
                events: Vec::new(),
                more: false,
                acknowledged: self
                    .commits_after(request.since_seq)
                    .iter()
                    .filter_map(mine)
                    .collect(),
                resync: Some(Box::new(self.scoped_snapshot(actor)?)),
            });
        }
        let limit = request.limit.clamp(1, MAX_PULL) as usize;
        let mut events = Vec::new();
        let mut to_seq = request.since_seq;
        let mut more = false;
        let mut acknowledged = Vec::new();
        'commits: for commit in self.commits_after(request.since_seq) {
            let visible: Vec<EventRecord> = (commit.first_seq..)
                .zip(&commit.events)
                .filter(|(seq, _)| *seq > request.since_seq)
                .filter_map(|(seq, e)| Some(commit.record(seq, viewer.event(e)?)))
                .collect();
            // Whole commits only, so a replica never holds half a command.
            if !events.is_empty() && events.len() + visible.len() > limit {
                more = true;
                break 'commits;
            }
            events.extend(visible);
            acknowledged.extend(mine(commit));
            to_seq = commit.last_seq();
        }
        Ok(PullResponse {
            actor: actor.clone(),
            since_seq: request.since_seq,
            to_seq,
            events,
            more,
            acknowledged,
            resync: None,
        })
    }

    /// Everything `actor` may see now, for bootstrapping a device.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] for an unknown actor.
    pub fn scoped_snapshot(&self, actor: &StaffId) -> Result<ScopedSnapshot> {
        let staff = query::actor(self.state(), actor)?;
        let viewer = Viewer::new(self.state(), staff);
        let mut state = State::default();
        for e in self.commits().iter().flat_map(|c| &c.events) {
            if let Some(e) = viewer.event(e) {
                state.evolve(&e);
            }
        }
        Ok(ScopedSnapshot {
            version: SCOPED_SNAPSHOT_VERSION,
            actor: actor.clone(),
            seq: self.last_seq(),
            state,
        })
    }
}
