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
    // The field day: visits, a trip with exceptions, cash settlement, alerts.
    assert!(first.contains("field work on 2026-03-02"), "{first}");
    assert!(first.contains("trip TRIP-D0: 12 stops"), "{first}");
    assert!(
        first.contains("cash DRV-1:") && first.contains("variance -5.00"),
        "{first}"
    );
    assert!(first.contains("check_in_outside_geofence"), "{first}");
    assert!(first.contains("cash_variance"), "{first}");
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

const OUTLETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/outlets.csv");

#[test]
fn route_plans_a_day_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let geo = dir.path().join("day.geojson");
    let args = [
        "route",
        "--outlets",
        OUTLETS,
        "--lat",
        "31.23",
        "--lon",
        "121.47",
        "--iterations",
        "100",
    ];
    let out = fmcg(
        &[&args[..], &["--geojson", geo.to_str().unwrap()]].concat(),
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stops = v["stops"].as_array().unwrap();
    assert_eq!(stops.len(), 42); // base, 40 outlets, base
    assert_eq!(
        (stops[0]["id"].as_str(), stops[41]["id"].as_str()),
        (Some("base"), Some("base"))
    );
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    assert_eq!(fc["features"][0]["geometry"]["type"], "LineString");
    // Delivery trips: every outlet on a truck or reported, within the capacity.
    let out = fmcg(
        &[&args[..], &["--vehicles", "4", "--capacity", "150"]].concat(),
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let served: usize = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stops"].as_array().unwrap().len() - 2)
        .sum();
    assert_eq!(served + v["unserved"].as_array().unwrap().len(), 40);
    assert!(
        v["routes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["load"][0].as_u64().unwrap() <= 150)
    );
}

#[test]
fn plan_beats_prints_the_cycle_and_refuses_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let out = fmcg(
        &[
            "plan-beats",
            "--outlets",
            OUTLETS,
            "--lat",
            "31.23",
            "--lon",
            "121.47",
            "--iterations",
            "50",
            "--out",
            plan.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("spread (heaviest / lightest day)"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(v["days"].as_array().unwrap().len(), 20);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,lat,lon\nX,95,121\n").unwrap();
    let out = fmcg(
        &[
            "plan-beats",
            "--outlets",
            bad.to_str().unwrap(),
            "--lat",
            "31",
            "--lon",
            "121",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude"));
}
