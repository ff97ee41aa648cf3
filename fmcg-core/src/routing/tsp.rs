//! Visit routes: one rep's day as a travelling-salesman tour or path.
//!
//! Without time windows the tour comes from the Lin–Kernighan-style iterated local search
//! (asymmetric matrices go through the standard 2n-node symmetric transformation; open
//! paths through a dummy node). With time windows the day is a one-vehicle
//! [`crate::routing::vrp`] problem, so outlets that cannot be reached in their window are
//! reported in [`Route::unserved`] instead of being dropped.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::{Budget, Clock, Stopwatch};
use super::lk::{self, Sym};
use super::matrix::Matrix;
use super::vrp::{self, Vehicle, VrpProblem, VrpStop};
use super::{Objective, Route, TimeWindow};
use crate::error::{Error, Result};

/// The largest symmetric TSP (dense internal matrix of `n²` costs).
pub const MAX_TSP_POINTS: usize = 5_000;

/// Where a rep's day ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum End {
    /// Back at the start (a closed tour).
    #[default]
    Return,
    /// Anywhere: the path ends at the last outlet.
    Free,
    /// At a given point.
    At {
        /// The point's index in the matrix.
        point: usize,
    },
}

/// A day to order: visit every point of the matrix once, starting at `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TspProblem {
    /// Travel between all points (the start and end included).
    pub matrix: Matrix,
    /// Index of the starting point (home or depot).
    #[serde(default)]
    pub start: usize,
    /// Where the day ends.
    #[serde(default)]
    pub end: End,
    /// Service seconds per point (empty: none).
    #[serde(default)]
    pub service_s: Vec<u32>,
    /// Time window per point (empty: none; `null` entries: any time).
    #[serde(default)]
    pub time_windows: Vec<Option<TimeWindow>>,
    /// Departure time from the start, in seconds (for example since local midnight).
    #[serde(default)]
    pub start_time_s: u32,
    /// What to minimise.
    #[serde(default)]
    pub objective: Objective,
    /// Search budget and seed.
    #[serde(default)]
    pub budget: Budget,
}

impl TspProblem {
    /// A closed tour over every point of `matrix` from point 0, minimising distance.
    pub fn closed(matrix: Matrix) -> TspProblem {
        TspProblem {
            matrix,
            start: 0,
            end: End::Return,
            service_s: Vec::new(),
            time_windows: Vec::new(),
            start_time_s: 0,
            objective: Objective::Distance,
            budget: Budget::default(),
        }
    }

    fn validate(&self) -> Result<()> {
        let n = self.matrix.len();
        if n == 0 {
            return Err(Error::invalid("matrix", "no points to visit"));
        }
        self.matrix.check_point("start", self.start)?;
        if let End::At { point } = self.end {
            self.matrix.check_point("end.point", point)?;
        }
        super::check_day_inputs(n, &self.service_s, &self.time_windows)?;
        let limit = if self.matrix.is_symmetric() {
            MAX_TSP_POINTS
        } else {
            MAX_TSP_POINTS / 2
        };
        if n > limit {
            return Err(Error::invalid(
                "matrix",
                format!("{n} points; a tour has at most {limit} (symmetric: {MAX_TSP_POINTS})"),
            ));
        }
        Ok(())
    }
}

/// Orders a day.
///
/// ```
/// use fmcg_core::routing::{Budget, Matrix, NoClock, TspProblem, solve_tsp};
/// // Four corners of a square, given in a crossing order.
/// let xy = [(0, 0), (10, 10), (10, 0), (0, 10)];
/// let m = Matrix::from_fn(4, |i, j| {
///     let (a, b) = (xy[i], xy[j]);
///     let d = (((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)) as f64).sqrt();
///     (d.round() as u32, d.round() as u32)
/// }).unwrap();
/// let mut p = TspProblem::closed(m);
/// p.budget = Budget::iterations(100, 7);
/// let route = solve_tsp(&p, &NoClock).unwrap();
/// assert_eq!(route.distance_m, 40);
/// assert_eq!(route.stops.len(), 5); // back to the start
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or oversized matrix, a start or end outside it, or
/// service times / time windows of the wrong length or inverted windows.
pub fn solve_tsp(problem: &TspProblem, clock: &dyn Clock) -> Result<Route> {
    problem.validate()?;
    if problem.time_windows.iter().any(Option::is_some) {
        return solve_with_windows(problem, clock);
    }
    let order = tsp_order(problem, clock);
    Ok(super::evaluate_path(
        &problem.matrix,
        &order,
        &problem.service_s,
        &[],
        problem.start_time_s,
        Vec::new(),
    ))
}

/// The visiting order (start first; the end last when it is fixed, the start again for a
/// closed tour).
fn tsp_order(problem: &TspProblem, clock: &dyn Clock) -> Vec<usize> {
    let m = &problem.matrix;
    let n = m.len();
    let s = problem.start;
    let end = match problem.end {
        End::At { point } if point == s => End::Return,
        e => e,
    };
    let cost = |i: usize, j: usize| -> i64 {
        i64::from(match problem.objective {
            Objective::Distance => m.metres(i, j),
            Objective::Duration => m.seconds(i, j),
        })
    };
    let mut path: Vec<usize> = if n == 1 {
        vec![s]
    } else {
        // Directed costs over n (+1 dummy) nodes.
        let max = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| cost(i, j))
            .max()
            .unwrap_or(0);
        let big = (max + 1).saturating_mul(n as i64 + 2);
        let dummy = match end {
            End::Return => None,
            _ => Some(n),
        };
        let nn = n + usize::from(dummy.is_some());
        let directed = |i: usize, j: usize| -> i64 {
            match (i == n, j == n) {
                (false, false) => cost(i, j),
                (true, true) => 0,
                // dummy → start only; arriving at the dummy from the end (or from anywhere).
                (true, false) => {
                    if j == s {
                        0
                    } else {
                        big
                    }
                }
                (false, true) => match end {
                    End::At { point } if i != point => big,
                    _ => 0,
                },
            }
        };
        let symmetric = (0..nn).all(|i| ((i + 1)..nn).all(|j| directed(i, j) == directed(j, i)));
        let mut watch = Stopwatch::new(clock, &problem.budget);
        let opts = lk::LkOptions {
            seed: problem.budget.seed,
            max_kicks: problem.budget.max_iterations(clock),
        };
        let tour = if symmetric && dummy.is_none() {
            let mut d = vec![0i64; nn * nn];
            for i in 0..nn {
                for j in 0..nn {
                    d[i * nn + j] = directed(i, j);
                }
            }
            lk::solve(&Sym { n: nn, d }, &opts, &mut watch).tour
        } else {
            // Asymmetric (or with the directed dummy): in/out node pairs, the pair edge
            // forced by a large negative cost.
            let n2 = 2 * nn;
            let mut d = vec![big; n2 * n2];
            for i in 0..nn {
                d[i * n2 + i] = 0;
                d[(i + nn) * n2 + (i + nn)] = 0;
                d[i * n2 + i + nn] = -big;
                d[(i + nn) * n2 + i] = -big;
                for j in 0..nn {
                    if i != j {
                        // out_i — in_j carries i → j.
                        let c = directed(i, j);
                        d[(i + nn) * n2 + j] = c;
                        d[j * n2 + i + nn] = c;
                    }
                }
            }
            let t = lk::solve(&Sym { n: n2, d }, &opts, &mut watch).tour;
            directed_order(&t, nn)
        };
        // Rotate to the start (and, with a dummy, walk away from it).
        let mut tour = tour;
        if let Some(dm) = dummy {
            let at = tour.iter().position(|&x| x == dm).unwrap_or(0);
            tour.rotate_left(at);
            // dummy, then start next (its forced neighbour) or start last.
            if tour.get(1) != Some(&s) {
                tour[1..].reverse();
            }
            tour.remove(0);
        } else {
            let at = tour.iter().position(|&x| x == s).unwrap_or(0);
            tour.rotate_left(at);
        }
        tour
    };
    if n > 1 && end == End::Return {
        path.push(s);
    }
    path
}

/// Reads the directed order out of a tour of the 2n-node transformation.
fn directed_order(tour: &[usize], n: usize) -> Vec<usize> {
    let len = tour.len();
    // Orientation in which every out node follows its in node.
    let fwd = tour
        .iter()
        .position(|&x| x < n)
        .is_some_and(|k| tour[(k + 1) % len] == tour[k] + n);
    let mut ins: Vec<usize> = tour.iter().copied().filter(|&x| x < n).collect();
    if !fwd {
        ins.reverse();
    }
    ins
}

fn solve_with_windows(problem: &TspProblem, clock: &dyn Clock) -> Result<Route> {
    let n = problem.matrix.len();
    let s = problem.start;
    let stops: Vec<VrpStop> = (0..n)
        .filter(|&i| i != s && !matches!(problem.end, End::At { point } if point == i))
        .map(|i| VrpStop {
            point: i,
            demand: Vec::new(),
            service_s: problem.service_s.get(i).copied().unwrap_or(0),
            window: problem.time_windows.get(i).copied().flatten(),
        })
        .collect();
    let end = match problem.end {
        End::Return => Some(s),
        End::Free => None,
        End::At { point } => Some(point),
    };
    let shift_end = problem
        .time_windows
        .get(end.unwrap_or(s))
        .copied()
        .flatten()
        .map_or(u32::MAX, |w| w.close_s);
    let vehicle = Vehicle {
        start: s,
        end,
        capacity: Vec::new(),
        shift_start_s: problem.start_time_s,
        shift_end_s: shift_end,
        max_shift_s: None,
    };
    let vp = VrpProblem {
        matrix: problem.matrix.clone(),
        stops,
        vehicles: vec![vehicle],
        objective: problem.objective,
        budget: problem.budget,
    };
    let sol = vrp::solve_vrp(&vp, clock)?;
    let mut route = sol.routes.into_iter().next().unwrap_or_else(|| {
        super::evaluate_path(
            &problem.matrix,
            &[s],
            &problem.service_s,
            &[],
            problem.start_time_s,
            Vec::new(),
        )
    });
    route.unserved = sol.unserved.iter().map(|&k| vp.stops[k].point).collect();
    Ok(route)
}
