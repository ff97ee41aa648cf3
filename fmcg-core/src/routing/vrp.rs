//! Delivery routes: a vehicle routing problem with multi-dimensional capacity, time
//! windows, service times and shift limits.
//!
//! Construction by Clarke–Wright savings (or cheapest insertion when the fleet is mixed),
//! then ruin-and-recreate in the manner of SISR (string removals around a seed customer,
//! greedy reinsertion with blinks, simulated-annealing acceptance), and a local search on
//! every new best solution (relocate, swap, 2-opt*, intra-route 2-opt). Stops that fit no
//! vehicle are reported in [`VrpSolution::unserved`], never dropped silently.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::{Budget, Clock, Stopwatch};
use super::matrix::Matrix;
use super::rng::Rng;
use super::{Objective, Route, RouteStop, TimeWindow};
use crate::error::{Error, Result};

/// A delivery stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VrpStop {
    /// The point's index in the matrix.
    pub point: usize,
    /// Demand per capacity dimension (for example cases, kg, litres); empty means none.
    #[serde(default)]
    pub demand: Vec<u32>,
    /// Service seconds.
    #[serde(default)]
    pub service_s: u32,
    /// When service may start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<TimeWindow>,
}

/// A vehicle and its shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Vehicle {
    /// Where it starts (the depot's index in the matrix).
    #[serde(default)]
    pub start: usize,
    /// Where it must end; `null` ends at the last stop. Default: back at the start.
    #[serde(default = "Vehicle::default_end")]
    pub end: Option<usize>,
    /// Capacity per dimension (the same dimensions as the stops' demand).
    #[serde(default)]
    pub capacity: Vec<u32>,
    /// Departure time from the start.
    #[serde(default)]
    pub shift_start_s: u32,
    /// Latest arrival at the end.
    #[serde(default = "Vehicle::default_shift_end")]
    pub shift_end_s: u32,
    /// Longest shift (departure to arrival at the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_shift_s: Option<u32>,
}

impl Vehicle {
    fn default_end() -> Option<usize> {
        Some(0)
    }
    fn default_shift_end() -> u32 {
        u32::MAX
    }

    /// A vehicle based at `depot` with the given capacity and no time limits.
    pub fn at_depot(depot: usize, capacity: Vec<u32>) -> Vehicle {
        Vehicle {
            start: depot,
            end: Some(depot),
            capacity,
            shift_start_s: 0,
            shift_end_s: u32::MAX,
            max_shift_s: None,
        }
    }
}

/// Delivery trips to plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VrpProblem {
    /// Travel between all points.
    pub matrix: Matrix,
    /// The stops to serve.
    pub stops: Vec<VrpStop>,
    /// The fleet (at least one vehicle).
    pub vehicles: Vec<Vehicle>,
    /// What to minimise.
    #[serde(default)]
    pub objective: Objective,
    /// Search budget and seed.
    #[serde(default)]
    pub budget: Budget,
}

/// Planned trips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VrpSolution {
    /// One route per vehicle used.
    pub routes: Vec<Route>,
    /// Indices (into the problem's `stops`) of stops no vehicle could serve.
    pub unserved: Vec<usize>,
    /// Total metres of all routes.
    pub distance_m: u64,
    /// Total seconds of all routes.
    pub duration_s: u64,
    /// Ruin-and-recreate rounds run.
    pub iterations: u64,
}

/// Plans delivery trips.
///
/// ```
/// use fmcg_core::routing::{Budget, Matrix, NoClock, Vehicle, VrpProblem, VrpStop, solve_vrp};
/// // A depot at 0 and four stops on a line; each vehicle carries 2 cases.
/// let m = Matrix::from_fn(5, |i, j| {
///     let d = (i as i64 - j as i64).unsigned_abs() as u32 * 100;
///     (d, d)
/// }).unwrap();
/// let stops = (1..5).map(|p| VrpStop { point: p, demand: vec![1], service_s: 0, window: None });
/// let p = VrpProblem {
///     matrix: m,
///     stops: stops.collect(),
///     vehicles: vec![Vehicle::at_depot(0, vec![2]); 3],
///     objective: Default::default(),
///     budget: Budget::iterations(200, 1),
/// };
/// let s = solve_vrp(&p, &NoClock).unwrap();
/// assert!(s.unserved.is_empty());
/// assert_eq!(s.routes.len(), 2);
/// assert_eq!(s.distance_m, 1200); // 0-1-2-0 and 0-3-4-0
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for no vehicles, points outside the matrix, demand or capacity
/// vectors of different dimensions, a stop larger than every vehicle, or inverted windows.
pub fn solve_vrp(problem: &VrpProblem, clock: &dyn Clock) -> Result<VrpSolution> {
    let inst = Instance::new(problem)?;
    let mut watch = Stopwatch::new(clock, &problem.budget);
    let (sol, iterations) = search(&inst, &problem.budget, &mut watch);
    Ok(inst.report(&sol, iterations))
}

/// The validated problem in flat arrays. Customers are `0..m`.
struct Instance<'a> {
    matrix: &'a Matrix,
    objective: Objective,
    m: usize,
    dims: usize,
    point: Vec<usize>,
    demand: Vec<u32>,
    service: Vec<i64>,
    ready: Vec<i64>,
    due: Vec<i64>,
    vehicles: Vec<Veh>,
    /// Nearest other customers of every customer.
    near: Vec<Vec<u32>>,
    /// Cost of leaving a stop unserved (more than any route change it could save).
    penalty: i64,
}

struct Veh {
    start: usize,
    end: Option<usize>,
    cap: Vec<u32>,
    t0: i64,
    t_end: i64,
    /// Index of the first vehicle identical to this one (empty routes of one class are
    /// interchangeable).
    class: usize,
}

const NEAR: usize = 40;

impl<'a> Instance<'a> {
    fn new(p: &'a VrpProblem) -> Result<Instance<'a>> {
        let n = p.matrix.len();
        if p.vehicles.is_empty() {
            return Err(Error::invalid("vehicles", "no vehicles"));
        }
        let dims = p.vehicles[0].capacity.len();
        for (k, v) in p.vehicles.iter().enumerate() {
            if v.start >= n || v.end.is_some_and(|e| e >= n) {
                return Err(Error::invalid(
                    format!("vehicles[{k}]"),
                    format!("start or end outside a matrix of {n} points"),
                ));
            }
            if v.capacity.len() != dims {
                return Err(Error::invalid(
                    format!("vehicles[{k}].capacity"),
                    format!("{} dimensions; vehicles[0] has {dims}", v.capacity.len()),
                ));
            }
            if v.shift_start_s > v.shift_end_s {
                return Err(Error::invalid(
                    format!("vehicles[{k}].shift_end_s"),
                    "the shift ends before it starts",
                ));
            }
        }
        let m = p.stops.len();
        let mut inst = Instance {
            matrix: &p.matrix,
            objective: p.objective,
            m,
            dims,
            point: Vec::with_capacity(m),
            demand: Vec::with_capacity(m * dims),
            service: Vec::with_capacity(m),
            ready: Vec::with_capacity(m),
            due: Vec::with_capacity(m),
            vehicles: p
                .vehicles
                .iter()
                .map(|v| {
                    let t0 = i64::from(v.shift_start_s);
                    let mut t_end = i64::from(v.shift_end_s);
                    if let Some(max) = v.max_shift_s {
                        t_end = t_end.min(t0 + i64::from(max));
                    }
                    Veh {
                        start: v.start,
                        end: v.end,
                        cap: v.capacity.clone(),
                        t0,
                        t_end,
                        class: 0,
                    }
                })
                .collect(),
            near: Vec::new(),
            penalty: 0,
        };
        for k in 0..inst.vehicles.len() {
            let same = |a: &Veh, b: &Veh| {
                (a.start, a.end, a.t0, a.t_end) == (b.start, b.end, b.t0, b.t_end) && a.cap == b.cap
            };
            inst.vehicles[k].class = (0..k)
                .find(|&j| same(&inst.vehicles[j], &inst.vehicles[k]))
                .unwrap_or(k);
        }
        for (k, s) in p.stops.iter().enumerate() {
            p.matrix.check_point(format!("stops[{k}].point"), s.point)?;
            if !s.demand.is_empty() && s.demand.len() != dims {
                return Err(Error::invalid(
                    format!("stops[{k}].demand"),
                    format!("{} dimensions; the vehicles have {dims}", s.demand.len()),
                ));
            }
            let demand: Vec<u32> = if s.demand.is_empty() {
                vec![0; dims]
            } else {
                s.demand.clone()
            };
            if !p
                .vehicles
                .iter()
                .any(|v| v.capacity.iter().zip(&demand).all(|(c, d)| d <= c))
            {
                return Err(Error::invalid(
                    format!("stops[{k}].demand"),
                    format!("{demand:?} exceeds the capacity of every vehicle"),
                ));
            }
            if let Some(w) = s.window {
                w.validate(&format!("stops[{k}].window"))?;
            }
            inst.point.push(s.point);
            inst.demand.extend(demand);
            inst.service.push(i64::from(s.service_s));
            inst.ready.push(s.window.map_or(0, |w| i64::from(w.open_s)));
            inst.due
                .push(s.window.map_or(i64::MAX / 4, |w| i64::from(w.close_s)));
        }
        let mut max = 0i64;
        for i in 0..n {
            for j in 0..n {
                max = max.max(inst.cost_pt(i, j));
            }
        }
        inst.penalty = 2 * max + 1;
        inst.near = (0..m)
            .map(|a| {
                let mut row: Vec<(i64, u32)> = (0..m)
                    .filter(|&b| b != a)
                    .map(|b| (inst.cost_pt(inst.point[a], inst.point[b]), b as u32))
                    .collect();
                let k = NEAR.min(row.len());
                if k < row.len() {
                    row.select_nth_unstable(k);
                    row.truncate(k);
                }
                row.sort_unstable();
                row.into_iter().map(|(_, b)| b).collect()
            })
            .collect();
        Ok(inst)
    }

    #[inline]
    fn cost_pt(&self, a: usize, b: usize) -> i64 {
        i64::from(match self.objective {
            Objective::Distance => self.matrix.metres(a, b),
            Objective::Duration => self.matrix.seconds(a, b),
        })
    }

    #[inline]
    fn time_pt(&self, a: usize, b: usize) -> i64 {
        i64::from(self.matrix.seconds(a, b))
    }

    /// Cost between route positions given as points (`None`: an open end).
    #[inline]
    fn cost_opt(&self, a: usize, b: Option<usize>) -> i64 {
        b.map_or(0, |b| self.cost_pt(a, b))
    }

    #[inline]
    fn time_opt(&self, a: usize, b: Option<usize>) -> i64 {
        b.map_or(0, |b| self.time_pt(a, b))
    }

    fn demand(&self, c: usize) -> &[u32] {
        &self.demand[c * self.dims..(c + 1) * self.dims]
    }

    fn report(&self, sol: &Solution, iterations: u64) -> VrpSolution {
        let mut routes = Vec::new();
        for r in sol.routes.iter().filter(|r| !r.seq.is_empty()) {
            let v = &self.vehicles[r.vehicle];
            let mut stops = Vec::with_capacity(r.seq.len() + 2);
            let mut t = v.t0;
            let mut prev = v.start;
            let (mut dist, mut travel, mut service, mut wait) = (0u64, 0u64, 0u64, 0u64);
            stops.push(RouteStop {
                point: v.start,
                stop: None,
                arrival_s: t as u64,
                wait_s: 0,
                start_s: t as u64,
                departure_s: t as u64,
            });
            let mut load = vec![0u64; self.dims];
            for &c in &r.seq {
                let c = c as usize;
                let p = self.point[c];
                let leg = self.time_pt(prev, p);
                dist += u64::from(self.matrix.metres(prev, p));
                travel += leg as u64;
                let arrival = t + leg;
                let start = arrival.max(self.ready[c]);
                wait += (start - arrival) as u64;
                service += self.service[c] as u64;
                t = start + self.service[c];
                for (l, d) in load.iter_mut().zip(self.demand(c)) {
                    *l += u64::from(*d);
                }
                stops.push(RouteStop {
                    point: p,
                    stop: Some(c),
                    arrival_s: arrival as u64,
                    wait_s: (start - arrival) as u64,
                    start_s: start as u64,
                    departure_s: t as u64,
                });
                prev = p;
            }
            if let Some(e) = v.end {
                let leg = self.time_pt(prev, e);
                dist += u64::from(self.matrix.metres(prev, e));
                travel += leg as u64;
                t += leg;
                stops.push(RouteStop {
                    point: e,
                    stop: None,
                    arrival_s: t as u64,
                    wait_s: 0,
                    start_s: t as u64,
                    departure_s: t as u64,
                });
            }
            routes.push(Route {
                vehicle: Some(r.vehicle),
                stops,
                distance_m: dist,
                duration_s: (t - v.t0) as u64,
                travel_s: travel,
                service_s: service,
                wait_s: wait,
                load,
                unserved: Vec::new(),
            });
        }
        let mut unserved: Vec<usize> = sol.unserved.iter().map(|&c| c as usize).collect();
        unserved.sort_unstable();
        VrpSolution {
            distance_m: routes.iter().map(|r| r.distance_m).sum(),
            duration_s: routes.iter().map(|r| r.duration_s).sum(),
            routes,
            unserved,
            iterations,
        }
    }
}

/// One vehicle's sequence of customers with its cached schedule.
#[derive(Clone, Default)]
struct RouteState {
    vehicle: usize,
    seq: Vec<u32>,
    /// Earliest service start at positions 0 (start) ..= k+1 (end).
    early: Vec<i64>,
    /// Latest service start at the same positions.
    late: Vec<i64>,
    load: Vec<u64>,
    cost: i64,
}

#[derive(Clone, Default)]
struct Solution {
    routes: Vec<RouteState>,
    unserved: Vec<u32>,
    /// Route of each customer (`u32::MAX`: unserved).
    route_of: Vec<u32>,
    cost: i64,
}

impl Instance<'_> {
    /// Recomputes a route's schedule, load and cost; `false` if it is infeasible.
    fn refresh(&self, r: &mut RouteState) -> bool {
        let v = &self.vehicles[r.vehicle];
        let k = r.seq.len();
        r.early.clear();
        r.late.clear();
        r.load.clear();
        r.load.resize(self.dims, 0);
        let mut t = v.t0;
        let mut prev = v.start;
        let mut cost = 0;
        let mut ok = true;
        r.early.push(t);
        for &c in &r.seq {
            let c = c as usize;
            let p = self.point[c];
            cost += self.cost_pt(prev, p);
            t = (t + self.time_pt(prev, p)).max(self.ready[c]);
            ok &= t <= self.due[c];
            r.early.push(t);
            t += self.service[c];
            for (l, d) in r.load.iter_mut().zip(self.demand(c)) {
                *l += u64::from(*d);
            }
            prev = p;
        }
        cost += self.cost_opt(prev, v.end);
        t += self.time_opt(prev, v.end);
        ok &= t <= v.t_end;
        r.early.push(t);
        ok &= r.load.iter().zip(&v.cap).all(|(l, c)| *l <= u64::from(*c));
        // Latest starts, backwards.
        r.late.resize(k + 2, 0);
        r.late[k + 1] = v.t_end;
        let mut next = v.end;
        for pos in (1..=k).rev() {
            let c = r.seq[pos - 1] as usize;
            let p = self.point[c];
            r.late[pos] =
                self.due[c].min(r.late[pos + 1] - self.time_opt(p, next) - self.service[c]);
            next = Some(p);
        }
        r.late[0] = r
            .late
            .get(1)
            .map_or(v.t_end, |&l| l - self.time_opt(v.start, next));
        r.cost = cost;
        ok
    }

    /// The cheapest feasible insertion of customer `c` into route `r`: `(extra cost, position)`.
    fn best_insertion(
        &self,
        r: &RouteState,
        c: usize,
        rng: Option<&mut Rng>,
    ) -> Option<(i64, usize)> {
        let v = &self.vehicles[r.vehicle];
        if r.load
            .iter()
            .zip(&v.cap)
            .zip(self.demand(c))
            .any(|((l, cap), d)| l + u64::from(*d) > u64::from(*cap))
        {
            return None;
        }
        let p = self.point[c];
        let mut best: Option<(i64, usize)> = None;
        let mut rng = rng;
        let mut prev = v.start;
        let mut prev_service = 0;
        for pos in 0..=r.seq.len() {
            let next = if pos < r.seq.len() {
                Some(self.point[r.seq[pos] as usize])
            } else {
                v.end
            };
            if pos > 0 {
                prev = self.point[r.seq[pos - 1] as usize];
                prev_service = self.service[r.seq[pos - 1] as usize];
            }
            let delta = self.cost_pt(prev, p) + self.cost_opt(p, next) - self.cost_opt(prev, next);
            if best.is_some_and(|(b, _)| delta >= b) {
                continue;
            }
            if let Some(rng) = rng.as_deref_mut()
                && rng.unit() < BLINK
            {
                continue;
            }
            let start = (r.early[pos] + prev_service + self.time_pt(prev, p)).max(self.ready[c]);
            if start > self.due[c] {
                continue;
            }
            let arrive_next = start + self.service[c] + self.time_opt(p, next);
            if arrive_next > r.late[pos + 1] {
                continue;
            }
            best = Some((delta, pos));
        }
        best
    }
}

const BLINK: f64 = 0.01;
const AVG_REMOVED: f64 = 10.0;
const MAX_STRING: usize = 10;

impl Solution {
    fn recost(&mut self, inst: &Instance<'_>) {
        self.cost = self.routes.iter().map(|r| r.cost).sum::<i64>()
            + inst.penalty * self.unserved.len() as i64;
    }
}

/// Inserts every customer of `pending` at its cheapest place (blinking when `rng` is
/// given); those that fit nowhere become unserved.
fn recreate(inst: &Instance<'_>, sol: &mut Solution, pending: &[u32], mut rng: Option<&mut Rng>) {
    for &c in pending {
        let cu = c as usize;
        let mut best: Option<(i64, usize, usize)> = None;
        let mut tried_empty: Vec<usize> = Vec::new();
        for (ri, r) in sol.routes.iter().enumerate() {
            if r.seq.is_empty() {
                // Empty routes of identical vehicles are interchangeable: try one per class.
                let class = inst.vehicles[r.vehicle].class;
                if tried_empty.contains(&class) {
                    continue;
                }
                tried_empty.push(class);
            }
            if let Some((delta, pos)) = inst.best_insertion(r, cu, rng.as_deref_mut())
                && best.is_none_or(|(b, _, _)| delta < b)
            {
                best = Some((delta, ri, pos));
            }
        }
        match best {
            Some((_, ri, pos)) => {
                let r = &mut sol.routes[ri];
                r.seq.insert(pos, c);
                inst.refresh(r);
                sol.route_of[cu] = ri as u32;
            }
            None => {
                sol.unserved.push(c);
                sol.route_of[cu] = u32::MAX;
            }
        }
    }
    sol.recost(inst);
}

fn empty_solution(inst: &Instance<'_>) -> Solution {
    let routes = (0..inst.vehicles.len())
        .map(|v| {
            let mut r = RouteState {
                vehicle: v,
                ..RouteState::default()
            };
            inst.refresh(&mut r);
            r
        })
        .collect();
    Solution {
        routes,
        unserved: Vec::new(),
        route_of: vec![u32::MAX; inst.m],
        cost: 0,
    }
}

/// Clarke–Wright savings when the fleet is uniform and closed at one depot; otherwise
/// cheapest insertion in order of decreasing distance from the depot.
fn construct(inst: &Instance<'_>) -> Solution {
    let mut sol = empty_solution(inst);
    let v0 = &inst.vehicles[0];
    let uniform = inst.vehicles.iter().all(|v| {
        v.start == v0.start
            && v.end == Some(v0.start)
            && v.cap == v0.cap
            && v.t0 == v0.t0
            && v.t_end == v0.t_end
    });
    let depot = v0.start;
    if !uniform || inst.m < 2 {
        let mut order: Vec<u32> = (0..inst.m as u32).collect();
        order.sort_by_key(|&c| std::cmp::Reverse(inst.cost_pt(depot, inst.point[c as usize])));
        recreate(inst, &mut sol, &order, None);
        return sol;
    }
    // Savings over customer pairs, most first.
    let m = inst.m;
    let mut savings: Vec<(i64, u32, u32)> = Vec::new();
    for a in 0..m {
        for &b in &inst.near[a] {
            let b = b as usize;
            let (pa, pb) = (inst.point[a], inst.point[b]);
            let s = inst.cost_pt(pa, depot) + inst.cost_pt(depot, pb) - inst.cost_pt(pa, pb);
            if s > 0 {
                savings.push((s, a as u32, b as u32));
            }
        }
    }
    savings.sort_unstable_by(|x, y| y.cmp(x));
    // Paths of customers; each customer starts alone.
    let mut paths: Vec<Vec<u32>> = (0..m as u32).map(|c| vec![c]).collect();
    let mut path_of: Vec<usize> = (0..m).collect();
    let probe = |seq: &[u32]| -> bool {
        let mut r = RouteState {
            vehicle: 0,
            seq: seq.to_vec(),
            ..RouteState::default()
        };
        inst.refresh(&mut r)
    };
    let alone_ok: Vec<bool> = (0..m as u32).map(|c| probe(&[c])).collect();
    for &(_, a, b) in &savings {
        let (pa, pb) = (path_of[a as usize], path_of[b as usize]);
        if pa == pb || !alone_ok[a as usize] || !alone_ok[b as usize] {
            continue;
        }
        // a must end its path and b start its own (directed: a → b).
        let (Some(&last), Some(&first)) = (paths[pa].last(), paths[pb].first()) else {
            continue;
        };
        if last != a || first != b {
            continue;
        }
        let mut joined = paths[pa].clone();
        joined.extend_from_slice(&paths[pb]);
        if !probe(&joined) {
            continue;
        }
        for &c in &paths[pb] {
            path_of[c as usize] = pa;
        }
        paths[pb].clear();
        paths[pa] = joined;
    }
    let mut built: Vec<Vec<u32>> = paths.into_iter().filter(|p| !p.is_empty()).collect();
    built.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut leftover = Vec::new();
    let vehicles = sol.routes.len();
    for (k, p) in built.into_iter().enumerate() {
        if k < vehicles && p.iter().all(|&c| alone_ok[c as usize]) {
            for &c in &p {
                sol.route_of[c as usize] = k as u32;
            }
            sol.routes[k].seq = p;
            inst.refresh(&mut sol.routes[k]);
        } else {
            leftover.extend(p);
        }
    }
    recreate(inst, &mut sol, &leftover, None);
    sol
}

/// SISR ruin: removes strings of consecutive customers from routes near a random seed.
fn ruin(inst: &Instance<'_>, sol: &mut Solution, rng: &mut Rng, removed: &mut Vec<u32>) {
    removed.clear();
    let served: usize = sol.routes.iter().map(|r| r.seq.len()).sum();
    if served == 0 {
        return;
    }
    let used = sol
        .routes
        .iter()
        .filter(|r| !r.seq.is_empty())
        .count()
        .max(1);
    let avg = (served as f64 / used as f64).max(1.0);
    let ls_max = (MAX_STRING as f64).min(avg);
    let ks_max = 4.0 * AVG_REMOVED / (1.0 + ls_max) - 1.0;
    let ks = 1 + rng.below(ks_max.max(1.0) as usize);
    // A served seed.
    let seed = loop {
        let c = rng.below(inst.m);
        if sol.route_of[c] != u32::MAX {
            break c;
        }
    };
    let mut ruined: Vec<u32> = Vec::new();
    for c in std::iter::once(seed as u32).chain(inst.near[seed].iter().copied()) {
        if ruined.len() >= ks {
            break;
        }
        let ri = sol.route_of[c as usize];
        if ri == u32::MAX || ruined.contains(&ri) {
            continue;
        }
        ruined.push(ri);
        let r = &mut sol.routes[ri as usize];
        let len = r.seq.len();
        let lmax = (len as f64).min(ls_max) as usize;
        let l = 1 + rng.below(lmax.max(1));
        let Some(at) = r.seq.iter().position(|&x| x == c) else {
            continue;
        };
        // A string of length l containing position `at`.
        let lo = at.saturating_sub(l - 1);
        let hi = at.min(len - l);
        let from = lo + rng.below(hi - lo + 1);
        removed.extend(r.seq.drain(from..from + l));
        inst.refresh(r);
    }
    for &c in removed.iter() {
        sol.route_of[c as usize] = u32::MAX;
    }
}

/// Sorts removed customers: random, by demand, far from the depot or near it (4:4:2:1).
fn sort_removed(inst: &Instance<'_>, removed: &mut [u32], rng: &mut Rng) {
    let depot = inst.vehicles[0].start;
    match rng.below(11) {
        0..=3 => {
            for i in (1..removed.len()).rev() {
                removed.swap(i, rng.below(i + 1));
            }
        }
        4..=7 => removed.sort_by_key(|&c| {
            std::cmp::Reverse(
                inst.demand(c as usize)
                    .iter()
                    .map(|&d| u64::from(d))
                    .sum::<u64>(),
            )
        }),
        8..=9 => {
            removed
                .sort_by_key(|&c| std::cmp::Reverse(inst.cost_pt(depot, inst.point[c as usize])));
        }
        _ => removed.sort_by_key(|&c| inst.cost_pt(depot, inst.point[c as usize])),
    }
}

fn search(inst: &Instance<'_>, budget: &Budget, watch: &mut Stopwatch<'_>) -> (Solution, u64) {
    let mut cur = construct(inst);
    if inst.m == 0 {
        return (cur, 0);
    }
    local_search(inst, &mut cur);
    let mut best = cur.clone();
    let mut cand = cur.clone();
    let mut rng = Rng::new(budget.seed);
    let max_iter = budget.max_iterations(watch.clock());
    // Temperatures relative to the typical neighbour distance.
    let typical = {
        let mut sum = 0i64;
        let mut cnt = 0i64;
        for a in 0..inst.m {
            if let Some(&b) = inst.near[a].first() {
                sum += inst.cost_pt(inst.point[a], inst.point[b as usize]);
                cnt += 1;
            }
        }
        (sum as f64 / cnt.max(1) as f64).max(1.0)
    };
    let (t0, tf) = (typical * 1.0, typical * 0.01);
    let mut removed = Vec::new();
    let mut it = 0;
    while it < max_iter && !watch.expired(it) {
        it += 1;
        cand.clone_from(&cur);
        ruin(inst, &mut cand, &mut rng, &mut removed);
        removed.append(&mut cand.unserved);
        sort_removed(inst, &mut removed, &mut rng);
        recreate(inst, &mut cand, &removed, Some(&mut rng));
        let frac = watch.progress(it, max_iter);
        let temp = t0 * (tf / t0).powf(frac);
        let threshold = cur.cost as f64 - temp * rng.unit().max(1e-300).ln();
        if (cand.cost as f64) < threshold {
            std::mem::swap(&mut cur, &mut cand);
            if cur.cost < best.cost {
                local_search(inst, &mut cur);
                best.clone_from(&cur);
            }
        }
    }
    (best, it)
}

/// Relocate, swap, 2-opt*, cross-exchange and intra-route 2-opt over nearby customers
/// until no move helps.
fn local_search(inst: &Instance<'_>, sol: &mut Solution) {
    let mut improved = true;
    let mut guard = 0;
    while improved && guard < 50 {
        improved = false;
        guard += 1;
        for u in 0..inst.m {
            let ru = sol.route_of[u];
            if ru == u32::MAX {
                continue;
            }
            for k in 0..inst.near[u].len().min(15) {
                let v = inst.near[u][k] as usize;
                let rv = sol.route_of[v];
                if rv == u32::MAX {
                    continue;
                }
                if try_relocate(inst, sol, u, v)
                    || try_swap(inst, sol, u, v)
                    || try_two_opt(inst, sol, u, v)
                    || try_cross(inst, sol, u, v)
                {
                    improved = true;
                    break;
                }
            }
        }
    }
    sol.recost(inst);
}

/// Evaluates replacing routes `ra` (and `rb`) by new sequences; applies it if cheaper and
/// feasible.
fn commit(inst: &Instance<'_>, sol: &mut Solution, changes: &[(usize, Vec<u32>)]) -> bool {
    let old: i64 = changes.iter().map(|(r, _)| sol.routes[*r].cost).sum();
    let mut new_states = Vec::with_capacity(changes.len());
    let mut new_cost = 0;
    for (r, seq) in changes {
        let mut st = RouteState {
            vehicle: sol.routes[*r].vehicle,
            seq: seq.clone(),
            ..RouteState::default()
        };
        if !inst.refresh(&mut st) {
            return false;
        }
        new_cost += st.cost;
        new_states.push((*r, st));
    }
    if new_cost >= old {
        return false;
    }
    for (r, st) in new_states {
        for &c in &st.seq {
            sol.route_of[c as usize] = r as u32;
        }
        sol.routes[r] = st;
    }
    true
}

fn locate(sol: &Solution, c: usize) -> (usize, usize) {
    let r = sol.route_of[c] as usize;
    let p = sol.routes[r]
        .seq
        .iter()
        .position(|&x| x as usize == c)
        .unwrap_or(0);
    (r, p)
}

/// Moves `u` right after or before its neighbour `v`.
fn try_relocate(inst: &Instance<'_>, sol: &mut Solution, u: usize, v: usize) -> bool {
    let (ru, pu) = locate(sol, u);
    let (rv, _) = locate(sol, v);
    for after in [true, false] {
        if ru == rv {
            let mut seq = sol.routes[ru].seq.clone();
            seq.remove(pu);
            let Some(pv) = seq.iter().position(|&x| x as usize == v) else {
                continue;
            };
            seq.insert(if after { pv + 1 } else { pv }, u as u32);
            if commit(inst, sol, &[(ru, seq)]) {
                return true;
            }
        } else {
            let mut a = sol.routes[ru].seq.clone();
            a.remove(pu);
            let mut b = sol.routes[rv].seq.clone();
            let Some(pv) = b.iter().position(|&x| x as usize == v) else {
                continue;
            };
            b.insert(if after { pv + 1 } else { pv }, u as u32);
            if commit(inst, sol, &[(ru, a), (rv, b)]) {
                return true;
            }
        }
    }
    false
}

/// Exchanges `u` and `v` between their routes.
fn try_swap(inst: &Instance<'_>, sol: &mut Solution, u: usize, v: usize) -> bool {
    let (ru, pu) = locate(sol, u);
    let (rv, pv) = locate(sol, v);
    if ru == rv {
        return false;
    }
    let mut a = sol.routes[ru].seq.clone();
    let mut b = sol.routes[rv].seq.clone();
    a[pu] = v as u32;
    b[pv] = u as u32;
    commit(inst, sol, &[(ru, a), (rv, b)])
}

/// Cross-exchange: swaps the segment of up to 3 stops starting at `u` with the one
/// starting at `v` in another route (lengths 1 and 1 are [`try_swap`]).
fn try_cross(inst: &Instance<'_>, sol: &mut Solution, u: usize, v: usize) -> bool {
    let (ru, pu) = locate(sol, u);
    let (rv, pv) = locate(sol, v);
    if ru == rv {
        return false;
    }
    let (la_max, lb_max) = (
        (sol.routes[ru].seq.len() - pu).min(3),
        (sol.routes[rv].seq.len() - pv).min(3),
    );
    for la in 1..=la_max {
        for lb in 1..=lb_max {
            if la == 1 && lb == 1 {
                continue;
            }
            let (a, b) = (&sol.routes[ru].seq, &sol.routes[rv].seq);
            let mut na: Vec<u32> = a[..pu].to_vec();
            na.extend_from_slice(&b[pv..pv + lb]);
            na.extend_from_slice(&a[pu + la..]);
            let mut nb: Vec<u32> = b[..pv].to_vec();
            nb.extend_from_slice(&a[pu..pu + la]);
            nb.extend_from_slice(&b[pv + lb..]);
            if commit(inst, sol, &[(ru, na), (rv, nb)]) {
                return true;
            }
        }
    }
    false
}

/// Within a route: reverses the stretch between `u` and `v` (2-opt). Between routes: 2-opt*
/// (exchanges the tails after `u` and after `v`).
fn try_two_opt(inst: &Instance<'_>, sol: &mut Solution, u: usize, v: usize) -> bool {
    let (ru, pu) = locate(sol, u);
    let (rv, pv) = locate(sol, v);
    if ru == rv {
        let (i, j) = if pu < pv { (pu + 1, pv) } else { (pv + 1, pu) };
        if i >= j {
            return false;
        }
        let mut seq = sol.routes[ru].seq.clone();
        seq[i..=j].reverse();
        return commit(inst, sol, &[(ru, seq)]);
    }
    let (a, b) = (&sol.routes[ru].seq, &sol.routes[rv].seq);
    // u → v joined: u's head + v's tail, v's head + u's tail.
    let mut na: Vec<u32> = a[..=pu].to_vec();
    na.extend_from_slice(&b[pv..]);
    let mut nb: Vec<u32> = b[..pv].to_vec();
    nb.extend_from_slice(&a[pu + 1..]);
    commit(inst, sol, &[(ru, na), (rv, nb)])
}
