//! Beat planning: a rep's outlets over the days of a 4-week cycle, and a territory split
//! between reps.
//!
//! 1. Outlets are clustered into one compact group per weekday, balanced by estimated
//!    workload (service plus a travel share).
//! 2. Each outlet gets a visit pattern that honours its frequency — 4× the same weekday
//!    every week, 2× weeks 1 & 3 or 2 & 4, 1× one day, 8× two weekdays apart — placed next
//!    to outlets already on those days, within the days' workload target.
//! 3. Every day is ordered by the TSP from home; then visits move from the heaviest day to
//!    where they cost least while the spread (heaviest / lightest day) improves.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::budget::{Budget, Clock};
use super::matrix::Matrix;
use super::tsp::{TspProblem, solve_tsp};
use super::{Route, evaluate_path};
use crate::error::{Error, Result};
use crate::outlet::VISITS_PER_CYCLE;

/// Weeks in a beat cycle.
pub const WEEKS: usize = 4;

/// An outlet to put on the beat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BeatOutlet {
    /// The outlet's index in the matrix.
    pub point: usize,
    /// Visits per 4-week cycle: 1, 2, 4 or 8.
    pub visits: u8,
    /// Seconds spent at each visit.
    #[serde(default)]
    pub service_s: u32,
    /// Weekdays (0 = first working day) the outlet may be visited on; empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<u8>,
}

impl BeatOutlet {
    /// Checks the outlet at `outlets[k]`: a point of `matrix`, a cycle frequency.
    fn validate(&self, k: usize, matrix: &Matrix) -> Result<()> {
        matrix.check_point(format!("outlets[{k}].point"), self.point)?;
        if !VISITS_PER_CYCLE.contains(&self.visits) {
            return Err(Error::invalid(
                format!("outlets[{k}].visits"),
                "must be 1, 2, 4 or 8",
            ));
        }
        Ok(())
    }
}

/// A rep's outlets to spread over a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BeatProblem {
    /// Travel between all points (home and outlets).
    pub matrix: Matrix,
    /// Where every day starts and ends.
    pub home: usize,
    /// The outlets.
    pub outlets: Vec<BeatOutlet>,
    /// Working days per week (1 to 7).
    #[serde(default = "five")]
    pub days_per_week: u8,
    /// Budget of each day's TSP (iterations) and seed.
    #[serde(default)]
    pub budget: Budget,
}

fn five() -> u8 {
    5
}

/// One day of the cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BeatDay {
    /// Week of the cycle, 1 to 4.
    pub week: u8,
    /// Working day of the week, 0 first.
    pub weekday: u8,
    /// Indices (into the problem's `outlets`) in visiting order.
    pub outlets: Vec<usize>,
    /// The day's route from home and back.
    pub route: Route,
    /// Service plus travel seconds.
    pub workload_s: u64,
}

/// A beat plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BeatPlan {
    /// Days in order: week 1 day 0, week 1 day 1, …
    pub days: Vec<BeatDay>,
    /// For every outlet, the indices into `days` of its visits.
    pub visit_days: Vec<Vec<usize>>,
    /// The heaviest day's workload.
    pub max_workload_s: u64,
    /// The lightest working day's workload (days with visits).
    pub min_workload_s: u64,
    /// `max_workload_s / min_workload_s` (1.0 is perfect balance).
    pub spread: f64,
}

struct Ctx<'a> {
    m: &'a Matrix,
    outlets: &'a [BeatOutlet],
    d: usize,
}

impl Ctx<'_> {
    /// Symmetrised travel seconds between two points.
    fn t(&self, a: usize, b: usize) -> u64 {
        (u64::from(self.m.seconds(a, b)) + u64::from(self.m.seconds(b, a))) / 2
    }

    /// The allowed patterns (sets of day indices) of outlet `o`.
    fn patterns(&self, o: usize) -> Vec<Vec<usize>> {
        let d = self.d;
        let out = &self.outlets[o];
        let allowed = |w: usize| out.weekdays.is_empty() || out.weekdays.contains(&(w as u8));
        let mut pats = Vec::new();
        for w in 0..d {
            match out.visits {
                1 => {
                    if allowed(w) {
                        for k in 0..WEEKS {
                            pats.push(vec![k * d + w]);
                        }
                    }
                }
                2 => {
                    if allowed(w) {
                        pats.push(vec![w, 2 * d + w]);
                        pats.push(vec![d + w, 3 * d + w]);
                    }
                }
                4 => {
                    if allowed(w) {
                        pats.push((0..WEEKS).map(|k| k * d + w).collect());
                    }
                }
                _ => {
                    let w2 = (w + d.div_ceil(2)) % d;
                    if w2 != w && allowed(w) && allowed(w2) {
                        let mut p: Vec<usize> =
                            (0..WEEKS).flat_map(|k| [k * d + w, k * d + w2]).collect();
                        p.sort_unstable();
                        if !pats.contains(&p) {
                            pats.push(p);
                        }
                    }
                }
            }
        }
        pats
    }
}

fn validate(p: &BeatProblem) -> Result<()> {
    p.matrix.check_point("home", p.home)?;
    if !(1..=7).contains(&p.days_per_week) {
        return Err(Error::invalid("days_per_week", "must be 1 to 7"));
    }
    for (k, o) in p.outlets.iter().enumerate() {
        o.validate(k, &p.matrix)?;
        if o.visits == 8 && p.days_per_week < 2 {
            return Err(Error::invalid(
                format!("outlets[{k}].visits"),
                "8 visits need at least 2 working days a week",
            ));
        }
        if let Some(w) = o.weekdays.iter().find(|&&w| w >= p.days_per_week) {
            return Err(Error::invalid(
                format!("outlets[{k}].weekdays"),
                format!(
                    "weekday {w} is not one of the {} working days",
                    p.days_per_week
                ),
            ));
        }
    }
    Ok(())
}

/// Clusters `items` (points) into `k` groups balanced by `weight`, compact by travel time:
/// farthest-point seeds, then capacity-bounded assignment in order of regret, then medoid
/// updates. Returns each item's group.
fn balanced_clusters(
    ctx: &Ctx<'_>,
    items: &[usize],
    weight: &[u64],
    k: usize,
    home: Option<usize>,
) -> Vec<usize> {
    let n = items.len();
    if n == 0 || k <= 1 {
        return vec![0; n];
    }
    let k = k.min(n);
    // Seeds: farthest from home, then farthest from the seeds so far.
    let mut seeds: Vec<usize> = Vec::with_capacity(k);
    let first = (0..n)
        .max_by_key(|&i| home.map_or(0, |h| ctx.t(h, items[i])))
        .unwrap_or(0);
    seeds.push(first);
    let mut mind: Vec<u64> = (0..n).map(|i| ctx.t(items[first], items[i])).collect();
    while seeds.len() < k {
        let next = (0..n).max_by_key(|&i| mind[i]).unwrap_or(0);
        seeds.push(next);
        for i in 0..n {
            mind[i] = mind[i].min(ctx.t(items[next], items[i]));
        }
    }
    let total: u64 = weight.iter().sum();
    let cap = (total as f64 / k as f64 * 1.02).ceil() as u64;
    let mut group = vec![0usize; n];
    for _round in 0..10 {
        // Order by regret: how much worse the second-nearest seed is.
        let mut order: Vec<(u64, usize)> = (0..n)
            .map(|i| {
                let mut ds: Vec<u64> = seeds.iter().map(|&s| ctx.t(items[s], items[i])).collect();
                ds.sort_unstable();
                (ds.get(1).copied().unwrap_or(0) - ds[0], i)
            })
            .collect();
        order.sort_unstable_by(|a, b| b.cmp(a));
        let mut load = vec![0u64; k];
        for &(_, i) in &order {
            let mut best: Option<(u64, usize)> = None;
            let mut fallback = (u64::MAX, 0);
            for (g, &s) in seeds.iter().enumerate() {
                let d = ctx.t(items[s], items[i]);
                if load[g] + weight[i] <= cap && best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, g));
                }
                if load[g] < fallback.0 {
                    fallback = (load[g], g);
                }
            }
            let g = best.map_or(fallback.1, |(_, g)| g);
            group[i] = g;
            load[g] += weight[i];
        }
        // Medoids.
        let mut changed = false;
        for (g, seed) in seeds.iter_mut().enumerate() {
            let members: Vec<usize> = (0..n).filter(|&i| group[i] == g).collect();
            if members.is_empty() {
                continue;
            }
            let medoid = members
                .iter()
                .copied()
                .min_by_key(|&a| {
                    members
                        .iter()
                        .map(|&b| ctx.t(items[a], items[b]))
                        .sum::<u64>()
                })
                .unwrap_or(*seed);
            if medoid != *seed {
                *seed = medoid;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    group
}

/// Typical travel seconds per visit: the mean time to the nearest other outlet.
fn travel_share(ctx: &Ctx<'_>, points: &[usize]) -> u64 {
    if points.len() < 2 {
        return 0;
    }
    let sum: u64 = points
        .iter()
        .map(|&a| {
            points
                .iter()
                .filter(|&&b| b != a)
                .map(|&b| ctx.t(a, b))
                .min()
                .unwrap_or(0)
        })
        .sum();
    sum / points.len() as u64
}

/// Plans a 4-week beat.
///
/// # Errors
/// [`Error::InvalidInput`] for points outside the matrix, a frequency other than 1, 2, 4 or
/// 8, or allowed weekdays that leave an outlet no valid pattern.
pub fn plan_beats(problem: &BeatProblem, clock: &dyn Clock) -> Result<BeatPlan> {
    validate(problem)?;
    let d = usize::from(problem.days_per_week);
    let ctx = Ctx {
        m: &problem.matrix,
        outlets: &problem.outlets,
        d,
    };
    let n = problem.outlets.len();
    let days = WEEKS * d;
    let patterns: Vec<Vec<Vec<usize>>> = (0..n).map(|o| ctx.patterns(o)).collect();
    if let Some(o) = (0..n).find(|&o| patterns[o].is_empty()) {
        return Err(Error::invalid(
            format!("outlets[{o}].weekdays"),
            "no valid visit pattern on the allowed weekdays",
        ));
    }
    let points: Vec<usize> = problem.outlets.iter().map(|o| o.point).collect();
    let tau = travel_share(&ctx, &points);
    let visit_weight = |o: usize| u64::from(problem.outlets[o].service_s) + tau;
    // 1. A compact group per weekday.
    let weights: Vec<u64> = (0..n)
        .map(|o| u64::from(problem.outlets[o].visits) * visit_weight(o))
        .collect();
    let group = balanced_clusters(&ctx, &points, &weights, d, Some(problem.home));
    let target = weights.iter().sum::<u64>() as f64 / days as f64;
    // 2. Patterns, heaviest outlets first, next to outlets already placed.
    let mut day_sets: Vec<Vec<usize>> = vec![Vec::new(); days];
    let mut load = vec![0u64; days];
    let mut chosen: Vec<usize> = vec![0; n];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&o| {
        (
            std::cmp::Reverse(problem.outlets[o].visits),
            std::cmp::Reverse(weights[o]),
            o,
        )
    });
    for &o in &order {
        let p = problem.outlets[o].point;
        let near = |day: usize| -> u64 {
            day_sets[day]
                .iter()
                .map(|&q| ctx.t(p, problem.outlets[q].point))
                .min()
                .unwrap_or_else(|| ctx.t(problem.home, p))
        };
        let mut best: Option<(u64, u64, usize)> = None;
        for (k, pat) in patterns[o].iter().enumerate() {
            let in_group = pat.iter().any(|&day| day % d == group[o]);
            let overload = pat
                .iter()
                .map(|&day| (load[day] + visit_weight(o)) as f64 / target.max(1.0))
                .fold(0.0f64, f64::max);
            let closeness: u64 = pat.iter().map(|&day| near(day)).sum::<u64>() / pat.len() as u64;
            // Prefer: within the target, the weekday's group, close by.
            let penalty = if overload > 1.05 {
                1_000_000_000 + (overload * 1e6) as u64
            } else {
                0
            };
            let key = penalty + if in_group { 0 } else { 3 * tau.max(1) } + closeness;
            if best.is_none_or(|(b, _, _)| key < b) {
                best = Some((key, 0, k));
            }
        }
        let k = best.map_or(0, |(_, _, k)| k);
        chosen[o] = k;
        for &day in &patterns[o][k] {
            day_sets[day].push(o);
            load[day] += visit_weight(o);
        }
    }
    // 3. Route every day, then rebalance.
    let mut plan = Planner {
        problem,
        ctx: &ctx,
        day_sets,
        routes: Vec::new(),
        clock,
    };
    plan.routes = (0..days)
        .map(|day| plan.route_day(day))
        .collect::<Result<_>>()?;
    plan.rebalance(&patterns, &mut chosen)?;
    Ok(plan.finish(d))
}

struct Planner<'a> {
    problem: &'a BeatProblem,
    ctx: &'a Ctx<'a>,
    day_sets: Vec<Vec<usize>>,
    routes: Vec<Route>,
    clock: &'a dyn Clock,
}

impl Planner<'_> {
    fn workload(&self, day: usize) -> u64 {
        let r = &self.routes[day];
        r.travel_s + r.service_s
    }

    fn route_day(&self, day: usize) -> Result<Route> {
        let outlets = &self.day_sets[day];
        let home = self.problem.home;
        let mut pts = vec![home];
        pts.extend(outlets.iter().map(|&o| self.problem.outlets[o].point));
        let sub = self.problem.matrix.subset(&pts)?;
        let mut service = vec![0u32];
        service.extend(outlets.iter().map(|&o| self.problem.outlets[o].service_s));
        let mut tsp = TspProblem::closed(sub);
        tsp.service_s = service;
        tsp.objective = super::Objective::Duration;
        tsp.budget = Budget {
            iterations: Some(self.problem.budget.iterations.unwrap_or(300)),
            time_limit_ms: None,
            seed: self.problem.budget.seed ^ day as u64,
        };
        let local = solve_tsp(&tsp, self.clock)?;
        let path: Vec<usize> = local.stops.iter().map(|s| pts[s.point]).collect();
        let mut service_by_point = vec![0u32; self.problem.matrix.len()];
        for &o in outlets {
            let out = &self.problem.outlets[o];
            service_by_point[out.point] = service_by_point[out.point].max(out.service_s);
        }
        Ok(evaluate_path(
            &self.problem.matrix,
            &path,
            &service_by_point,
            &[],
            0,
            Vec::new(),
        ))
    }

    /// Cheapest insertion seconds of point `p` into a day's route.
    fn insertion(&self, day: usize, p: usize) -> u64 {
        let pts = self.routes[day].points();
        pts.windows(2)
            .map(|w| {
                (self.ctx.t(w[0], p) + self.ctx.t(p, w[1])).saturating_sub(self.ctx.t(w[0], w[1]))
            })
            .min()
            .unwrap_or_else(|| 2 * self.ctx.t(self.problem.home, p))
    }

    /// Seconds saved by taking point `p` out of a day's route.
    fn removal(&self, day: usize, p: usize) -> u64 {
        let pts = self.routes[day].points();
        pts.iter()
            .position(|&q| q == p)
            .filter(|&i| i > 0 && i + 1 < pts.len())
            .map_or(0, |i| {
                (self.ctx.t(pts[i - 1], p) + self.ctx.t(p, pts[i + 1]))
                    .saturating_sub(self.ctx.t(pts[i - 1], pts[i + 1]))
            })
    }

    /// Moves outlets to other valid patterns while that evens out the days: each round
    /// takes the move (from a day above the mean to days below it) that most reduces the
    /// squared deviation from the mean workload, re-routes the days it touches, and keeps
    /// it only if the routed days agree.
    fn rebalance(&mut self, patterns: &[Vec<Vec<usize>>], chosen: &mut [usize]) -> Result<()> {
        let days = self.day_sets.len();
        let mut tabu: Vec<(usize, usize)> = Vec::new();
        let rounds = 4 * days + self.problem.outlets.len();
        for _round in 0..rounds {
            let loads: Vec<u64> = (0..days).map(|day| self.workload(day)).collect();
            let busy: Vec<u64> = loads.iter().copied().filter(|&l| l > 0).collect();
            let (Some(&max), Some(&min)) = (busy.iter().max(), busy.iter().min()) else {
                break;
            };
            if (max as f64) <= min as f64 * 1.03 {
                break;
            }
            let mean = loads.iter().sum::<u64>() as f64 / days as f64;
            let dev = |l: f64| (l - mean) * (l - mean);
            let mut best: Option<(f64, usize, usize)> = None;
            for o in 0..self.problem.outlets.len() {
                let out = &self.problem.outlets[o];
                let cur = &patterns[o][chosen[o]];
                if !cur.iter().any(|&day| loads[day] as f64 > mean) {
                    continue;
                }
                for (k, pat) in patterns[o].iter().enumerate() {
                    if k == chosen[o] || tabu.contains(&(o, k)) {
                        continue;
                    }
                    if pat
                        .iter()
                        .any(|&day| !cur.contains(&day) && loads[day] as f64 >= mean)
                    {
                        continue;
                    }
                    let mut delta = 0.0;
                    for &day in cur.iter().chain(pat.iter().filter(|d| !cur.contains(d))) {
                        let old = loads[day] as f64;
                        let mut new = old;
                        if cur.contains(&day) && !pat.contains(&day) {
                            new -= (self.removal(day, out.point) + u64::from(out.service_s)) as f64;
                        }
                        if pat.contains(&day) && !cur.contains(&day) {
                            new +=
                                (self.insertion(day, out.point) + u64::from(out.service_s)) as f64;
                        }
                        delta += dev(new) - dev(old);
                    }
                    if delta < 0.0 && best.is_none_or(|(b, _, _)| delta < b) {
                        best = Some((delta, o, k));
                    }
                }
            }
            let Some((_, o, k)) = best else { break };
            let old = chosen[o];
            let mut touched: Vec<usize> = patterns[o][old]
                .iter()
                .chain(patterns[o][k].iter())
                .copied()
                .collect();
            touched.sort_unstable();
            touched.dedup();
            let before: Vec<(usize, Vec<usize>, Route)> = touched
                .iter()
                .map(|&day| (day, self.day_sets[day].clone(), self.routes[day].clone()))
                .collect();
            for &day in &patterns[o][old] {
                self.day_sets[day].retain(|&x| x != o);
            }
            for &day in &patterns[o][k] {
                self.day_sets[day].push(o);
            }
            let mut delta = 0.0;
            for &day in &touched {
                self.routes[day] = self.route_day(day)?;
                delta += dev(self.workload(day) as f64) - dev(loads[day] as f64);
            }
            if delta >= 0.0 {
                // The estimate was wrong: put it back.
                for (day, set, route) in before {
                    self.day_sets[day] = set;
                    self.routes[day] = route;
                }
                tabu.push((o, k));
            } else {
                chosen[o] = k;
            }
        }
        Ok(())
    }

    fn finish(self, d: usize) -> BeatPlan {
        let n = self.problem.outlets.len();
        let mut visit_days = vec![Vec::new(); n];
        let mut days = Vec::with_capacity(self.routes.len());
        for (day, route) in self.routes.into_iter().enumerate() {
            let mut order = Vec::new();
            for s in &route.stops[1..route.stops.len().saturating_sub(1)] {
                if let Some(&o) = self.day_sets[day]
                    .iter()
                    .find(|&&o| self.problem.outlets[o].point == s.point && !order.contains(&o))
                {
                    order.push(o);
                }
            }
            // Outlets sharing a point: keep every one.
            for &o in &self.day_sets[day] {
                if !order.contains(&o) {
                    order.push(o);
                }
            }
            for &o in &order {
                visit_days[o].push(day);
            }
            days.push(BeatDay {
                week: (day / d + 1) as u8,
                weekday: (day % d) as u8,
                workload_s: route.travel_s + route.service_s,
                outlets: order,
                route,
            });
        }
        let busy: Vec<u64> = days
            .iter()
            .filter(|x| !x.outlets.is_empty())
            .map(|x| x.workload_s)
            .collect();
        let max = busy.iter().copied().max().unwrap_or(0);
        let min = busy.iter().copied().min().unwrap_or(0);
        BeatPlan {
            days,
            visit_days,
            max_workload_s: max,
            min_workload_s: min,
            spread: if min == 0 {
                1.0
            } else {
                max as f64 / min as f64
            },
        }
    }
}

/// A territory to split between reps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TerritoryProblem {
    /// Travel between all points.
    pub matrix: Matrix,
    /// The outlets.
    pub outlets: Vec<BeatOutlet>,
    /// Number of reps (at least 1).
    pub reps: usize,
}

/// A territory split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TerritorySplit {
    /// For every outlet, its rep (0-based).
    pub rep_of: Vec<usize>,
    /// Estimated cycle workload per rep (service plus a travel share per visit).
    pub workload_s: Vec<u64>,
    /// Heaviest / lightest workload (`None` when a rep gets nothing).
    pub spread: Option<f64>,
}

/// Splits a territory into `reps` compact parts of balanced workload.
///
/// # Errors
/// [`Error::InvalidInput`] for no reps, points outside the matrix or a bad frequency.
pub fn split_territory(problem: &TerritoryProblem) -> Result<TerritorySplit> {
    if problem.reps == 0 {
        return Err(Error::invalid("reps", "at least one rep"));
    }
    for (k, o) in problem.outlets.iter().enumerate() {
        o.validate(k, &problem.matrix)?;
    }
    let ctx = Ctx {
        m: &problem.matrix,
        outlets: &problem.outlets,
        d: 5,
    };
    let points: Vec<usize> = problem.outlets.iter().map(|o| o.point).collect();
    let tau = travel_share(&ctx, &points);
    let weights: Vec<u64> = problem
        .outlets
        .iter()
        .map(|o| u64::from(o.visits) * (u64::from(o.service_s) + tau))
        .collect();
    let rep_of = balanced_clusters(&ctx, &points, &weights, problem.reps, None);
    let mut workload_s = vec![0u64; problem.reps];
    for (o, &r) in rep_of.iter().enumerate() {
        workload_s[r] += weights[o];
    }
    let max = workload_s.iter().copied().max().unwrap_or(0);
    let min = workload_s.iter().copied().min().unwrap_or(0);
    Ok(TerritorySplit {
        rep_of,
        workload_s,
        spread: (min > 0).then(|| max as f64 / min as f64),
    })
}
