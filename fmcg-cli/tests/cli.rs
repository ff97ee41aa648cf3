//! The `fmcg` binary end to end: apply, query, schema and the resumable demo.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn fmcg(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fmcg"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fmcg starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

const ADMIN: &str = r#"{"command_id":"c1","actor":"boss","device_id":"t","recorded_at":"2026-03-02T08:00:00Z","command":{"type":"create_staff","staff":{"id":"boss","employee_no":"E1","name":"Mei","roles":["admin"]}}}"#;

#[test]
fn apply_prints_one_outcome_per_line_and_persists_them() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j");
    let j = journal.to_str().unwrap();
    let out = fmcg(&["apply", "--journal", j], &format!("{ADMIN}\n\n{ADMIN}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    assert_eq!(got.len(), 2, "blank lines are skipped");
    assert_eq!(got[0]["status"], "accepted");
    assert_eq!(
        got[0], got[1],
        "a repeated command id returns the original outcome"
    );

    // A second process sees the journal: the admin exists, and queries run as them.
    let out = fmcg(
        &[
            "query",
            "--journal",
            j,
            "--actor",
            "boss",
            r#"{"type":"staff"}"#,
        ],
        "",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "staff");
    assert_eq!(v["rows"][0]["id"], "boss");
}

#[test]
fn apply_reports_bad_lines_as_typed_errors_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j");
    let bad = r#"{"command_id":"c2","actor":"boss","device_id":"t","recorded_at":"2026-03-02T08:00:00Z","command":{"type":"approve_order","order_id":"SO-404"}}"#;
    let out = fmcg(
        &["apply", "--journal", j.to_str().unwrap()],
        &format!("{ADMIN}\nnot json\n{bad}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out);
    assert_eq!(got.len(), 3, "every line gets an answer, good or bad");
    assert_eq!(got[1]["error"]["kind"], "invalid_input");
    assert_eq!(got[2]["error"]["kind"], "not_found");
}

#[test]
fn schema_is_a_json_schema_document() {
    let out = fmcg(&["schema"], "");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.is_object());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["submit_order", "order_submitted", "Envelope"] {
        assert!(text.contains(name), "schema mentions {name}");
    }
}

fn demo(dir: &Path) -> String {
    let out = fmcg(&["demo", "--out", dir.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_demo_runs_a_day_per_run_and_continues_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo(dir.path());
    assert!(first.contains("day 1 (2026-03-02)"), "{first}");
    assert!(
        first.contains("insufficient_stock"),
        "some orders meet a stock-out: {first}"
    );
    assert!(
        first.contains("rejected"),
        "a supervisor rejects a held order: {first}"
    );
    assert!(first.contains("receivables as of"), "{first}");
    let size = std::fs::metadata(dir.path().join("journal")).unwrap().len();

    let second = demo(dir.path());
    assert!(second.contains("continuing the journal"), "{second}");
    assert!(second.contains("day 2 (2026-03-03)"), "{second}");
    assert!(std::fs::metadata(dir.path().join("journal")).unwrap().len() > size);

    // The journal the demo wrote answers queries.
    let j = dir.path().join("journal");
    let out = fmcg(
        &[
            "query",
            "--journal",
            j.to_str().unwrap(),
            "--actor",
            "ADMIN",
            r#"{"type":"orders"}"#,
        ],
        "",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["rows"].as_array().unwrap().len() > 20);
}

#[test]
fn the_demo_is_deterministic_for_a_seed() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    demo(a.path());
    demo(b.path());
    let ja = std::fs::read(a.path().join("journal")).unwrap();
    let jb = std::fs::read(b.path().join("journal")).unwrap();
    assert_eq!(ja, jb, "same seed, same journal, byte for byte");
}

#[test]
fn the_readme_tour_works_on_the_fixtures() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("my.journal");
    let j = j.to_str().unwrap();
    for fixture in ["small_distributor.jsonl", "scenario_order_cancel.jsonl"] {
        let input = std::fs::read_to_string(format!("{root}/fixtures/{fixture}")).unwrap();
        let out = fmcg(&["apply", "--journal", j], &input);
        assert!(
            out.status.success(),
            "{fixture}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            lines(&out).len(),
            input.lines().filter(|l| !l.trim().is_empty()).count()
        );
    }
    let out = fmcg(
        &[
            "query",
            "--journal",
            j,
            "--actor",
            "REP-1",
            r#"{"type": "orders"}"#,
        ],
        "",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"][0]["id"], "SO-1");
    assert_eq!(v["rows"][0]["status"], "cancelled");
}
