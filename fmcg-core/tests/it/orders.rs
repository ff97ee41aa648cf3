use fmcg_core::order::ApprovalReason;
use fmcg_core::{Error, ErrorKind, Event, Money, OrderStatus};
use serde_json::json;

use crate::support::{World, check_invariants, order_cmd};

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn a_submitted_order_is_priced_promoted_and_reserved_fefo() {
    let mut w = World::standard();
    let before = w.total("W1", "COLA-330");
    let out = w.ok(
        "REP-1",
        json!({"type": "submit_order", "order_id": "SO-1", "outlet": "O-001", "warehouse": "W1",
               "lines": [{"sku": "COLA-330", "qty": 2, "pack": "case"}, {"sku": "CHIPS-70", "qty": 22}]}),
    );
    let names: Vec<&str> = out.events.iter().map(|r| r.event.name()).collect();
    // One reservation per (SKU, lot) for the whole order: the 22 chips and the 2 free
    // chips share lot L-H1.
    assert_eq!(names, ["order_submitted", "stock_moved", "stock_moved"]);
    let o = w.order("SO-1");
    assert_eq!(o.status, OrderStatus::Allocated);
    let cola = &o.lines[0];
    assert_eq!(
        cola.price.list_price,
        m("1.90"),
        "supermarket price list beats the base list"
    );
    assert_eq!(cola.price.discount, m("4.56"), "5 % tier from 48 units");
    assert_eq!(cola.price.net_amount, m("86.64"));
    assert_eq!(cola.price.tax_amount, m("11.26"));
    assert_eq!(cola.lots.len(), 1);
    assert_eq!(cola.lots[0].lot.as_str(), "L-C2", "earliest expiry first");
    let free = &o.lines[2];
    assert_eq!((free.sku.as_str(), free.qty_ordered), ("CHIPS-70", 2));
    assert_eq!(free.price.net_amount, Money::ZERO);
    assert_eq!(
        free.free_goods_of
            .as_ref()
            .map(fmcg_core::PromotionId::as_str),
        Some("PR-CHIPS-10-1")
    );
    assert_eq!(
        (o.net_amount, o.tax_amount, o.total),
        (m("163.64"), m("21.27"), m("184.91"))
    );
    let after = w.total("W1", "COLA-330");
    assert_eq!(after.on_hand, before.on_hand);
    assert_eq!(after.available(), before.available() - 48);
    assert_eq!(w.total("W1", "CHIPS-70").reserved, 24);
    check_invariants(&w.engine);
}

#[test]
fn cancelling_releases_every_reservation() {
    let mut w = World::standard();
    let before = w.total("W1", "CHIPS-70");
    w.ok(
        "REP-1",
        order_cmd("SO-1", "O-001", &[("CHIPS-70", 30), ("COLA-330", 10)]),
    );
    w.ok(
        "REP-1",
        json!({"type": "cancel_order", "order_id": "SO-1", "reason": "duplicate"}),
    );
    assert_eq!(w.order("SO-1").status, OrderStatus::Cancelled);
    assert_eq!(w.total("W1", "CHIPS-70"), before);
    let e = w.err("REP-1", json!({"type": "cancel_order", "order_id": "SO-1"}));
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    check_invariants(&w.engine);
}

#[test]
fn an_order_beyond_available_stock_is_refused_with_the_facts() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("CHIPS-70", 500)]));
    let e = w.err(
        "REP-2",
        order_cmd("SO-2", "O-003", &[("CHIPS-70", 60), ("CHIPS-70", 30)]),
    );
    match e {
        Error::InsufficientStock {
            sku,
            location,
            requested,
            available,
        } => {
            assert_eq!((sku.as_str(), location.as_str()), ("CHIPS-70", "W1"));
            // 500 + 50 free reserved of 600; both lines and their free goods count.
            assert_eq!((requested, available), (90 + 9, 50));
        }
        other => panic!("expected insufficient stock, got {other}"),
    }
}

#[test]
fn exceeding_credit_holds_the_order_for_a_supervisor() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-002", &[("COLA-330", 96)]));
    assert_eq!(w.order("SO-1").total, m("199.60"));
    assert_eq!(
        w.order("SO-1").status,
        OrderStatus::Allocated,
        "within the 200.00 limit"
    );
    w.ok("FIN-1", json!({"type": "issue_invoice", "invoice_id": "INV-1", "outlet": "O-002", "amount": "199.60", "order_id": "SO-1"}));
    w.ok("REP-1", order_cmd("SO-2", "O-002", &[("CHIPS-70", 10)]));
    let o = w.order("SO-2");
    assert_eq!(o.status, OrderStatus::Submitted);
    assert_eq!(
        o.approval_reasons,
        vec![ApprovalReason::CreditLimit {
            credit_limit: m("200.00"),
            exposure: m("239.15")
        }]
    );
    assert_eq!(o.lines[0].qty_allocated, 10, "stock is held while waiting");
    let e = w.err(
        "REP-1",
        json!({"type": "approve_order", "order_id": "SO-2"}),
    );
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    let e = w.err(
        "DRV-1",
        json!({"type": "approve_order", "order_id": "SO-2"}),
    );
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    w.ok(
        "SUP-1",
        json!({"type": "approve_order", "order_id": "SO-2"}),
    );
    assert_eq!(w.order("SO-2").status, OrderStatus::Allocated);
    assert_eq!(w.order("SO-2").decided_by.unwrap().as_str(), "SUP-1");
    let e = w.err(
        "SUP-1",
        json!({"type": "approve_order", "order_id": "SO-2"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    check_invariants(&w.engine);
}

#[test]
fn nobody_approves_their_own_order() {
    let mut w = World::standard();
    w.ok(
        "SUP-1",
        json!({"type": "submit_order", "order_id": "SO-9", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 24, "unit_price": "1.00"}]}),
    );
    assert_eq!(
        w.order("SO-9").status,
        OrderStatus::Submitted,
        "below the floor price"
    );
    let e = w.err(
        "SUP-1",
        json!({"type": "approve_order", "order_id": "SO-9"}),
    );
    assert!(
        matches!(e, Error::PermissionDenied { ref reason, .. } if reason.contains("own order")),
        "{e}"
    );
    w.ok(
        "admin",
        json!({"type": "approve_order", "order_id": "SO-9"}),
    );
}

#[test]
fn the_reject_credit_policy_refuses_with_credit_limit_exceeded() {
    let mut w = World::standard();
    w.ok(
        "admin",
        json!({"type": "update_settings", "settings": {"credit_policy": "reject"}}),
    );
    let e = w.err("REP-1", order_cmd("SO-1", "O-002", &[("COLA-330", 200)]));
    match e {
        Error::CreditLimitExceeded {
            outlet,
            credit_limit,
            exposure,
        } => {
            assert_eq!(outlet, "O-002");
            assert_eq!(credit_limit, m("200.00"));
            assert_eq!(exposure, m("415.84")); // 400.00 − 8 % = 368.00 + 13 % tax
        }
        other => panic!("expected credit_limit_exceeded, got {other}"),
    }
}

#[test]
fn a_rep_cannot_order_for_another_reps_outlet() {
    let mut w = World::standard();
    let e = w.err("REP-1", order_cmd("SO-1", "O-003", &[("COLA-330", 1)]));
    assert!(
        matches!(e, Error::PermissionDenied { ref action, ref reason, .. }
        if action == "order.submit" && reason == "outside own data scope"),
        "{e}"
    );
}

#[test]
fn below_floor_lines_are_held_and_rejection_releases_their_stock() {
    let mut w = World::standard();
    let before = w.total("W1", "COLA-330");
    w.ok("REP-2", json!({"type": "submit_order", "order_id": "SO-1", "outlet": "O-003", "warehouse": "W1",
        "lines": [{"sku": "WATER-550", "qty": 1, "pack": "case"}, {"sku": "COLA-330", "qty": 24, "unit_price": "1.40"}]}));
    let o = w.order("SO-1");
    assert_eq!(o.status, OrderStatus::Submitted);
    assert!(
        matches!(&o.approval_reasons[..], [ApprovalReason::BelowFloor { line_no: 2, net_amount, floor_amount, .. }]
        if *net_amount == m("33.60") && *floor_amount == m("36.00"))
    );
    assert_eq!(w.total("W1", "COLA-330").reserved, before.reserved + 24);
    let e = w.err(
        "SUP-1",
        json!({"type": "reject_order", "order_id": "SO-1", "reason": ""}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    w.ok(
        "SUP-1",
        json!({"type": "reject_order", "order_id": "SO-1", "reason": "price too low"}),
    );
    assert_eq!(w.order("SO-1").status, OrderStatus::Rejected);
    assert_eq!(w.total("W1", "COLA-330"), before);
    check_invariants(&w.engine);
}

#[test]
fn expired_lots_are_never_allocated() {
    let mut w = World::standard();
    w.clock = "2026-07-01T02:00:00Z".parse().unwrap(); // L-C2 expired on 2026-06-30
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 30)]));
    let o = w.order("SO-1");
    assert_eq!(
        o.lines[0]
            .lots
            .iter()
            .map(|l| l.lot.as_str())
            .collect::<Vec<_>>(),
        ["L-C1"]
    );
    let e = w.err("REP-1", order_cmd("SO-2", "O-001", &[("COLA-330", 1200)]));
    assert!(
        matches!(
            e,
            Error::InsufficientStock {
                available: 1170,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_draft_holds_nothing_until_submitted() {
    let mut w = World::standard();
    let before = w.total("W1", "COLA-330");
    w.ok(
        "REP-1",
        json!({"type": "save_order_draft", "order_id": "SO-1", "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 5}]}),
    );
    assert_eq!(w.order("SO-1").status, OrderStatus::Draft);
    assert_eq!(w.total("W1", "COLA-330"), before);
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 6)]));
    assert_eq!(w.order("SO-1").status, OrderStatus::Allocated);
    assert_eq!(w.total("W1", "COLA-330").reserved, 6);
    let e = w.err("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 6)]));
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
}

#[test]
fn a_repeated_command_returns_the_original_outcome_and_changes_nothing() {
    let mut w = World::standard();
    let env = w.next("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 5)]));
    let first = w.engine.apply(env.clone()).unwrap();
    let state = crate::support::state_json(&w.engine);
    let mut retry = env.clone();
    retry.recorded_at += chrono::Duration::seconds(30);
    assert_eq!(w.engine.apply(retry).unwrap(), first);
    assert_eq!(crate::support::state_json(&w.engine), state);
    let mut tampered = env;
    tampered.command =
        serde_json::from_value(order_cmd("SO-1", "O-001", &[("COLA-330", 6)])).unwrap();
    let e = w.engine.apply(tampered).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(crate::support::state_json(&w.engine), state);
}

#[test]
fn closed_outlets_and_inactive_skus_take_no_orders() {
    let mut w = World::standard();
    let mut outlet = w.engine.state().outlets["O-003"].clone();
    outlet.status = fmcg_core::OutletStatus::Closed;
    w.ok("SUP-1", json!({"type": "update_outlet", "outlet": outlet}));
    let e = w.err("REP-2", order_cmd("SO-1", "O-003", &[("COLA-330", 1)]));
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    let mut sku = w.engine.state().catalog.skus["WATER-550"].clone();
    sku.active = false;
    w.ok("admin", json!({"type": "update_sku", "sku": sku}));
    let e = w.err("REP-1", order_cmd("SO-2", "O-001", &[("WATER-550", 1)]));
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn the_shared_scenario_produces_the_recorded_events() {
    let mut engine = World::standard().engine;
    let mut events = Vec::new();
    for line in crate::support::SCENARIO.lines() {
        events.extend(engine.apply_json(line).unwrap().events);
    }
    let got = serde_json::to_value(&events).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/expected/scenario_order_cancel.events.json"
    );
    if std::env::var_os("FMCG_UPDATE_FIXTURES").is_some() {
        std::fs::write(path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
    }
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(path).expect("run with FMCG_UPDATE_FIXTURES=1 once"),
    )
    .unwrap();
    assert_eq!(
        got, expected,
        "the contract's JSON changed: review, then FMCG_UPDATE_FIXTURES=1"
    );
    assert!(
        events
            .iter()
            .any(|r| matches!(r.event, Event::OrderCancelled { .. }))
    );
}
