//! `fmcg`: the engine on the command line. JSON lines in, JSON lines out, over an embedded
//! journal; plus a demo distributor.

mod demo;

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
    }
}
