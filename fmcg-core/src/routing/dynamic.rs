//! Changes to a day under way: an urgent visit, a closed outlet, re-planning the rest of
//! the day from where the rep is now.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::{Budget, Clock};
use super::matrix::Matrix;
use super::tsp::{End, TspProblem, solve_tsp};
use super::{Objective, Route, TimeWindow, check_day_inputs, evaluate_path};
use crate::error::{Error, Result};

/// A planned day and one point to add to it ([`insert_stop`]) or drop from it ([`remove_stop`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DayChange {
    /// Travel between all points.
    pub matrix: Matrix,
    /// The day's points in order, start first (and the end last, if fixed).
    pub path: Vec<usize>,
    /// The point to add.
    pub point: usize,
    /// Whether the last point of `path` is a fixed end (home, depot) to keep last.
    #[serde(default = "yes")]
    pub fixed_end: bool,
    /// Service seconds per point (empty: none).
    #[serde(default)]
    pub service_s: Vec<u32>,
    /// Time window per point (empty: none).
    #[serde(default)]
    pub time_windows: Vec<Option<TimeWindow>>,
    /// Departure time from the start.
    #[serde(default)]
    pub start_time_s: u32,
}

fn yes() -> bool {
    true
}

/// A non-empty path of points of the matrix.
fn check_path(m: &Matrix, path: &[usize], field: &str) -> Result<()> {
    if path.is_empty() {
        return Err(Error::invalid(field, "empty path"));
    }
    m.check_points(field, path)
}

/// Whether every stop of a timed route starts within its window.
fn on_time(route: &Route, windows: &[Option<TimeWindow>]) -> bool {
    route.stops.iter().all(|s| {
        windows
            .get(s.point)
            .copied()
            .flatten()
            .is_none_or(|w| s.start_s <= u64::from(w.close_s))
    })
}

/// Adds `point` where it lengthens the day least while keeping every window; the day with
/// the point in [`Route::unserved`] when it fits nowhere.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty path, points outside the matrix, or the point
/// already on the path.
pub fn insert_stop(req: &DayChange) -> Result<Route> {
    check_path(&req.matrix, &req.path, "path")?;
    req.matrix.check_point("point", req.point)?;
    check_day_inputs(req.matrix.len(), &req.service_s, &req.time_windows)?;
    if req.path[1..].contains(&req.point) || req.path[0] == req.point {
        return Err(Error::invalid(
            "point",
            format!("point {} is already on the path", req.point),
        ));
    }
    let last = if req.fixed_end && req.path.len() > 1 {
        req.path.len() - 1
    } else {
        req.path.len()
    };
    let mut best: Option<Route> = None;
    for at in 1..=last {
        let mut path = req.path.clone();
        path.insert(at, req.point);
        let r = evaluate_path(
            &req.matrix,
            &path,
            &req.service_s,
            &req.time_windows,
            req.start_time_s,
            Vec::new(),
        );
        if on_time(&r, &req.time_windows)
            && best.as_ref().is_none_or(|b| r.distance_m < b.distance_m)
        {
            best = Some(r);
        }
    }
    Ok(best.unwrap_or_else(|| {
        evaluate_path(
            &req.matrix,
            &req.path,
            &req.service_s,
            &req.time_windows,
            req.start_time_s,
            vec![req.point],
        )
    }))
}

/// Drops `point` (a closed outlet) from the day, its neighbours joined directly.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty path, points outside the matrix, the start, or a
/// point not on the path.
pub fn remove_stop(req: &DayChange) -> Result<Route> {
    check_path(&req.matrix, &req.path, "path")?;
    check_day_inputs(req.matrix.len(), &req.service_s, &req.time_windows)?;
    let Some(at) = req.path.iter().skip(1).position(|&p| p == req.point) else {
        return Err(Error::invalid(
            "point",
            format!("point {} is not a visit on the path", req.point),
        ));
    };
    let mut p = req.path.clone();
    p.remove(at + 1);
    Ok(evaluate_path(
        &req.matrix,
        &p,
        &req.service_s,
        &req.time_windows,
        req.start_time_s,
        Vec::new(),
    ))
}

/// The rest of a day to re-plan from the rep's current position and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reoptimize {
    /// Travel between all points.
    pub matrix: Matrix,
    /// Where the rep is now.
    pub current: usize,
    /// The points still to visit.
    pub remaining: Vec<usize>,
    /// Where the day ends (`point` indices refer to the matrix).
    #[serde(default)]
    pub end: End,
    /// The time now.
    #[serde(default)]
    pub now_s: u32,
    /// Service seconds per point (empty: none).
    #[serde(default)]
    pub service_s: Vec<u32>,
    /// Time window per point (empty: none).
    #[serde(default)]
    pub time_windows: Vec<Option<TimeWindow>>,
    /// What to minimise.
    #[serde(default)]
    pub objective: Objective,
    /// Search budget and seed.
    #[serde(default)]
    pub budget: Budget,
}

/// Orders the remaining visits from the current position and time (an open path, or to
/// the given end). `End::Return` returns to `current`... which is rarely wanted: pass
/// `End::At` with home or the depot.
///
/// # Errors
/// [`Error::InvalidInput`] for points outside the matrix or repeated, or the TSP's errors.
pub fn reoptimize(req: &Reoptimize, clock: &dyn Clock) -> Result<Route> {
    req.matrix.check_point("current", req.current)?;
    check_day_inputs(req.matrix.len(), &req.service_s, &req.time_windows)?;
    req.matrix.check_points("remaining", &req.remaining)?;
    // Local numbering: current, the remaining points, then the end (if elsewhere).
    let mut pts = vec![req.current];
    for (k, &p) in req.remaining.iter().enumerate() {
        if pts.contains(&p) {
            return Err(Error::invalid(
                format!("remaining[{k}]"),
                format!("point {p} is repeated or is the current position"),
            ));
        }
        pts.push(p);
    }
    let end = match req.end {
        End::At { point } => {
            req.matrix.check_point("end.point", point)?;
            let at = pts.iter().position(|&p| p == point).unwrap_or_else(|| {
                pts.push(point);
                pts.len() - 1
            });
            End::At { point: at }
        }
        e => e,
    };
    let local = |v: &[u32]| -> Vec<u32> {
        if v.is_empty() {
            Vec::new()
        } else {
            pts.iter().map(|&p| v[p]).collect()
        }
    };
    let windows: Vec<Option<TimeWindow>> = if req.time_windows.is_empty() {
        Vec::new()
    } else {
        pts.iter().map(|&p| req.time_windows[p]).collect()
    };
    let problem = TspProblem {
        matrix: req.matrix.subset(&pts)?,
        start: 0,
        end,
        service_s: local(&req.service_s),
        time_windows: windows,
        start_time_s: req.now_s,
        objective: req.objective,
        budget: req.budget,
    };
    let mut route = solve_tsp(&problem, clock)?;
    for s in &mut route.stops {
        s.point = pts[s.point];
    }
    for u in &mut route.unserved {
        *u = pts[*u];
    }
    Ok(route)
}
