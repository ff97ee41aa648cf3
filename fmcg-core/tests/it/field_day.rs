//! A generated day of field work: a rep visiting a 5 × 5 grid of outlets and a driver
//! delivering four of them, with GPS tracks, through the engine. The scripted day and the
//! alert properties are built from it; every anomaly is a switch.

use chrono::{DateTime, Duration, Utc};
use fmcg_core::alerts::{Alert, AlertKind};
use fmcg_core::engine::query::QueryResult;
use serde_json::{Value, json};

use crate::support::{Pos, World};

/// The rep's home.
pub const HOME: (f64, f64) = (31.2200, 121.4600);
/// Warehouse W1.
pub const DEPOT: (f64, f64) = (31.2304, 121.4737);
/// The local field day (UTC+8).
pub const DATE: &str = "2026-03-03";

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Local time `hh:mm` of the field day, as UTC.
pub fn local(hh: i64, mm: i64) -> DateTime<Utc> {
    t("2026-03-02T16:00:00Z") + Duration::minutes(hh * 60 + mm)
}

/// Outlet `k` (1-based) of the grid: rows 667 m apart, columns 665 m, snake order.
pub fn grid(k: usize) -> (f64, f64) {
    let (r, c) = ((k - 1) / 5, (k - 1) % 5);
    let c = if r % 2 == 1 { 4 - c } else { c };
    (31.205 + 0.006 * r as f64, 121.445 + 0.007 * c as f64)
}

pub fn fid(k: usize) -> String {
    format!("F-{k:02}")
}

fn pos(p: (f64, f64)) -> Option<Pos> {
    Some((p.0, p.1, 12.0))
}

fn media(name: &str, at: DateTime<Utc>) -> Value {
    json!({"hash": format!("sha256:{name}"), "uri": format!("s3://photos/{name}.jpg"),
           "size_bytes": 182_034, "taken_at": at})
}

/// Fixes every 30 s along stays and straight moves, with a few metres of jitter (never two
/// identical positions in a row).
pub struct Tracker {
    cols: [Vec<Value>; 5],
    pub now: DateTime<Utc>,
    pub at: (f64, f64),
    n: u64,
}

impl Tracker {
    pub fn new(start: DateTime<Utc>, at: (f64, f64)) -> Tracker {
        Tracker {
            cols: Default::default(),
            now: start,
            at,
            n: 0,
        }
    }

    fn push(&mut self, p: (f64, f64), jitter: bool, mock: bool) {
        let (dy, dx) = if jitter {
            (
                ((self.n * 37 % 11) as f64 - 5.0) * 0.000_005,
                ((self.n * 53 % 13) as f64 - 6.0) * 0.000_005,
            )
        } else {
            (0.0, 0.0)
        };
        self.cols[0].push(json!(self.now.timestamp_millis()));
        self.cols[1].push(json!(p.0 + dy));
        self.cols[2].push(json!(p.1 + dx));
        self.cols[3].push(json!(8.0 + (self.n % 7) as f64));
        self.cols[4].push(json!(mock));
        self.now += Duration::seconds(30);
        self.n += 1;
    }

    /// Stays where it is until `until`.
    pub fn stay_until(&mut self, until: DateTime<Utc>) {
        while self.now < until {
            self.push(self.at, true, false);
        }
    }

    /// Moves to `to` in `minutes`.
    pub fn go(&mut self, to: (f64, f64), minutes: i64) {
        let steps = minutes * 2;
        let from = self.at;
        for i in 1..=steps {
            let f = i as f64 / steps as f64;
            self.push(
                (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f),
                true,
                false,
            );
        }
        self.at = to;
    }

    /// `n` fixes with bit-identical coordinates.
    pub fn frozen(&mut self, n: usize) {
        for _ in 0..n {
            self.push(self.at, false, false);
        }
    }

    /// One fix with the mock-location flag.
    pub fn mock(&mut self) {
        self.push(self.at, true, true);
    }

    /// One fix 30 km away (an impossible jump; dropped and recorded).
    pub fn jump(&mut self) {
        self.push((self.at.0 + 0.27, self.at.1), true, false);
    }

    /// The fixes so far as an `ingest_fixes` command.
    pub fn take(&mut self) -> Value {
        let [t, lat, lon, acc, mock] = std::mem::take(&mut self.cols);
        json!({"type": "ingest_fixes", "fixes": {"t_ms": t, "lat": lat, "lon": lon, "accuracy_m": acc, "mock": mock}})
    }
}

/// What happens in the rep's day.
#[derive(Debug, Clone)]
pub struct RepDay {
    /// Outlets on the beat for the day.
    pub outlets: usize,
    /// An outlet skipped through an approved route change.
    pub skip: Option<usize>,
    /// Outlets checked in from 300 m away.
    pub outside: Vec<usize>,
    /// Outlets ordering two cases of cola in the visit.
    pub orders: Vec<usize>,
    /// Start and end of the day, local minutes after midnight.
    pub start_min: i64,
    pub end_min: i64,
    /// Handed over against the cash collected (`None`: exactly what was collected).
    pub handed: Option<&'static str>,
    /// Anomalies.
    pub detour_after: Option<usize>,
    pub long_stay_after: Option<usize>,
    pub miss: Option<usize>,
    pub mock: bool,
    pub frozen: bool,
    pub jump: bool,
    /// Three small cola orders at this outlet the day before, then two cases in the visit.
    pub big_order_at: Option<usize>,
    /// A cola order below its floor price in the visit.
    pub below_floor_at: Option<usize>,
}

impl RepDay {
    pub fn clean(outlets: usize) -> RepDay {
        RepDay {
            outlets,
            skip: None,
            outside: Vec::new(),
            orders: Vec::new(),
            start_min: 8 * 60 + 30,
            end_min: 17 * 60 + 20,
            handed: None,
            detour_after: None,
            long_stay_after: None,
            miss: None,
            mock: false,
            frozen: false,
            jump: false,
            big_order_at: None,
            below_floor_at: None,
        }
    }
}

/// What happens to each of the driver's four stops: (delivered, damaged) per order line.
#[derive(Debug, Clone)]
pub struct DriverDay {
    /// Per stop outlet (F-01, F-02, F-04, F-06) and order line: (delivered, damaged).
    pub lines: [[(i64, i64); 2]; 4],
    /// Units of the stop-2 refusal kept back at load-in (a load-in variance).
    pub short_at_load_in: i64,
    /// Handed over against the cash collected (`None`: exactly).
    pub handed: Option<&'static str>,
}

impl DriverDay {
    pub fn full() -> DriverDay {
        DriverDay {
            lines: [
                [(24, 0), (24, 0)],
                [(24, 0), (0, 0)],
                [(24, 0), (0, 0)],
                [(24, 0), (0, 0)],
            ],
            short_at_load_in: 0,
            handed: None,
        }
    }
}

/// The driver's orders: outlet and (SKU, qty) lines.
pub const DELIVERIES: [(usize, &[(&str, i64)]); 4] = [
    (1, &[("COLA-330", 24), ("WATER-550", 24)]),
    (2, &[("COLA-330", 24)]),
    (4, &[("COLA-330", 24)]),
    (6, &[("WATER-550", 24)]),
];

/// The standard world plus `outlets` grid outlets of REP-1, three open invoices, the rep's
/// beat plan and day, the driver's orders and trip (planned the day before).
pub fn setup(day: &RepDay) -> World {
    let mut w = World::standard();
    let eve = t("2026-03-02T05:00:00Z");
    for k in 1..=day.outlets.max(6) {
        let (lat, lon) = grid(k);
        w.ok_as("admin", eve, None, json!({"type": "create_outlet", "outlet": {
            "id": fid(k), "code": format!("G{k:02}"), "name": format!("Grid shop {k}"),
            "channel": "traditional", "class": "B", "position": {"lat": lat, "lon": lon},
            "payment_terms_days": 14, "visit_frequency": {"type": "per_cycle", "visits": 4},
            "assigned_rep": "REP-1", "territory": "T-EAST", "status": "active", "utc_offset_minutes": 480}}));
    }
    for (k, amount) in [(3, "100.00"), (7, "50.50"), (9, "40.00")] {
        if k <= day.outlets {
            w.ok_as(
                "FIN-1",
                eve,
                None,
                json!({"type": "issue_invoice", "invoice_id": format!("INV-P{k}"),
                "outlet": fid(k), "amount": amount, "issue_date": "2026-02-20"}),
            );
        }
    }
    let stops: Vec<String> = (1..=day.outlets).map(fid).collect();
    w.ok_as(
        "SUP-1",
        eve,
        None,
        json!({"type": "set_beat_plan", "plan": {
        "rep": "REP-1", "cycle_start": "2026-03-02", "days": [{"day": 1, "outlets": stops}]}}),
    );
    w.ok_as(
        "SUP-1",
        eve,
        None,
        json!({"type": "plan_work_day", "staff": "REP-1", "date": DATE}),
    );
    if let Some(k) = day.big_order_at {
        for i in 0..3 {
            w.ok_as(
                "REP-1",
                eve + Duration::minutes(i),
                None,
                json!({"type": "submit_order",
                "order_id": format!("H-{i}"), "outlet": fid(k), "warehouse": "W1",
                "lines": [{"sku": "COLA-330", "qty": 2}]}),
            );
        }
    }
    let mut orders = Vec::new();
    for (i, (k, lines)) in DELIVERIES.iter().enumerate() {
        let lines: Vec<Value> = lines
            .iter()
            .map(|(s, q)| json!({"sku": s, "qty": q}))
            .collect();
        let id = format!("D{}", i + 1);
        w.ok_as(
            "REP-1",
            eve + Duration::minutes(10),
            None,
            json!({"type": "submit_order",
            "order_id": id, "outlet": fid(*k), "warehouse": "W1", "lines": lines}),
        );
        orders.push(id);
    }
    w.ok_as(
        "WH-1",
        eve + Duration::minutes(30),
        None,
        json!({"type": "plan_trip", "trip_id": "TR-1",
        "driver": "DRV-1", "vehicle": "V1", "date": DATE, "orders": orders}),
    );
    w
}

/// Runs the rep's day; returns the cash collected.
pub fn rep_day(w: &mut World, day: &RepDay) -> fmcg_core::Money {
    let start = local(0, day.start_min);
    let mut tr = Tracker::new(start - Duration::minutes(5), HOME);
    tr.stay_until(start);
    w.ok_as("REP-1", start, pos(HOME), json!({"type": "start_day"}));
    let mut plan: Vec<usize> = (1..=day.outlets).collect();
    if let Some(k) = day.skip {
        w.ok_as(
            "REP-1",
            start + Duration::minutes(2),
            pos(HOME),
            json!({"type": "request_route_change",
            "request_id": "RC-1", "date": DATE, "change": {"type": "skip", "outlet": fid(k)},
            "reason": "closed for renovation"}),
        );
        w.ok_as(
            "SUP-1",
            start + Duration::minutes(4),
            None,
            json!({"type": "decide_route_change",
            "request_id": "RC-1", "approve": true, "note": "ok"}),
        );
        plan.retain(|&x| x != k);
    }
    let cash = [
        (3, "100.00", "cash"),
        (7, "30.25", "cash"),
        (9, "40.00", "qr"),
    ];
    let mut collected = fmcg_core::Money::ZERO;
    for (i, &k) in plan.iter().enumerate() {
        if day.miss == Some(k) {
            continue;
        }
        tr.go(grid(k), 5);
        let arrive = tr.now;
        let (lat, lon) = grid(k);
        let at_door = if day.outside.contains(&k) {
            (lat + 0.0027, lon)
        } else {
            (lat + 0.0001, lon)
        };
        let visit = format!("VIS-{k:02}");
        w.ok_as(
            "REP-1",
            arrive,
            pos(at_door),
            json!({"type": "check_in", "visit_id": visit, "outlet": fid(k)}),
        );
        let mut minute = 1;
        let mut next = || {
            minute += 1;
            arrive + Duration::minutes(minute)
        };
        if day.orders.contains(&k) || day.big_order_at == Some(k) {
            w.ok_as(
                "REP-1",
                next(),
                pos(grid(k)),
                json!({"type": "submit_order", "order_id": format!("SO-{k:02}"),
                "outlet": fid(k), "warehouse": "W1", "visit_id": visit,
                "lines": [{"sku": "COLA-330", "qty": 2, "pack": "case"}]}),
            );
        }
        if day.below_floor_at == Some(k) {
            w.ok_as(
                "REP-1",
                next(),
                pos(grid(k)),
                json!({"type": "submit_order", "order_id": format!("BF-{k:02}"),
                "outlet": fid(k), "warehouse": "W1", "visit_id": visit,
                "lines": [{"sku": "COLA-330", "qty": 6, "unit_price": "1.00"}]}),
            );
        }
        if let Some((_, amount, method)) = cash.iter().find(|c| c.0 == k) {
            if *method == "cash" {
                collected = collected.checked_add(amount.parse().unwrap()).unwrap();
            }
            w.ok_as(
                "REP-1",
                next(),
                pos(grid(k)),
                json!({"type": "record_payment", "payment_id": format!("PAY-{k:02}"),
                "outlet": fid(k), "amount": amount, "method": method, "visit_id": visit}),
            );
        }
        if i % 4 == 1 {
            w.ok_as(
                "REP-1",
                next(),
                pos(grid(k)),
                json!({"type": "record_outlet_stock", "visit_id": visit,
                "lines": [{"sku": "COLA-330", "shelf": 30, "back_room": 24, "near_expiry": 6},
                          {"sku": "WATER-550", "shelf": 12}]}),
            );
        }
        if i % 5 == 2 {
            let at = next();
            w.ok_as("REP-1", at, pos(grid(k)), json!({"type": "record_display_check", "visit_id": visit,
                "items": [{"item": "planogram", "passed": true, "photos": [media(&format!("disp-{k}"), at)]},
                          {"item": "price tags", "passed": i % 2 == 0},
                          {"item": "cooler clean", "passed": true}]}));
        }
        if i == 3 {
            w.ok_as("REP-1", next(), pos(grid(k)), json!({"type": "record_competitor_observation", "visit_id": visit,
                "observation": {"brand": "Bubbly", "product": "Bubbly cola 330ml", "shelf_price": "1.80",
                                "promotion": "buy 5 get 1"}}));
            w.ok_as(
                "REP-1",
                next(),
                pos(grid(k)),
                json!({"type": "record_feedback", "feedback_id": "FB-1",
                "outlet": fid(k), "visit_id": visit, "category": "complaint",
                "text": "last delivery came two days late"}),
            );
        }
        if day.frozen && i == 1 {
            tr.frozen(12);
        }
        if day.mock && i == 2 {
            tr.mock();
        }
        if day.jump && i == 2 {
            tr.jump();
        }
        tr.stay_until(arrive + Duration::minutes(15));
        w.ok_as(
            "REP-1",
            tr.now,
            pos(grid(k)),
            json!({"type": "check_out", "visit_id": visit}),
        );
        if day.detour_after == Some(k) {
            tr.go((lat - 0.02, lon), 10);
            tr.stay_until(tr.now + Duration::minutes(25));
            tr.go(grid(k), 10);
        }
        if day.long_stay_after == Some(k) {
            tr.go((31.208, 121.4485), 4);
            tr.stay_until(tr.now + Duration::minutes(50));
            tr.go(grid(k), 4);
        }
        if i % 6 == 5 {
            let batch = tr.take();
            w.ok_as("REP-1", tr.now, None, batch);
        }
    }
    tr.go(HOME, 10);
    let end = local(0, day.end_min).max(tr.now);
    tr.stay_until(end);
    let batch = tr.take();
    w.ok_as("REP-1", end, None, batch);
    w.ok_as("REP-1", end, pos(HOME), json!({"type": "end_day"}));
    let handed = day.handed.map_or(collected, |h| h.parse().unwrap());
    w.ok_as(
        "FIN-1",
        end + Duration::minutes(10),
        None,
        json!({"type": "settle_cash",
        "settlement_id": "SET-REP-1", "staff": "REP-1", "date": DATE, "handed": handed}),
    );
    collected
}

/// Runs the driver's day: load, deliver the four stops, load in, settle. Returns the cash
/// collected.
pub fn driver_day(w: &mut World, day: &DriverDay) -> fmcg_core::Money {
    let start = local(8, 0);
    let mut tr = Tracker::new(start - Duration::minutes(5), DEPOT);
    tr.stay_until(start);
    w.ok_as("DRV-1", start, pos(DEPOT), json!({"type": "start_day"}));
    w.ok_as(
        "WH-1",
        start + Duration::minutes(10),
        None,
        json!({"type": "load_trip", "trip_id": "TR-1"}),
    );
    tr.stay_until(start + Duration::minutes(30));
    w.ok_as(
        "DRV-1",
        tr.now,
        pos(DEPOT),
        json!({"type": "depart_trip", "trip_id": "TR-1"}),
    );
    let stops: Vec<String> = w.engine.state().field.trips["TR-1"]
        .stops
        .iter()
        .map(|s| s.outlet.to_string())
        .collect();
    let mut cash = fmcg_core::Money::ZERO;
    for outlet in &stops {
        let (i, (k, lines)) = DELIVERIES
            .iter()
            .enumerate()
            .find(|(_, d)| fid(d.0) == *outlet)
            .unwrap();
        tr.go(grid(*k), 15);
        let at = tr.now + Duration::minutes(5);
        let order = w.order(&format!("D{}", i + 1));
        let mut delivered = Vec::new();
        let mut short = false;
        let mut damaged = false;
        for (n, _) in lines.iter().enumerate() {
            let (d, g) = day.lines[i][n];
            delivered.push(json!({"line_no": n + 1, "delivered": d, "damaged": g}));
            short |= d < 24;
            damaged |= g > 0;
        }
        let mut exceptions = Vec::new();
        let total_delivered: i64 = (0..lines.len()).map(|n| day.lines[i][n].0).sum();
        if total_delivered == 0 {
            exceptions.push(
                json!({"kind": "refused", "order_id": order.id, "reason": "owner did not order"}),
            );
        } else if damaged {
            exceptions.push(
                json!({"kind": "damaged", "order_id": order.id, "reason": "crushed case",
                "photos": [media(&format!("dmg-{k}"), at)]}),
            );
        } else if short {
            exceptions
                .push(json!({"kind": "partial", "order_id": order.id, "reason": "short of cash"}));
        }
        let mut cmd = json!({"type": "deliver_stop", "trip_id": "TR-1", "outlet": outlet,
            "orders": [{"order_id": order.id, "invoice_id": format!("INV-D{}", i + 1), "lines": delivered}],
            "exceptions": exceptions});
        if total_delivered > 0 {
            cmd["proof"] =
                json!({"receiver": "shop owner", "signature": media(&format!("sig-{k}"), at)});
        }
        // Cash on delivery of what was delivered, except at the QR-paying stop.
        let mut amount = fmcg_core::Money::ZERO;
        for (n, line) in order.lines.iter().enumerate() {
            let d = day.lines[i][n].0;
            let total = line
                .price
                .net_amount
                .checked_add(line.price.tax_amount)
                .unwrap();
            let part = total
                .checked_mul_qty(d)
                .unwrap()
                .checked_div_qty(line.qty_ordered)
                .unwrap()
                .round();
            amount = amount.checked_add(part).unwrap();
        }
        if amount.is_positive() {
            let method = if *k == 6 { "qr" } else { "cash" };
            cmd["payment"] =
                json!({"payment_id": format!("COD-{}", i + 1), "amount": amount, "method": method});
            if method == "qr" {
                // Without an amount the stop's invoice total is collected.
                cmd["payment"].as_object_mut().unwrap().remove("amount");
            }
            if method == "cash" {
                cash = cash.checked_add(amount).unwrap();
            }
        }
        w.ok_as("DRV-1", at, pos(grid(*k)), cmd);
        tr.stay_until(tr.now + Duration::minutes(10));
    }
    tr.go(DEPOT, 15);
    let back = tr.now;
    // Load-in: every undelivered good unit back, damaged ones apart.
    let trip = w.engine.state().field.trips["TR-1"].clone();
    let mut lines = Vec::new();
    for l in &trip.loaded {
        let delivered = trip.delivered(&l.sku, &l.lot);
        let damaged: i64 = trip
            .stops
            .iter()
            .filter_map(|s| s.delivery.as_ref())
            .flat_map(|d| &d.lines)
            .filter(|x| x.sku == l.sku)
            .map(|x| x.damaged)
            .sum();
        let mut returned = l.qty - delivered - damaged;
        if l.sku.as_str() == "COLA-330" {
            returned -= day.short_at_load_in;
        }
        lines.push(json!({"sku": l.sku, "lot": l.lot, "returned": returned, "damaged": damaged}));
    }
    w.ok_as(
        "WH-1",
        back + Duration::minutes(10),
        None,
        json!({"type": "close_trip", "trip_id": "TR-1", "lines": lines}),
    );
    tr.stay_until(back + Duration::minutes(15));
    let batch = tr.take();
    w.ok_as("DRV-1", tr.now, None, batch);
    w.ok_as("DRV-1", tr.now, pos(DEPOT), json!({"type": "end_day"}));
    let handed = day.handed.map_or(cash, |h| h.parse().unwrap());
    w.ok_as(
        "FIN-1",
        tr.now + Duration::minutes(10),
        None,
        json!({"type": "settle_cash",
        "settlement_id": "SET-DRV-1", "staff": "DRV-1", "date": DATE, "handed": handed}),
    );
    cash
}

/// The day's alerts as the supervisor sees them after midnight.
pub fn alerts(w: &World) -> Vec<Alert> {
    match w
        .query(
            "SUP-1",
            json!({"type": "alerts", "date": DATE, "at": "2026-03-03T16:30:00Z"}),
        )
        .unwrap()
    {
        QueryResult::Alerts { rows } => rows,
        other => panic!("{other:?}"),
    }
}

/// The kinds of `alerts`, sorted, with their staff.
pub fn kinds(alerts: &[Alert]) -> Vec<(String, AlertKind)> {
    let mut k: Vec<(String, AlertKind)> = alerts
        .iter()
        .map(|a| (a.staff.to_string(), a.kind))
        .collect();
    k.sort();
    k
}
