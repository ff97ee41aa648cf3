//! `fmcg`: the engine on the command line. JSON lines in, JSON lines out, over an embedded
//! journal; plus a demo distributor.

mod demo;
mod demo_field;
mod routing;

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fmcg_core::{FsyncPolicy, JournaledEngine};

/// The fmcg engine: purchase, sales, inventory and field force for FMCG distributors.
#[derive(Debug, Parser)]
#[command(name = "fmcg", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Apply JSON-lines command envelopes from stdin to a journal; print one JSON outcome
    /// (or `{"error": ...}`) per line. Exits 1 if any command was refused.
    Apply {
        /// The journal file (created if missing).
        #[arg(long)]
        journal: PathBuf,
        /// Sync to disk after every command instead of once at the end.
        #[arg(long)]
        sync_each: bool,
    },
    /// Answer a query (JSON) as an actor against a journal.
    Query {
        /// The journal file.
        #[arg(long)]
        journal: PathBuf,
        /// The staff id to ask as.
        #[arg(long)]
        actor: String,
        /// The query, e.g. '{"type": "stock", "location": "W1"}'.
        query: String,
    },
    /// Print the JSON Schema of the contract.
    Schema,
    /// Build (or continue) a demo distributor in DIR and simulate a trading day.
    Demo {
        /// Output directory; its journal is continued when it exists.
        #[arg(long)]
        out: PathBuf,
        /// Seed of the generated data.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Plan a visit route (TSP from the base and back) or, with --vehicles, delivery trips
    /// (VRP) over outlets from a CSV or JSON file (columns: id, lat, lon, and optionally
    /// service_s, demand, open_s, close_s). Prints the plan as JSON.
    Route {
        #[command(flatten)]
        common: RoutingArgs,
        /// Number of vehicles (delivery trips); without it, one rep's visit route.
        #[arg(long)]
        vehicles: Option<usize>,
        /// Capacity of each vehicle, in the demand column's unit.
        #[arg(long, default_value_t = u32::MAX)]
        capacity: u32,
        /// End at the last outlet instead of returning to the base.
        #[arg(long)]
        open: bool,
    },
    /// Plan a 4-week beat over outlets from a CSV or JSON file (columns: id, lat, lon,
    /// visits per cycle 1/2/4/8, service_s). Prints one line per day.
    PlanBeats {
        #[command(flatten)]
        common: RoutingArgs,
        /// Working days per week.
        #[arg(long, default_value_t = 5)]
        days_per_week: u8,
        /// Write the plan (outlet ids per day) as JSON here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Input and budget of the routing commands.
#[derive(Debug, clap::Args)]
struct RoutingArgs {
    /// Outlets file (.csv or .json).
    #[arg(long)]
    outlets: PathBuf,
    /// Latitude of the base (home or depot).
    #[arg(long, allow_hyphen_values = true)]
    lat: f64,
    /// Longitude of the base.
    #[arg(long, allow_hyphen_values = true)]
    lon: f64,
    /// Travel speed for times, km/h.
    #[arg(long, default_value_t = 30.0)]
    speed_kmh: f64,
    /// Time limit in milliseconds.
    #[arg(long)]
    time_ms: Option<u64>,
    /// Iteration budget (deterministic with --seed).
    #[arg(long)]
    iterations: Option<u64>,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the routes as GeoJSON here.
    #[arg(long)]
    geojson: Option<PathBuf>,
}

impl RoutingArgs {
    fn common(self) -> routing::Common {
        routing::Common {
            outlets: self.outlets,
            lat: self.lat,
            lon: self.lon,
            speed_kmh: self.speed_kmh,
            budget: fmcg_core::routing::Budget {
                iterations: self.iterations,
                time_limit_ms: self.time_ms,
                seed: self.seed,
            },
            geojson: self.geojson,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fmcg: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cli.command {
        Cmd::Apply { journal, sync_each } => {
            let policy = if sync_each {
                FsyncPolicy::Always
            } else {
                FsyncPolicy::Never
            };
            let (mut engine, recovery) = JournaledEngine::open(&journal, policy)?;
            if recovery.truncated_bytes > 0 {
                eprintln!(
                    "fmcg: recovered journal, cut {} torn bytes",
                    recovery.truncated_bytes
                );
            }
            let stdin = std::io::stdin();
            let mut out = BufWriter::new(std::io::stdout().lock());
            let mut refused = false;
            for line in stdin.lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                match engine.apply_json(&line) {
                    Ok(outcome) => serde_json::to_writer(&mut out, &outcome)?,
                    Err(e) => {
                        refused = true;
                        serde_json::to_writer(
                            &mut out,
                            &serde_json::json!({"error": e.to_json()}),
                        )?;
                    }
                }
                out.write_all(b"\n")?;
            }
            out.flush()?;
            engine.sync()?;
            Ok(if refused {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Query {
            journal,
            actor,
            query,
        } => {
            if !journal.exists() {
                return Err(format!("no journal at {}", journal.display()).into());
            }
            let (engine, _) = JournaledEngine::open(&journal, FsyncPolicy::Never)?;
            match engine.engine().query_json(&actor, &query) {
                Ok(result) => {
                    println!("{}", serde_json::to_string_pretty(&result)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("{}", serde_json::json!({"error": e.to_json()}));
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Schema => {
            println!("{}", serde_json::to_string_pretty(&fmcg_core::schema())?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Demo { out, seed } => {
            demo::run(&out, seed)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Route {
            common,
            vehicles,
            capacity,
            open,
        } => {
            routing::route(&common.common(), vehicles, capacity, open)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::PlanBeats {
            common,
            days_per_week,
            out,
        } => {
            routing::plan(&common.common(), days_per_week, out.as_ref())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
