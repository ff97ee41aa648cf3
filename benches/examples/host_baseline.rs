//! The Rust baseline of `benches/hosts/run.sh`: the same two loops every host runs.
//!
//! A trivial call (`last_seq`), and `apply`: building the fixture distributor
//! (`fixtures/small_distributor.jsonl`, 23 commands) in a fresh engine, repeatedly.
//!
//! Prints one JSON line: nanoseconds per trivial call and per applied command.
#![expect(clippy::expect_used, reason = "benchmark set-up")]

use std::hint::black_box;
use std::time::Instant;

use fmcg_core::{Engine, Envelope};

fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/small_distributor.jsonl"
    ))
    .expect("fixture");
    let envelopes: Vec<Envelope> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture decodes"))
        .collect();
    let engine = Engine::new();
    let calls = 2_000_000u32;
    let t = Instant::now();
    for _ in 0..calls {
        black_box(black_box(&engine).last_seq());
    }
    let trivial = t.elapsed().as_nanos() as f64 / f64::from(calls);
    let rounds = 400u32;
    let t = Instant::now();
    for _ in 0..rounds {
        let mut e = Engine::new();
        for env in &envelopes {
            black_box(e.apply(env.clone()).expect("fixture applies"));
        }
    }
    let apply = t.elapsed().as_nanos() as f64 / f64::from(rounds) / envelopes.len() as f64;
    println!("{{\"host\": \"rust\", \"trivial_ns\": {trivial:.1}, \"apply_ns\": {apply:.1}}}");
}
