//! Field operations: the scripted day, permissions and bad input.

use chrono::Duration;
use fmcg_core::alerts::AlertKind;
use fmcg_core::delivery::TripStatus;
use fmcg_core::engine::field_query::FieldStatus;
use fmcg_core::engine::query::QueryResult;
use fmcg_core::field::{Decision, FeedbackStatus};
use fmcg_core::{ErrorKind, Money, OrderStatus};
use serde_json::json;

use crate::field_day::{
    DATE, DriverDay, HOME, RepDay, alerts, driver_day, fid, grid, kinds, local, rep_day, setup,
};
use crate::support::{World, check_invariants};

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn scripted() -> (World, RepDay) {
    let rep = RepDay {
        skip: Some(13),
        outside: vec![5, 17],
        orders: vec![1, 2, 4, 8, 10, 11, 15, 19, 22, 25],
        ..RepDay::clean(25)
    };
    let mut w = setup(&rep);
    rep_day(&mut w, &rep);
    let drv = DriverDay {
        // F-01 in full; F-02 refused; F-04 half the cola; F-06 22 water and 2 damaged.
        lines: [
            [(24, 0), (24, 0)],
            [(0, 0), (0, 0)],
            [(12, 0), (0, 0)],
            [(22, 2), (0, 0)],
        ],
        short_at_load_in: 0,
        handed: Some("97.52"),
    };
    driver_day(&mut w, &drv);
    (w, rep)
}

#[test]
fn a_scripted_day_of_a_rep_and_a_driver_reconciles_and_raises_exactly_the_expected_alerts() {
    let cola_before = World::standard().level("W1", "COLA-330", "L-C2");
    let water_before = World::standard().level("W1", "WATER-550", "L-W1");
    let (w, _) = scripted();
    check_invariants(&w.engine);
    let replayed = fmcg_core::Engine::replay(w.engine.commits().to_vec()).unwrap();
    assert_eq!(
        crate::support::state_json(&replayed),
        crate::support::state_json(&w.engine),
        "replay rebuilds the day"
    );
    let s = w.engine.state();

    // The rep: 25 planned, one skipped by an approved change, 24 visited, two outside the
    // geofence.
    let day = s
        .field
        .day(&"REP-1".parse().unwrap(), DATE.parse().unwrap())
        .unwrap();
    assert_eq!(day.stops.len(), 24);
    assert!(!day.plans(&"F-13".parse().unwrap()));
    assert_eq!(s.field.route_changes["RC-1"].status, Decision::Approved);
    assert_eq!(
        s.field.route_changes["RC-1"]
            .decided_by
            .as_ref()
            .unwrap()
            .as_str(),
        "SUP-1"
    );
    let visits: Vec<_> = s
        .field
        .visits
        .values()
        .filter(|v| v.rep.as_str() == "REP-1")
        .collect();
    assert_eq!(visits.len(), 24);
    let unverified: Vec<&str> = visits
        .iter()
        .filter(|v| !v.check_in.verified)
        .map(|v| v.outlet.as_str())
        .collect();
    assert_eq!(unverified, ["F-05", "F-17"]);
    assert!(visits.iter().all(|v| v.check_out.is_some() && v.planned));
    assert!(
        visits
            .iter()
            .filter(|v| v.check_in.verified)
            .all(|v| v.check_in.distance_m < 20)
    );
    let v = &s.field.visits["VIS-02"];
    assert_eq!(v.orders.len(), 1, "the order is linked to its visit");
    assert_eq!(v.stock_counts.len(), 2);
    let checks: Vec<_> = visits.iter().flat_map(|v| &v.display_checks).collect();
    assert!(!checks.is_empty());
    for c in &checks {
        let expect = rust_decimal::Decimal::from(c.passed) / rust_decimal::Decimal::from(3);
        assert_eq!(c.score.value(), expect.round_dp(4));
    }
    assert_eq!(s.field.feedback["FB-1"].status, FeedbackStatus::Open);
    // Collection: 100.00 + 30.25 cash, 40.00 QR.
    let r = &s.receivables;
    assert_eq!(r.invoices["INV-P3"].balance(), Money::ZERO);
    assert_eq!(r.invoices["INV-P7"].balance(), m("20.25"));
    assert_eq!(r.invoices["INV-P9"].balance(), Money::ZERO);
    let rep_set = &s.field.settlements["SET-REP-1"];
    assert_eq!(
        (rep_set.expected, rep_set.handed, rep_set.variance),
        (m("130.25"), m("130.25"), Money::ZERO)
    );

    // The driver: full, refused, partial, damaged; stops ordered by the route solver (no
    // longer than the order the orders came in).
    let trip = &s.field.trips["TR-1"];
    let tour = |outlets: &[usize]| {
        let mut pts = vec![crate::field_day::DEPOT];
        pts.extend(outlets.iter().map(|k| grid(*k)));
        pts.push(crate::field_day::DEPOT);
        pts.windows(2)
            .map(|p| {
                fmcg_core::LatLon::new(p[0].0, p[0].1)
                    .unwrap()
                    .haversine_m(fmcg_core::LatLon::new(p[1].0, p[1].1).unwrap())
            })
            .sum::<f64>()
    };
    let solved: Vec<usize> = trip
        .stops
        .iter()
        .map(|s| s.outlet.as_str()[2..].parse().unwrap())
        .collect();
    assert!(tour(&solved) <= tour(&[1, 2, 4, 6]) + 1.0, "{solved:?}");
    assert_eq!(trip.status, TripStatus::Closed);
    assert_eq!(w.order("D1").status, OrderStatus::Delivered);
    assert_eq!(w.order("D2").status, OrderStatus::Refused);
    assert_eq!(w.order("D3").status, OrderStatus::PartiallyDelivered);
    assert_eq!(w.order("D4").status, OrderStatus::PartiallyDelivered);
    // Invoices by hand: cola 24 × 2.00 + 13 % = 54.24, water 24 × 1.00 + 9 % = 26.16.
    assert_eq!(r.invoices["INV-D1"].amount, m("80.40"));
    assert!(!r.invoices.contains_key("INV-D2"));
    assert_eq!(r.invoices["INV-D3"].amount, m("27.12"));
    assert_eq!(r.invoices["INV-D4"].amount, m("23.98"));
    for id in ["INV-D1", "INV-D3", "INV-D4"] {
        assert_eq!(
            r.invoices[id].balance(),
            Money::ZERO,
            "{id} paid on delivery"
        );
    }
    let drv_set = &s.field.settlements["SET-DRV-1"];
    assert_eq!(
        (drv_set.expected, drv_set.handed, drv_set.variance),
        (m("107.52"), m("97.52"), m("-10.00"))
    );
    // Load-in reconciles per lot, without variance.
    let recon: Vec<_> = trip
        .reconciliation
        .iter()
        .map(|l| {
            (
                l.sku.as_str(),
                l.loaded,
                l.delivered,
                l.returned,
                l.damaged,
                l.variance,
            )
        })
        .collect();
    assert_eq!(
        recon,
        [
            ("COLA-330", 72, 36, 36, 0, 0),
            ("WATER-550", 48, 46, 0, 2, 0)
        ]
    );
    // Stock to the unit: the van is empty; the warehouse lost exactly what was delivered
    // or damaged, and what the rep's ten visit orders reserve.
    assert_eq!(w.total("V1", "COLA-330").on_hand, 0);
    assert_eq!(w.total("V1", "WATER-550").on_hand, 0);
    let cola = w.level("W1", "COLA-330", "L-C2");
    assert_eq!(cola.on_hand, cola_before.on_hand - 36);
    assert_eq!(
        w.total("W1", "COLA-330").reserved,
        10 * 48,
        "the visit orders hold their stock"
    );
    let water = w.level("W1", "WATER-550", "L-W1");
    assert_eq!(water.on_hand, water_before.on_hand - 46 - 2);

    // Exactly the expected alerts.
    let a = alerts(&w);
    assert_eq!(
        kinds(&a),
        [
            ("DRV-1".into(), AlertKind::CashVariance),
            ("REP-1".into(), AlertKind::CheckInOutsideGeofence),
            ("REP-1".into(), AlertKind::CheckInOutsideGeofence),
        ],
        "{a:#?}"
    );
    let geo = a
        .iter()
        .find(|x| x.kind == AlertKind::CheckInOutsideGeofence)
        .unwrap();
    assert!(geo.evidence.distance_m.unwrap() > 250, "{geo:?}");
    let cash = a
        .iter()
        .find(|x| x.kind == AlertKind::CashVariance)
        .unwrap();
    assert_eq!(cash.evidence.amount, Some(m("-10.00")));
}

/// The scripted day as the hosts replay it: its envelopes after the shared world, and the
/// alerts they must give (rewritten with `FMCG_WRITE_FIXTURES=1`).
#[test]
fn the_shared_field_day_fixture_is_current() {
    let (w, _) = scripted();
    let skip = crate::support::WORLD
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let mut jsonl = String::new();
    for c in &w.engine.commits()[skip..] {
        jsonl.push_str(&serde_json::to_string(&c.envelope).unwrap());
        jsonl.push('\n');
    }
    let QueryResult::Alerts { rows } = w
        .query(
            "SUP-1",
            json!({"type": "alerts", "date": DATE, "at": "2026-03-03T16:30:00Z"}),
        )
        .unwrap()
    else {
        panic!()
    };
    let expected = serde_json::to_string_pretty(&rows).unwrap() + "\n";
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/");
    let files = [
        ("field_day.jsonl", jsonl),
        ("expected/field_day.alerts.json", expected),
    ];
    for (name, text) in files {
        let path = format!("{root}{name}");
        if std::env::var_os("FMCG_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{name} is stale: run with FMCG_WRITE_FIXTURES=1"
        );
    }
}

#[test]
fn the_board_tracks_and_geojson_show_the_day() {
    let rep = RepDay::clean(6);
    let mut w = setup(&rep);
    rep_day(&mut w, &rep);
    // Mid-visit board: the rep checked in at F-01.
    let QueryResult::Board { rows } = w
        .query(
            "SUP-1",
            json!({"type": "board", "at": "2026-03-03T09:25:00Z"}),
        )
        .unwrap()
    else {
        panic!()
    };
    let r = rows.iter().find(|r| r.staff.as_str() == "REP-1").unwrap();
    assert_eq!((r.planned, r.visited), (6, 6));
    assert_eq!(r.status, FieldStatus::Idle, "at home after the day: {r:?}");
    let drv = rows.iter().find(|r| r.staff.as_str() == "DRV-1").unwrap();
    assert_eq!(
        (drv.status, drv.assigned, drv.delivered),
        (FieldStatus::Offline, 4, 0)
    );
    let later = w
        .query(
            "SUP-1",
            json!({"type": "board", "at": "2026-03-03T12:00:00Z"}),
        )
        .unwrap();
    let QueryResult::Board { rows } = later else {
        panic!()
    };
    assert_eq!(
        rows.iter()
            .find(|r| r.staff.as_str() == "REP-1")
            .unwrap()
            .status,
        FieldStatus::Offline
    );

    let QueryResult::Track { track } = w
        .query(
            "REP-1",
            json!({"type": "track", "staff": "REP-1", "date": DATE}),
        )
        .unwrap()
    else {
        panic!()
    };
    // Six 15-minute visits plus the stay at home are stays; the distance is the grid walk.
    assert_eq!(track.stays.len(), 7, "{:?}", track.stays);
    let walk: f64 = std::iter::once(HOME)
        .chain((1..=6).map(grid))
        .chain(std::iter::once(HOME))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|p| {
            fmcg_core::LatLon::new(p[0].0, p[0].1)
                .unwrap()
                .haversine_m(fmcg_core::LatLon::new(p[1].0, p[1].1).unwrap())
        })
        .sum();
    let d = track.distance_m as f64;
    assert!(d > walk && d < walk * 1.25, "{d} vs {walk}");
    assert!(
        track.polyline.len() < track.fixes as usize / 5,
        "{} of {}",
        track.polyline.len(),
        track.fixes
    );

    assert_eq!(track.polyline.len(), track.polyline_t_ms.len());
    assert!(
        track.polyline_t_ms.windows(2).all(|p| p[0] < p[1]),
        "playback times increase"
    );
    let QueryResult::FieldGeojson { geojson } = w
        .query(
            "SUP-1",
            json!({"type": "field_geojson", "staff": "REP-1", "date": DATE}),
        )
        .unwrap()
    else {
        panic!()
    };
    let kinds: Vec<&str> = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    for k in ["track", "stay", "planned_route", "actual_route", "check_in"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "check_in").count(), 6);
}

#[test]
fn board_statuses_follow_the_day() {
    let rep = RepDay::clean(6);
    let mut w = setup(&rep);
    rep_day(&mut w, &rep);
    let drv = DriverDay::full();
    driver_day(&mut w, &drv);
    let status = |w: &World, who: &str, at: &str| {
        let QueryResult::Board { rows } = w
            .query("admin", json!({"type": "board", "at": at}))
            .unwrap()
        else {
            panic!()
        };
        rows.into_iter().find(|r| r.staff.as_str() == who).unwrap()
    };
    // 08:33 local: walking from home to F-01.
    assert_eq!(
        status(&w, "REP-1", "2026-03-03T00:33:00Z").status,
        FieldStatus::Travelling
    );
    let done = status(&w, "DRV-1", "2026-03-03T06:00:00Z");
    assert_eq!((done.assigned, done.delivered), (4, 4));
}

#[test]
fn permissions_of_field_actions() {
    let rep = RepDay::clean(6);
    let mut w = setup(&rep);
    let at = local(9, 0);
    let deny = |e: fmcg_core::Error| assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
    w.ok_as(
        "REP-1",
        at,
        Some((HOME.0, HOME.1, 10.0)),
        json!({"type": "start_day"}),
    );
    w.ok_as(
        "REP-1",
        at,
        None,
        json!({"type": "request_route_change", "request_id": "RC-9", "date": DATE,
        "change": {"type": "skip", "outlet": "F-02"}, "reason": "closed"}),
    );
    // A driver cannot approve a route change, nor can the rep who asked or another rep;
    // their supervisor can.
    deny(w.err_as(
        "DRV-1",
        at,
        None,
        json!({"type": "decide_route_change", "request_id": "RC-9", "approve": true}),
    ));
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "decide_route_change", "request_id": "RC-9", "approve": true}),
    ));
    deny(w.err_as(
        "REP-2",
        at,
        None,
        json!({"type": "decide_route_change", "request_id": "RC-9", "approve": false}),
    ));
    w.ok_as(
        "SUP-1",
        at,
        None,
        json!({"type": "decide_route_change", "request_id": "RC-9", "approve": true}),
    );
    // A rep cannot see another rep's track; their supervisor can.
    deny(
        w.query(
            "REP-2",
            json!({"type": "track", "staff": "REP-1", "date": DATE}),
        )
        .unwrap_err(),
    );
    assert!(
        w.query(
            "SUP-1",
            json!({"type": "track", "staff": "REP-1", "date": DATE})
        )
        .is_ok()
    );
    assert!(
        w.query(
            "REP-1",
            json!({"type": "track", "staff": "REP-1", "date": DATE})
        )
        .is_ok()
    );
    // A rep's board and alerts list only themselves.
    let QueryResult::Board { rows } = w
        .query(
            "REP-2",
            json!({"type": "board", "at": "2026-03-03T02:00:00Z"}),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        rows.iter().map(|r| r.staff.as_str()).collect::<Vec<_>>(),
        ["REP-2"]
    );
    // Nobody uploads another person's fixes; a rep cannot check in at another rep's outlet.
    let fixes =
        json!({"t_ms": [1_772_500_000_000i64], "lat": [31.2], "lon": [121.4], "accuracy_m": [5.0]});
    deny(w.err_as(
        "REP-2",
        at,
        None,
        json!({"type": "ingest_fixes", "staff": "REP-1", "fixes": fixes}),
    ));
    deny(w.err_as(
        "REP-2",
        at,
        Some((31.205, 121.445, 5.0)),
        json!({"type": "check_in", "visit_id": "X", "outlet": "F-01"}),
    ));
    // Drivers deliver only their own trips; reps and drivers do not load vans or plan trips.
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "load_trip", "trip_id": "TR-1"}),
    ));
    deny(w.err_as(
        "DRV-1",
        at,
        None,
        json!({"type": "load_trip", "trip_id": "TR-1"}),
    ));
    w.ok_as(
        "WH-1",
        at,
        None,
        json!({"type": "load_trip", "trip_id": "TR-1"}),
    );
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "depart_trip", "trip_id": "TR-1"}),
    ));
    deny(w.err_as(
        "WH-1",
        at,
        None,
        json!({"type": "depart_trip", "trip_id": "TR-1"}),
    ));
    w.ok_as(
        "DRV-1",
        at,
        None,
        json!({"type": "depart_trip", "trip_id": "TR-1"}),
    );
    // Nobody settles their own cash or approves their own expense; reps do not settle.
    deny(w.err_as("SUP-1", at, None, json!({"type": "settle_cash", "settlement_id": "S1", "staff": "SUP-1", "date": DATE, "handed": "0.00"})));
    deny(w.err_as("REP-2", at, None, json!({"type": "settle_cash", "settlement_id": "S1", "staff": "REP-1", "date": DATE, "handed": "0.00"})));
    w.ok_as(
        "SUP-1",
        at,
        None,
        json!({"type": "submit", "submission_id": "EX-1",
        "item": {"type": "expense_claim", "category": "fuel", "amount": "45.00"}}),
    );
    deny(w.err_as(
        "SUP-1",
        at,
        None,
        json!({"type": "decide_submission", "submission_id": "EX-1", "approve": true}),
    ));
    w.ok_as(
        "FIN-1",
        at,
        None,
        json!({"type": "decide_submission", "submission_id": "EX-1", "approve": true}),
    );
    w.ok_as(
        "REP-1",
        at,
        None,
        json!({"type": "submit", "submission_id": "DR-1",
        "item": {"type": "daily_report", "text": "quiet day, two shops closed"}}),
    );
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "decide_submission", "submission_id": "DR-1", "approve": true}),
    ));
    deny(w.err_as(
        "REP-2",
        at,
        None,
        json!({"type": "decide_submission", "submission_id": "DR-1", "approve": true}),
    ));
    w.ok_as("SUP-1", at, None, json!({"type": "decide_submission", "submission_id": "DR-1", "approve": false, "note": "more detail"}));
    // Planning is for supervisors; feedback is managed by them or the assignee.
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "plan_work_day", "staff": "REP-1", "date": "2026-03-04", "stops": []}),
    ));
    w.ok_as(
        "REP-1",
        at,
        None,
        json!({"type": "record_feedback", "feedback_id": "FB-9", "outlet": "F-01",
        "category": "quality", "text": "dented cans"}),
    );
    deny(w.err_as(
        "REP-1",
        at,
        None,
        json!({"type": "assign_feedback", "feedback_id": "FB-9", "assignee": "REP-1"}),
    ));
    w.ok_as(
        "SUP-1",
        at,
        None,
        json!({"type": "assign_feedback", "feedback_id": "FB-9", "assignee": "WH-1"}),
    );
    w.ok_as(
        "WH-1",
        at,
        None,
        json!({"type": "resolve_feedback", "feedback_id": "FB-9", "resolution": "replaced"}),
    );
    assert_eq!(
        w.engine.state().field.feedback["FB-9"].status,
        FeedbackStatus::Resolved
    );
    let e = w.err_as(
        "REP-2",
        at,
        None,
        json!({"type": "resolve_feedback", "feedback_id": "FB-9", "resolution": "x"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState, "resolved already: {e}");
}

#[test]
fn bad_field_input_is_a_typed_error_and_changes_nothing() {
    let rep = RepDay::clean(6);
    let mut w = setup(&rep);
    let at = local(9, 0);
    let here = Some((31.205, 121.445, 8.0));
    let invalid = |e: fmcg_core::Error, field: &str| {
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert_eq!(e.field(), Some(field), "{e}");
    };
    // GPS fixes: out of order, duplicates, NaN (only from native callers), accuracy ≤ 0,
    // ragged columns.
    let base = 1_772_497_800_000i64;
    let fx = |t: Vec<i64>, lat: Vec<f64>, acc: Vec<f64>| {
        let n = t.len();
        json!({"type": "ingest_fixes", "fixes": {"t_ms": t, "lat": lat, "lon": vec![121.4; n], "accuracy_m": acc}})
    };
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            fx(vec![base + 1000, base], vec![31.2, 31.2], vec![5.0, 5.0]),
        ),
        "fixes.t_ms",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            fx(vec![base, base], vec![31.2, 31.2], vec![5.0, 5.0]),
        ),
        "fixes.t_ms",
    );
    invalid(
        w.err_as("REP-1", at, None, fx(vec![base], vec![31.2], vec![0.0])),
        "fixes.accuracy_m",
    );
    invalid(
        w.err_as("REP-1", at, None, fx(vec![base], vec![31.2], vec![-4.0])),
        "fixes.accuracy_m",
    );
    invalid(
        w.err_as("REP-1", at, None, fx(vec![base], vec![95.0], vec![4.0])),
        "fixes.lat",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            fx(vec![base, base + 1], vec![31.2], vec![4.0, 4.0]),
        ),
        "fixes.lat",
    );
    let mut env = crate::support::envelope("nan-1", "REP-1", at, json!({"type": "start_day"}));
    env.command = fmcg_core::Command::IngestFixes {
        staff: None,
        fixes: fmcg_core::tracking::FixBatch {
            t_ms: vec![base],
            lat: vec![f64::NAN],
            lon: vec![121.4],
            accuracy_m: vec![5.0],
            speed_mps: None,
            mock: None,
        },
    };
    let before = crate::support::state_json(&w.engine);
    invalid(w.engine.apply(env).unwrap_err(), "fixes.lat");
    assert_eq!(crate::support::state_json(&w.engine), before);
    w.ok_as(
        "REP-1",
        at,
        None,
        fx(
            vec![base, base + 30_000],
            vec![31.2, 31.2001],
            vec![5.0, 5.0],
        ),
    );
    // A batch must follow the stored fixes.
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            fx(vec![base + 30_000], vec![31.2], vec![5.0]),
        ),
        "fixes.t_ms",
    );

    // Visits: no position, check-out before check-in, twice in, recording after check-out.
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            json!({"type": "check_in", "visit_id": "V1", "outlet": "F-01"}),
        ),
        "position",
    );
    w.ok_as(
        "REP-1",
        at,
        here,
        json!({"type": "check_in", "visit_id": "V1", "outlet": "F-01"}),
    );
    let e = w.err_as(
        "REP-1",
        at,
        here,
        json!({"type": "check_in", "visit_id": "V2", "outlet": "F-02"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState, "{e}");
    invalid(
        w.err_as(
            "REP-1",
            at - Duration::minutes(1),
            here,
            json!({"type": "check_out", "visit_id": "V1"}),
        ),
        "recorded_at",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            here,
            json!({"type": "record_outlet_stock", "visit_id": "V1",
        "lines": [{"sku": "COLA-330", "shelf": -1}]}),
        ),
        "lines",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            here,
            json!({"type": "record_outlet_stock", "visit_id": "V1",
        "lines": [{"sku": "COLA-330", "shelf": 1, "near_expiry": 2}]}),
        ),
        "lines.near_expiry",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            here,
            json!({"type": "record_display_check", "visit_id": "V1", "items": []}),
        ),
        "lines",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            here,
            json!({"type": "submit_order", "order_id": "SO-X", "outlet": "F-02",
        "warehouse": "W1", "visit_id": "V1", "lines": [{"sku": "COLA-330", "qty": 1}]}),
        ),
        "visit_id",
    );
    w.ok_as(
        "REP-1",
        at + Duration::minutes(10),
        here,
        json!({"type": "check_out", "visit_id": "V1"}),
    );
    let e = w.err_as(
        "REP-1",
        at + Duration::minutes(11),
        here,
        json!({"type": "record_display_check", "visit_id": "V1",
        "items": [{"item": "shelf", "passed": true}]}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState, "{e}");
    // Route changes that do not fit the plan.
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            json!({"type": "request_route_change", "request_id": "R", "date": DATE,
        "change": {"type": "skip", "outlet": "O-001"}, "reason": "x"}),
        ),
        "change.outlet",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            json!({"type": "request_route_change", "request_id": "R", "date": DATE,
        "change": {"type": "reorder", "outlets": ["F-01"]}, "reason": "x"}),
        ),
        "change.outlets",
    );
    invalid(
        w.err_as(
            "REP-1",
            at,
            None,
            json!({"type": "request_route_change", "request_id": "R", "date": DATE,
        "change": {"type": "skip", "outlet": "F-01"}, "reason": ""}),
        ),
        "reason",
    );

    // Delivery: more than loaded, no proof, no exception for a shortfall, returns beyond
    // the van.
    w.ok_as(
        "WH-1",
        at,
        None,
        json!({"type": "load_trip", "trip_id": "TR-1"}),
    );
    w.ok_as(
        "DRV-1",
        at,
        None,
        json!({"type": "depart_trip", "trip_id": "TR-1"}),
    );
    let sig = json!({"receiver": "owner", "signature": {"hash": "sha256:x", "uri": "s3://x", "size_bytes": 1, "taken_at": at}});
    let stop = |lines: serde_json::Value,
                proof: Option<&serde_json::Value>,
                exc: serde_json::Value| {
        let mut c = json!({"type": "deliver_stop", "trip_id": "TR-1", "outlet": "F-02",
            "orders": [{"order_id": "D2", "invoice_id": "INV-D2", "lines": lines}], "exceptions": exc});
        if let Some(p) = proof {
            c["proof"] = p.clone();
        }
        c
    };
    invalid(
        w.err_as(
            "DRV-1",
            at,
            None,
            stop(
                json!([{"line_no": 1, "delivered": 25}]),
                Some(&sig),
                json!([]),
            ),
        ),
        "orders.lines",
    );
    invalid(
        w.err_as(
            "DRV-1",
            at,
            None,
            stop(
                json!([{"line_no": 1, "delivered": 20, "damaged": 5}]),
                Some(&sig),
                json!([]),
            ),
        ),
        "orders.lines",
    );
    invalid(
        w.err_as(
            "DRV-1",
            at,
            None,
            stop(json!([{"line_no": 1, "delivered": 24}]), None, json!([])),
        ),
        "proof",
    );
    invalid(
        w.err_as(
            "DRV-1",
            at,
            None,
            stop(
                json!([{"line_no": 1, "delivered": 20}]),
                Some(&sig),
                json!([]),
            ),
        ),
        "exceptions",
    );
    invalid(
        w.err_as(
            "DRV-1",
            at,
            None,
            stop(
                json!([{"line_no": 9, "delivered": 1}]),
                Some(&sig),
                json!([]),
            ),
        ),
        "orders.lines",
    );
    w.ok_as(
        "DRV-1",
        at,
        None,
        stop(
            json!([{"line_no": 1, "delivered": 24}]),
            Some(&sig),
            json!([]),
        ),
    );
    let e = w.err_as(
        "DRV-1",
        at,
        None,
        stop(
            json!([{"line_no": 1, "delivered": 24}]),
            Some(&sig),
            json!([]),
        ),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidState,
        "a stop is reported once: {e}"
    );
    let e = w.err_as(
        "WH-1",
        at,
        None,
        json!({"type": "close_trip", "trip_id": "TR-1"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState, "stops not reported: {e}");
    for k in [1usize, 4, 6] {
        let order = ["D1", "D3", "D4"][[1usize, 4, 6].iter().position(|x| *x == k).unwrap()];
        w.ok_as("DRV-1", at, None, json!({"type": "deliver_stop", "trip_id": "TR-1", "outlet": fid(k),
            "orders": [{"order_id": order}], "exceptions": [{"kind": "outlet_closed", "reason": "shutters down"}]}));
    }
    invalid(
        w.err_as(
            "WH-1",
            at,
            None,
            json!({"type": "close_trip", "trip_id": "TR-1",
        "lines": [{"sku": "WATER-550", "lot": "L-W1", "returned": 49}]}),
        ),
        "lines",
    );
    invalid(
        w.err_as(
            "WH-1",
            at,
            None,
            json!({"type": "close_trip", "trip_id": "TR-1",
        "lines": [{"sku": "CHIPS-70", "lot": "L-H1", "returned": 1}]}),
        ),
        "lines",
    );
    // Load-in short of 2 cola: written off as a variance, and alerted.
    w.ok_as("WH-1", at, None, json!({"type": "close_trip", "trip_id": "TR-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C2", "returned": 46}, {"sku": "WATER-550", "lot": "L-W1", "returned": 48}]}));
    check_invariants(&w.engine);
    assert_eq!(w.total("V1", "COLA-330").on_hand, 0);
    let recon = &w.engine.state().field.trips["TR-1"].reconciliation;
    assert_eq!(recon[0].variance, -2);
    let a = alerts(&w);
    assert!(
        a.iter()
            .any(|x| x.kind == AlertKind::LoadInVariance && x.evidence.count == Some(-2)),
        "{a:?}"
    );
}

#[test]
fn every_field_action_is_refused_to_roles_without_it() {
    let rep = RepDay::clean(6);
    let mut w = setup(&rep);
    let at = local(9, 0);
    let here = Some((31.205, 121.445, 8.0));
    let fixes =
        json!({"t_ms": [1_772_500_000_000i64], "lat": [31.2], "lon": [121.4], "accuracy_m": [5.0]});
    let cases = [
        (
            "DRV-1",
            json!({"type": "set_beat_plan", "plan": {"rep": "REP-1", "cycle_start": DATE, "days": []}}),
        ),
        (
            "REP-1",
            json!({"type": "set_beat_plan", "plan": {"rep": "REP-1", "cycle_start": DATE, "days": []}}),
        ),
        ("WH-1", json!({"type": "start_day"})),
        ("FIN-1", json!({"type": "start_day"})),
        (
            "DRV-1",
            json!({"type": "request_route_change", "request_id": "R", "date": DATE,
            "change": {"type": "skip", "outlet": "F-01"}, "reason": "x"}),
        ),
        (
            "SUP-1",
            json!({"type": "request_route_change", "request_id": "R", "date": DATE,
            "change": {"type": "skip", "outlet": "F-01"}, "reason": "x"}),
        ),
        (
            "DRV-1",
            json!({"type": "check_in", "visit_id": "V", "outlet": "F-01"}),
        ),
        (
            "WH-1",
            json!({"type": "check_in", "visit_id": "V", "outlet": "F-01"}),
        ),
        (
            "WH-1",
            json!({"type": "record_feedback", "feedback_id": "F", "outlet": "F-01", "category": "c", "text": "t"}),
        ),
        (
            "REP-1",
            json!({"type": "plan_trip", "trip_id": "T", "driver": "DRV-1", "vehicle": "V1", "date": DATE, "orders": ["D1"]}),
        ),
        (
            "DRV-1",
            json!({"type": "plan_trip", "trip_id": "T", "driver": "DRV-1", "vehicle": "V1", "date": DATE, "orders": ["D1"]}),
        ),
        ("FIN-1", json!({"type": "close_trip", "trip_id": "TR-1"})),
        (
            "SUP-1",
            json!({"type": "deliver_stop", "trip_id": "TR-1", "outlet": "F-01"}),
        ),
        (
            "DRV-1",
            json!({"type": "settle_cash", "settlement_id": "S", "staff": "REP-1", "date": DATE, "handed": "0.00"}),
        ),
        (
            "WH-1",
            json!({"type": "settle_cash", "settlement_id": "S", "staff": "REP-1", "date": DATE, "handed": "0.00"}),
        ),
        (
            "WH-1",
            json!({"type": "submit", "submission_id": "S", "item": {"type": "daily_report", "text": "t"}}),
        ),
        (
            "FIN-1",
            json!({"type": "submit", "submission_id": "S", "item": {"type": "daily_report", "text": "t"}}),
        ),
        (
            "DRV-1",
            json!({"type": "decide_submission", "submission_id": "S", "approve": true}),
        ),
        (
            "WH-1",
            json!({"type": "ingest_fixes", "fixes": fixes.clone()}),
        ),
        (
            "FIN-1",
            json!({"type": "ingest_fixes", "staff": "REP-1", "fixes": fixes}),
        ),
    ];
    for (actor, cmd) in cases {
        let shown = cmd.to_string();
        let e = w.err_as(actor, at, here, cmd);
        assert_eq!(
            e.kind(),
            ErrorKind::PermissionDenied,
            "{actor} {shown}: {e}"
        );
    }
    for (actor, q) in [
        (
            "WH-1",
            json!({"type": "track", "staff": "REP-1", "date": DATE}),
        ),
        (
            "FIN-1",
            json!({"type": "board", "at": "2026-03-03T02:00:00Z"}),
        ),
        (
            "DRV-1",
            json!({"type": "track", "staff": "REP-1", "date": DATE}),
        ),
        (
            "REP-2",
            json!({"type": "field_geojson", "staff": "REP-1", "date": DATE}),
        ),
        (
            "REP-1",
            json!({"type": "field_day", "date": DATE, "staff": "REP-2"}),
        ),
    ] {
        let e = w.query(actor, q.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{actor} {q}: {e}");
    }
}
