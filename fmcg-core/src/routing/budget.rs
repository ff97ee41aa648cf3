//! Solver budgets and the host's clock.
//!
//! The core reads no clock of its own. A time limit is measured with a [`Clock`] the host
//! passes in ([`SystemClock`] natively; the WASM package uses `performance.now()`). With an
//! iteration budget and a seed, a run is deterministic whatever the clock says.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A monotonic clock in milliseconds, supplied by the host.
pub trait Clock {
    /// Milliseconds since an arbitrary fixed origin; never decreasing.
    fn now_ms(&self) -> f64;

    /// Whether the clock measures time at all (`false` for [`NoClock`]). A time limit on
    /// a clock that does not is replaced by the default iteration budget, so a search
    /// always ends.
    fn measures_time(&self) -> bool {
        true
    }
}

/// A clock that never advances: only iterations count. A budget with a time limit and no
/// iteration cap runs [`Budget::DEFAULT_ITERATIONS`] under it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoClock;

impl Clock for NoClock {
    fn now_ms(&self) -> f64 {
        0.0
    }

    fn measures_time(&self) -> bool {
        false
    }
}

/// The operating system's monotonic clock (`std::time::Instant`), for native hosts.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy)]
pub struct SystemClock(std::time::Instant);

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> SystemClock {
        SystemClock(std::time::Instant::now())
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1000.0
    }
}

/// How long a solver may search, and from which seed.
///
/// The search stops at the first limit reached. With neither limit set, the solver runs
/// its default number of iterations ([`Budget::DEFAULT_ITERATIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Budget {
    /// Maximum improvement iterations (kicks for the TSP, ruin-and-recreate rounds for the
    /// VRP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// Wall-clock limit in milliseconds, measured by the host's [`Clock`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<u64>,
    /// Seed of the random choices.
    #[serde(default)]
    pub seed: u64,
}

impl Budget {
    /// Iterations run when neither limit is given.
    pub const DEFAULT_ITERATIONS: u64 = 2_000;

    /// A budget of `iterations` from `seed` (deterministic).
    pub fn iterations(iterations: u64, seed: u64) -> Budget {
        Budget {
            iterations: Some(iterations),
            time_limit_ms: None,
            seed,
        }
    }

    /// A budget of `ms` milliseconds from `seed`.
    pub fn time_ms(ms: u64, seed: u64) -> Budget {
        Budget {
            iterations: None,
            time_limit_ms: Some(ms),
            seed,
        }
    }

    /// The iteration cap this budget implies on `clock`.
    pub(crate) fn max_iterations(&self, clock: &dyn Clock) -> u64 {
        match (self.iterations, self.time_limit_ms) {
            (Some(k), _) => k,
            (None, Some(_)) if clock.measures_time() => u64::MAX,
            _ => Budget::DEFAULT_ITERATIONS,
        }
    }
}

/// Tracks a time limit against a clock, reading it only every few iterations.
pub(crate) struct Stopwatch<'a> {
    clock: &'a dyn Clock,
    deadline: Option<f64>,
    start: f64,
    expired: bool,
}

impl<'a> Stopwatch<'a> {
    pub fn new(clock: &'a dyn Clock, budget: &Budget) -> Stopwatch<'a> {
        let start = clock.now_ms();
        Stopwatch {
            clock,
            deadline: budget.time_limit_ms.map(|ms| start + ms as f64),
            start,
            expired: false,
        }
    }

    /// The clock it reads.
    pub fn clock(&self) -> &'a dyn Clock {
        self.clock
    }

    /// Whether the time limit has passed (read at iteration multiples of 8).
    pub fn expired(&mut self, iteration: u64) -> bool {
        if self.expired {
            return true;
        }
        if let Some(deadline) = self.deadline
            && iteration.is_multiple_of(8)
            && self.clock.now_ms() >= deadline
        {
            self.expired = true;
        }
        self.expired
    }

    /// Fraction of the budget used, by time if limited by time, else by iterations.
    pub fn progress(&self, iteration: u64, max_iterations: u64) -> f64 {
        match self.deadline {
            Some(deadline) if max_iterations == u64::MAX => {
                let span = (deadline - self.start).max(1e-9);
                ((self.clock.now_ms() - self.start) / span).clamp(0.0, 1.0)
            }
            _ => (iteration as f64 / max_iterations.max(1) as f64).clamp(0.0, 1.0),
        }
    }
}
