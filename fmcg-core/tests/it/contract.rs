//! The JSON contract: the schema covers every type, and the JSON shapes are stable.

use fmcg_core::{Command, Event, schema};

#[test]
fn the_schema_names_every_command_and_event_type() {
    let s = schema();
    let text = s.to_string();
    let all_commands = include_str!("../../src/engine/command.rs");
    let mut seen = 0;
    for line in all_commands.lines() {
        if let Some(name) = line
            .trim()
            .strip_prefix("Command::")
            .and_then(|r| r.split(' ').next())
        {
            let _ = name;
        }
        if let Some(tag) = line.split("=> \"").nth(1).and_then(|r| r.split('"').next()) {
            assert!(
                text.contains(&format!("\"{tag}\"")),
                "schema lacks command `{tag}`"
            );
            seen += 1;
        }
    }
    assert!(seen >= 30, "found {seen} command tags");
    for tag in [
        "order_submitted",
        "stock_moved",
        "payment_recorded",
        "goods_received",
    ] {
        assert!(
            text.contains(&format!("\"{tag}\"")),
            "schema lacks event `{tag}`"
        );
    }
    for kind in fmcg_core::ErrorKind::ALL {
        assert!(
            text.contains(&format!("\"{}\"", kind.as_str())),
            "schema lacks error kind {kind}"
        );
    }
}

#[test]
fn commands_round_trip_through_their_json_form() {
    for line in crate::support::WORLD
        .lines()
        .chain(crate::support::SCENARIO.lines())
    {
        let env: fmcg_core::Envelope = serde_json::from_str(line).unwrap();
        let again: fmcg_core::Envelope =
            serde_json::from_str(&serde_json::to_string(&env).unwrap()).unwrap();
        assert_eq!(env, again);
    }
    let _: Option<Command> = None;
    let _: Option<Event> = None;
}

#[test]
fn money_is_a_string_and_tags_are_snake_case() {
    let mut engine = crate::support::World::standard().engine;
    let out = engine
        .apply_json(crate::support::SCENARIO.lines().next().unwrap())
        .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["events"][0]["event"]["type"], "order_submitted");
    assert_eq!(v["events"][0]["event"]["order"]["total"], "184.91");
    assert_eq!(
        v["events"][1]["event"]["reference"],
        serde_json::json!({"type": "order", "id": "SO-1"})
    );
}

/// The error vectors every host runs (`fixtures/error_cases.json`): each case's command
/// fails with the expected kind and fields, and changes nothing.
#[test]
fn the_shared_error_cases_give_their_kind_and_fields() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../../fixtures/error_cases.json")).unwrap();
    assert_eq!(cases.len(), 8);
    let at = "2026-03-02T03:00:00Z".parse().unwrap();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let mut w = crate::support::World::standard();
        for (i, step) in case["setup"].as_array().unwrap().iter().enumerate() {
            let env = crate::support::envelope(
                &format!("setup-{i}"),
                step["actor"].as_str().unwrap(),
                at,
                step["command"].clone(),
            );
            w.engine.apply(env).unwrap();
        }
        let id = case["command_id"].as_str().unwrap_or("case-1");
        let env = crate::support::envelope(
            id,
            case["actor"].as_str().unwrap(),
            at,
            case["command"].clone(),
        );
        let before = crate::support::state_json(&w.engine);
        let err = w.engine.apply(env).expect_err(name);
        let got = err.to_json();
        for (k, v) in case["expect"].as_object().unwrap() {
            assert_eq!(&got[k], v, "{name}: field `{k}` in {got}");
        }
        assert_eq!(crate::support::state_json(&w.engine), before, "{name}");
    }
}

#[test]
fn list_queries_have_a_column_form_equal_to_their_rows() {
    use fmcg_core::{Column, Query};
    let w = crate::support::World::standard();
    let admin: fmcg_core::StaffId = "admin".parse().unwrap();
    let q: Query = serde_json::from_value(serde_json::json!({"type": "stock"})).unwrap();
    let rows = match w.engine.query(&admin, &q).unwrap() {
        fmcg_core::QueryResult::Stock { rows } => rows,
        other => panic!("stock rows expected, got {other:?}"),
    };
    let table = w.engine.query_table(&admin, &q).unwrap();
    assert_eq!(table.len(), rows.len());
    assert_eq!(
        table.column("on_hand"),
        Some(&Column::Int(rows.iter().map(|r| r.on_hand).collect()))
    );
    let json = serde_json::to_value(&table).unwrap();
    assert_eq!(json["sku"][0], rows[0].sku.as_str());
    let skus: Query = serde_json::from_value(serde_json::json!({"type": "skus"})).unwrap();
    let err = w.engine.query_table(&admin, &skus).unwrap_err();
    assert_eq!(err.kind(), fmcg_core::ErrorKind::InvalidInput);
}

/// The committed schema file (`docs/reference/contract.schema.json`, embedded by the WASM
/// package) is the schema the core generates.
#[test]
fn the_committed_schema_file_is_current() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/reference/contract.schema.json")).unwrap();
    assert!(
        file == fmcg_core::schema(),
        "docs/reference/contract.schema.json is stale: run `cargo run -p fmcg-cli -- schema > docs/reference/contract.schema.json`"
    );
}
