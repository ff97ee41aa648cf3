//! The one helper the integration tests touch the API through.

use chrono::{DateTime, Utc};
use fmcg_core::engine::query::QueryResult;
use fmcg_core::{Engine, Envelope, Error, Outcome, StockLevel};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The shared small distributor (also read by the host test suites).
pub const WORLD: &str = include_str!("../../../fixtures/small_distributor.jsonl");
/// The shared order-then-cancel scenario.
pub const SCENARIO: &str = include_str!("../../../fixtures/scenario_order_cancel.jsonl");

#[derive(Clone)]
pub struct World {
    pub engine: Engine,
    seq: u64,
    pub clock: DateTime<Utc>,
}

pub fn state_json(engine: &Engine) -> String {
    serde_json::to_string(engine.state()).unwrap()
}

pub fn envelope(id: &str, actor: &str, at: DateTime<Utc>, command: Value) -> Envelope {
    envelope_at(id, actor, at, None, command)
}

/// A device position: (lat, lon, accuracy in metres).
pub type Pos = (f64, f64, f64);

pub fn envelope_at(
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
    position: Option<Pos>,
    command: Value,
) -> Envelope {
    let mut v = json!({
        "command_id": id, "actor": actor, "device_id": "test",
        "recorded_at": at, "command": command,
    });
    if let Some((lat, lon, acc)) = position {
        v["position"] = json!({"lat": lat, "lon": lon, "accuracy_m": acc});
    }
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

impl World {
    /// The fixture world: 3 outlets, 3 SKUs, stock received at W1.
    pub fn standard() -> World {
        let mut engine = Engine::new();
        for line in WORLD.lines() {
            engine
                .apply_json(line)
                .unwrap_or_else(|e| panic!("fixture line {line}: {e}"));
        }
        World {
            engine,
            seq: 0,
            clock: "2026-03-02T03:00:00Z".parse().unwrap(),
        }
    }

    pub fn next(&mut self, actor: &str, command: Value) -> Envelope {
        self.seq += 1;
        envelope(&format!("t-{}", self.seq), actor, self.clock, command)
    }

    pub fn try_run(&mut self, actor: &str, command: Value) -> Result<Outcome, Error> {
        let env = self.next(actor, command);
        self.engine.apply(env)
    }

    /// Applies a command at a time and position (the clock moves there).
    pub fn try_as(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        pos: Option<Pos>,
        command: Value,
    ) -> Result<Outcome, Error> {
        self.seq += 1;
        self.clock = at;
        let env = envelope_at(&format!("t-{}", self.seq), actor, at, pos, command);
        self.engine.apply(env)
    }

    /// As [`World::try_as`], and it must succeed.
    pub fn ok_as(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        pos: Option<Pos>,
        command: Value,
    ) -> Outcome {
        let shown = command.to_string();
        self.try_as(actor, at, pos, command)
            .unwrap_or_else(|e| panic!("{actor} {shown}: {e}"))
    }

    /// As [`World::try_as`], and it must fail changing nothing.
    pub fn err_as(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        pos: Option<Pos>,
        command: Value,
    ) -> Error {
        let clock = self.clock;
        let e = self.unchanged(|w| w.try_as(actor, at, pos, command));
        self.clock = clock;
        e
    }

    fn unchanged(&mut self, f: impl FnOnce(&mut World) -> Result<Outcome, Error>) -> Error {
        let before = state_json(&self.engine);
        let seq = self.engine.last_seq();
        let e = match f(self) {
            Ok(o) => panic!("succeeded: {:?}", o.events),
            Err(e) => e,
        };
        assert_eq!(
            state_json(&self.engine),
            before,
            "a failed command changed the state"
        );
        assert_eq!(self.engine.last_seq(), seq);
        e
    }

    /// Applies a command that must succeed.
    pub fn ok(&mut self, actor: &str, command: Value) -> Outcome {
        let shown = command.to_string();
        self.try_run(actor, command)
            .unwrap_or_else(|e| panic!("{actor} {shown}: {e}"))
    }

    /// Applies a command that must fail, and checks it changed nothing.
    pub fn err(&mut self, actor: &str, command: Value) -> Error {
        self.unchanged(|w| w.try_run(actor, command))
    }

    pub fn query(&self, actor: &str, q: Value) -> Result<QueryResult, Error> {
        self.engine.query_json(actor, &q.to_string())
    }

    pub fn level(&self, location: &str, sku: &str, lot: &str) -> StockLevel {
        self.engine.state().inventory.level(
            &location.parse().unwrap(),
            &sku.parse().unwrap(),
            &lot.parse().unwrap(),
        )
    }

    pub fn total(&self, location: &str, sku: &str) -> StockLevel {
        self.engine
            .state()
            .inventory
            .total(&location.parse().unwrap(), &sku.parse().unwrap())
    }

    pub fn order(&self, id: &str) -> fmcg_core::Order {
        self.engine.state().orders[id].clone()
    }
}

/// Submits an order of (sku, base units) lines.
pub fn order_cmd(id: &str, outlet: &str, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(s, q)| json!({"sku": s, "qty": q}))
        .collect();
    json!({"type": "submit_order", "order_id": id, "outlet": outlet, "warehouse": "W1", "lines": lines})
}

/// Every invariant of SPEC §3.3 and §3.8, checked against the event log.
pub fn check_invariants(engine: &Engine) {
    use fmcg_core::{Event, MoveKind};
    let state = engine.state();
    let mut sums: BTreeMap<(String, String, String), (i64, i64)> = BTreeMap::new();
    let mut transfers: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in engine.events_since(0) {
        if let Event::StockMoved(m) = r.event {
            let e = sums
                .entry((m.location.to_string(), m.sku.to_string(), m.lot.to_string()))
                .or_default();
            e.0 += m.on_hand_delta();
            e.1 += m.reserved_delta();
            // A transfer, a load-out and a load-in each move stock without creating any.
            let pair = match m.kind {
                MoveKind::TransferIn | MoveKind::TransferOut => Some("transfer"),
                MoveKind::LoadOut => Some("load_out"),
                MoveKind::LoadIn => Some("load_in"),
                _ => None,
            };
            if let Some(pair) = pair {
                *transfers
                    .entry((
                        format!("{pair} {:?}", m.reference),
                        m.sku.to_string(),
                        m.lot.to_string(),
                    ))
                    .or_default() += m.delta;
            }
        }
    }
    for (key, (on_hand, reserved)) in &sums {
        let level = state.inventory.level(
            &key.0.parse().unwrap(),
            &key.1.parse().unwrap(),
            &key.2.parse().unwrap(),
        );
        assert_eq!(level.on_hand, *on_hand, "on_hand = Σ moves at {key:?}");
        assert_eq!(
            level.reserved, *reserved,
            "reserved = Σ reservation moves at {key:?}"
        );
        assert!(
            level.on_hand >= 0 && level.reserved >= 0 && level.reserved <= level.on_hand,
            "{key:?}: {level:?}"
        );
    }
    for (loc, skus) in &state.inventory.levels {
        for (sku, lots) in skus {
            for lot in lots.keys() {
                assert!(sums.contains_key(&(loc.to_string(), sku.to_string(), lot.to_string())));
            }
        }
    }
    for (key, net) in transfers {
        assert_eq!(net, 0, "{key:?} created or lost stock");
    }
    // Every closed trip reconciles: loaded = delivered + returned + damaged − variance.
    for t in state.field.trips.values() {
        for l in &t.reconciliation {
            assert_eq!(
                l.loaded,
                l.delivered + l.returned + l.damaged - l.variance,
                "{}: {l:?}",
                t.id
            );
            assert!(l.variance <= 0);
        }
    }
    // Reservations equal what live orders hold.
    let mut held: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for o in state.orders.values() {
        use fmcg_core::OrderStatus::*;
        let at = match o.status {
            Submitted | Approved | Allocated => Some(o.warehouse.to_string()),
            Loaded | OutForDelivery => {
                let trip = &state.field.trips[o.trip.as_ref().expect("a loaded order has a trip")];
                Some(trip.vehicle.to_string())
            }
            _ => None,
        };
        if let Some(location) = at {
            for l in &o.lines {
                assert_eq!(l.qty_allocated, l.lots.iter().map(|x| x.qty).sum::<i64>());
                for lq in &l.lots {
                    *held
                        .entry((location.clone(), l.sku.to_string(), lq.lot.to_string()))
                        .or_default() += lq.qty;
                }
            }
        }
    }
    for (key, (_, reserved)) in &sums {
        assert_eq!(
            held.get(key).copied().unwrap_or(0),
            *reserved,
            "reservations of {key:?}"
        );
    }
    // Receivables.
    let r = &state.receivables;
    let mut per_outlet: BTreeMap<String, fmcg_core::Money> = BTreeMap::new();
    for inv in r.invoices.values() {
        assert!(
            !inv.balance().is_negative(),
            "invoice {} balance {}",
            inv.id,
            inv.balance()
        );
        assert_eq!(
            inv.amount
                .checked_sub(inv.credited)
                .unwrap()
                .checked_sub(inv.paid)
                .unwrap(),
            inv.balance()
        );
        let e = per_outlet.entry(inv.outlet.to_string()).or_default();
        *e = e.checked_add(inv.amount).unwrap();
    }
    for cn in r.credit_notes.values() {
        let e = per_outlet.entry(cn.outlet.to_string()).or_default();
        *e = e.checked_sub(cn.amount).unwrap();
    }
    for p in r.payments.values() {
        let applied = fmcg_core::Money::sum(p.allocations.iter().map(|a| a.amount)).unwrap();
        assert_eq!(
            applied.checked_add(p.unapplied).unwrap(),
            p.amount,
            "payment {} splits exactly",
            p.id
        );
        let e = per_outlet.entry(p.outlet.to_string()).or_default();
        *e = e.checked_sub(applied).unwrap();
    }
    for (outlet, expected) in per_outlet {
        let balance = r.balance(&outlet.parse().unwrap()).unwrap();
        assert_eq!(
            balance, expected,
            "Σ balances of {outlet} = invoices − credits − applied payments"
        );
    }
}
