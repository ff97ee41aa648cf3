//! Routing: travel matrices, visit routes (TSP), delivery routes (VRP), beat planning and
//! day-of changes.
//!
//! Pure computation: nothing here touches the engine. Costs are integers (metres and
//! seconds, `u32` per leg) so every comparison is exact. Every solver takes a [`Budget`]
//! (iterations and/or a time limit, and a seed) and the host's [`Clock`]; with an iteration
//! budget the result depends only on the input and the seed.
//!
//! | job | entry point |
//! |---|---|
//! | matrix from positions / host rows / road graph | [`Matrix::haversine`], [`Matrix::from_rows`], [`RoadGraph::matrix`] |
//! | order one rep's day | [`solve_tsp`] |
//! | delivery trips | [`solve_vrp`] |
//! | 4-week beat plan; split a territory | [`plan_beats`], [`split_territory`] |
//! | urgent visit, closed outlet, re-plan from here | [`insert_stop`], [`remove_stop`], [`reoptimize`] |
//! | maps | [`geojson`] |
//! | any of these as one JSON request (what the bindings call) | [`solve`] |

mod beat;
mod budget;
mod dynamic;
pub mod geojson;
mod lk;
mod matrix;
mod request;
mod rng;
mod tsp;
mod vrp;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use beat::{
    BeatDay, BeatOutlet, BeatPlan, BeatProblem, TerritoryProblem, TerritorySplit, plan_beats,
    split_territory,
};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use budget::SystemClock;
pub use budget::{Budget, Clock, NoClock};
pub use dynamic::{DayChange, Reoptimize, insert_stop, remove_stop, reoptimize};
pub use matrix::{MAX_POINTS, Matrix, MatrixInput, RoadEdge, RoadGraph};
pub use request::{Request, Response, solve};
pub use tsp::{End, MAX_TSP_POINTS, TspProblem, solve_tsp};
pub use vrp::{Vehicle, VrpProblem, VrpSolution, VrpStop, solve_vrp};

use crate::error::{Error, Result};

/// What a solver minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Total metres.
    #[default]
    Distance,
    /// Total travel seconds.
    Duration,
}

/// When service may start at a point, in seconds on the same clock as the start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimeWindow {
    /// Earliest start of service (arriving earlier means waiting).
    pub open_s: u32,
    /// Latest start of service.
    pub close_s: u32,
}

impl TimeWindow {
    pub(crate) fn validate(&self, field: &str) -> Result<()> {
        if self.open_s > self.close_s {
            return Err(Error::invalid(
                field,
                format!(
                    "opens at {} after it closes at {}",
                    self.open_s, self.close_s
                ),
            ));
        }
        Ok(())
    }
}

/// Checks per-point service times and time windows of a day over `n` points (each list
/// empty or one entry per point; windows not inverted).
pub(crate) fn check_day_inputs(
    n: usize,
    service_s: &[u32],
    time_windows: &[Option<TimeWindow>],
) -> Result<()> {
    if !service_s.is_empty() && service_s.len() != n {
        return Err(Error::invalid(
            "service_s",
            format!("{} entries for {n} points", service_s.len()),
        ));
    }
    if !time_windows.is_empty() && time_windows.len() != n {
        return Err(Error::invalid(
            "time_windows",
            format!("{} entries for {n} points", time_windows.len()),
        ));
    }
    for (i, w) in time_windows.iter().enumerate() {
        if let Some(w) = w {
            w.validate(&format!("time_windows[{i}]"))?;
        }
    }
    Ok(())
}

/// One point of a route with its timing (seconds on the problem's clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteStop {
    /// The point's index in the matrix.
    pub point: usize,
    /// For delivery routes: the stop's index in the problem's `stops`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<usize>,
    /// Arrival time.
    pub arrival_s: u64,
    /// Seconds waiting for the window to open.
    pub wait_s: u64,
    /// Start of service.
    pub start_s: u64,
    /// Departure time.
    pub departure_s: u64,
}

/// A route with its totals: a rep's day or one vehicle's trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Route {
    /// The vehicle's index (delivery routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<usize>,
    /// Points in visiting order, the start first (and the end last when there is one).
    pub stops: Vec<RouteStop>,
    /// Total metres.
    pub distance_m: u64,
    /// Seconds from departure to the end of the last stop (or arrival at the end).
    pub duration_s: u64,
    /// Seconds driving.
    pub travel_s: u64,
    /// Seconds of service.
    pub service_s: u64,
    /// Seconds waiting for windows.
    pub wait_s: u64,
    /// Load carried per capacity dimension (delivery routes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load: Vec<u64>,
    /// Points that could not be fitted (a day with time windows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unserved: Vec<usize>,
}

impl Route {
    /// The points in visiting order.
    pub fn points(&self) -> Vec<usize> {
        self.stops.iter().map(|s| s.point).collect()
    }
}

/// Times a path: travel, waiting for windows (per point, may be empty), service (per point,
/// may be empty).
pub(crate) fn evaluate_path(
    m: &Matrix,
    path: &[usize],
    service_s: &[u32],
    windows: &[Option<TimeWindow>],
    start_time_s: u32,
    unserved: Vec<usize>,
) -> Route {
    let mut stops = Vec::with_capacity(path.len());
    let (mut t, mut dist, mut travel, mut service, mut wait) =
        (u64::from(start_time_s), 0, 0, 0, 0);
    for (k, &p) in path.iter().enumerate() {
        if k > 0 {
            let q = path[k - 1];
            t += u64::from(m.seconds(q, p));
            travel += u64::from(m.seconds(q, p));
            dist += u64::from(m.metres(q, p));
        }
        let arrival = t;
        let open = windows
            .get(p)
            .copied()
            .flatten()
            .map_or(0, |w| u64::from(w.open_s));
        let start = arrival.max(open);
        // The start (k = 0) and a closing return serve nothing.
        let is_depot_again = k > 0 && k + 1 == path.len() && p == path[0];
        let s = if k == 0 || is_depot_again {
            0
        } else {
            u64::from(service_s.get(p).copied().unwrap_or(0))
        };
        wait += start - arrival;
        service += s;
        t = start + s;
        stops.push(RouteStop {
            point: p,
            stop: None,
            arrival_s: arrival,
            wait_s: start - arrival,
            start_s: start,
            departure_s: t,
        });
    }
    Route {
        vehicle: None,
        stops,
        distance_m: dist,
        duration_s: t - u64::from(start_time_s),
        travel_s: travel,
        service_s: service,
        wait_s: wait,
        load: Vec::new(),
        unserved,
    }
}
