//! Hybrid logical clocks: a device's wall clock, kept monotonic and ahead of every stamp it
//! has seen, with the device id breaking ties. Field-level last-writer-wins compares them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A hybrid logical clock stamp. Stamps order by `wall_ms`, then `counter`, then `node`,
/// so two distinct devices never tie.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Hlc {
    /// Wall clock, milliseconds since the Unix epoch (the largest seen).
    pub wall_ms: i64,
    /// Events within the same millisecond.
    pub counter: u32,
    /// The device that stamped it.
    pub node: String,
}

impl Hlc {
    /// The stamp for a new local event at wall time `now_ms`, after `self` (the last stamp
    /// this node issued or observed).
    ///
    /// ```
    /// use fmcg_core::sync::Hlc;
    /// let a = Hlc::default().tick(1_000, "phone-1");
    /// let b = a.tick(900, "phone-1"); // the wall clock went back: still later
    /// assert!(b > a);
    /// assert_eq!((b.wall_ms, b.counter), (1_000, 1));
    /// ```
    #[must_use]
    pub fn tick(&self, now_ms: i64, node: &str) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
                node: node.to_owned(),
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: self.counter.saturating_add(1),
                node: node.to_owned(),
            }
        }
    }

    /// The later of `self` and a stamp seen from elsewhere: what a node keeps so that its
    /// next [`Hlc::tick`] orders after everything it has seen.
    #[must_use]
    pub fn observe(&self, seen: &Hlc) -> Hlc {
        if seen > self {
            seen.clone()
        } else {
            self.clone()
        }
    }
}
