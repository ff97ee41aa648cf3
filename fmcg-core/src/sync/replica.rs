//! The device's side of sync: a scoped base state, an outbox applied optimistically to a
//! local view, and the notices the host shows its user.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::command::Envelope;
use crate::engine::event::Event;
use crate::engine::query::{self, Query, QueryResult};
use crate::engine::state::State;
use crate::error::{Error, Result};
use crate::ids::{CommandId, DeviceId, StaffId};
use crate::sync::{
    Acknowledgement, Adjustment, Hlc, PullRequest, PullResponse, PushRequest, PushResponse,
    PushStatus, SCOPED_SNAPSHOT_VERSION, ScopedSnapshot, adjustments,
};

/// A command in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingCommand {
    /// The command as recorded on the device.
    pub envelope: Envelope,
    /// Once the server has applied it: the sequence number of its last event. It leaves
    /// the outbox when a pull reaches that number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<u64>,
    /// The server's events for it, once acknowledged: the view shows them until the pull
    /// brings them into the base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_events: Vec<Event>,
    /// Why it no longer applies to the local view (it is still sent: the server decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_error: Option<Error>,
}

/// What the host should tell its user about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The server applied a command with changes (`adjustments`).
    Adjusted,
    /// The server refused a command (`error`); it left the outbox.
    Rejected,
    /// A pending command no longer applies to the local view after new data arrived
    /// (`error`); it stays in the outbox for the server to decide.
    LocalConflict,
    /// The device clock is off the server's by more than the allowed skew.
    ClockSkew,
}

/// One thing for the host's user to see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// The command it is about (none for a clock skew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<CommandId>,
    /// What the server changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// Why it was refused or no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    /// Device clock − server clock in milliseconds (clock skew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew_ms: Option<i64>,
    /// A sentence for the user.
    pub message: String,
}

/// The local result of recording a command: the events it had on the local view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LocalOutcome {
    /// The command.
    pub command_id: CommandId,
    /// Its events on the local view (the server assigns sequence numbers when it applies
    /// it). For a repeat of a queued command: the server's events once acknowledged, else
    /// none (the first call returned them).
    pub events: Vec<Event>,
    /// What the sync policies changed locally (the server decides again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// Commands waiting for the server, this one included.
    pub pending: usize,
}

/// A device's replica: what its actor may see as of `seq`, plus an outbox of commands
/// applied optimistically to a local view. Serialisable, so a host can keep it across
/// restarts (the view is rebuilt on load).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientReplica {
    actor: StaffId,
    device_id: DeviceId,
    seq: u64,
    base: State,
    outbox: Vec<PendingCommand>,
    notices: Vec<Notice>,
    clock: Hlc,
    #[serde(skip)]
    view: State,
}

impl ClientReplica {
    /// A replica started from a scoped snapshot, on `device_id`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `version`) for a snapshot of another format.
    pub fn new(snapshot: ScopedSnapshot, device_id: DeviceId) -> Result<ClientReplica> {
        check_version(&snapshot)?;
        let mut replica = ClientReplica {
            actor: snapshot.actor,
            device_id,
            seq: snapshot.seq,
            view: State::default(),
            base: snapshot.state,
            outbox: Vec::new(),
            notices: Vec::new(),
            clock: Hlc::default(),
        };
        replica.rebase();
        Ok(replica)
    }

    /// A replica saved with [`ClientReplica::to_json`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `json`) for anything else.
    pub fn from_json(json: &str) -> Result<ClientReplica> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::json(&e))?;
        let mut replica: ClientReplica =
            serde_json::from_value(value).map_err(|e| Error::json(&e))?;
        replica.rebase();
        Ok(replica)
    }

    /// The replica as JSON, to keep across restarts.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if serialisation fails (it does not for valid states).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::json(&e))
    }

    /// The replica's actor.
    pub fn actor(&self) -> &StaffId {
        &self.actor
    }

    /// The server sequence number the base is at.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The actor's slice of the server state, as of [`ClientReplica::seq`].
    pub fn base(&self) -> &State {
        &self.base
    }

    /// The base with the outbox applied: what the user sees.
    pub fn view(&self) -> &State {
        &self.view
    }

    /// The outbox, oldest first.
    pub fn pending(&self) -> &[PendingCommand] {
        &self.outbox
    }

    /// Commands not yet acknowledged by the server.
    pub fn unacknowledged(&self) -> usize {
        self.outbox
            .iter()
            .filter(|p| p.acknowledged_at.is_none())
            .count()
    }

    /// The notices gathered since the last call, oldest first.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// A hybrid logical clock stamp for an edit made now (`now_ms`, the device clock),
    /// later than every stamp this replica issued or saw.
    pub fn stamp(&mut self, now_ms: i64) -> Hlc {
        self.clock = self.clock.tick(now_ms, self.device_id.as_str());
        self.clock.clone()
    }

    /// Records a command: decided on the local view (with the sync policies, as the server
    /// will), then queued. Recording the same `command_id` again returns the same outcome.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`] for another actor's command, [`Error::InvalidInput`]
    /// (field `device_id`) for another device's, [`Error::Conflict`] for a reused
    /// `command_id` with other content, else what the command fails with on the view.
    /// Nothing is queued then.
    pub fn record(&mut self, envelope: Envelope) -> Result<LocalOutcome> {
        if envelope.actor != self.actor {
            return Err(Error::PermissionDenied {
                actor: envelope.actor.to_string(),
                action: envelope.command.name().into(),
                reason: format!("this replica is `{}`'s", self.actor),
            });
        }
        if envelope.device_id != self.device_id {
            return Err(Error::invalid(
                "device_id",
                format!("this replica is on device `{}`", self.device_id),
            ));
        }
        if let Some(p) = self
            .outbox
            .iter()
            .find(|p| p.envelope.command_id == envelope.command_id)
        {
            if p.envelope != envelope {
                return Err(Error::conflict(format!(
                    "command `{}` was already recorded with different content",
                    envelope.command_id
                )));
            }
            let events = p.server_events.clone();
            return Ok(LocalOutcome {
                command_id: envelope.command_id,
                adjustments: adjustments(&events),
                events,
                pending: self.outbox.len(),
            });
        }
        let events = crate::engine::decide_synced(&self.view, &envelope)?;
        for e in &events {
            self.view.evolve(e);
            self.observe(e);
        }
        self.outbox.push(PendingCommand {
            envelope: envelope.clone(),
            acknowledged_at: None,
            server_events: Vec::new(),
            local_error: None,
        });
        Ok(LocalOutcome {
            command_id: envelope.command_id,
            adjustments: adjustments(&events),
            events,
            pending: self.outbox.len(),
        })
    }

    /// The outbox to send: every command the server has not acknowledged, in order.
    pub fn push_request(&self, device_now: Option<DateTime<Utc>>) -> PushRequest {
        PushRequest {
            device_id: self.device_id.clone(),
            device_now,
            commands: self
                .outbox
                .iter()
                .filter(|p| p.acknowledged_at.is_none())
                .map(|p| p.envelope.clone())
                .collect(),
        }
    }

    /// Takes the server's answer to a push: acknowledged commands wait for the pull that
    /// brings their events; rejected ones leave the outbox; adjustments and rejections
    /// become notices. Answers for commands not in the outbox (a repeated or late
    /// response) are ignored.
    pub fn apply_push(&mut self, response: &PushResponse) {
        if response.clock_skew_flagged {
            let skew = response.clock_skew_ms.unwrap_or_default();
            self.notices.push(Notice {
                kind: NoticeKind::ClockSkew,
                command_id: None,
                adjustments: Vec::new(),
                error: None,
                skew_ms: response.clock_skew_ms,
                message: format!("the device clock is {} s off the server's", skew / 1000),
            });
        }
        for r in &response.results {
            let Some(i) = self
                .outbox
                .iter()
                .position(|p| p.envelope.command_id == r.command_id)
            else {
                continue;
            };
            if self.outbox[i].acknowledged_at.is_some() {
                continue;
            }
            match r.status {
                PushStatus::Accepted | PushStatus::Adjusted => {
                    let p = &mut self.outbox[i];
                    p.acknowledged_at =
                        Some(r.events.last().map_or(response.server_seq, |e| e.seq));
                    p.server_events = r.events.iter().map(|e| e.event.clone()).collect();
                    p.local_error = None;
                    if r.status == PushStatus::Adjusted {
                        self.notices
                            .push(adjusted_notice(&r.command_id, &r.adjustments));
                    }
                }
                PushStatus::Rejected => {
                    self.outbox.remove(i);
                    self.notices.push(Notice {
                        kind: NoticeKind::Rejected,
                        command_id: Some(r.command_id.clone()),
                        adjustments: Vec::new(),
                        error: r.error.clone(),
                        skew_ms: None,
                        message: r
                            .message
                            .clone()
                            .unwrap_or_else(|| format!("`{}` was refused", r.command_id)),
                    });
                }
            }
        }
        // A late answer for a command whose events the base already holds.
        let seq = self.seq;
        self.outbox
            .retain(|p| p.acknowledged_at.is_none_or(|at| at > seq));
        self.rebase();
    }

    /// What to ask the server for next.
    pub fn pull_request(&self, limit: u32) -> PullRequest {
        PullRequest {
            since_seq: self.seq,
            limit,
        }
    }

    /// Takes the server's answer to a pull: its events folded into the base (or its
    /// snapshot replacing it), then the pending commands replayed on the new base.
    ///
    /// # Errors
    /// [`Error::Conflict`] for an answer that does not continue this replica (another
    /// actor's, an older or out-of-order one, events out of sequence or beyond `to_seq`);
    /// nothing changes.
    pub fn apply_pull(&mut self, response: &PullResponse) -> Result<()> {
        if response.actor != self.actor {
            return Err(Error::conflict(format!(
                "the pull answers `{}`, this replica is `{}`'s",
                response.actor, self.actor
            )));
        }
        if response.since_seq != self.seq || response.to_seq < response.since_seq {
            return Err(Error::conflict(format!(
                "the pull covers seq {}..{}, this replica is at {}",
                response.since_seq, response.to_seq, self.seq
            )));
        }
        if let Some(snapshot) = &response.resync {
            check_version(snapshot)?;
            if snapshot.actor != self.actor || snapshot.seq < self.seq {
                return Err(Error::conflict(format!(
                    "the resync snapshot is `{}`'s at seq {}, this replica is `{}`'s at {}",
                    snapshot.actor, snapshot.seq, self.actor, self.seq
                )));
            }
            self.base = snapshot.state.clone();
            self.seq = snapshot.seq;
        } else {
            let mut last = response.since_seq;
            for r in &response.events {
                if r.seq <= last || r.seq > response.to_seq {
                    return Err(Error::conflict(format!(
                        "event seq {} is out of sequence after {last} (pull up to {})",
                        r.seq, response.to_seq
                    )));
                }
                last = r.seq;
            }
            for r in &response.events {
                self.base.evolve(&r.event);
                self.observe(&r.event);
            }
            self.seq = response.to_seq;
        }
        // Out: what the base now holds — acknowledged up to here, or applied by the server
        // whatever became of the push's answer (its adjustments are told now).
        let seq = self.seq;
        let applied: BTreeMap<&CommandId, &Acknowledgement> = response
            .acknowledged
            .iter()
            .map(|a| (&a.command_id, a))
            .collect();
        let mut notices = Vec::new();
        self.outbox.retain(|p| {
            if let Some(at) = p.acknowledged_at {
                return at > seq;
            }
            let Some(ack) = applied.get(&p.envelope.command_id) else {
                return true;
            };
            if !ack.adjustments.is_empty() {
                notices.push(adjusted_notice(&ack.command_id, &ack.adjustments));
            }
            false
        });
        self.notices.extend(notices);
        self.rebase();
        Ok(())
    }

    /// Answers a query on the view, as the replica's actor.
    ///
    /// # Errors
    /// As [`crate::Engine::query`]; [`Error::InvalidInput`] for `stock_moves`, which needs
    /// the server's history.
    pub fn query(&self, q: &Query) -> Result<QueryResult> {
        let staff = query::actor(&self.view, &self.actor)?;
        query::answer(&self.view, staff, q)
    }

    fn observe(&mut self, event: &Event) {
        if let Event::OutletEdited { stamp, .. } = event {
            self.clock = self.clock.observe(stamp);
        }
    }

    /// Rebuilds the view: the base, then each pending command — its server events once
    /// acknowledged, else decided again on the view so far.
    fn rebase(&mut self) {
        let mut view = self.base.clone();
        let mut conflicts = Vec::new();
        for p in &mut self.outbox {
            if p.acknowledged_at.is_some() {
                for e in &p.server_events {
                    view.evolve(e);
                }
                continue;
            }
            match crate::engine::decide_synced(&view, &p.envelope) {
                Ok(events) => {
                    for e in &events {
                        view.evolve(e);
                    }
                    p.local_error = None;
                }
                Err(e) => {
                    if p.local_error.as_ref() != Some(&e) {
                        conflicts.push(Notice {
                            kind: NoticeKind::LocalConflict,
                            command_id: Some(p.envelope.command_id.clone()),
                            adjustments: Vec::new(),
                            message: format!(
                                "`{}` no longer applies here: {e}",
                                p.envelope.command_id
                            ),
                            error: Some(e.clone()),
                            skew_ms: None,
                        });
                    }
                    p.local_error = Some(e);
                }
            }
        }
        self.notices.extend(conflicts);
        self.view = view;
    }
}

fn adjusted_notice(command_id: &CommandId, adjustments: &[Adjustment]) -> Notice {
    Notice {
        kind: NoticeKind::Adjusted,
        command_id: Some(command_id.clone()),
        adjustments: adjustments.to_vec(),
        error: None,
        skew_ms: None,
        message: format!("`{command_id}` was applied with changes"),
    }
}

fn check_version(snapshot: &ScopedSnapshot) -> Result<()> {
    if snapshot.version == SCOPED_SNAPSHOT_VERSION {
        Ok(())
    } else {
        Err(Error::invalid(
            "version",
            format!(
                "scoped snapshot version {} is not {SCOPED_SNAPSHOT_VERSION}",
                snapshot.version
            ),
        ))
    }
}
