//! Routing: matrices, TSP, VRP, beat planning, day-of changes, GeoJSON, bad input.

use fmcg_core::routing::*;
use fmcg_core::{ErrorKind, LatLon};
use proptest::prelude::*;

/// A Euclidean matrix over integer points (metres = seconds).
fn euclid(points: &[(i32, i32)]) -> Matrix {
    Matrix::from_fn(points.len(), |i, j| {
        let (a, b) = (points[i], points[j]);
        let d = f64::from((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2))
            .sqrt()
            .round() as u32;
        (d, d)
    })
    .unwrap()
}

fn lcg_points(n: usize, seed: u64, span: i32) -> Vec<(i32, i32)> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) % span as u64) as i32
    };
    (0..n).map(|_| (next(), next())).collect()
}

fn is_permutation(points: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    points.len() == n
        && points
            .iter()
            .all(|&p| p < n && !std::mem::replace(&mut seen[p], true))
}

#[test]
fn haversine_matrix_is_symmetric_with_zero_diagonal() {
    let pts: Vec<LatLon> = lcg_points(50, 3, 1000)
        .iter()
        .map(|&(a, b)| {
            LatLon::new(31.0 + f64::from(a) / 5000.0, 121.0 + f64::from(b) / 5000.0).unwrap()
        })
        .collect();
    let m = Matrix::haversine(&pts, 30.0).unwrap();
    assert!(m.is_symmetric());
    for i in 0..50 {
        assert_eq!(m.metres(i, i), 0);
        for j in 0..50 {
            let exact = pts[i].haversine_m(pts[j]);
            assert!(
                (f64::from(m.metres(i, j)) - exact).abs() <= 0.5 + 1e-6,
                "{i},{j}"
            );
            assert_eq!(m.seconds(i, j), (exact / (30.0 / 3.6)).round() as u32);
        }
    }
}

#[test]
fn matrices_refuse_bad_shapes_and_speeds() {
    let e = Matrix::from_rows(&[vec![0, 1], vec![1]], None).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidInput, Some("metres[1]"))
    );
    let e = Matrix::from_rows(&[vec![0, 1], vec![1, 0]], Some(&[vec![0, 1]])).unwrap_err();
    assert_eq!(e.field(), Some("seconds"));
    let e = Matrix::from_rows(&[vec![5]], None).unwrap_err();
    assert_eq!(e.field(), Some("metres[0][0]"));
    let p = [LatLon::new(0.0, 0.0).unwrap()];
    assert_eq!(
        Matrix::haversine(&p, f64::NAN).unwrap_err().field(),
        Some("speed_kmh")
    );
    assert_eq!(
        Matrix::haversine(&p, 0.0).unwrap_err().field(),
        Some("speed_kmh")
    );
    assert!(LatLon::new(f64::NAN, 0.0).is_err());
    assert!(LatLon::new(0.0, 181.0).is_err());
    // JSON: a ragged matrix is a typed error, never a panic.
    let bad: Result<Matrix, _> = serde_json::from_str(r#"{"metres": [[0, 1], [2]]}"#);
    assert!(bad.is_err());
    let ok: Matrix = serde_json::from_str(r#"{"metres": [[0, 1], [2, 0]]}"#).unwrap();
    assert_eq!((ok.metres(1, 0), ok.seconds(0, 1)), (2, 1));
}

#[test]
fn road_graph_matrix_takes_fastest_paths_and_reports_unreachable() {
    let e = |from, to, metres, seconds, oneway| RoadEdge {
        from,
        to,
        metres,
        seconds,
        oneway,
    };
    // 0-1 slow direct road; 0-2-1 fast ring road; 3 is isolated.
    let g = RoadGraph::new(
        4,
        &[
            e(0, 1, 1000, 300, false),
            e(0, 2, 1500, 100, false),
            e(2, 1, 1500, 100, false),
        ],
    )
    .unwrap();
    let m = g.matrix(&[0, 1]).unwrap();
    assert_eq!((m.seconds(0, 1), m.metres(0, 1)), (200, 3000));
    assert!(m.is_symmetric());
    assert_eq!(g.matrix(&[0, 3]).unwrap_err().field(), Some("points[1]"));
    assert_eq!(g.matrix(&[9]).unwrap_err().field(), Some("points[0]"));
    assert!(RoadGraph::new(2, &[e(0, 5, 1, 1, false)]).is_err());
}

#[test]
fn tsp_finds_the_optimum_of_a_circle() {
    // Points on a circle: the optimal tour is the circle order.
    let n = 40;
    let pts: Vec<(i32, i32)> = (0..n)
        .map(|k| {
            let a = (k * 7 % n) as f64 / n as f64 * std::f64::consts::TAU;
            ((1000.0 * a.cos()) as i32, (1000.0 * a.sin()) as i32)
        })
        .collect();
    let m = euclid(&pts);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let ang = |k: usize| f64::from(pts[k].1).atan2(f64::from(pts[k].0));
        ang(a).total_cmp(&ang(b))
    });
    let circle: u64 = (0..n)
        .map(|k| u64::from(m.metres(order[k], order[(k + 1) % n])))
        .sum();
    let mut p = TspProblem::closed(m);
    p.budget = Budget::iterations(500, 1);
    let r = solve_tsp(&p, &NoClock).unwrap();
    assert_eq!(r.distance_m, circle);
}

#[test]
fn tsp_open_and_fixed_end_paths() {
    let pts = lcg_points(30, 11, 1000);
    let m = euclid(&pts);
    let mut p = TspProblem::closed(m.clone());
    p.start = 4;
    p.end = End::Free;
    p.budget = Budget::iterations(300, 2);
    let free = solve_tsp(&p, &NoClock).unwrap();
    assert_eq!(free.stops[0].point, 4);
    assert!(is_permutation(&free.points(), 30));
    p.end = End::At { point: 9 };
    let fixed = solve_tsp(&p, &NoClock).unwrap();
    let pts_fixed = fixed.points();
    assert_eq!((pts_fixed[0], pts_fixed[29]), (4, 9));
    assert!(is_permutation(&pts_fixed, 30));
    assert!(free.distance_m <= fixed.distance_m);
    p.end = End::Return;
    let closed = solve_tsp(&p, &NoClock).unwrap();
    assert!(fixed.distance_m <= closed.distance_m + 1);
    assert_eq!(closed.stops.len(), 31);
}

#[test]
fn tsp_asymmetric_matrix_orders_by_direction() {
    // A one-way ring: going 0→1→2→3→0 costs 1 per leg, against the ring 100.
    let n = 6;
    let m = Matrix::from_fn(n, |i, j| if j == (i + 1) % n { (1, 1) } else { (100, 100) }).unwrap();
    let mut p = TspProblem::closed(m);
    p.budget = Budget::iterations(200, 3);
    let r = solve_tsp(&p, &NoClock).unwrap();
    assert_eq!(r.points(), vec![0, 1, 2, 3, 4, 5, 0]);
    assert_eq!(r.distance_m, 6);
    // And bigger than the exhaustive cut-off.
    let n = 25;
    let m = Matrix::from_fn(n, |i, j| {
        if j == (i + 1) % n {
            (1, 1)
        } else {
            (100 + (i * j % 7) as u32, 100)
        }
    })
    .unwrap();
    let mut p = TspProblem::closed(m);
    p.budget = Budget::iterations(500, 3);
    assert_eq!(solve_tsp(&p, &NoClock).unwrap().distance_m, 25);
}

#[test]
fn tsp_with_time_windows_keeps_windows_or_reports_unserved() {
    let pts = lcg_points(12, 5, 600);
    let m = euclid(&pts);
    let mut p = TspProblem::closed(m);
    p.service_s = vec![30; 12];
    p.time_windows = vec![None; 12];
    p.time_windows[3] = Some(TimeWindow {
        open_s: 2000,
        close_s: 2100,
    });
    p.time_windows[7] = Some(TimeWindow {
        open_s: 0,
        close_s: 1,
    }); // unreachable in time
    p.budget = Budget::iterations(300, 4);
    let r = solve_tsp(&p, &NoClock).unwrap();
    assert_eq!(r.unserved, vec![7]);
    let s3 = r.stops.iter().find(|s| s.point == 3).unwrap();
    assert!((2000..=2100).contains(&s3.start_s));
    let mut visited = r.points();
    visited.pop();
    visited.push(7);
    assert!(is_permutation(&visited, 12));
}

/// A time limit on a clock that does not measure time still ends (the default
/// iteration budget), for the TSP and the VRP.
#[test]
fn a_time_limit_without_a_clock_still_ends() {
    let m = euclid(&lcg_points(30, 2, 500));
    let mut p = TspProblem::closed(m);
    p.budget = Budget::time_ms(50, 1);
    let r = solve_tsp(&p, &NoClock).unwrap();
    assert_eq!(r.stops.len(), 31);
    let mut v = vrp_instance(20, 4, 4, 40, false);
    v.budget = Budget::time_ms(50, 1);
    assert_eq!(
        solve_vrp(&v, &NoClock).unwrap().iterations,
        Budget::DEFAULT_ITERATIONS
    );
}

#[test]
fn tsp_bad_input_is_typed() {
    let m = euclid(&lcg_points(5, 1, 100));
    let mut p = TspProblem::closed(m.clone());
    p.start = 9;
    assert_eq!(solve_tsp(&p, &NoClock).unwrap_err().field(), Some("start"));
    let mut p = TspProblem::closed(m.clone());
    p.service_s = vec![1, 2];
    assert_eq!(
        solve_tsp(&p, &NoClock).unwrap_err().field(),
        Some("service_s")
    );
    let mut p = TspProblem::closed(m.clone());
    p.time_windows = vec![
        Some(TimeWindow {
            open_s: 9,
            close_s: 1
        });
        5
    ];
    assert_eq!(
        solve_tsp(&p, &NoClock).unwrap_err().field(),
        Some("time_windows[0]")
    );
    let mut p = TspProblem::closed(m);
    p.end = End::At { point: 5 };
    assert_eq!(
        solve_tsp(&p, &NoClock).unwrap_err().field(),
        Some("end.point")
    );
    let empty = Matrix::from_fn(0, |_, _| (0, 0)).unwrap();
    assert_eq!(
        solve_tsp(&TspProblem::closed(empty), &NoClock)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

fn vrp_instance(n: usize, seed: u64, vehicles: usize, cap: u32, windows: bool) -> VrpProblem {
    let pts = lcg_points(n + 1, seed, 1000);
    let m = euclid(&pts);
    let stops = (1..=n)
        .map(|i| VrpStop {
            point: i,
            demand: vec![1 + (i as u32 * 7) % 9, (i as u32 * 3) % 5],
            service_s: 10,
            window: windows.then(|| {
                let open = (i as u32 * 137) % 3000;
                TimeWindow {
                    open_s: open,
                    close_s: open + 1500,
                }
            }),
        })
        .collect();
    VrpProblem {
        matrix: m,
        stops,
        vehicles: vec![Vehicle::at_depot(0, vec![cap, cap / 2]); vehicles],
        objective: Objective::Distance,
        budget: Budget::iterations(300, seed),
    }
}

/// Checks a VRP solution against the problem: each stop once or unserved, capacity, windows,
/// shift end, and the reported totals.
fn check_vrp(p: &VrpProblem, s: &VrpSolution) {
    let mut seen = vec![0; p.stops.len()];
    for &u in &s.unserved {
        seen[u] += 1;
    }
    let mut total = 0;
    for r in &s.routes {
        let v = &p.vehicles[r.vehicle.unwrap()];
        let mut load = vec![0u64; v.capacity.len()];
        let (mut t, mut dist) = (u64::from(v.shift_start_s), 0u64);
        assert_eq!(r.stops[0].point, v.start);
        for w in r.stops.windows(2) {
            dist += u64::from(p.matrix.metres(w[0].point, w[1].point));
        }
        for st in &r.stops[1..] {
            let Some(k) = st.stop else { continue };
            seen[k] += 1;
            let stop = &p.stops[k];
            for (l, d) in load.iter_mut().zip(&stop.demand) {
                *l += u64::from(*d);
            }
            assert!(st.arrival_s >= t);
            t = st.departure_s;
            if let Some(w) = stop.window {
                assert!(st.start_s >= u64::from(w.open_s) && st.start_s <= u64::from(w.close_s));
            }
        }
        assert!(
            load.iter()
                .zip(&v.capacity)
                .all(|(l, c)| *l <= u64::from(*c))
        );
        assert!(r.stops.last().unwrap().arrival_s <= u64::from(v.shift_end_s));
        assert_eq!(r.distance_m, dist);
        total += dist;
    }
    assert!(seen.iter().all(|&c| c == 1), "{seen:?}");
    assert_eq!(s.distance_m, total);
}

#[test]
fn vrp_serves_everything_within_capacity_and_windows() {
    for windows in [false, true] {
        let p = vrp_instance(60, 9, 12, 40, windows);
        let s = solve_vrp(&p, &NoClock).unwrap();
        check_vrp(&p, &s);
        assert!(s.unserved.is_empty());
    }
}

#[test]
fn vrp_reports_unserved_stops_instead_of_dropping_them() {
    // Two vehicles of 10 for 30 units of demand: some stops cannot be served.
    let mut p = vrp_instance(10, 2, 2, 1000, false);
    for s in &mut p.stops {
        s.demand = vec![3, 0];
    }
    p.vehicles = vec![Vehicle::at_depot(0, vec![10, 10]); 2];
    let s = solve_vrp(&p, &NoClock).unwrap();
    check_vrp(&p, &s);
    assert_eq!(s.unserved.len(), 4);
    // A shift too short to reach a far stop.
    let mut p = vrp_instance(5, 3, 1, 1000, false);
    p.vehicles[0].max_shift_s = Some(0);
    let s = solve_vrp(&p, &NoClock).unwrap();
    assert_eq!(s.unserved.len(), 5);
    assert!(s.routes.is_empty());
}

/// A mixed fleet: a stop only the big truck can carry goes on the big truck, whatever
/// the order of the vehicles (empty routes are tried once per kind of vehicle, not once).
#[test]
fn vrp_mixed_fleet_uses_the_vehicle_that_fits() {
    for (stops, big_first) in [(1, false), (1, true), (6, false), (6, true)] {
        let mut p = vrp_instance(stops, 8, 2, 1000, false);
        for s in &mut p.stops {
            s.demand = vec![1, 0];
        }
        p.stops[0].demand = vec![20, 0];
        let (small, big) = (
            Vehicle::at_depot(0, vec![5, 5]),
            Vehicle::at_depot(0, vec![50, 5]),
        );
        p.vehicles = if big_first {
            vec![big, small]
        } else {
            vec![small, big]
        };
        let s = solve_vrp(&p, &NoClock).unwrap();
        check_vrp(&p, &s);
        assert!(
            s.unserved.is_empty(),
            "{stops} {big_first}: {:?}",
            s.unserved
        );
        let carrier = s
            .routes
            .iter()
            .find(|r| r.stops.iter().any(|x| x.stop == Some(0)))
            .unwrap();
        assert_eq!(p.vehicles[carrier.vehicle.unwrap()].capacity[0], 50);
    }
}

#[test]
fn vrp_bad_input_is_typed() {
    let mut p = vrp_instance(5, 1, 2, 40, false);
    p.vehicles.clear();
    assert_eq!(
        solve_vrp(&p, &NoClock).unwrap_err().field(),
        Some("vehicles")
    );
    let mut p = vrp_instance(5, 1, 2, 40, false);
    p.stops[2].demand = vec![100, 0];
    assert_eq!(
        solve_vrp(&p, &NoClock).unwrap_err().field(),
        Some("stops[2].demand")
    );
    let mut p = vrp_instance(5, 1, 2, 40, false);
    p.stops[1].demand = vec![1];
    assert_eq!(
        solve_vrp(&p, &NoClock).unwrap_err().field(),
        Some("stops[1].demand")
    );
    let mut p = vrp_instance(5, 1, 2, 40, false);
    p.stops[0].point = 77;
    assert_eq!(
        solve_vrp(&p, &NoClock).unwrap_err().field(),
        Some("stops[0].point")
    );
    let mut p = vrp_instance(5, 1, 2, 40, false);
    p.vehicles[1].capacity = vec![1];
    assert_eq!(
        solve_vrp(&p, &NoClock).unwrap_err().field(),
        Some("vehicles[1].capacity")
    );
    // Negative demand cannot even be decoded: a typed JSON error in every host.
    let json = r#"{"matrix":{"metres":[[0,1],[1,0]]},"stops":[{"point":1,"demand":[-1]}],"vehicles":[{"capacity":[5]}]}"#;
    assert!(serde_json::from_str::<VrpProblem>(json).is_err());
}

fn beat_territory(n: usize, seed: u64) -> BeatProblem {
    let pts = lcg_points(n + 1, seed, 20_000);
    // Positions in metres on a 20 km square; the rep drives at 30 km/h (8.33 m/s).
    let m = Matrix::from_fn(n + 1, |i, j| {
        let (a, b) = (pts[i], pts[j]);
        let d = f64::from((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)).sqrt();
        (d.round() as u32, (d / 8.33).round() as u32)
    })
    .unwrap();
    let outlets = (1..=n)
        .map(|i| BeatOutlet {
            point: i,
            visits: [1, 1, 2, 2, 4, 1, 2, 4, 1, 8][i % 10],
            service_s: 600 + (i as u32 % 5) * 120,
            weekdays: Vec::new(),
        })
        .collect();
    BeatProblem {
        matrix: m,
        home: 0,
        outlets,
        days_per_week: 5,
        budget: Budget::iterations(30, seed),
    }
}

/// Every outlet gets exactly its visits, on days that follow its frequency's pattern.
fn check_patterns(p: &BeatProblem, plan: &BeatPlan) {
    let d = usize::from(p.days_per_week);
    for (o, days) in plan.visit_days.iter().enumerate() {
        let out = &p.outlets[o];
        assert_eq!(days.len(), usize::from(out.visits), "outlet {o}");
        let weekdays: Vec<usize> = days.iter().map(|&x| x % d).collect();
        let weeks: Vec<usize> = days.iter().map(|&x| x / d).collect();
        match out.visits {
            4 => assert!(weekdays.iter().all(|&w| w == weekdays[0]) && weeks == [0, 1, 2, 3]),
            2 => assert!(weekdays[0] == weekdays[1] && (weeks == [0, 2] || weeks == [1, 3])),
            8 => {
                for wk in 0..4 {
                    let this: Vec<usize> = days
                        .iter()
                        .filter(|&&x| x / d == wk)
                        .map(|&x| x % d)
                        .collect();
                    assert_eq!(this.len(), 2);
                    assert!(this[1] - this[0] >= 2);
                }
            }
            _ => {}
        }
        for &day in days {
            assert!(plan.days[day].outlets.contains(&o));
        }
    }
}

#[test]
fn beat_plan_of_600_outlets_is_valid_and_balanced() {
    let p = beat_territory(600, 17);
    let plan = plan_beats(&p, &NoClock).unwrap();
    check_patterns(&p, &plan);
    assert_eq!(plan.days.len(), 20);
    let visits: usize = plan.days.iter().map(|d| d.outlets.len()).sum();
    assert_eq!(
        visits,
        p.outlets
            .iter()
            .map(|o| usize::from(o.visits))
            .sum::<usize>()
    );
    for day in &plan.days {
        // Each day is a closed tour from home over exactly its outlets.
        let pts = day.route.points();
        assert_eq!((pts[0], *pts.last().unwrap()), (0, 0));
        assert_eq!(pts.len(), day.outlets.len() + 2);
    }
    println!(
        "beat plan spread {:.3} ({} .. {} s)",
        plan.spread, plan.min_workload_s, plan.max_workload_s
    );
    assert!(plan.spread <= 1.15, "spread {}", plan.spread);
}

#[test]
fn beat_plan_honours_allowed_weekdays_and_refuses_bad_frequencies() {
    let mut p = beat_territory(40, 3);
    p.outlets[0].weekdays = vec![2];
    p.outlets[0].visits = 4;
    let plan = plan_beats(&p, &NoClock).unwrap();
    assert!(plan.visit_days[0].iter().all(|&d| d % 5 == 2));
    p.outlets[1].visits = 3;
    assert_eq!(
        plan_beats(&p, &NoClock).unwrap_err().field(),
        Some("outlets[1].visits")
    );
    p.outlets[1].visits = 2;
    p.outlets[1].weekdays = vec![7];
    assert_eq!(
        plan_beats(&p, &NoClock).unwrap_err().field(),
        Some("outlets[1].weekdays")
    );
}

#[test]
fn territory_split_is_balanced() {
    let p = beat_territory(400, 5);
    let t = TerritoryProblem {
        matrix: p.matrix,
        outlets: p.outlets,
        reps: 4,
    };
    let s = split_territory(&t).unwrap();
    assert_eq!(s.rep_of.len(), 400);
    assert!(s.rep_of.iter().all(|&r| r < 4));
    assert!(s.spread.unwrap() <= 1.1, "{:?}", s.spread);
    let t0 = TerritoryProblem { reps: 0, ..t };
    assert_eq!(split_territory(&t0).unwrap_err().field(), Some("reps"));
}

#[test]
fn dynamic_insert_remove_and_reoptimise() {
    let pts = [(0, 0), (100, 0), (200, 0), (300, 0), (150, 5), (1000, 1000)];
    let m = euclid(&pts);
    let req = DayChange {
        matrix: m.clone(),
        path: vec![0, 1, 2, 3, 0],
        point: 4,
        fixed_end: true,
        service_s: Vec::new(),
        time_windows: Vec::new(),
        start_time_s: 0,
    };
    let r = insert_stop(&req).unwrap();
    assert_eq!(r.points(), vec![0, 1, 4, 2, 3, 0]);
    assert_eq!(
        insert_stop(&DayChange {
            point: 2,
            ..req.clone()
        })
        .unwrap_err()
        .field(),
        Some("point")
    );
    // A window that cannot be met: reported, the day unchanged.
    let mut tw = vec![None; 6];
    tw[5] = Some(TimeWindow {
        open_s: 0,
        close_s: 10,
    });
    let r = insert_stop(&DayChange {
        point: 5,
        time_windows: tw,
        ..req.clone()
    })
    .unwrap();
    assert_eq!(
        (r.points(), r.unserved.clone()),
        (vec![0, 1, 2, 3, 0], vec![5])
    );
    let r = remove_stop(&DayChange {
        path: vec![0, 1, 4, 2, 3, 0],
        point: 4,
        ..req.clone()
    })
    .unwrap();
    assert_eq!(r.distance_m, 600);
    assert_eq!(
        remove_stop(&DayChange {
            path: vec![0, 1, 0],
            point: 3,
            ..req.clone()
        })
        .unwrap_err()
        .field(),
        Some("point")
    );
    let re = Reoptimize {
        matrix: m,
        current: 3,
        remaining: vec![1, 2, 4],
        end: End::At { point: 0 },
        now_s: 5000,
        service_s: Vec::new(),
        time_windows: Vec::new(),
        objective: Objective::Distance,
        budget: Budget::iterations(50, 1),
    };
    let r = reoptimize(&re, &NoClock).unwrap();
    assert_eq!(r.points(), vec![3, 2, 4, 1, 0]);
    assert_eq!(r.stops[0].arrival_s, 5000);
    assert_eq!(
        reoptimize(
            &Reoptimize {
                remaining: vec![1, 1],
                ..re
            },
            &NoClock
        )
        .unwrap_err()
        .field(),
        Some("remaining[1]")
    );
}

#[test]
fn one_json_request_runs_every_job() {
    let json = r#"{"type": "tsp", "matrix": {"metres": [[0, 5, 9], [5, 0, 4], [9, 4, 0]]},
                   "budget": {"iterations": 10, "seed": 1}}"#;
    let req: Request = serde_json::from_str(json).unwrap();
    let out = serde_json::to_value(solve(&req, &NoClock).unwrap()).unwrap();
    assert_eq!(out["distance_m"], 18);
    let bad: Request = serde_json::from_str(
        r#"{"type": "vrp", "matrix": {"metres": [[0]]}, "stops": [], "vehicles": []}"#,
    )
    .unwrap();
    assert_eq!(solve(&bad, &NoClock).unwrap_err().field(), Some("vehicles"));
    assert!(
        serde_json::from_str::<Request>(
            r#"{"type": "matrix", "points": [{"lat": 99, "lon": 0}], "speed_kmh": 30}"#
        )
        .is_err()
    );
    let schema = fmcg_core::schema();
    assert!(schema["properties"]["routing_request"].is_object());
}

#[test]
fn geojson_export_has_routes_and_stops() {
    let pts: Vec<LatLon> = (0..6)
        .map(|k| LatLon::new(31.2 + f64::from(k) * 0.001, 121.4).unwrap())
        .collect();
    let m = Matrix::haversine(&pts, 30.0).unwrap();
    let route = solve_tsp(&TspProblem::closed(m), &NoClock).unwrap();
    let fc = geojson::routes(std::slice::from_ref(&route), &pts).unwrap();
    let v: serde_json::Value = serde_json::from_str(&fc.to_string()).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
    assert_eq!(
        v["features"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(v["features"][1]["geometry"]["coordinates"][0], 121.4);
    assert_eq!(
        geojson::routes(&[route], &pts[..2]).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any input gives a valid tour from the start; same seed and iterations, same tour.
    #[test]
    fn tsp_is_a_permutation_and_deterministic(
        pts in prop::collection::vec((0i32..500, 0i32..500), 1..60),
        start in 0usize..60,
        seed in 0u64..1000,
        open in any::<bool>(),
    ) {
        let n = pts.len();
        let m = euclid(&pts);
        let mut p = TspProblem::closed(m);
        p.start = start % n;
        p.end = if open { End::Free } else { End::Return };
        p.budget = Budget::iterations(40, seed);
        let a = solve_tsp(&p, &NoClock).unwrap();
        let b = solve_tsp(&p, &NoClock).unwrap();
        prop_assert_eq!(&a, &b);
        let mut order = a.points();
        prop_assert_eq!(order[0], p.start);
        if !open && n > 1 {
            prop_assert_eq!(order.pop(), Some(p.start));
        }
        prop_assert!(is_permutation(&order, n));
        let legs: u64 = a.stops.windows(2).map(|w| u64::from(p.matrix.metres(w[0].point, w[1].point))).sum();
        prop_assert_eq!(legs, a.distance_m);
    }

    /// Any VRP input gives stops served once or reported unserved, within every limit.
    #[test]
    fn vrp_solutions_are_feasible(
        n in 1usize..30,
        seed in 0u64..500,
        vehicles in 1usize..5,
        cap in 5u32..40,
        windows in any::<bool>(),
    ) {
        let mut p = vrp_instance(n, seed, vehicles, cap.max(10), windows);
        p.budget = Budget::iterations(60, seed);
        let s = solve_vrp(&p, &NoClock).unwrap();
        check_vrp(&p, &s);
        prop_assert_eq!(&s, &solve_vrp(&p, &NoClock).unwrap());
    }
}

/// Whether `want` is a deep subset of `got` (objects: listed keys only).
fn subset(want: &serde_json::Value, got: &serde_json::Value) -> bool {
    match (want, got) {
        (serde_json::Value::Object(w), serde_json::Value::Object(g)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| subset(v, gv))),
        _ => want == got,
    }
}

/// The routing vectors every host runs (`fixtures/routing_cases.json`).
#[test]
fn the_shared_routing_cases_give_their_results_and_errors() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../../fixtures/routing_cases.json")).unwrap();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let result = serde_json::from_value::<Request>(c["request"].clone())
            .map_err(|e| fmcg_core::Error::json(&e))
            .and_then(|r| solve(&r, &NoClock));
        match (result, c.get("error")) {
            (Ok(resp), None) => {
                let got = serde_json::to_value(resp).unwrap();
                assert!(subset(&c["expect"], &got), "{name}: {got}");
            }
            (Err(e), Some(want)) => {
                assert!(subset(want, &e.to_json()), "{name}: {}", e.to_json());
            }
            (r, _) => panic!("{name}: unexpected {r:?}"),
        }
    }
}
