use fmcg_core::engine::query::QueryResult;
use fmcg_core::{ErrorKind, Money};
use serde_json::json;

use crate::support::{World, check_invariants};

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn invoice(w: &mut World, id: &str, outlet: &str, amount: &str, issued: &str) {
    w.ok("FIN-1", json!({"type": "issue_invoice", "invoice_id": id, "outlet": outlet, "amount": amount, "issue_date": issued}));
}

#[test]
fn invoices_fall_due_after_the_outlets_payment_terms() {
    let mut w = World::standard();
    w.ok(
        "FIN-1",
        json!({"type": "issue_invoice", "invoice_id": "I1", "outlet": "O-001", "amount": "100.00"}),
    );
    let inv = &w.engine.state().receivables.invoices["I1"];
    assert_eq!(inv.issue_date.to_string(), "2026-03-02");
    assert_eq!(inv.due_date.to_string(), "2026-04-01", "30 days of terms");
}

#[test]
fn payments_apply_oldest_first_then_stay_on_account() {
    let mut w = World::standard();
    invoice(&mut w, "I2", "O-001", "50.00", "2026-02-10");
    invoice(&mut w, "I1", "O-001", "30.00", "2026-01-10");
    w.ok("REP-1", json!({"type": "record_payment", "payment_id": "P1", "outlet": "O-001", "amount": "100.00", "method": "cash"}));
    let r = &w.engine.state().receivables;
    let p = &r.payments["P1"];
    assert_eq!(
        p.allocations
            .iter()
            .map(|a| (a.invoice.as_str(), a.amount))
            .collect::<Vec<_>>(),
        [("I1", m("30.00")), ("I2", m("50.00"))]
    );
    assert_eq!(p.unapplied, m("20.00"));
    assert_eq!(r.balance(&"O-001".parse().unwrap()).unwrap(), Money::ZERO);
    check_invariants(&w.engine);
}

#[test]
fn a_payment_naming_invoices_pays_those_in_order() {
    let mut w = World::standard();
    invoice(&mut w, "I1", "O-001", "30.00", "2026-01-10");
    invoice(&mut w, "I2", "O-001", "50.00", "2026-02-10");
    invoice(&mut w, "J1", "O-002", "10.00", "2026-02-10");
    w.ok(
        "FIN-1",
        json!({"type": "record_payment", "payment_id": "P1", "outlet": "O-001", "amount": "60.00",
        "method": "bank_transfer", "invoices": ["I2", "I1"]}),
    );
    let inv = &w.engine.state().receivables.invoices;
    assert_eq!(
        (inv["I2"].balance(), inv["I1"].balance()),
        (Money::ZERO, m("20.00"))
    );
    let e = w.err(
        "FIN-1",
        json!({"type": "record_payment", "payment_id": "P2", "outlet": "O-001", "amount": "5.00",
        "method": "qr", "invoices": ["J1"]}),
    );
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidInput,
        "another outlet's invoice"
    );
    let e = w.err(
        "FIN-1",
        json!({"type": "record_payment", "payment_id": "P2", "outlet": "O-001", "amount": "5.00",
        "method": "qr", "invoices": ["NOPE"]}),
    );
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = w.err("FIN-1", json!({"type": "record_payment", "payment_id": "P1", "outlet": "O-001", "amount": "5.00", "method": "qr"}));
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    check_invariants(&w.engine);
}

#[test]
fn credit_notes_never_take_an_invoice_below_zero() {
    let mut w = World::standard();
    invoice(&mut w, "I1", "O-001", "30.00", "2026-01-10");
    w.ok("FIN-1", json!({"type": "record_payment", "payment_id": "P1", "outlet": "O-001", "amount": "20.00", "method": "cash"}));
    let e = w.err("FIN-1", json!({"type": "issue_credit_note", "credit_note_id": "CN1", "invoice_id": "I1", "amount": "10.01", "reason": "returns"}));
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    w.ok("FIN-1", json!({"type": "issue_credit_note", "credit_note_id": "CN1", "invoice_id": "I1", "amount": "10.00", "reason": "returns"}));
    assert_eq!(
        w.engine.state().receivables.invoices["I1"].balance(),
        Money::ZERO
    );
    assert!(w.engine.state().receivables.open.is_empty());
    let e = w.err("REP-1", json!({"type": "issue_credit_note", "credit_note_id": "CN2", "invoice_id": "I1", "amount": "1.00", "reason": "x"}));
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    check_invariants(&w.engine);
}

#[test]
fn amounts_must_be_whole_cents() {
    let mut w = World::standard();
    let e = w.err(
        "FIN-1",
        json!({"type": "issue_invoice", "invoice_id": "I1", "outlet": "O-001", "amount": "10.005"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = w.err(
        "FIN-1",
        json!({"type": "issue_invoice", "invoice_id": "I1", "outlet": "O-001", "amount": "0"}),
    );
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn aging_buckets_open_invoices_by_days_past_due_within_scope() {
    let mut w = World::standard();
    invoice(&mut w, "I1", "O-001", "10.00", "2025-11-01"); // due 2025-12-01: 91 days on 03-02
    invoice(&mut w, "I2", "O-001", "20.00", "2026-02-20"); // due 2026-03-22: current
    invoice(&mut w, "I3", "O-003", "40.00", "2026-02-01"); // due 2026-02-08: 22 days
    let (rows, total) = match w
        .query("FIN-1", json!({"type": "aging", "as_of": "2026-03-02"}))
        .unwrap()
    {
        QueryResult::Aging { rows, total } => (rows, total),
        other => panic!("{other:?}"),
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (total.over_90, total.current, total.days_1_30),
        (m("10.00"), m("20.00"), m("40.00"))
    );
    let rep1 = match w
        .query("REP-1", json!({"type": "aging", "as_of": "2026-03-02"}))
        .unwrap()
    {
        QueryResult::Aging { rows, .. } => rows,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        rep1.iter().map(|r| r.outlet.as_str()).collect::<Vec<_>>(),
        ["O-001"],
        "a rep sees own outlets"
    );
    let e = w
        .query(
            "REP-1",
            json!({"type": "aging", "as_of": "2026-03-02", "outlet": "O-003"}),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    let e = w
        .query("WH-1", json!({"type": "aging", "as_of": "2026-03-02"}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
}
