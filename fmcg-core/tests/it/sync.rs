//! Sync: policies, field-level last-writer-wins, clock skew, scope, bad input, and
//! properties over interleavings.

use chrono::{DateTime, Duration, Utc};
use fmcg_core::sync::{
    Adjustment, ClientReplica, NoticeKind, PullRequest, PushRequest, PushStatus, ShortfallPolicy,
};
use fmcg_core::{Engine, Envelope, ErrorKind, OrderStatus, StaffId};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{World, check_invariants, envelope_at};
use crate::sync_sim::{Shape, Sim};

fn at() -> DateTime<Utc> {
    "2026-03-02T03:00:00Z".parse().unwrap()
}

fn staff(id: &str) -> StaffId {
    id.parse().unwrap()
}

fn device(actor: &str, id: &str, command: Value) -> Envelope {
    let mut e = envelope_at(id, actor, at(), Some((31.231, 121.475, 10.0)), command);
    e.device_id = format!("phone-{actor}").parse().unwrap();
    e
}

fn push(
    engine: &mut Engine,
    actor: &str,
    commands: Vec<Envelope>,
) -> fmcg_core::sync::PushResponse {
    let request = PushRequest {
        device_id: format!("phone-{actor}").parse().unwrap(),
        device_now: Some(at()),
        commands,
    };
    engine.push(&staff(actor), request, at()).unwrap()
}

fn with_policy(policy: ShortfallPolicy) -> World {
    let mut w = World::standard();
    let mut settings = w.engine.state().settings.clone();
    settings.sync.stock_shortfall = policy;
    w.ok(
        "admin",
        json!({"type": "update_settings", "settings": settings}),
    );
    w
}

/// 2,000 cans of cola against 1,680 in stock, plus a line that fits.
fn big_order(id: &str) -> Value {
    json!({"type": "submit_order", "order_id": id, "outlet": "O-001", "warehouse": "W1",
        "lines": [{"sku": "COLA-330", "qty": 2000}, {"sku": "WATER-550", "qty": 10}]})
}

#[test]
fn an_offline_shortfall_follows_the_distributors_policy() {
    // Online, the order is refused whatever the policy.
    let mut w = with_policy(ShortfallPolicy::PartialWithBackorder);
    assert_eq!(
        w.err("REP-1", big_order("SO-ON")).kind(),
        ErrorKind::InsufficientStock
    );

    // partial_with_backorder: what is there is allocated, the rest is on back order.
    let r = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c1", big_order("SO-1"))],
    );
    assert_eq!(r.results[0].status, PushStatus::Adjusted);
    assert_eq!(
        r.results[0].adjustments,
        vec![Adjustment::Backordered {
            order_id: "SO-1".parse().unwrap(),
            lines: vec![fmcg_core::sync::ShortLine {
                line_no: 1,
                sku: "COLA-330".parse().unwrap(),
                ordered: 2000,
                allocated: 1680
            }]
        }]
    );
    let o = w.order("SO-1");
    assert_eq!(o.status, OrderStatus::Allocated);
    assert_eq!(
        (o.lines[0].qty_allocated, o.lines[1].qty_allocated),
        (1680, 10)
    );
    assert_eq!(w.total("W1", "COLA-330").available(), 0);
    // With nothing left, the next one is held rather than allocated empty.
    let cola_only = json!({"type": "submit_order", "order_id": "SO-2", "outlet": "O-001",
        "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 24}]});
    let r = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c2", cola_only)],
    );
    assert!(matches!(
        r.results[0].adjustments[0],
        Adjustment::HeldForApproval { .. }
    ));
    assert_eq!(w.order("SO-2").status, OrderStatus::Submitted);
    check_invariants(&w.engine);

    // hold_for_approval: reserved in part, held with the shortfall as the reason.
    let mut w = with_policy(ShortfallPolicy::HoldForApproval);
    let r = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c1", big_order("SO-1"))],
    );
    assert!(matches!(
        r.results[0].adjustments[0],
        Adjustment::HeldForApproval { .. }
    ));
    let o = w.order("SO-1");
    assert_eq!(o.status, OrderStatus::Submitted);
    assert!(o.approval_reasons.iter().any(|r| matches!(
        r,
        fmcg_core::order::ApprovalReason::StockShortfall {
            ordered: 2000,
            allocated: 1680,
            ..
        }
    )));
    w.ok(
        "SUP-1",
        json!({"type": "approve_order", "order_id": "SO-1"}),
    );
    assert_eq!(w.order("SO-1").status, OrderStatus::Allocated);
    check_invariants(&w.engine);

    // reject: refused as online, nothing changes.
    let mut w = with_policy(ShortfallPolicy::Reject);
    let before = crate::support::state_json(&w.engine);
    let r = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c1", big_order("SO-1"))],
    );
    assert_eq!(r.results[0].status, PushStatus::Rejected);
    assert_eq!(
        r.results[0].error.as_ref().unwrap().kind(),
        ErrorKind::InsufficientStock
    );
    assert_eq!(crate::support::state_json(&w.engine), before);
    // Stock arrives; a late duplicate of the refused push is still refused, as the device
    // was told, but the same order under a new id goes through.
    w.ok(
        "WH-1",
        json!({"type": "create_purchase_order", "purchase_order_id": "PO-X", "supplier": "SUP1",
        "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 500, "unit_cost": "1.00"}]}),
    );
    w.ok(
        "WH-1",
        json!({"type": "receive_goods", "receipt_id": "RC-X", "purchase_order_id": "PO-X",
        "lines": [{"sku": "COLA-330", "lot": "L-X", "expiry": "2026-12-31", "qty": 500}]}),
    );
    let late = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c1", big_order("SO-1"))],
    );
    assert_eq!(late.results[0].status, PushStatus::Rejected);
    let again = push(
        &mut w.engine,
        "REP-1",
        vec![device("REP-1", "c1b", big_order("SO-1"))],
    );
    assert_eq!(again.results[0].status, PushStatus::Accepted);
}

#[test]
fn outlet_edits_merge_field_by_field_and_the_latest_stamp_wins() {
    let mut w = World::standard();
    let edit = |changes: Value, wall_ms: i64, node: &str| {
        json!({"type": "edit_outlet", "outlet_id": "O-001", "changes": changes,
            "stamp": {"wall_ms": wall_ms, "counter": 0, "node": node}})
    };
    // The supervisor's edit at 10:00 reaches the server first...
    let o = w.ok(
        "SUP-1",
        edit(
            json!({"address": "2 Nanjing Rd", "contact": {"name": "Li"}}),
            10,
            "office",
        ),
    );
    assert_eq!(o.status, fmcg_core::OutcomeStatus::Accepted);
    // ...then the rep's offline edit made at 09:00 (contact) and 11:00 (name) arrive.
    let r = push(
        &mut w.engine,
        "REP-1",
        vec![
            device(
                "REP-1",
                "e1",
                edit(
                    json!({"contact": {"name": "Wang"}, "name": "Lianhua 2"}),
                    9,
                    "phone-REP-1",
                ),
            ),
            device(
                "REP-1",
                "e2",
                edit(json!({"address": "3 Nanjing Rd"}), 11, "phone-REP-1"),
            ),
        ],
    );
    assert_eq!(r.results[0].status, PushStatus::Adjusted);
    assert_eq!(
        r.results[0].adjustments,
        vec![Adjustment::Superseded {
            outlet_id: "O-001".parse().unwrap(),
            fields: vec!["contact".into()]
        }]
    );
    assert_eq!(r.results[1].status, PushStatus::Accepted);
    let outlet = &w.engine.state().outlets["O-001"];
    assert_eq!(
        (
            outlet.name.as_str(),
            outlet.contact.name.as_str(),
            outlet.address.as_str()
        ),
        ("Lianhua 2", "Li", "3 Nanjing Rd")
    );
    // The same stamp from the same node loses to itself: a re-sent edit changes nothing.
    let o = w.ok("SUP-1", edit(json!({"address": "x"}), 11, "phone-REP-1"));
    assert_eq!(o.status, fmcg_core::OutcomeStatus::Adjusted);
    assert_eq!(w.engine.state().outlets["O-001"].address, "3 Nanjing Rd");
    // Sensitive fields are not editable this way, and reps cannot edit others' outlets.
    let e = Envelope::from_json(&json!({"command_id": "x", "actor": "REP-1", "device_id": "d",
        "recorded_at": at(), "command": {"type": "edit_outlet", "outlet_id": "O-001",
        "changes": {"credit_limit": "99999.00"}, "stamp": {"wall_ms": 99, "counter": 0, "node": "p"}}})
        .to_string()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = w.err("REP-2", edit(json!({"name": "mine"}), 99, "p"));
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    let e = w.err("DRV-1", edit(json!({"name": "mine"}), 99, "p"));
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    check_invariants(&w.engine);
}

#[test]
fn a_device_clock_beyond_the_allowed_skew_is_flagged() {
    let mut w = World::standard();
    let mut cmd = device("REP-1", "k1", json!({"type": "start_day"}));
    cmd.recorded_at = at() + Duration::hours(2);
    let request = PushRequest {
        device_id: "phone-REP-1".parse().unwrap(),
        device_now: Some(at() + Duration::hours(2)),
        commands: vec![cmd],
    };
    let r = w
        .engine
        .push(&staff("REP-1"), request.clone(), at())
        .unwrap();
    assert_eq!(r.clock_skew_ms, Some(7_200_000));
    assert!(r.clock_skew_flagged && r.results[0].recorded_in_future);
    // The device's time is kept for what happened; the server's sequence orders it.
    assert_eq!(r.results[0].status, PushStatus::Accepted);
    let mut replica = ClientReplica::new(
        w.engine.scoped_snapshot(&staff("REP-1")).unwrap(),
        "phone-REP-1".parse().unwrap(),
    )
    .unwrap();
    replica.apply_push(&r);
    assert_eq!(replica.take_notices()[0].kind, NoticeKind::ClockSkew);
    // Within the threshold nothing is flagged.
    let on_time = device("REP-1", "k2", json!({"type": "end_day"}));
    let request = PushRequest {
        device_now: Some(at() + Duration::seconds(30)),
        commands: vec![on_time],
        ..request
    };
    let r = w.engine.push(&staff("REP-1"), request, at()).unwrap();
    assert!(!r.clock_skew_flagged && !r.results[0].recorded_in_future);
}

#[test]
fn push_refuses_bad_input_with_typed_errors_and_the_original_stands() {
    let mut w = World::standard();
    let first = device(
        "REP-1",
        "p1",
        json!({"type": "submit_order", "order_id": "SO-9",
        "outlet": "O-001", "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 5}]}),
    );
    let r = push(&mut w.engine, "REP-1", vec![first.clone()]);
    assert_eq!(r.results[0].status, PushStatus::Accepted);
    let before = crate::support::state_json(&w.engine);
    // The same id with different content: a conflict, the original stands.
    let mut changed = first.clone();
    changed.command = serde_json::from_value(json!({"type": "submit_order", "order_id": "SO-9",
        "outlet": "O-001", "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 500}]}))
    .unwrap();
    let r = push(&mut w.engine, "REP-1", vec![changed, first.clone()]);
    assert_eq!(r.results[0].status, PushStatus::Rejected);
    assert_eq!(
        r.results[0].error.as_ref().unwrap().kind(),
        ErrorKind::Conflict
    );
    // The exact repeat returns the original outcome.
    assert_eq!(r.results[1].status, PushStatus::Accepted);
    assert_eq!(
        r.results[1].events[0].seq,
        w.engine.commit_of(&first.command_id).unwrap().first_seq
    );
    assert_eq!(crate::support::state_json(&w.engine), before);
    // Someone else's command in my push, an unknown pusher.
    let theirs = device("REP-2", "p2", json!({"type": "start_day"}));
    let r = push(&mut w.engine, "REP-1", vec![theirs]);
    assert_eq!(
        r.results[0].error.as_ref().unwrap().kind(),
        ErrorKind::PermissionDenied
    );
    let e = w
        .engine
        .push(
            &staff("GHOST"),
            PushRequest {
                device_id: "x".parse().unwrap(),
                device_now: None,
                commands: vec![first],
            },
            at(),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    assert_eq!(crate::support::state_json(&w.engine), before);
    // Tampered sequence numbers: beyond the server, or answers that do not continue.
    let head = w.engine.last_seq();
    let e = w
        .engine
        .pull(
            &staff("REP-1"),
            PullRequest {
                since_seq: head + 1,
                limit: 10,
            },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        w.engine
            .pull(
                &staff("GHOST"),
                PullRequest {
                    since_seq: 0,
                    limit: 10
                }
            )
            .is_err()
    );
    let mut replica = ClientReplica::new(
        w.engine.scoped_snapshot(&staff("REP-1")).unwrap(),
        "phone-REP-1".parse().unwrap(),
    )
    .unwrap();
    w.ok("REP-1", json!({"type": "start_day"}));
    let good = w
        .engine
        .pull(&staff("REP-1"), replica.pull_request(100))
        .unwrap();
    let kept = replica.clone();
    let mut bad = good.clone();
    bad.since_seq = 0;
    assert_eq!(
        replica.apply_pull(&bad).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    let mut bad = good.clone();
    bad.events[0].seq = bad.to_seq + 5;
    assert_eq!(
        replica.apply_pull(&bad).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    let mut bad = good.clone();
    bad.actor = staff("REP-2");
    assert_eq!(
        replica.apply_pull(&bad).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    let other = w
        .engine
        .pull(
            &staff("REP-2"),
            PullRequest {
                since_seq: replica.seq(),
                limit: 10,
            },
        )
        .unwrap();
    assert!(replica.apply_pull(&other).is_err());
    assert_eq!(replica, kept);
    replica.apply_pull(&good).unwrap();
    assert_eq!(replica.seq(), w.engine.last_seq());
    // A replica refuses another actor's or device's commands and reused ids.
    let e = replica
        .record(device("REP-2", "r1", json!({"type": "end_day"})))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    let mut env = device("REP-1", "r1", json!({"type": "end_day"}));
    env.device_id = "other".parse().unwrap();
    assert_eq!(
        replica.record(env).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let env = device("REP-1", "r1", json!({"type": "end_day"}));
    replica.record(env.clone()).unwrap();
    assert_eq!(
        replica.record(env).unwrap().pending,
        1,
        "a repeat is idempotent"
    );
    let other = device("REP-1", "r1", json!({"type": "start_day"}));
    assert_eq!(
        replica.record(other).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    assert!(ClientReplica::from_json("{\"actor\": 1}").is_err());
    let saved = replica.to_json().unwrap();
    assert_eq!(ClientReplica::from_json(&saved).unwrap(), replica);
}

/// Every id-like string in a JSON value.
fn strings(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.insert(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

#[test]
fn snapshots_and_pulled_events_hold_nothing_outside_the_actors_scope() {
    let shape = Shape {
        reps: 4,
        drivers: 2,
        outlets_per_rep: 6,
        days: 2,
        visits_per_day: 4,
        seed: 3,
    };
    let mut sim = Sim::new(&shape);
    sim.run(&shape);
    let server = &sim.server;
    let all_outlets: Vec<String> = server
        .state()
        .outlets
        .keys()
        .map(ToString::to_string)
        .collect();
    let all_orders: Vec<(String, String)> = server
        .state()
        .orders
        .values()
        .map(|o| (o.id.to_string(), o.outlet.to_string()))
        .collect();
    for actor in ["R01", "R02", "D1", "SUP-1", "REP-2"] {
        let me = staff(actor);
        let snapshot = serde_json::to_value(server.scoped_snapshot(&me).unwrap()).unwrap();
        let pulled = serde_json::to_value(
            server
                .pull(
                    &me,
                    PullRequest {
                        since_seq: 0,
                        limit: 50_000,
                    },
                )
                .unwrap(),
        )
        .unwrap();
        let visible = |o: &str| -> bool {
            let outlet = &server.state().outlets[o];
            let rep = outlet
                .assigned_rep
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            match actor {
                "SUP-1" => ["R01", "R03", "REP-1", "REP-2"].contains(&rep.as_str()),
                "D1" => server.state().field.trips.values().any(|t| {
                    t.driver.as_str() == "D1" && t.stops.iter().any(|s| s.outlet.as_str() == o)
                }),
                _ => rep == actor,
            }
        };
        for data in [&snapshot, &pulled] {
            let mut seen = std::collections::BTreeSet::new();
            strings(data, &mut seen);
            for o in &all_outlets {
                assert_eq!(seen.contains(o), visible(o), "{actor} and outlet {o}");
            }
            for (order, o) in &all_orders {
                if !visible(o) {
                    assert!(!seen.contains(order), "{actor} sees order {order}");
                }
            }
            // Price lists of channels the actor has no outlet in stay out; so does
            // purchasing, which no field role may see.
            let channel_seen = |c: &str| {
                all_outlets
                    .iter()
                    .any(|o| visible(o) && server.state().outlets[o.as_str()].channel == c)
            };
            assert_eq!(
                seen.contains("PL-HORECA"),
                channel_seen("horeca"),
                "{actor}: PL-HORECA"
            );
            assert_eq!(
                seen.contains("PL-SUPER"),
                channel_seen("supermarket"),
                "{actor}: PL-SUPER"
            );
            assert!(
                !seen.contains("PO-1") && !seen.contains("SUP1"),
                "{actor} sees purchasing"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Any interleaving of offline periods, losses, duplicates and late deliveries (the
    /// seed picks them) converges: every replica equals its scoped server state, every
    /// command was applied once or reported rejected, the invariants hold.
    #[test]
    fn any_interleaving_converges(seed in any::<u64>(), reps in 1usize..4, drivers in 1usize..3) {
        let shape = Shape { reps, drivers, outlets_per_rep: 4, days: 2, visits_per_day: 3, seed };
        let mut sim = Sim::new(&shape);
        sim.run(&shape);
        sim.check();
    }
}

#[test]
fn a_pending_command_the_server_overtook_is_flagged_then_reported_rejected() {
    let mut w = World::standard();
    let mut replica = ClientReplica::new(
        w.engine.scoped_snapshot(&staff("REP-1")).unwrap(),
        "phone-REP-1".parse().unwrap(),
    )
    .unwrap();
    // Offline: a check-in at O-001, shown on the phone at once.
    replica
        .record(device(
            "REP-1",
            "v1",
            json!({"type": "check_in", "visit_id": "V-1", "outlet": "O-001"}),
        ))
        .unwrap();
    assert!(replica.view().field.visits.contains_key("V-1"));
    assert!(!replica.base().field.visits.contains_key("V-1"));
    // Meanwhile the office closes the outlet.
    let mut outlet = w.engine.state().outlets["O-001"].clone();
    outlet.status = fmcg_core::OutletStatus::Closed;
    w.ok("SUP-1", json!({"type": "update_outlet", "outlet": outlet}));
    let pulled = w
        .engine
        .pull(&staff("REP-1"), replica.pull_request(100))
        .unwrap();
    replica.apply_pull(&pulled).unwrap();
    let notices = replica.take_notices();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::LocalConflict);
    assert_eq!(
        notices[0].error.as_ref().unwrap().kind(),
        ErrorKind::InvalidState
    );
    assert!(!replica.view().field.visits.contains_key("V-1"));
    assert_eq!(
        replica.unacknowledged(),
        1,
        "still sent: the server decides"
    );
    // The server refuses it; the phone reports it and the outbox empties.
    let answer = w
        .engine
        .push(&staff("REP-1"), replica.push_request(Some(at())), at())
        .unwrap();
    replica.apply_push(&answer);
    let notices = replica.take_notices();
    assert_eq!(
        notices.iter().map(|n| n.kind).collect::<Vec<_>>(),
        vec![NoticeKind::Rejected]
    );
    assert!(replica.pending().is_empty());
    assert_eq!(replica.view(), replica.base());
}

#[test]
fn a_stop_dropped_at_loading_leaves_the_reps_replica_as_a_fresh_snapshot_would() {
    let mut w = World::standard();
    let order = |id: &str, outlet: &str| {
        json!({"type": "submit_order", "order_id": id, "outlet": outlet, "warehouse": "W1",
            "lines": [{"sku": "COLA-330", "qty": 24}]})
    };
    w.ok("REP-1", order("SO-A", "O-001"));
    w.ok("REP-2", order("SO-B", "O-003"));
    w.ok(
        "WH-1",
        json!({"type": "plan_trip", "trip_id": "TR-9", "driver": "DRV-1",
        "vehicle": "V1", "date": "2026-03-02", "orders": ["SO-A", "SO-B"]}),
    );
    let rep2 = staff("REP-2");
    let mut replica = ClientReplica::new(
        w.engine.scoped_snapshot(&rep2).unwrap(),
        "phone-REP-2".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(
        replica.base().field.trips["TR-9"].stops.len(),
        1,
        "only REP-2's stop"
    );
    // REP-2's order is cancelled, so loading leaves its stop behind.
    w.ok(
        "REP-2",
        json!({"type": "cancel_order", "order_id": "SO-B", "reason": "shop shut"}),
    );
    w.ok("WH-1", json!({"type": "load_trip", "trip_id": "TR-9"}));
    let pulled = w.engine.pull(&rep2, replica.pull_request(100)).unwrap();
    assert!(
        pulled.resync.is_some(),
        "the rep's view changed with the load"
    );
    replica.apply_pull(&pulled).unwrap();
    assert_eq!(
        serde_json::to_string(replica.base()).unwrap(),
        serde_json::to_string(&w.engine.scoped_snapshot(&rep2).unwrap().state).unwrap()
    );
    assert!(!replica.base().field.trips.contains_key("TR-9"));
}
