//! `routing-bench`: runs the routing solvers on public instance files and prints one JSON
//! line per run, with the cost recomputed here from the solution (never trusted).
//!
//! ```text
//! routing-bench tsp FILE [--time-ms T] [--iterations K] [--seed S]
//! routing-bench cvrp FILE [--time-ms T] [--iterations K] [--seed S]
//! routing-bench vrptw FILE [--time-ms T] [--iterations K] [--seed S]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use fmcg_benches::instances::{self, ParseError};
use fmcg_core::routing::{
    Budget, Matrix, SystemClock, TimeWindow, TspProblem, Vehicle, VrpProblem, VrpStop, solve_tsp,
    solve_vrp,
};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "routing-bench",
    about = "Run fmcg's routing solvers on TSPLIB / CVRPLIB / Solomon files"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args)]
struct Run {
    /// Instance file.
    file: PathBuf,
    /// Wall-clock limit for the whole run (reading the file included), in milliseconds.
    #[arg(long)]
    time_ms: Option<u64>,
    /// Iteration budget (deterministic with --seed).
    #[arg(long)]
    iterations: Option<u64>,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Subcommand)]
enum Cmd {
    /// A TSPLIB `.tsp` file.
    Tsp(Run),
    /// A CVRPLIB `.vrp` file.
    Cvrp(Run),
    /// A Solomon `.txt` file.
    Vrptw(Run),
    /// Print the integer weights (and CVRP data) of a TSPLIB / CVRPLIB file as JSON, so
    /// other solvers can be fed and re-scored with exactly the same numbers.
    Weights {
        /// Instance file.
        file: PathBuf,
    },
}

fn budget(run: &Run, started: Instant) -> Budget {
    let used = started.elapsed().as_millis() as u64;
    Budget {
        iterations: run.iterations,
        time_limit_ms: run.time_ms.map(|t| t.saturating_sub(used).max(1)),
        seed: run.seed,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.cmd) {
        Ok(line) => {
            match line {
                // Pre-rendered objects keep their key order.
                serde_json::Value::String(s) => println!("{s}"),
                other => println!("{other}"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("routing-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Solves a VRP that must serve every stop; the routes as the stops' points (depot
/// excluded).
fn served_points(
    p: &VrpProblem,
    clock: &SystemClock,
) -> Result<Vec<Vec<usize>>, Box<dyn std::error::Error>> {
    let sol = solve_vrp(p, clock)?;
    if !sol.unserved.is_empty() {
        return Err(Box::new(ParseError(format!(
            "{} customers unserved",
            sol.unserved.len()
        ))));
    }
    Ok(sol
        .routes
        .iter()
        .map(|rt| {
            rt.stops
                .iter()
                .filter_map(|s| s.stop.map(|k| p.stops[k].point))
                .collect()
        })
        .collect())
}

/// A JSON object with its keys in the contract's order (as a raw JSON value).
fn ordered(fields: &[(&str, serde_json::Value)]) -> serde_json::Value {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(*k)))
        .collect();
    serde_json::Value::String(format!("{{{}}}", body.join(",")))
}

fn read(path: &PathBuf) -> Result<String, Box<dyn std::error::Error>> {
    Ok(
        std::fs::read_to_string(path)
            .map_err(|e| ParseError(format!("{}: {e}", path.display())))?,
    )
}

/// The fleet the CVRP runs get: the `k` in the name for sets A and P, and for set X a
/// free fleet (`ceil(sum d / Q) + max(3, 25 %)`, a cap that never binds).
fn cvrp_fleet(name: &str, inst: &instances::Instance) -> usize {
    let total: u64 = inst.demand.iter().map(|&d| u64::from(d)).sum();
    let kmin = total.div_ceil(u64::from(inst.capacity.max(1))) as usize;
    let named_k = name
        .rsplit('-')
        .next()
        .and_then(|k| k.strip_prefix('k'))
        .and_then(|k| k.parse::<usize>().ok());
    if name.starts_with("X-") {
        kmin + 3.max(kmin.div_ceil(4))
    } else {
        named_k.unwrap_or(kmin).max(kmin)
    }
}

fn run(cmd: &Cmd) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let clock = SystemClock::new();
    match cmd {
        Cmd::Weights { file } => {
            let name = instances::instance_name(file);
            let inst = instances::parse_tsplib(&name, &read(file)?)?;
            let rows: Vec<&[u32]> = inst.weights.chunks(inst.n.max(1)).collect();
            Ok(
                json!({"instance": name, "n": inst.n, "weights": rows, "capacity": inst.capacity,
                      "demand": inst.demand, "fleet": cvrp_fleet(&name, &inst)}),
            )
        }
        Cmd::Tsp(r) => {
            let name = instances::instance_name(&r.file);
            let inst = instances::parse_tsplib(&name, &read(&r.file)?)?;
            let m = Matrix::from_fn(inst.n, |i, j| {
                let w = inst.weights[i * inst.n + j];
                (w, w)
            })?;
            let mut p = TspProblem::closed(m);
            p.budget = budget(r, started);
            let route = solve_tsp(&p, &clock)?;
            let mut tour = route.points();
            tour.pop(); // the closing return to the start
            let length = inst.tour_length(&tour)?;
            Ok(ordered(&[
                ("instance", json!(name)),
                ("n", json!(inst.n)),
                ("length", json!(length)),
                ("tour", json!(tour)),
                ("ms", json!(started.elapsed().as_millis() as u64)),
            ]))
        }
        Cmd::Cvrp(r) => {
            let name = instances::instance_name(&r.file);
            let inst = instances::parse_tsplib(&name, &read(&r.file)?)?;
            let fleet = cvrp_fleet(&name, &inst);
            let m = Matrix::from_fn(inst.n, |i, j| {
                let w = inst.weights[i * inst.n + j];
                (w, w)
            })?;
            let stops = (1..inst.n)
                .map(|i| VrpStop {
                    point: i,
                    demand: vec![inst.demand[i]],
                    service_s: 0,
                    window: None,
                })
                .collect();
            let p = VrpProblem {
                matrix: m,
                stops,
                vehicles: vec![Vehicle::at_depot(0, vec![inst.capacity]); fleet],
                objective: Default::default(),
                budget: budget(r, started),
            };
            // Customer k is node k + 1.
            let routes: Vec<Vec<usize>> = served_points(&p, &clock)?
                .into_iter()
                .map(|r| r.into_iter().map(|node| node - 1).collect())
                .collect();
            let cost = inst.cvrp_cost(&routes)?;
            Ok(ordered(&[
                ("instance", json!(name)),
                ("n", json!(inst.n)),
                ("cost", json!(cost)),
                ("routes", json!(routes)),
                ("ms", json!(started.elapsed().as_millis() as u64)),
            ]))
        }
        Cmd::Vrptw(r) => {
            let name = instances::instance_name(&r.file);
            let inst = instances::parse_solomon(&name, &read(&r.file)?)?;
            let n = inst.n();
            let m = Matrix::from_fn(n, |i, j| (inst.d(i, j), inst.d(i, j)))?;
            let stops = (1..n)
                .map(|i| VrpStop {
                    point: i,
                    demand: vec![inst.demand[i]],
                    service_s: inst.service[i],
                    window: Some(TimeWindow {
                        open_s: inst.ready[i],
                        close_s: inst.due[i],
                    }),
                })
                .collect();
            let mut v = Vehicle::at_depot(0, vec![inst.capacity]);
            v.shift_end_s = inst.due[0];
            let p = VrpProblem {
                matrix: m,
                stops,
                vehicles: vec![v; inst.vehicles],
                objective: Default::default(),
                budget: budget(r, started),
            };
            let routes = served_points(&p, &clock)?;
            let d10 = inst.score(&routes)?;
            Ok(ordered(&[
                ("instance", json!(name)),
                ("n", json!(n)),
                ("vehicles", json!(routes.len())),
                ("distance", json!(d10 as f64 / 10.0)),
                ("routes", json!(routes)),
                ("ms", json!(started.elapsed().as_millis() as u64)),
            ]))
        }
    }
}
