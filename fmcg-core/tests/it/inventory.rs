use fmcg_core::engine::query::QueryResult;
use fmcg_core::{Error, ErrorKind, PurchaseStatus};
use serde_json::json;

use crate::support::{World, check_invariants, order_cmd};

#[test]
fn a_receipt_books_lots_and_moves_with_partial_status() {
    let w = World::standard();
    let po = &w.engine.state().purchase_orders["PO-1"];
    assert_eq!(
        po.status,
        PurchaseStatus::PartiallyReceived,
        "cola 1680 of 2400 received"
    );
    assert_eq!(w.level("W1", "COLA-330", "L-C1").on_hand, 1200);
    assert_eq!(w.level("W1", "COLA-330", "L-C2").on_hand, 480);
    assert_eq!(w.total("W1", "WATER-550").on_hand, 1200);
    check_invariants(&w.engine);
}

#[test]
fn receipts_cannot_exceed_the_order_or_change_a_lots_expiry() {
    let mut w = World::standard();
    let e = w.err(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-2", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C3", "expiry": "2026-09-30", "qty": 721}]}),
    );
    assert!(
        matches!(e, Error::InvalidInput { ref reason, .. } if reason.contains("720 outstanding")),
        "{e}"
    );
    let e = w.err(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-2", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C1", "expiry": "2026-09-30", "qty": 24}]}),
    );
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let e = w.err(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-1", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C1", "expiry": "2026-08-31", "qty": 24}]}),
    );
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = w.err(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-2", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C3", "expiry": "2026-09-30", "qty": 360},
                  {"sku": "COLA-330", "lot": "L-C3", "expiry": "2026-10-30", "qty": 360}]}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::Conflict,
        "one lot, two expiries in one receipt"
    );
    w.ok("WH-1", json!({"type": "receive_goods", "receipt_id": "RC-2", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C3", "expiry": "2026-09-30", "qty": 30, "pack": "case"}]}));
    assert_eq!(
        w.engine.state().purchase_orders["PO-1"].status,
        PurchaseStatus::Received
    );
    let e = w.err(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-3", "purchase_order_id": "PO-1",
        "lines": [{"sku": "COLA-330", "lot": "L-C3", "expiry": "2026-09-30", "qty": 1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    check_invariants(&w.engine);
}

#[test]
fn transfers_conserve_stock_and_never_touch_reserved_units() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 470)]));
    let total_before = w.total("W1", "COLA-330").on_hand;
    w.ok(
        "WH-1",
        json!({"type": "transfer_stock", "document_id": "TR-1", "from": "W1", "to": "V1",
        "lines": [{"sku": "COLA-330", "qty": 20}]}),
    );
    // FEFO: 10 left free in L-C2, then 10 from L-C1.
    assert_eq!(w.level("V1", "COLA-330", "L-C2").on_hand, 10);
    assert_eq!(w.level("V1", "COLA-330", "L-C1").on_hand, 10);
    assert_eq!(
        w.total("W1", "COLA-330").on_hand + w.total("V1", "COLA-330").on_hand,
        total_before
    );
    let e = w.err(
        "WH-1",
        json!({"type": "transfer_stock", "document_id": "TR-2", "from": "W1", "to": "V1",
        "lines": [{"sku": "COLA-330", "lot": "L-C2", "qty": 1}]}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::InsufficientStock,
        "the rest of L-C2 is reserved"
    );
    let e = w.err(
        "WH-1",
        json!({"type": "transfer_stock", "document_id": "TR-1", "from": "V1", "to": "W1",
        "lines": [{"sku": "COLA-330", "qty": 1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = w.err(
        "WH-1",
        json!({"type": "transfer_stock", "document_id": "TR-3", "from": "V1", "to": "V1",
        "lines": [{"sku": "COLA-330", "qty": 1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = w.err(
        "REP-1",
        json!({"type": "transfer_stock", "document_id": "TR-3", "from": "W1", "to": "V1",
        "lines": [{"sku": "COLA-330", "qty": 1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    check_invariants(&w.engine);
}

#[test]
fn a_count_adjusts_on_hand_but_never_below_what_is_reserved() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("WATER-550", 100)]));
    w.ok("WH-1", json!({"type": "adjust_stock", "document_id": "CNT-1", "location": "W1", "reason": "cycle count",
        "lines": [{"sku": "WATER-550", "lot": "L-W1", "counted": 1190}]}));
    assert_eq!(w.level("W1", "WATER-550", "L-W1").on_hand, 1190);
    let e = w.err(
        "WH-1",
        json!({"type": "adjust_stock", "document_id": "CNT-2", "location": "W1",
        "lines": [{"sku": "WATER-550", "lot": "L-W1", "counted": 99}]}),
    );
    assert_eq!(e.kind(), ErrorKind::InsufficientStock);
    let e = w.err(
        "WH-1",
        json!({"type": "adjust_stock", "document_id": "CNT-2", "location": "W1",
        "lines": [{"sku": "WATER-550", "lot": "NOPE", "counted": 1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = w.err(
        "WH-1",
        json!({"type": "adjust_stock", "document_id": "CNT-2", "location": "W1",
        "lines": [{"sku": "WATER-550", "lot": "L-W1", "counted": -1}]}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    check_invariants(&w.engine);
}

#[test]
fn write_offs_and_supplier_returns_take_available_stock_of_a_named_lot() {
    let mut w = World::standard();
    w.ok("WH-1", json!({"type": "write_off_stock", "document_id": "WO-1", "location": "W1", "reason": "crushed cans",
        "lines": [{"sku": "COLA-330", "lot": "L-C1", "qty": 5}]}));
    assert_eq!(w.level("W1", "COLA-330", "L-C1").on_hand, 1195);
    let e = w.err(
        "WH-1",
        json!({"type": "write_off_stock", "document_id": "WO-2", "location": "W1", "reason": "x",
        "lines": [{"sku": "COLA-330", "qty": 5}]}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidInput,
        "a write-off names its lot"
    );
    w.ok("WH-1", json!({"type": "return_to_supplier", "return_id": "RT-1", "supplier": "SUP1", "warehouse": "W1",
        "purchase_order_id": "PO-1", "reason": "short dated", "lines": [{"sku": "CHIPS-70", "lot": "L-H1", "qty": 100}]}));
    assert_eq!(w.total("W1", "CHIPS-70").on_hand, 500);
    check_invariants(&w.engine);
}

#[test]
fn near_expiry_uses_a_third_of_shelf_life_by_default() {
    let w = World::standard();
    // CHIPS shelf life 120 days → 40-day threshold; L-H1 expires 2026-05-31.
    let rows = |as_of: &str| match w
        .query("WH-1", json!({"type": "near_expiry", "as_of": as_of}))
        .unwrap()
    {
        QueryResult::NearExpiry { rows } => rows,
        other => panic!("{other:?}"),
    };
    assert!(rows("2026-04-20").is_empty());
    let r = rows("2026-04-22");
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].stock.sku.as_str(), r[0].days_left, r[0].threshold_days),
        ("CHIPS-70", 39, 40)
    );
}

#[test]
fn slow_movers_and_reorder_suggestions_follow_sales() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("CHIPS-70", 280)]));
    let slow = match w
        .query(
            "admin",
            json!({"type": "slow_moving", "as_of": "2026-03-10", "days": 14}),
        )
        .unwrap()
    {
        QueryResult::SlowMoving { rows } => rows,
        other => panic!("{other:?}"),
    };
    let skus: Vec<&str> = slow.iter().map(|r| r.sku.as_str()).collect();
    assert_eq!(skus, ["COLA-330", "WATER-550"], "chips sold on 2026-03-02");
    w.ok("WH-1", json!({"type": "set_reorder_level", "location": "W1", "sku": "WATER-550", "min": 1500, "max": 2400}));
    let rows = match w
        .query(
            "WH-1",
            json!({"type": "reorder_suggestions", "warehouse": "W1", "as_of": "2026-03-02"}),
        )
        .unwrap()
    {
        QueryResult::ReorderSuggestions { rows } => rows,
        other => panic!("{other:?}"),
    };
    let water = rows.iter().find(|r| r.sku.as_str() == "WATER-550").unwrap();
    assert_eq!(
        (water.rule.as_str(), water.suggested_qty),
        ("min_max", 1200)
    );
    // Chips: 308 sold in 28 days (280 + 28 free); available 292; no open order.
    // Reorder point 308 × (7 + 3) / 28 = 110 → not yet.
    assert!(rows.iter().all(|r| r.sku.as_str() != "CHIPS-70"));
    // Cola: nothing sold and no rule: no suggestion.
    assert!(rows.iter().all(|r| r.sku.as_str() != "COLA-330"));
}

#[test]
fn stock_moves_are_queryable_from_the_log() {
    let mut w = World::standard();
    w.ok("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 1)]));
    let rows = match w
        .query("WH-1", json!({"type": "stock_moves", "sku": "COLA-330"}))
        .unwrap()
    {
        QueryResult::StockMoves { rows } => rows,
        other => panic!("{other:?}"),
    };
    let kinds: Vec<String> = rows
        .iter()
        .map(|r| format!("{:?}", r.stock_move.kind))
        .collect();
    assert_eq!(kinds, ["Receipt", "Receipt", "Reservation"]);
    assert!(rows.windows(2).all(|p| p[0].seq < p[1].seq));
}
