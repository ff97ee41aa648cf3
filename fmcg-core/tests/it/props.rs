//! Property tests: random command sequences keep every invariant; failures change nothing;
//! replay rebuilds the state; applying twice equals applying once.

use fmcg_core::{Commit, Engine, Envelope};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{World, check_invariants, envelope, state_json};

const ACTORS: [&str; 7] = ["admin", "SUP-1", "REP-1", "REP-2", "DRV-1", "WH-1", "FIN-1"];
const OUTLETS: [&str; 3] = ["O-001", "O-002", "O-003"];
const SKUS: [&str; 3] = ["COLA-330", "CHIPS-70", "WATER-550"];
const LOTS: [(&str, &str); 4] = [
    ("COLA-330", "L-C1"),
    ("COLA-330", "L-C2"),
    ("CHIPS-70", "L-H1"),
    ("WATER-550", "L-W1"),
];
const LOCATIONS: [&str; 2] = ["W1", "V1"];

#[derive(Debug, Clone)]
enum Op {
    Submit {
        actor: usize,
        outlet: usize,
        lines: Vec<(usize, i64)>,
        price: Option<u32>,
    },
    Cancel {
        actor: usize,
        order: usize,
    },
    Approve {
        actor: usize,
        order: usize,
    },
    Reject {
        actor: usize,
        order: usize,
    },
    Receive {
        qty: i64,
        lot: usize,
    },
    Transfer {
        actor: usize,
        from: usize,
        sku: usize,
        qty: i64,
        lot: Option<usize>,
    },
    Adjust {
        lot: usize,
        location: usize,
        counted: i64,
    },
    WriteOff {
        lot: usize,
        qty: i64,
    },
    Invoice {
        actor: usize,
        outlet: usize,
        cents: i64,
    },
    CreditNote {
        invoice: usize,
        cents: i64,
    },
    Pay {
        actor: usize,
        outlet: usize,
        cents: i64,
        named: Option<usize>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let actor = 0..ACTORS.len();
    prop_oneof![
        4 => (actor.clone(), 0..3usize, prop::collection::vec((0..3usize, -5i64..400), 1..4), prop::option::of(50u32..300))
            .prop_map(|(actor, outlet, lines, price)| Op::Submit { actor, outlet, lines, price }),
        2 => (actor.clone(), 0..12usize).prop_map(|(actor, order)| Op::Cancel { actor, order }),
        1 => (actor.clone(), 0..12usize).prop_map(|(actor, order)| Op::Approve { actor, order }),
        1 => (actor.clone(), 0..12usize).prop_map(|(actor, order)| Op::Reject { actor, order }),
        1 => (-10i64..300, 0..4usize).prop_map(|(qty, lot)| Op::Receive { qty, lot }),
        2 => (actor.clone(), 0..2usize, 0..3usize, -5i64..500, prop::option::of(0..4usize))
            .prop_map(|(actor, from, sku, qty, lot)| Op::Transfer { actor, from, sku, qty, lot }),
        1 => (0..4usize, 0..2usize, -5i64..2000).prop_map(|(lot, location, counted)| Op::Adjust { lot, location, counted }),
        1 => (0..4usize, -5i64..200).prop_map(|(lot, qty)| Op::WriteOff { lot, qty }),
        2 => (actor.clone(), 0..3usize, -100i64..50_000).prop_map(|(actor, outlet, cents)| Op::Invoice { actor, outlet, cents }),
        1 => (0..8usize, -100i64..20_000).prop_map(|(invoice, cents)| Op::CreditNote { invoice, cents }),
        2 => (actor, 0..3usize, -100i64..60_000, prop::option::of(0..8usize))
            .prop_map(|(actor, outlet, cents, named)| Op::Pay { actor, outlet, cents, named }),
    ]
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn to_command(i: usize, op: &Op) -> (&'static str, Value) {
    match op {
        Op::Submit {
            actor,
            outlet,
            lines,
            price,
        } => {
            let lines: Vec<Value> = lines
                .iter()
                .map(|(s, q)| match price {
                    Some(p) => {
                        json!({"sku": SKUS[*s], "qty": q, "unit_price": money(i64::from(*p))})
                    }
                    None => json!({"sku": SKUS[*s], "qty": q}),
                })
                .collect();
            (
                ACTORS[*actor],
                json!({"type": "submit_order", "order_id": format!("SO-{}", i % 12),
                "outlet": OUTLETS[*outlet], "warehouse": "W1", "lines": lines}),
            )
        }
        Op::Cancel { actor, order } => (
            ACTORS[*actor],
            json!({"type": "cancel_order", "order_id": format!("SO-{order}")}),
        ),
        Op::Approve { actor, order } => (
            ACTORS[*actor],
            json!({"type": "approve_order", "order_id": format!("SO-{order}")}),
        ),
        Op::Reject { actor, order } => (
            ACTORS[*actor],
            json!({"type": "reject_order", "order_id": format!("SO-{order}"), "reason": "no"}),
        ),
        Op::Receive { qty, lot } => {
            let (sku, lot) = LOTS[*lot];
            let expiry = if lot == "L-C2" {
                "2026-06-30"
            } else if sku == "COLA-330" {
                "2026-08-31"
            } else if sku == "CHIPS-70" {
                "2026-05-31"
            } else {
                "2027-01-31"
            };
            (
                "WH-1",
                json!({"type": "receive_goods", "receipt_id": format!("RC-P{i}"), "purchase_order_id": "PO-1",
                "lines": [{"sku": sku, "lot": lot, "expiry": expiry, "qty": qty}]}),
            )
        }
        Op::Transfer {
            actor,
            from,
            sku,
            qty,
            lot,
        } => {
            let mut line = json!({"sku": SKUS[*sku], "qty": qty});
            if let Some(l) = lot {
                line["sku"] = json!(LOTS[*l].0);
                line["lot"] = json!(LOTS[*l].1);
            }
            (
                ACTORS[*actor],
                json!({"type": "transfer_stock", "document_id": format!("TR-{i}"),
                "from": LOCATIONS[*from], "to": LOCATIONS[1 - *from], "lines": [line]}),
            )
        }
        Op::Adjust {
            lot,
            location,
            counted,
        } => (
            "WH-1",
            json!({"type": "adjust_stock", "document_id": format!("AD-{i}"),
            "location": LOCATIONS[*location], "lines": [{"sku": LOTS[*lot].0, "lot": LOTS[*lot].1, "counted": counted}]}),
        ),
        Op::WriteOff { lot, qty } => (
            "WH-1",
            json!({"type": "write_off_stock", "document_id": format!("WO-{i}"),
            "location": "W1", "reason": "damaged", "lines": [{"sku": LOTS[*lot].0, "lot": LOTS[*lot].1, "qty": qty}]}),
        ),
        Op::Invoice {
            actor,
            outlet,
            cents,
        } => (
            ACTORS[*actor],
            json!({"type": "issue_invoice", "invoice_id": format!("I-{}", i % 8),
            "outlet": OUTLETS[*outlet], "amount": money(*cents)}),
        ),
        Op::CreditNote { invoice, cents } => (
            "FIN-1",
            json!({"type": "issue_credit_note", "credit_note_id": format!("CN-{i}"),
            "invoice_id": format!("I-{invoice}"), "amount": money(*cents), "reason": "returns"}),
        ),
        Op::Pay {
            actor,
            outlet,
            cents,
            named,
        } => {
            let invoices: Vec<String> = named.iter().map(|n| format!("I-{n}")).collect();
            (
                ACTORS[*actor],
                json!({"type": "record_payment", "payment_id": format!("P-{i}"), "outlet": OUTLETS[*outlet],
                "amount": money(*cents), "method": "cash", "invoices": invoices}),
            )
        }
    }
}

fn envelopes(ops: &[Op]) -> Vec<Envelope> {
    let at = "2026-03-02T03:00:00Z".parse().unwrap();
    ops.iter()
        .enumerate()
        .map(|(i, op)| {
            let (actor, command) = to_command(i, op);
            envelope(&format!("p-{i}"), actor, at, command)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_every_invariant(ops in prop::collection::vec(op(), 1..40)) {
        let mut w = World::standard();
        let mut accepted = 0;
        for env in envelopes(&ops) {
            let before = state_json(&w.engine);
            let seq = w.engine.last_seq();
            match w.engine.apply(env) {
                Ok(o) => {
                    accepted += 1;
                    prop_assert_eq!(o.first_seq, seq + 1, "sequence numbers have no gaps");
                }
                Err(_) => {
                    prop_assert_eq!(&state_json(&w.engine), &before, "a rejected command changed the state");
                    prop_assert_eq!(w.engine.last_seq(), seq);
                }
            }
        }
        check_invariants(&w.engine);
        let _ = accepted;

        // Replaying the events rebuilds an identical state.
        let replayed = Engine::replay(w.engine.commits().iter().cloned()).unwrap();
        prop_assert_eq!(state_json(&replayed), state_json(&w.engine));

        // Snapshot and restore round-trip.
        let restored = Engine::restore_bytes(&w.engine.snapshot_bytes().unwrap()).unwrap();
        prop_assert_eq!(state_json(&restored), state_json(&w.engine));
    }

    #[test]
    fn applying_every_command_twice_equals_applying_it_once(ops in prop::collection::vec(op(), 1..25)) {
        let envs = envelopes(&ops);
        let mut once = World::standard().engine;
        let mut twice = World::standard().engine;
        for env in &envs {
            let a = once.apply(env.clone());
            let b1 = twice.apply(env.clone());
            let b2 = twice.apply(env.clone());
            prop_assert_eq!(a.is_ok(), b1.is_ok());
            if let (Ok(b1), Ok(b2)) = (&b1, &b2) {
                prop_assert_eq!(b1, b2, "a repeat returns the original outcome");
            }
        }
        prop_assert_eq!(state_json(&once), state_json(&twice));
        prop_assert_eq!(once.last_seq(), twice.last_seq());
        let commits: Vec<&Commit> = twice.commits().iter().collect();
        prop_assert_eq!(commits.len(), once.commits().len());
    }

    #[test]
    fn arbitrary_json_never_panics_the_engine(s in ".{0,200}") {
        let mut w = World::standard();
        let before = state_json(&w.engine);
        let _ = w.engine.apply_json(&s);
        prop_assert_eq!(state_json(&w.engine), before);
    }

    #[test]
    fn mangled_commands_give_typed_errors_not_panics(ops in prop::collection::vec(op(), 1..5), cut in 0usize..400, junk in ".{0,8}") {
        let mut w = World::standard();
        for env in envelopes(&ops) {
            let text = serde_json::to_string(&env).unwrap();
            let cut = cut.min(text.len());
            let mut mangled: String = text.chars().take(cut).collect();
            mangled.push_str(&junk);
            mangled.extend(text.chars().skip(cut + junk.chars().count()));
            let _ = w.engine.apply_json(&mangled);
        }
        check_invariants(&w.engine);
    }
}
