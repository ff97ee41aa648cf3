//! Self-checks of the instance readers and scorers (`../shared/bench/README.md`): exact
//! TSPLIB / CVRPLIB / Solomon distances, on the copies in `benches/data/`.
#![expect(clippy::expect_used, reason = "tests")]

use fmcg_benches::instances::{parse_sol, parse_solomon, parse_tour, parse_tsplib};

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))).expect(name)
}

#[test]
fn canonical_tours_measure_the_published_values() {
    for (name, want) in [("pcb442", 221_440), ("gr666", 423_710), ("att532", 309_636)] {
        let inst = parse_tsplib(name, &data(&format!("{name}.tsp"))).unwrap();
        let tour: Vec<usize> = (0..inst.n).collect();
        assert_eq!(inst.tour_length(&tour).unwrap(), want, "{name}");
    }
}

#[test]
fn optimal_tours_measure_the_optimum() {
    for (name, optimum) in [
        ("pcb442", 50_778),
        ("gr666", 294_358),
        ("att48", 10_628),
        ("ulysses22", 7_013),
        ("tsp225", 3_916),
    ] {
        let inst = parse_tsplib(name, &data(&format!("{name}.tsp"))).unwrap();
        let tour = parse_tour(&data(&format!("{name}.opt.tour"))).unwrap();
        assert_eq!(inst.tour_length(&tour).unwrap(), optimum, "{name}");
    }
}

#[test]
fn cvrp_solutions_rescore_to_their_cost() {
    for name in ["A-n32-k5", "P-n16-k8"] {
        let inst = parse_tsplib(name, &data(&format!("{name}.vrp"))).unwrap();
        let (routes, cost) = parse_sol(&data(&format!("{name}.sol"))).unwrap();
        // `.sol` customers are 0-based with the depot as 0: node k + 1 is customer k.
        let routes: Vec<Vec<usize>> = routes
            .iter()
            .map(|r| r.iter().map(|c| c - 1).collect())
            .collect();
        assert_eq!(inst.cvrp_cost(&routes).unwrap() as f64, cost, "{name}");
        // Breaking capacity is caught.
        let mut merged = routes.clone();
        let tail = merged.pop().unwrap();
        merged[0].extend(tail);
        assert!(inst.cvrp_cost(&merged).is_err());
    }
}

#[test]
fn solomon_solution_is_feasible_and_rescores() {
    let inst = parse_solomon("C101", &data("C101.txt")).unwrap();
    assert_eq!((inst.vehicles, inst.capacity, inst.n()), (25, 200, 101));
    let (routes, cost) = parse_sol(&data("C101.sol")).unwrap();
    assert_eq!(inst.score(&routes).unwrap() as f64 / 10.0, cost);
    // Reversing a route breaks its time windows.
    let mut bad = routes.clone();
    bad[0].reverse();
    assert!(inst.score(&bad).is_err());
}

/// The same 4-node matrix in every EXPLICIT form.
#[test]
fn explicit_weight_formats_read_the_same_matrix() {
    let full = [[0, 3, 5, 9], [3, 0, 4, 7], [5, 4, 0, 2], [9, 7, 2, 0]];
    let forms = [
        ("FULL_MATRIX", "0 3 5 9\n3 0 4 7\n5 4 0 2\n9 7 2 0"),
        ("UPPER_ROW", "3 5 9\n4 7\n2"),
        ("LOWER_ROW", "3\n5 4\n9 7 2"),
        ("UPPER_DIAG_ROW", "0 3 5 9\n0 4 7\n0 2\n0"),
        ("LOWER_DIAG_ROW", "0\n3 0\n5 4 0\n9 7 2 0"),
    ];
    for (format, body) in forms {
        let text = format!(
            "NAME: t\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: {format}\nEDGE_WEIGHT_SECTION\n{body}\nEOF\n"
        );
        let inst = parse_tsplib("t", &text).unwrap();
        for (i, row) in full.iter().enumerate() {
            for (j, &want) in row.iter().enumerate() {
                assert_eq!(inst.w(i, j), want, "{format} {i} {j}");
            }
        }
    }
    let ceil =
        "NAME: c\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: CEIL_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n";
    assert_eq!(parse_tsplib("c", ceil).unwrap().w(0, 1), 2);
    assert!(
        parse_tsplib(
            "x",
            "DIMENSION: 2\nEDGE_WEIGHT_TYPE: XRAY\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n"
        )
        .is_err()
    );
}
