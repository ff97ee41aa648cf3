//! Offline operation: client replicas, the push / pull protocol and its conflict policies
//! (SPEC §5).
//!
//! A device keeps a [`ClientReplica`]: the slice of the state its actor may see (a
//! [`ScopedSnapshot`] to start from, then the scoped events it pulls) and an outbox of
//! commands applied optimistically to a local view. The server answers a [`PushRequest`]
//! with one [`PushResult`] per command — `accepted`, `adjusted` (with the reasons) or
//! `rejected` (with the typed error) — and a [`PullRequest`] with the events since the
//! replica's sequence number, filtered and redacted to the actor's scope. The transport is
//! the host's: every message is a plain serde value with one JSON form.
//!
//! Commands arriving through a push are decided like any other, with the distributor's
//! [`SyncSettings`] for what could not be checked offline: a stock shortfall of an order
//! taken offline follows [`ShortfallPolicy`]; outlet edits are merged field by field, the
//! latest [`Hlc`] stamp winning.

mod hlc;
mod replica;
mod scope;
mod server;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::event::EventRecord;
use crate::engine::state::State;
use crate::error::Error;
use crate::ids::{CommandId, DeviceId, OrderId, OutletId, SkuId, StaffId};

pub use hlc::Hlc;
pub use replica::{ClientReplica, LocalOutcome, Notice, NoticeKind, PendingCommand};
pub(crate) use scope::scope_change;
pub(crate) use server::adjustments;
pub use server::{Committer, push};

/// What to do with an order taken offline when the server cannot allocate all of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallPolicy {
    /// Allocate what is available and leave the rest on back order (`ordered − allocated`
    /// per line). When nothing at all is available the order is held for approval.
    #[default]
    PartialWithBackorder,
    /// Reserve what is available and hold the order for approval, with the shortfall per
    /// line as its reason; approving it accepts the partial allocation.
    HoldForApproval,
    /// Refuse the order with `insufficient_stock`, as online.
    Reject,
}

/// The distributor's sync policies (`settings.sync`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// Stock shortfall of a pushed order.
    #[serde(default)]
    pub stock_shortfall: ShortfallPolicy,
    /// A device clock further than this from the server's, in seconds, is flagged.
    #[serde(default = "default_skew")]
    pub max_clock_skew_s: u32,
}

fn default_skew() -> u32 {
    300
}

impl Default for SyncSettings {
    fn default() -> SyncSettings {
        SyncSettings {
            stock_shortfall: ShortfallPolicy::default(),
            max_clock_skew_s: default_skew(),
        }
    }
}

/// A device's outbox, sent to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The device sending.
    pub device_id: DeviceId,
    /// The device clock when it sent (for the skew check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_now: Option<DateTime<Utc>>,
    /// The pending commands, in the order they were taken.
    pub commands: Vec<crate::engine::command::Envelope>,
}

/// How the server took one pushed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Applied as asked.
    Accepted,
    /// Applied, changed by a policy: see `adjustments`.
    Adjusted,
    /// Refused: see `error`. Nothing changed.
    Rejected,
}

/// Why the server changed a command while applying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Adjustment {
    /// Part of an order is on back order (`partial_with_backorder`).
    Backordered {
        /// The order.
        order_id: OrderId,
        /// The short lines.
        lines: Vec<ShortLine>,
    },
    /// An order was held for approval for want of stock (`hold_for_approval`, or nothing
    /// was available).
    HeldForApproval {
        /// The order.
        order_id: OrderId,
        /// The short lines.
        lines: Vec<ShortLine>,
    },
    /// Fields of an outlet edit lost to a later edit (by [`Hlc`]).
    Superseded {
        /// The outlet.
        outlet_id: OutletId,
        /// The fields not applied.
        fields: Vec<String>,
    },
}

/// One order line the server could not allocate in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShortLine {
    /// The line.
    pub line_no: u32,
    /// The SKU.
    pub sku: SkuId,
    /// Base units ordered.
    pub ordered: i64,
    /// Base units allocated.
    pub allocated: i64,
}

/// The answer to one pushed command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushResult {
    /// The command.
    pub command_id: CommandId,
    /// How it ended.
    pub status: PushStatus,
    /// Why it was adjusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// The events it produced (also for a repeat: the original ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
    /// Why it was rejected (the typed error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    /// The error's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Recorded more than `max_clock_skew_s` after the server's clock.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recorded_in_future: bool,
}

/// The server's answer to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushResponse {
    /// One per pushed command, in the pushed order.
    pub results: Vec<PushResult>,
    /// Device clock − server clock, in milliseconds, when the push said `device_now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_skew_ms: Option<i64>,
    /// `|clock_skew_ms|` is beyond `settings.sync.max_clock_skew_s`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clock_skew_flagged: bool,
    /// The server's last sequence number after the push.
    pub server_seq: u64,
}

/// A replica asking for what happened since it last pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// The last server sequence number the replica has.
    pub since_seq: u64,
    /// At most this many events (the server caps it at [`MAX_PULL`]).
    #[serde(default = "default_limit")]
    pub limit: u32,
}

/// The most events one pull returns.
pub const MAX_PULL: u32 = 50_000;

fn default_limit() -> u32 {
    10_000
}

/// The server's answer to a pull: the actor's events in `(since_seq, to_seq]`, or a fresh
/// snapshot when the actor's scope changed in that range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PullResponse {
    /// The actor.
    pub actor: StaffId,
    /// The request's `since_seq`.
    pub since_seq: u64,
    /// Every event up to here was considered; the replica is at `to_seq` afterwards.
    pub to_seq: u64,
    /// The events in scope, redacted, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
    /// More events follow `to_seq`: pull again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// The actor's own commands applied in `(since_seq, to_seq]`: a replica drops them from
    /// its outbox (and learns of their adjustments) even when the push's answer was lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledged: Vec<Acknowledgement>,
    /// The actor's scope changed (an outlet reassigned, a trip planned, a role changed):
    /// start again from this snapshot instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resync: Option<Box<ScopedSnapshot>>,
}

/// One of the actor's commands the server applied, as a pull reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The command.
    pub command_id: CommandId,
    /// What a policy changed, if anything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// Everything one actor may see at one sequence number: what a new device starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopedSnapshot {
    /// Format version ([`SCOPED_SNAPSHOT_VERSION`]).
    pub version: u32,
    /// The actor.
    pub actor: StaffId,
    /// Valid at this server sequence number.
    pub seq: u64,
    /// The actor's slice of the state.
    pub state: State,
}

/// The scoped snapshot format this build writes and reads.
pub const SCOPED_SNAPSHOT_VERSION: u32 = 1;
