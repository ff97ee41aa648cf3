//! The offline week: one server, 20 reps and 5 drivers on replicas, a lossy network.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use fmcg_core::sync::{
    ClientReplica, Notice, NoticeKind, PullResponse, PushRequest, PushResponse, PushStatus,
};
use fmcg_core::{Engine, Envelope};
use serde_json::{Value, json};

use crate::support::{World, check_invariants, envelope_at};

/// A small deterministic generator (xorshift64*), so a failing seed replays.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The shape of a simulation.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub reps: usize,
    pub drivers: usize,
    pub outlets_per_rep: usize,
    pub days: i64,
    pub visits_per_day: usize,
    pub seed: u64,
}

pub fn rep(i: usize) -> String {
    format!("R{i:02}")
}
pub fn driver(i: usize) -> String {
    format!("D{i}")
}
pub fn outlet(r: usize, k: usize) -> String {
    format!("O-{r:02}-{k:02}")
}
fn outlet_pos(r: usize, k: usize) -> (f64, f64) {
    (
        31.10 + 0.01 * r as f64 + 0.001 * k as f64,
        121.30 + 0.004 * k as f64,
    )
}

/// The server: the shared small distributor plus the field force of `shape`. Reps with an
/// even number also serve `horeca` outlets, the only ones a `PL-HORECA` price list is for.
pub fn server(shape: &Shape) -> World {
    let mut w = World::standard();
    let at: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().unwrap();
    w.ok_as(
        "admin",
        at,
        None,
        json!({"type": "create_staff", "staff": {
        "id": "SUP-2", "employee_no": "E900", "name": "Second supervisor", "roles": ["supervisor"],
        "territory": "T-EAST", "utc_offset_minutes": 480}}),
    );
    for r in 1..=shape.reps {
        let sup = if r.is_multiple_of(2) {
            "SUP-2"
        } else {
            "SUP-1"
        };
        w.ok_as(
            "admin",
            at,
            None,
            json!({"type": "create_staff", "staff": {
            "id": rep(r), "employee_no": format!("ER{r}"), "name": format!("Rep {r}"),
            "roles": ["sales_rep"], "territory": "T-EAST", "supervisor": sup, "depot": "W1",
            "utc_offset_minutes": 480}}),
        );
        for k in 1..=shape.outlets_per_rep {
            let (lat, lon) = outlet_pos(r, k);
            let channel = if r.is_multiple_of(2) && k.is_multiple_of(3) {
                "horeca"
            } else {
                "traditional"
            };
            w.ok_as("admin", at, None, json!({"type": "create_outlet", "outlet": {
                "id": outlet(r, k), "code": format!("C{r:02}{k:02}"), "name": format!("Shop {r}/{k}"),
                "channel": channel, "class": "B", "position": {"lat": lat, "lon": lon},
                "credit_limit": "400.00", "payment_terms_days": 14, "assigned_rep": rep(r),
                "territory": "T-EAST", "status": "active", "utc_offset_minutes": 480}}));
        }
    }
    w.ok_as(
        "admin",
        at,
        None,
        json!({"type": "set_price_list", "price_list": {
        "id": "PL-HORECA", "name": "Horeca prices", "channel": "horeca", "valid_from": "2026-01-01",
        "prices": {"COLA-330": "2.40"}}}),
    );
    for d in 1..=shape.drivers {
        w.ok_as(
            "admin",
            at,
            None,
            json!({"type": "create_vehicle", "vehicle": {
            "id": format!("VS{d}"), "code": format!("VAN-S{d}"), "plate": format!("P-{d}"),
            "capacity": {"cases": 400, "kg": 4000.0, "m3": 20.0}, "home_warehouse": "W1"}}),
        );
        w.ok_as(
            "admin",
            at,
            None,
            json!({"type": "create_staff", "staff": {
            "id": driver(d), "employee_no": format!("ED{d}"), "name": format!("Driver {d}"),
            "roles": ["driver"], "depot": "W1", "utc_offset_minutes": 480}}),
        );
    }
    w
}

/// One device on the network.
pub struct Device {
    pub replica: ClientReplica,
    pub online: bool,
    pub notices: Vec<Notice>,
    /// Every command the replica queued.
    pub queued: Vec<Envelope>,
    /// Pushes sent but not yet delivered (out-of-order delivery).
    pub in_flight: Vec<PushRequest>,
    pub next_cmd: u64,
    pub checked_in: Option<(String, String)>,
}

impl Device {
    fn id(&self) -> String {
        self.replica.actor().to_string()
    }
}

/// The whole simulation: the server, the devices, what the network did.
pub struct Sim {
    pub server: Engine,
    pub devices: Vec<Device>,
    pub rng: Rng,
    pub now: DateTime<Utc>,
    /// Command ids the server ever answered `rejected`, per device.
    pub rejected_answers: BTreeMap<String, BTreeSet<String>>,
    pub stats: BTreeMap<&'static str, u64>,
}

impl Sim {
    pub fn new(shape: &Shape) -> Sim {
        let server = server(shape).engine;
        let actors: Vec<String> = (1..=shape.reps)
            .map(rep)
            .chain((1..=shape.drivers).map(driver))
            .collect();
        let devices = actors
            .iter()
            .map(|a| Device {
                replica: ClientReplica::new(
                    server.scoped_snapshot(&a.parse().unwrap()).unwrap(),
                    format!("phone-{a}").parse().unwrap(),
                )
                .unwrap(),
                online: true,
                notices: Vec::new(),
                queued: Vec::new(),
                in_flight: Vec::new(),
                next_cmd: 0,
                checked_in: None,
            })
            .collect();
        Sim {
            server,
            devices,
            rng: Rng::new(shape.seed),
            now: "2026-03-02T00:00:00Z".parse().unwrap(),
            rejected_answers: BTreeMap::new(),
            stats: BTreeMap::new(),
        }
    }

    fn count(&mut self, what: &'static str) {
        *self.stats.entry(what).or_default() += 1;
    }

    /// The server acting online (warehouse, supervisors).
    pub fn online(&mut self, actor: &str, command: Value) -> Option<fmcg_core::Outcome> {
        let n = self.server.commits().len();
        let env = envelope_at(&format!("srv-{n}"), actor, self.now, None, command);
        self.server.apply(env).ok()
    }

    /// Device `d` records a command on its replica; `None` when refused locally.
    pub fn record(&mut self, d: usize, position: Option<(f64, f64)>, command: Value) -> Option<()> {
        let dev = &mut self.devices[d];
        dev.next_cmd += 1;
        let mut env = envelope_at(
            &format!("{}-{}", dev.id(), dev.next_cmd),
            &dev.id(),
            self.now,
            position.map(|(a, b)| (a, b, 10.0)),
            command,
        );
        env.device_id = format!("phone-{}", dev.id()).parse().unwrap();
        match dev.replica.record(env.clone()) {
            Ok(_) => {
                dev.queued.push(env);
                self.count("queued");
                Some(())
            }
            Err(_) => {
                self.count("refused locally");
                None
            }
        }
    }

    /// One sync attempt of device `d` over a lossy network.
    pub fn sync(&mut self, d: usize) {
        if !self.devices[d].online {
            return;
        }
        let actor = self.devices[d].replica.actor().clone();
        let request = self.devices[d].replica.push_request(Some(self.now));
        if !request.commands.is_empty() {
            if self.rng.chance(15) {
                // Delayed: delivered later, after newer pushes.
                self.devices[d].in_flight.push(request.clone());
                self.count("push delayed");
            } else if self.rng.chance(10) {
                self.count("push lost");
            } else {
                let response = self.deliver(d, &actor, request.clone());
                if self.rng.chance(10) {
                    // Delivered twice.
                    let again = self.deliver(d, &actor, request);
                    assert!(again.results.iter().all(|r| {
                        r.status != PushStatus::Rejected
                            || response
                                .results
                                .iter()
                                .any(|x| x.command_id == r.command_id)
                    }));
                    self.count("push duplicated");
                }
                if self.rng.chance(15) {
                    self.count("response lost");
                } else {
                    self.devices[d].replica.apply_push(&response);
                }
            }
        }
        if !self.devices[d].in_flight.is_empty() && self.rng.chance(50) {
            let late = self.devices[d].in_flight.remove(0);
            let response = self.deliver(d, &actor, late);
            self.devices[d].replica.apply_push(&response);
            self.count("late push delivered");
        }
        loop {
            let limit = 5 + self.rng.below(300) as u32;
            let pull = self.devices[d].replica.pull_request(limit);
            let response: PullResponse = self.server.pull(&actor, pull).unwrap();
            if self.rng.chance(10) {
                self.count("pull lost");
                break;
            }
            self.devices[d].replica.apply_pull(&response).unwrap();
            if response.resync.is_some() {
                self.count("resync");
            }
            if self.rng.chance(5) {
                // The same answer again: refused, nothing changes.
                let before = self.devices[d].replica.clone();
                let again = self.devices[d].replica.apply_pull(&response);
                if response.to_seq != response.since_seq {
                    assert!(again.is_err());
                }
                assert_eq!(self.devices[d].replica, before);
            }
            if !response.more {
                break;
            }
        }
        let notices = self.devices[d].replica.take_notices();
        self.devices[d].notices.extend(notices);
    }

    fn deliver(
        &mut self,
        d: usize,
        actor: &fmcg_core::StaffId,
        request: PushRequest,
    ) -> PushResponse {
        let response = self.server.push(actor, request, self.now).unwrap();
        for r in &response.results {
            if r.status == PushStatus::Rejected {
                self.rejected_answers
                    .entry(self.devices[d].id())
                    .or_default()
                    .insert(r.command_id.to_string());
            }
        }
        response
    }

    /// A rep's visit: check in, an order, sometimes a payment or an edit, check out.
    fn rep_step(&mut self, d: usize, r: usize, shape: &Shape) {
        let dev = &self.devices[d];
        if let Some((visit, o)) = dev.checked_in.clone() {
            let k: usize = o[5..].parse().unwrap();
            let at = outlet_pos(r, k);
            if self.rng.chance(25) {
                let amount = format!("{}.{:02}", 1 + self.rng.below(30), self.rng.below(100));
                let n = self.devices[d].next_cmd;
                self.record(
                    d,
                    Some(at),
                    json!({"type": "record_payment",
                    "payment_id": format!("PAY-{}-{n}", rep(r)), "outlet": o, "amount": amount,
                    "method": "cash", "visit_id": visit}),
                );
            }
            if self.rng.chance(10) {
                let stamp = self.devices[d].replica.stamp(self.now.timestamp_millis());
                let name = format!("Owner {}", self.rng.below(99));
                self.record(
                    d,
                    Some(at),
                    json!({"type": "edit_outlet", "outlet_id": o,
                    "changes": {"contact": {"name": name}},
                    "stamp": stamp}),
                );
            }
            self.record(d, Some(at), json!({"type": "check_out", "visit_id": visit}));
            self.devices[d].checked_in = None;
            return;
        }
        let k = 1 + self.rng.below(shape.outlets_per_rep as u64) as usize;
        let o = outlet(r, k);
        let at = outlet_pos(r, k);
        let visit = format!("V-{}-{}", rep(r), self.devices[d].next_cmd);
        if self
            .record(
                d,
                Some(at),
                json!({"type": "check_in", "visit_id": visit, "outlet": o}),
            )
            .is_none()
        {
            return;
        }
        self.devices[d].checked_in = Some((visit.clone(), o.clone()));
        let skus = ["COLA-330", "CHIPS-70", "WATER-550"];
        let lines: Vec<Value> = (0..1 + self.rng.below(3))
            .map(|i| json!({"sku": skus[i as usize], "qty": 1 + self.rng.below(60)}))
            .collect();
        let n = self.devices[d].next_cmd;
        self.record(
            d,
            Some(at),
            json!({"type": "submit_order",
            "order_id": format!("SO-{}-{n}", rep(r)), "outlet": o, "warehouse": "W1",
            "lines": lines, "visit_id": visit}),
        );
    }

    /// The warehouse takes back the vans whose stops are all delivered.
    fn close_trips(&mut self) {
        let done: Vec<fmcg_core::delivery::Trip> = self
            .server
            .state()
            .field
            .trips
            .values()
            .filter(|t| {
                t.status == fmcg_core::delivery::TripStatus::OutForDelivery
                    && t.stops.iter().all(|s| s.delivery.is_some())
            })
            .cloned()
            .collect();
        for trip in done {
            let lines: Vec<Value> = trip
                .loaded
                .iter()
                .map(|l| {
                    json!({"sku": l.sku, "lot": l.lot,
                    "returned": l.qty - trip.delivered(&l.sku, &l.lot), "damaged": 0})
                })
                .collect();
            if self
                .online(
                    "WH-1",
                    json!({"type": "close_trip", "trip_id": trip.id, "lines": lines}),
                )
                .is_some()
            {
                self.count("trips closed");
            }
        }
    }

    /// The warehouse plans and loads one trip per driver from the allocated orders.
    fn plan_trips(&mut self, shape: &Shape, day: i64) {
        self.close_trips();
        let state = self.server.state();
        let mut per: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for o in state.orders.values() {
            if o.status == fmcg_core::OrderStatus::Allocated && o.trip.is_none() {
                let r: usize = o.outlet.as_str()[2..4].parse().unwrap();
                per.entry(1 + (r - 1) % shape.drivers)
                    .or_default()
                    .push(o.id.to_string());
            }
        }
        let date = (self.now.date_naive()).to_string();
        for (dr, orders) in per {
            let trip = format!("T-{day}-{dr}");
            let planned = self.online("WH-1", json!({"type": "plan_trip", "trip_id": trip,
                "driver": driver(dr), "vehicle": format!("VS{dr}"), "date": date, "orders": orders}));
            if planned.is_some() {
                self.online("WH-1", json!({"type": "load_trip", "trip_id": trip}));
                self.count("trips");
            }
        }
    }

    /// A driver's next step on its replica: depart, then deliver a stop.
    fn driver_step(&mut self, d: usize) {
        let view = self.devices[d].replica.view();
        let me = self.devices[d].replica.actor().clone();
        let Some(trip) = view
            .field
            .trips
            .values()
            .find(|t| {
                t.driver == me
                    && matches!(
                        t.status,
                        fmcg_core::delivery::TripStatus::Loaded
                            | fmcg_core::delivery::TripStatus::OutForDelivery
                    )
                    && t.stops.iter().any(|s| s.delivery.is_none())
            })
            .cloned()
        else {
            return;
        };
        if trip.status == fmcg_core::delivery::TripStatus::Loaded {
            self.record(
                d,
                Some((31.2304, 121.4737)),
                json!({"type": "depart_trip", "trip_id": trip.id}),
            );
            return;
        }
        let stop = trip.stops.iter().find(|s| s.delivery.is_none()).unwrap();
        let mut orders = Vec::new();
        for (i, id) in stop.orders.iter().enumerate() {
            let order = &view.orders[id];
            let lines: Vec<Value> = order
                .lines
                .iter()
                .map(|l| json!({"line_no": l.line_no, "delivered": l.qty_allocated, "damaged": 0}))
                .collect();
            orders.push(
                json!({"order_id": id, "invoice_id": format!("INV-{}-{i}", id), "lines": lines}),
            );
        }
        let at = self.now;
        let mut cmd = json!({"type": "deliver_stop", "trip_id": trip.id, "outlet": stop.outlet,
            "orders": orders, "exceptions": [],
            "proof": {"receiver": "owner", "signature": {"hash": "sha256:x", "uri": "s3://sig.png",
                "size_bytes": 10, "taken_at": at}}});
        if self.rng.chance(50) {
            let n = self.devices[d].next_cmd;
            cmd["payment"] = json!({"payment_id": format!("COD-{me}-{n}"), "method": "cash"});
        }
        let outlet = &view.outlets[&stop.outlet];
        let pos = (outlet.position.lat(), outlet.position.lon());
        self.record(d, Some(pos), cmd);
    }

    /// Runs the week.
    pub fn run(&mut self, shape: &Shape) {
        for day in 0..shape.days {
            self.now =
                "2026-03-02T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(day);
            if day == 2 {
                // Stock arrives midweek.
                self.online("WH-1", json!({"type": "create_purchase_order", "purchase_order_id": "PO-SIM",
                    "supplier": "SUP1", "warehouse": "W1", "lines": [{"sku": "COLA-330", "qty": 2000, "unit_cost": "1.00"}]}));
                self.online(
                    "WH-1",
                    json!({"type": "receive_goods", "receipt_id": "RC-SIM",
                    "purchase_order_id": "PO-SIM", "lines": [{"sku": "COLA-330", "lot": "L-SIM",
                    "expiry": "2026-12-31", "qty": 2000}]}),
                );
            }
            if day == shape.days - 1 {
                // The last day refuses what cannot be allocated.
                let mut settings = self.server.state().settings.clone();
                settings.sync.stock_shortfall = fmcg_core::sync::ShortfallPolicy::Reject;
                self.online(
                    "admin",
                    json!({"type": "update_settings", "settings": settings}),
                );
            }
            for d in 0..self.devices.len() {
                if d < shape.reps {
                    self.record(d, Some((31.2, 121.4)), json!({"type": "start_day"}));
                }
            }
            for tick in 0..shape.visits_per_day * 2 + 4 {
                self.now += Duration::minutes(15);
                for d in 0..self.devices.len() {
                    if self.rng.chance(20) {
                        self.devices[d].online = !self.devices[d].online;
                    }
                    if d < shape.reps {
                        if tick < shape.visits_per_day * 2 {
                            self.rep_step(d, d + 1, shape);
                        }
                    } else {
                        self.driver_step(d);
                    }
                    if self.rng.chance(40) {
                        self.sync(d);
                    }
                }
                if tick % 5 == 0 && self.rng.chance(50) {
                    // A supervisor corrects an outlet at the office, racing the reps.
                    let r = 1 + self.rng.below(shape.reps as u64) as usize;
                    let k = 1 + self.rng.below(shape.outlets_per_rep as u64) as usize;
                    let sup = if r.is_multiple_of(2) {
                        "SUP-2"
                    } else {
                        "SUP-1"
                    };
                    let stamp = json!({"wall_ms": self.now.timestamp_millis() - 600_000, "counter": 0, "node": "office"});
                    self.online(
                        sup,
                        json!({"type": "edit_outlet", "outlet_id": outlet(r, k),
                        "changes": {"contact": {"name": "Office correction"}, "address": "Office"},
                        "stamp": stamp}),
                    );
                }
            }
            for d in 0..shape.reps {
                if self.devices[d].checked_in.is_some() {
                    self.rep_step(d, d + 1, shape);
                }
                self.record(d, Some((31.2, 121.4)), json!({"type": "end_day"}));
            }
            self.now += Duration::hours(2);
            self.plan_trips(shape, day);
        }
        // Everyone comes back online and syncs until nothing is left.
        for _ in 0..50 {
            for d in 0..self.devices.len() {
                self.devices[d].online = true;
                self.sync(d);
            }
        }
        for d in 0..self.devices.len() {
            while let Some(late) = self.devices[d].in_flight.pop() {
                let actor = self.devices[d].replica.actor().clone();
                let response = self.deliver(d, &actor, late);
                self.devices[d].replica.apply_push(&response);
            }
        }
        for _ in 0..3 {
            for d in 0..self.devices.len() {
                self.sync_reliably(d);
            }
        }
    }

    /// A sync on a perfect network.
    pub fn sync_reliably(&mut self, d: usize) {
        let actor = self.devices[d].replica.actor().clone();
        let request = self.devices[d].replica.push_request(Some(self.now));
        let response = self.deliver(d, &actor, request);
        self.devices[d].replica.apply_push(&response);
        loop {
            let pull = self.devices[d].replica.pull_request(1000);
            let response = self.server.pull(&actor, pull).unwrap();
            self.devices[d].replica.apply_pull(&response).unwrap();
            if !response.more {
                break;
            }
        }
        let notices = self.devices[d].replica.take_notices();
        self.devices[d].notices.extend(notices);
    }

    /// Every end-of-run property of sync.
    pub fn check(&self) {
        let server = &self.server;
        check_invariants(server);
        let replayed = Engine::replay(server.commits().to_vec()).unwrap();
        assert_eq!(replayed.state(), server.state());
        let mut applied: BTreeMap<String, usize> = BTreeMap::new();
        for c in server.commits() {
            *applied
                .entry(c.envelope.command_id.to_string())
                .or_default() += 1;
        }
        assert!(applied.values().all(|n| *n == 1), "a command applied twice");
        for dev in &self.devices {
            let actor = dev.replica.actor();
            let expected = server.scoped_snapshot(actor).unwrap();
            assert_eq!(dev.replica.seq(), server.last_seq(), "{actor} is behind");
            assert!(
                serde_json::to_string(dev.replica.base()).unwrap()
                    == serde_json::to_string(&expected.state).unwrap(),
                "{actor}'s replica differs from its scoped server state"
            );
            assert!(
                dev.replica.pending().is_empty(),
                "{actor} has commands left"
            );
            assert_eq!(dev.replica.view(), dev.replica.base());
            let rejected: BTreeSet<String> = dev
                .notices
                .iter()
                .filter(|n| n.kind == NoticeKind::Rejected)
                .filter_map(|n| n.command_id.as_ref().map(ToString::to_string))
                .collect();
            let adjusted: BTreeSet<String> = dev
                .notices
                .iter()
                .filter(|n| n.kind == NoticeKind::Adjusted)
                .filter_map(|n| n.command_id.as_ref().map(ToString::to_string))
                .collect();
            for env in &dev.queued {
                let id = env.command_id.to_string();
                match server.commit_of(&env.command_id) {
                    Ok(commit) => {
                        assert!(
                            !rejected.contains(&id),
                            "{id} applied and reported rejected"
                        );
                        assert_eq!(&commit.envelope, env);
                        let outcome = fmcg_core::Outcome::from(commit);
                        if !outcome.adjustments.is_empty() {
                            assert!(adjusted.contains(&id), "{id}'s adjustment not reported");
                        }
                        if let fmcg_core::Command::SubmitOrder(o) = &env.command {
                            assert!(server.state().orders.contains_key(&o.order_id));
                        }
                    }
                    Err(_) => assert!(
                        rejected.contains(&id),
                        "{id} was lost: neither applied nor reported"
                    ),
                }
            }
        }
    }
}

#[test]
fn a_week_offline_converges_applies_everything_once_and_reports_every_change() {
    let shape = Shape {
        reps: 20,
        drivers: 5,
        outlets_per_rep: 15,
        days: 5,
        visits_per_day: 6,
        // Another week: FMCG_SIM_SEED=<n> cargo test -p fmcg-core --test it sync_sim
        seed: std::env::var("FMCG_SIM_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7),
    };
    let mut sim = Sim::new(&shape);
    sim.run(&shape);
    sim.check();
    let stats = &sim.stats;
    eprintln!("sync week: {stats:?}, server seq {}", sim.server.last_seq());
    let adjusted: usize = sim
        .devices
        .iter()
        .flat_map(|d| &d.notices)
        .filter(|n| n.kind == NoticeKind::Adjusted)
        .count();
    let rejected: usize = sim
        .devices
        .iter()
        .flat_map(|d| &d.notices)
        .filter(|n| n.kind == NoticeKind::Rejected)
        .count();
    // The week exercised what it is meant to.
    for what in [
        "queued",
        "push lost",
        "push delayed",
        "push duplicated",
        "response lost",
        "pull lost",
        "resync",
        "trips",
        "trips closed",
    ] {
        assert!(
            stats.get(what).copied().unwrap_or(0) > 0,
            "no `{what}` happened"
        );
    }
    assert!(
        adjusted > 0 && rejected > 0,
        "adjusted {adjusted}, rejected {rejected}"
    );
    let delivered = sim
        .server
        .state()
        .field
        .trips
        .values()
        .flat_map(|t| &t.stops)
        .filter(|s| s.delivery.is_some())
        .count();
    eprintln!("{adjusted} adjusted, {rejected} rejected, {delivered} stops delivered");
    assert!(delivered > 20);
}
