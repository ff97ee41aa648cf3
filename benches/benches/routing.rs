//! Routing kernels: the 2,000-point haversine matrix, a 200-outlet day by the TSP, a
//! 100-stop VRP, each on a fixed iteration budget (so the work is the same every run).
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use criterion::{Criterion, criterion_group, criterion_main};
use fmcg_core::LatLon;
use fmcg_core::routing::{
    Budget, Matrix, NoClock, TspProblem, Vehicle, VrpProblem, VrpStop, solve_tsp, solve_vrp,
};

/// `n` positions spread over a 30 km square around Shanghai (a seeded LCG).
fn points(n: usize) -> Vec<LatLon> {
    let mut s = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            LatLon::new(31.1 + 0.27 * next(), 121.3 + 0.31 * next())
                .unwrap_or_else(|e| panic!("point: {e}"))
        })
        .collect()
}

fn routing(c: &mut Criterion) {
    let mut g = c.benchmark_group("routing");
    g.sample_size(10);
    let p2000 = points(2000);
    g.bench_function("haversine_matrix/2000_points", |b| {
        b.iter(|| Matrix::haversine(&p2000, 30.0).unwrap_or_else(|e| panic!("{e}")));
    });
    let m200 = Matrix::haversine(&points(200), 30.0).unwrap_or_else(|e| panic!("{e}"));
    let mut tsp = TspProblem::closed(m200);
    tsp.budget = Budget::iterations(2_000, 1);
    g.bench_function("tsp/200_points_2000_kicks", |b| {
        b.iter(|| solve_tsp(&tsp, &NoClock).unwrap_or_else(|e| panic!("{e}")));
    });
    let m101 = Matrix::haversine(&points(101), 30.0).unwrap_or_else(|e| panic!("{e}"));
    let vrp = VrpProblem {
        matrix: m101,
        stops: (1..101)
            .map(|p| VrpStop {
                point: p,
                demand: vec![1 + (p as u32 % 7), 3],
                service_s: 300,
                window: None,
            })
            .collect(),
        vehicles: vec![Vehicle::at_depot(0, vec![40, 120]); 12],
        objective: Default::default(),
        budget: Budget::iterations(2_000, 1),
    };
    g.bench_function("vrp/100_stops_2000_rounds", |b| {
        b.iter(|| solve_vrp(&vrp, &NoClock).unwrap_or_else(|e| panic!("{e}")));
    });
    g.finish();
}

criterion_group!(benches, routing);
criterion_main!(benches);
