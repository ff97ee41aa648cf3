//! The role × action × scope matrix (SPEC §3.2).

use fmcg_core::engine::query::QueryResult;
use fmcg_core::{Error, ErrorKind};
use serde_json::{Value, json};

use crate::support::{World, order_cmd};

const ACTORS: [&str; 6] = ["admin", "SUP-1", "REP-1", "DRV-1", "WH-1", "FIN-1"];

/// (action, setup commands run as admin, the command under test, actors allowed).
fn cases() -> Vec<(&'static str, Vec<Value>, Value, Vec<&'static str>)> {
    let held = json!({"type": "submit_order", "order_id": "SO-H", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 24, "unit_price": "1.00"}]});
    vec![
        (
            "master.edit",
            vec![],
            json!({"type": "create_territory", "territory": {"id": "T-N", "code": "N", "name": "North"}}),
            vec!["admin"],
        ),
        (
            "staff.edit",
            vec![],
            json!({"type": "create_staff", "staff": {"id": "R9", "employee_no": "E9", "name": "New", "roles": ["sales_rep"], "supervisor": "SUP-1"}}),
            vec!["admin"],
        ),
        (
            "settings.edit",
            vec![],
            json!({"type": "update_settings", "settings": {}}),
            vec!["admin"],
        ),
        (
            "outlet.create",
            vec![],
            json!({"type": "create_outlet", "outlet": {"id": "O-N", "code": "CN", "name": "New shop", "channel": "traditional", "class": "C", "position": {"lat": 31.2, "lon": 121.4}, "assigned_rep": "REP-1", "status": "prospect"}}),
            vec!["admin", "SUP-1", "REP-1"],
        ),
        (
            "outlet.edit",
            vec![],
            json!({"type": "update_outlet", "outlet": {"id": "O-002", "code": "C002", "name": "Corner Store 24h", "channel": "convenience", "class": "B", "position": {"lat": 31.233, "lon": 121.479}, "credit_limit": "200.00", "assigned_rep": "REP-1", "territory": "T-EAST", "status": "active"}}),
            vec!["admin", "SUP-1"],
        ),
        (
            "outlet.edit_details",
            vec![],
            json!({"type": "edit_outlet", "outlet_id": "O-001", "changes": {"address": "9 Bund"}, "stamp": {"wall_ms": 1, "counter": 0, "node": "p"}}),
            vec!["admin", "SUP-1", "REP-1"],
        ),
        (
            "outlet.edit_credit_limit",
            vec![],
            json!({"type": "set_credit_limit", "outlet_id": "O-001", "credit_limit": "9000.00"}),
            vec!["admin", "FIN-1"],
        ),
        (
            "order.submit",
            vec![],
            order_cmd("SO-1", "O-001", &[("COLA-330", 1)]),
            vec!["admin", "SUP-1", "REP-1"],
        ),
        (
            "order.approve",
            vec![held.clone()],
            json!({"type": "approve_order", "order_id": "SO-H"}),
            vec!["admin", "SUP-1"],
        ),
        (
            "order.approve (reject)",
            vec![held],
            json!({"type": "reject_order", "order_id": "SO-H", "reason": "no"}),
            vec!["admin", "SUP-1"],
        ),
        (
            "order.cancel",
            vec![order_cmd("SO-C", "O-001", &[("COLA-330", 1)])],
            json!({"type": "cancel_order", "order_id": "SO-C"}),
            vec!["admin", "SUP-1", "REP-1"],
        ),
        (
            "stock.receive",
            vec![],
            json!({"type": "receive_goods", "receipt_id": "RC-9", "purchase_order_id": "PO-1", "lines": [{"sku": "COLA-330", "lot": "L-C1", "expiry": "2026-08-31", "qty": 1}]}),
            vec!["admin", "WH-1"],
        ),
        (
            "stock.transfer",
            vec![],
            json!({"type": "transfer_stock", "document_id": "D1", "from": "W1", "to": "V1", "lines": [{"sku": "COLA-330", "qty": 1}]}),
            vec!["admin", "WH-1"],
        ),
        (
            "stock.adjust",
            vec![],
            json!({"type": "adjust_stock", "document_id": "D1", "location": "W1", "lines": [{"sku": "COLA-330", "lot": "L-C1", "counted": 1199}]}),
            vec!["admin", "WH-1"],
        ),
        (
            "stock.write_off",
            vec![],
            json!({"type": "write_off_stock", "document_id": "D1", "location": "W1", "reason": "damaged", "lines": [{"sku": "COLA-330", "lot": "L-C1", "qty": 1}]}),
            vec!["admin", "WH-1"],
        ),
        (
            "purchase.edit",
            vec![],
            json!({"type": "create_purchase_order", "purchase_order_id": "PO-9", "supplier": "SUP1", "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 1, "unit_cost": "1.00"}]}),
            vec!["admin", "WH-1"],
        ),
        (
            "invoice.issue",
            vec![],
            json!({"type": "issue_invoice", "invoice_id": "I9", "outlet": "O-001", "amount": "1.00"}),
            vec!["admin", "FIN-1"],
        ),
        (
            "credit_note.issue",
            vec![
                json!({"type": "issue_invoice", "invoice_id": "I9", "outlet": "O-001", "amount": "1.00"}),
            ],
            json!({"type": "issue_credit_note", "credit_note_id": "CN9", "invoice_id": "I9", "amount": "1.00", "reason": "x"}),
            vec!["admin", "FIN-1"],
        ),
        (
            "payment.record",
            vec![],
            json!({"type": "record_payment", "payment_id": "P9", "outlet": "O-001", "amount": "1.00", "method": "cash"}),
            vec!["admin", "SUP-1", "REP-1", "FIN-1"],
        ),
    ]
}

#[test]
fn every_role_gets_exactly_its_actions() {
    let base = World::standard();
    for (action, setup, command, allowed) in cases() {
        for actor in ACTORS {
            let mut w = base.clone();
            for s in &setup {
                // The held order must be taken by someone other than its approvers.
                let by = if s["type"] == "submit_order" {
                    "REP-1"
                } else {
                    "admin"
                };
                w.ok(by, s.clone());
            }
            match w.try_run(actor, command.clone()) {
                Ok(_) => assert!(allowed.contains(&actor), "{actor} was allowed {action}"),
                Err(e) => {
                    assert!(
                        !allowed.contains(&actor),
                        "{actor} was refused {action}: {e}"
                    );
                    assert_eq!(
                        e.kind(),
                        ErrorKind::PermissionDenied,
                        "{actor} {action}: {e}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_admin_may_approve_any_order_not_taken_by_themselves() {
    let mut w = World::standard();
    w.ok(
        "REP-1",
        json!({"type": "submit_order", "order_id": "SO-H", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 24, "unit_price": "1.00"}]}),
    );
    w.ok(
        "admin",
        json!({"type": "approve_order", "order_id": "SO-H"}),
    );
}

fn second_team(w: &mut World) {
    w.ok("admin", json!({"type": "create_territory", "territory": {"id": "T-WEST", "code": "WEST", "name": "West"}}));
    w.ok("admin", json!({"type": "create_staff", "staff": {"id": "SUP-2", "employee_no": "E110", "name": "Shi", "roles": ["supervisor"], "territory": "T-WEST"}}));
    w.ok("admin", json!({"type": "create_staff", "staff": {"id": "REP-3", "employee_no": "E111", "name": "Ran", "roles": ["sales_rep"], "supervisor": "SUP-2", "territory": "T-WEST"}}));
    w.ok("admin", json!({"type": "create_outlet", "outlet": {"id": "O-900", "code": "C900", "name": "West Mart", "channel": "supermarket", "class": "B", "position": {"lat": 31.1, "lon": 121.3}, "assigned_rep": "REP-3", "territory": "T-WEST", "status": "active"}}));
}

#[test]
fn supervisors_reach_their_whole_team_and_no_further() {
    let mut w = World::standard();
    second_team(&mut w);
    w.ok("SUP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 1)]));
    let e = w.err("SUP-1", order_cmd("SO-2", "O-900", &[("COLA-330", 1)]));
    assert!(
        matches!(e, Error::PermissionDenied { ref reason, .. } if reason == "outside team data scope"),
        "{e}"
    );
    w.ok("SUP-2", order_cmd("SO-2", "O-900", &[("COLA-330", 1)]));
    let outlets = |w: &World, actor: &str| match w.query(actor, json!({"type": "outlets"})).unwrap()
    {
        QueryResult::Outlets { rows } => rows.iter().map(|o| o.id.to_string()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(outlets(&w, "REP-1"), ["O-001", "O-002"]);
    assert_eq!(outlets(&w, "REP-2"), ["O-003"]);
    assert_eq!(outlets(&w, "SUP-1"), ["O-001", "O-002", "O-003"]);
    assert_eq!(outlets(&w, "SUP-2"), ["O-900"]);
    let e = w
        .query("REP-2", json!({"type": "order", "order_id": "SO-1"}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    let staff = match w.query("SUP-2", json!({"type": "staff"})).unwrap() {
        QueryResult::Staff { rows } => rows.iter().map(|s| s.id.to_string()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(staff, ["REP-3", "SUP-2"]);
}

#[test]
fn a_territory_scope_can_be_configured_per_role() {
    let mut w = World::standard();
    second_team(&mut w);
    w.ok("admin", json!({"type": "update_settings", "settings": {"role_scopes": {"supervisor": "territory"}}}));
    // SUP-1 (east) now reaches east outlets whoever their rep is, and no west outlet.
    w.ok("SUP-1", order_cmd("SO-1", "O-003", &[("COLA-330", 1)]));
    let e = w.err("SUP-1", order_cmd("SO-2", "O-900", &[("COLA-330", 1)]));
    assert!(
        matches!(e, Error::PermissionDenied { ref reason, .. } if reason == "outside territory data scope"),
        "{e}"
    );
}

#[test]
fn nobody_edits_the_credit_limit_of_their_own_outlet() {
    let mut w = World::standard();
    w.ok("admin", json!({"type": "update_staff", "staff": {"id": "FIN-1", "employee_no": "E401", "name": "Fang Finance",
        "roles": ["finance", "sales_rep"], "utc_offset_minutes": 480}}));
    let mut outlet = w.engine.state().outlets["O-003"].clone();
    outlet.assigned_rep = Some("FIN-1".parse().unwrap());
    w.ok("admin", json!({"type": "update_outlet", "outlet": outlet}));
    let e = w.err(
        "FIN-1",
        json!({"type": "set_credit_limit", "outlet_id": "O-003", "credit_limit": "1000000.00"}),
    );
    assert!(
        matches!(e, Error::PermissionDenied { ref reason, .. } if reason.contains("own outlet")),
        "{e}"
    );
    w.ok(
        "FIN-1",
        json!({"type": "set_credit_limit", "outlet_id": "O-001", "credit_limit": "100.00"}),
    );
    let e = w.err("SUP-1", json!({"type": "update_outlet", "outlet": {"id": "O-001", "code": "C001", "name": "x",
        "channel": "supermarket", "class": "A", "position": {"lat": 31.2, "lon": 121.4}, "credit_limit": "99999.00",
        "assigned_rep": "REP-1", "status": "active"}}));
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidInput,
        "credit limit only through set_credit_limit"
    );
}

#[test]
fn unknown_and_inactive_actors_are_refused() {
    let mut w = World::standard();
    let e = w.err("GHOST", order_cmd("SO-1", "O-001", &[("COLA-330", 1)]));
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    w.ok("admin", json!({"type": "update_staff", "staff": {"id": "REP-2", "employee_no": "E102", "name": "Ren Rep",
        "roles": ["sales_rep"], "supervisor": "SUP-1", "active": false}}));
    let e = w.err("REP-2", order_cmd("SO-1", "O-003", &[("COLA-330", 1)]));
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    assert_eq!(
        w.query("REP-2", json!({"type": "outlets"}))
            .unwrap_err()
            .kind(),
        ErrorKind::PermissionDenied
    );
    let e = w.err(
        "admin",
        json!({"type": "update_staff", "staff": {"id": "admin", "employee_no": "E000",
        "name": "Ada Admin", "roles": ["admin"], "active": false}}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::PermissionDenied,
        "nobody deactivates themselves"
    );
}

#[test]
fn an_empty_engine_accepts_only_its_first_admin() {
    let mut e = fmcg_core::Engine::new();
    let cmd = json!({"type": "create_staff", "staff": {"id": "x", "employee_no": "1", "name": "X", "roles": ["sales_rep"]}});
    let env = crate::support::envelope("c1", "x", "2026-01-01T00:00:00Z".parse().unwrap(), cmd);
    assert_eq!(
        e.apply(env).unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
    let cmd = json!({"type": "create_staff", "staff": {"id": "boss", "employee_no": "1", "name": "B", "roles": ["admin"]}});
    let env = crate::support::envelope(
        "c1",
        "someone-else",
        "2026-01-01T00:00:00Z".parse().unwrap(),
        cmd.clone(),
    );
    assert_eq!(
        e.apply(env).unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
    let env = crate::support::envelope("c1", "boss", "2026-01-01T00:00:00Z".parse().unwrap(), cmd);
    e.apply(env).unwrap();
}

#[test]
fn supervisor_cycles_are_refused() {
    let mut w = World::standard();
    let e = w.err(
        "admin",
        json!({"type": "update_staff", "staff": {"id": "SUP-1", "employee_no": "E100",
        "name": "Sun Supervisor", "roles": ["supervisor"], "supervisor": "REP-1"}}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}
