//! Bad input gives typed errors, never a panic, and changes nothing.

use fmcg_core::{Engine, ErrorKind};
use serde_json::json;

use crate::support::{World, order_cmd, state_json};

fn kind_of_json(w: &mut World, text: &str) -> ErrorKind {
    let before = state_json(&w.engine);
    let e = w.engine.apply_json(text).unwrap_err();
    assert_eq!(state_json(&w.engine), before);
    e.kind()
}

#[test]
fn malformed_json_is_invalid_input() {
    let mut w = World::standard();
    for text in [
        "",
        "{",
        "null",
        "[]",
        "{\"command_id\": 5}",
        "\u{0}",
        "{\"a\":1}",
    ] {
        assert_eq!(
            kind_of_json(&mut w, text),
            ErrorKind::InvalidInput,
            "{text:?}"
        );
    }
}

#[test]
fn wrong_types_missing_fields_and_unknown_fields_are_invalid_input() {
    let mut w = World::standard();
    let base = json!({"command_id": "x1", "actor": "REP-1", "device_id": "d", "recorded_at": "2026-03-02T03:00:00Z",
        "command": order_cmd("SO-1", "O-001", &[("COLA-330", 1)])});
    let mut cases = Vec::new();
    let mut v = base.clone();
    v["command"]["lines"][0]["qty"] = json!("1");
    cases.push(v);
    let mut v = base.clone();
    v["command"]["lines"][0]["qty"] = json!(1.5);
    cases.push(v);
    let mut v = base.clone();
    v["command"]["lines"][0]["unit_price"] = json!(1.5);
    cases.push(v);
    let mut v = base.clone();
    v["command"].as_object_mut().unwrap().remove("outlet");
    cases.push(v);
    let mut v = base.clone();
    v["command"]["colour"] = json!("red");
    cases.push(v);
    let mut v = base.clone();
    v["command"]["type"] = json!("launch_rocket");
    cases.push(v);
    let mut v = base.clone();
    v["recorded_at"] = json!("yesterday");
    cases.push(v);
    let mut v = base.clone();
    v["command"]["lines"][0]["qty"] = json!(1e300);
    cases.push(v);
    let mut v = base;
    v["command"]["lines"][0]["qty"] = json!(u64::MAX);
    cases.push(v);
    for v in cases {
        assert_eq!(
            kind_of_json(&mut w, &v.to_string()),
            ErrorKind::InvalidInput,
            "{v}"
        );
    }
}

#[test]
fn zero_negative_and_huge_quantities_are_refused() {
    let mut w = World::standard();
    for qty in [0, -1, i64::MIN, 1_000_000_000_001, i64::MAX] {
        let e = w.err("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", qty)]));
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "qty {qty}: {e}");
    }
    let e = w.err(
        "REP-1",
        json!({"type": "submit_order", "order_id": "SO-1", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 500_000_000_000_i64, "pack": "case"}]}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidInput,
        "pack conversion overflow"
    );
    let e = w.err("REP-1", json!({"type": "submit_order", "order_id": "SO-1", "outlet": "O-001", "warehouse": "W1", "lines": []}));
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn unknown_ids_are_not_found() {
    let mut w = World::standard();
    for (actor, cmd) in [
        ("REP-1", order_cmd("SO-1", "O-404", &[("COLA-330", 1)])),
        ("REP-1", order_cmd("SO-1", "O-001", &[("SKU-404", 1)])),
        (
            "REP-1",
            json!({"type": "submit_order", "order_id": "SO-1", "outlet": "O-001", "warehouse": "W404", "lines": [{"sku": "COLA-330", "qty": 1}]}),
        ),
        (
            "SUP-1",
            json!({"type": "approve_order", "order_id": "SO-404"}),
        ),
        (
            "WH-1",
            json!({"type": "transfer_stock", "document_id": "T1", "from": "W1", "to": "NOWHERE", "lines": [{"sku": "COLA-330", "qty": 1}]}),
        ),
        (
            "FIN-1",
            json!({"type": "issue_credit_note", "credit_note_id": "C1", "invoice_id": "I404", "amount": "1.00", "reason": "x"}),
        ),
        (
            "admin",
            json!({"type": "set_price_list", "price_list": {"id": "PL", "name": "x", "valid_from": "2026-01-01", "prices": {"SKU-404": "1.00"}}}),
        ),
    ] {
        let e = w.err(actor, cmd.clone());
        assert_eq!(e.kind(), ErrorKind::NotFound, "{cmd}: {e}");
    }
}

#[test]
fn nan_and_out_of_range_coordinates_are_refused() {
    let mut w = World::standard();
    let outlet = |lat: serde_json::Value, lon: serde_json::Value| {
        json!({"type": "create_outlet", "outlet": {"id": "O-N", "code": "CN",
        "name": "n", "channel": "c", "class": "C", "position": {"lat": lat, "lon": lon}, "status": "active"}})
    };
    for (lat, lon) in [
        (json!(91.0), json!(0.0)),
        (json!(0.0), json!(-180.5)),
        (json!(null), json!(0.0)),
        (json!("NaN"), json!(0)),
    ] {
        let env = w.next(
            "admin",
            json!({"type": "create_territory", "territory": {"id": "T", "code": "T", "name": "T"}}),
        );
        let mut v = serde_json::to_value(&env).unwrap();
        v["command"] = outlet(lat.clone(), lon.clone());
        assert_eq!(
            kind_of_json(&mut w, &v.to_string()),
            ErrorKind::InvalidInput,
            "{lat} {lon}"
        );
    }
    // JSON has no NaN literal: a host passing one produces text serde refuses.
    let mut v = serde_json::to_value(w.next("admin", outlet(json!(0), json!(0)))).unwrap();
    let text = v.to_string().replace("\"lat\":0", "\"lat\":NaN");
    v["x"] = json!(1);
    assert_eq!(kind_of_json(&mut w, &text), ErrorKind::InvalidInput);
}

#[test]
fn duplicate_ids_and_codes_are_already_exists() {
    let mut w = World::standard();
    for (cmd, field) in [
        (
            json!({"type": "create_sku", "sku": {"id": "COLA-330", "code": "NEW", "name": "x"}}),
            "id",
        ),
        (
            json!({"type": "create_sku", "sku": {"id": "NEW", "code": "6901", "name": "x"}}),
            "code",
        ),
        (
            json!({"type": "create_sku", "sku": {"id": "NEW", "code": "NEW", "name": "x", "barcodes": ["6901234567890"]}}),
            "barcode",
        ),
        (
            json!({"type": "create_outlet", "outlet": {"id": "O-N", "code": "C001", "name": "n", "channel": "c", "class": "C", "position": {"lat": 1, "lon": 1}, "status": "active"}}),
            "code",
        ),
        (
            json!({"type": "create_staff", "staff": {"id": "X", "employee_no": "E101", "name": "n", "roles": ["driver"]}}),
            "employee_no",
        ),
        (
            json!({"type": "create_vehicle", "vehicle": {"id": "W1", "code": "VX", "capacity": {"cases": 1, "kg": 1.0, "m3": 1.0}}}),
            "id",
        ),
    ] {
        match w.err("admin", cmd.clone()) {
            fmcg_core::Error::AlreadyExists { field: f, .. } => assert_eq!(f, field, "{cmd}"),
            other => panic!("{cmd}: {other}"),
        }
    }
}

#[test]
fn megabyte_strings_are_refused_not_stored() {
    let mut w = World::standard();
    let big = "x".repeat(1 << 20);
    let text = json!({"command_id": "big", "actor": "REP-1", "device_id": "d", "recorded_at": "2026-03-02T03:00:00Z",
        "command": {"type": "cancel_order", "order_id": big}})
    .to_string();
    assert_eq!(
        kind_of_json(&mut w, &text),
        ErrorKind::InvalidInput,
        "a 1 MB id"
    );
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 1)]));
    let e = w.err(
        "REP-1",
        json!({"type": "cancel_order", "order_id": "SO-1", "reason": big}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = w.err(
        "admin",
        json!({"type": "create_territory", "territory": {"id": "T", "code": "T", "name": big}}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_snapshot_from_elsewhere_is_checked() {
    assert_eq!(
        Engine::restore_bytes(b"garbage").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let engine = World::standard().engine;
    let mut snap = engine.snapshot();
    snap.commits.swap(3, 4);
    assert_eq!(
        Engine::restore(snap).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    let mut snap = engine.snapshot();
    snap.version = 99;
    assert_eq!(
        Engine::restore(snap).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}
