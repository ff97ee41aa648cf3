//! The demo's field work: each rep's planned visits with check-ins (one outside the
//! geofence), the orders taken in them, GPS tracks; the driver's trip with a refusal, a
//! partial and a damaged delivery, cash on delivery and load-in; the evening cash
//! settlement with one variance; and the day's alerts.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use fmcg_core::engine::query::QueryResult;
use fmcg_core::{Error, OrderStatus, StaffId};
use serde_json::{Value, json};

use crate::demo::{CENTER, Sim};

/// A rep's day: the outlets to visit in order (with positions), planned by the supervisor.
pub(crate) fn plan_day(sim: &mut Sim<'_>, rep: &str, outlets: &[String]) -> Result<(), Error> {
    let stops: Vec<Value> = outlets.iter().map(|o| json!({"outlet": o})).collect();
    sim.run(
        "SUP-1",
        sim.at(7, 30),
        json!({"type": "plan_work_day", "staff": rep, "date": sim.date(), "stops": stops}),
    )?;
    sim.run_at(
        rep,
        sim.at(8, 30),
        Some(CENTER),
        json!({"type": "start_day"}),
    )?;
    Ok(())
}

fn position(sim: &Sim<'_>, outlet: &str) -> (f64, f64) {
    sim.engine
        .engine()
        .state()
        .outlets
        .get(outlet)
        .map_or(CENTER, |o| (o.position.lat(), o.position.lon()))
}

/// Checks in at `outlet` (from 400 m away when `outside`); returns the visit id.
pub(crate) fn check_in(
    sim: &mut Sim<'_>,
    rep: &str,
    outlet: &str,
    at: DateTime<Utc>,
    outside: bool,
) -> Result<String, Error> {
    let visit = format!("VIS-D{}-{rep}-{outlet}", sim.day);
    let (lat, lon) = position(sim, outlet);
    let door = if outside {
        (lat + 0.0036, lon)
    } else {
        (lat + 0.00005, lon)
    };
    sim.run_at(
        rep,
        at,
        Some(door),
        json!({"type": "check_in", "visit_id": visit, "outlet": outlet}),
    )?;
    Ok(visit)
}

/// Checks out, after a stock count at every third visit.
pub(crate) fn check_out(
    sim: &mut Sim<'_>,
    rep: &str,
    visit: &str,
    outlet: &str,
    at: DateTime<Utc>,
    count: bool,
) -> Result<(), Error> {
    let p = position(sim, outlet);
    if count {
        let sku = sim
            .engine
            .engine()
            .state()
            .catalog
            .skus
            .keys()
            .next()
            .cloned();
        if let Some(sku) = sku {
            sim.run_at(rep, at - Duration::minutes(2), Some(p), json!({"type": "record_outlet_stock",
                "visit_id": visit, "lines": [{"sku": sku, "shelf": 18, "back_room": 24, "near_expiry": 3}]}))?;
        }
    }
    sim.run_at(
        rep,
        at,
        Some(p),
        json!({"type": "check_out", "visit_id": visit}),
    )?;
    Ok(())
}

/// The rep's GPS track of the day: a fix a minute, from the depot through the visited
/// outlets (a stay at each) and back; then the day's end.
pub(crate) fn track(
    sim: &mut Sim<'_>,
    rep: &str,
    visits: &[(String, DateTime<Utc>)],
) -> Result<(), Error> {
    let mut cols: [Vec<Value>; 4] = Default::default();
    let mut push = |t: DateTime<Utc>, p: (f64, f64), k: usize| {
        let jitter = ((k * 37 % 11) as f64 - 5.0) * 0.000_005;
        cols[0].push(json!(t.timestamp_millis()));
        cols[1].push(json!(p.0 + jitter));
        cols[2].push(json!(p.1 - jitter));
        cols[3].push(json!(6.0 + (k % 9) as f64));
    };
    let (mut t, mut at, mut k) = (sim.at(8, 30), CENTER, 0usize);
    // (where, arrival, departure)
    type Leg = ((f64, f64), DateTime<Utc>, DateTime<Utc>);
    let mut legs: Vec<Leg> = visits
        .iter()
        .map(|(o, arrive)| (position(sim, o), *arrive, *arrive + Duration::minutes(15)))
        .collect();
    legs.push((CENTER, sim.at(17, 20), sim.at(17, 30)));
    for (to, arrive, leave) in legs {
        let steps = ((arrive - t).num_minutes()).max(1);
        for i in 1..=steps {
            let f = i as f64 / steps as f64;
            push(
                t + Duration::minutes(i),
                (at.0 + (to.0 - at.0) * f, at.1 + (to.1 - at.1) * f),
                k,
            );
            k += 1;
        }
        t = arrive;
        while t + Duration::minutes(1) <= leave {
            t += Duration::minutes(1);
            push(t, to, k);
            k += 1;
        }
        at = to;
    }
    let [t_ms, lat, lon, acc] = cols;
    sim.run_at(
        rep,
        sim.at(17, 30),
        None,
        json!({"type": "ingest_fixes",
        "fixes": {"t_ms": t_ms, "lat": lat, "lon": lon, "accuracy_m": acc}}),
    )?;
    sim.run_at(
        rep,
        sim.at(17, 35),
        Some(CENTER),
        json!({"type": "end_day"}),
    )?;
    Ok(())
}

/// The driver's afternoon trip with up to 12 of the day's allocated orders; returns the
/// orders it carried.
pub(crate) fn deliver(sim: &mut Sim<'_>, orders: &[String]) -> Result<Vec<String>, Error> {
    let carried: Vec<String> = orders.iter().take(12).cloned().collect();
    if carried.is_empty() {
        return Ok(carried);
    }
    let trip = format!("TRIP-D{}", sim.day);
    sim.run_at(
        "DRV-1",
        sim.at(12, 50),
        Some(CENTER),
        json!({"type": "start_day"}),
    )?;
    sim.run(
        "WH-1",
        sim.at(13, 0),
        json!({"type": "plan_trip", "trip_id": trip, "driver": "DRV-1",
        "vehicle": "VAN1", "date": sim.date(), "orders": carried}),
    )?;
    sim.run(
        "WH-1",
        sim.at(13, 30),
        json!({"type": "load_trip", "trip_id": trip}),
    )?;
    sim.run_at(
        "DRV-1",
        sim.at(13, 45),
        Some(CENTER),
        json!({"type": "depart_trip", "trip_id": trip}),
    )?;
    let Some(planned) = sim
        .engine
        .engine()
        .state()
        .field
        .trips
        .get(trip.as_str())
        .cloned()
    else {
        return Ok(Vec::new());
    };
    let sig = |at: DateTime<Utc>, name: &str| json!({"hash": format!("sha256:{name}"), "uri": format!("demo://pod/{name}.png"), "size_bytes": 20_480, "taken_at": at});
    for (i, stop) in planned.stops.iter().enumerate() {
        let at = sim.at(14, 0) + Duration::minutes(20 * i as i64);
        let mut orders = Vec::new();
        let mut exceptions = Vec::new();
        for oid in &stop.orders {
            let Some(order) = sim.engine.engine().state().orders.get(oid).cloned() else {
                continue;
            };
            let mut lines = Vec::new();
            for (n, l) in order.lines.iter().enumerate() {
                let (delivered, damaged) = match i {
                    2 => (0, 0),
                    4 if n == 0 => (l.qty_allocated / 2, 0),
                    6 if n == 0 => (l.qty_allocated - 1, 1),
                    _ => (l.qty_allocated, 0),
                };
                lines.push(
                    json!({"line_no": l.line_no, "delivered": delivered, "damaged": damaged}),
                );
            }
            orders
                .push(json!({"order_id": oid, "invoice_id": format!("INV-{oid}"), "lines": lines}));
            match i {
                2 => exceptions.push(json!({"kind": "outlet_closed", "order_id": oid, "reason": "shutters down at 14:40"})),
                4 => exceptions.push(json!({"kind": "partial", "order_id": oid, "reason": "owner took half, short of cash"})),
                6 => exceptions.push(json!({"kind": "damaged", "order_id": oid, "reason": "one unit crushed in transit",
                    "photos": [sig(at, &format!("damage-{oid}"))]})),
                _ => {}
            }
        }
        let mut cmd = json!({"type": "deliver_stop", "trip_id": trip, "outlet": stop.outlet,
            "orders": orders, "exceptions": exceptions});
        if i != 2 {
            cmd["proof"] = json!({"receiver": "shop owner", "signature": sig(at, &format!("sig-{}", stop.outlet))});
            // Cash on delivery at every other stop, for the invoiced total.
            if i % 2 == 0 {
                cmd["payment"] =
                    json!({"payment_id": format!("COD-D{}-{i}", sim.day), "method": "cash"});
            }
        }
        let p = position(sim, stop.outlet.as_str());
        sim.run_at("DRV-1", at, Some(p), cmd)?;
    }
    // Load-in: everything not delivered comes back; the damaged units of a SKU are set
    // apart from its lots in loading order.
    let mut lines: Vec<Value> = Vec::new();
    if let Some(t) = sim.engine.engine().state().field.trips.get(trip.as_str()) {
        let mut damaged: BTreeMap<&str, i64> = BTreeMap::new();
        for l in t
            .stops
            .iter()
            .filter_map(|s| s.delivery.as_ref())
            .flat_map(|d| &d.lines)
        {
            *damaged.entry(l.sku.as_str()).or_default() += l.damaged;
        }
        for l in &t.loaded {
            let back = l.qty - t.delivered(&l.sku, &l.lot);
            let left = damaged.entry(l.sku.as_str()).or_default();
            let d = (*left).min(back);
            *left -= d;
            lines.push(json!({"sku": l.sku, "lot": l.lot, "returned": back - d, "damaged": d}));
        }
    }
    sim.run(
        "WH-1",
        sim.at(18, 0),
        json!({"type": "close_trip", "trip_id": trip, "lines": lines}),
    )?;
    sim.run_at(
        "DRV-1",
        sim.at(18, 10),
        Some(CENTER),
        json!({"type": "end_day"}),
    )?;
    Ok(carried)
}

/// The evening hand-over: every rep and the driver settle their cash; the driver is 5.00
/// short.
pub(crate) fn settle(sim: &mut Sim<'_>) -> Result<(), Error> {
    let date = sim.date();
    for who in ["REP-1", "REP-2", "REP-3", "DRV-1"] {
        let staff: StaffId = who.parse()?;
        let receivables = &sim.engine.engine().state().receivables;
        let expected =
            fmcg_core::Money::sum(receivables.cash_collected(&staff, date).map(|p| p.amount))?;
        let handed = if who == "DRV-1" {
            expected
                .checked_sub("5.00".parse()?)?
                .max(fmcg_core::Money::ZERO)
        } else {
            expected
        };
        sim.run("FIN-1", sim.at(18, 30), json!({"type": "settle_cash",
            "settlement_id": format!("SET-D{}-{who}", sim.day), "staff": who, "date": date, "handed": handed}))?;
    }
    Ok(())
}

/// Prints the day's field summary: visits, the trip, settlements and alerts.
pub(crate) fn summary(sim: &Sim<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let engine = sim.engine.engine();
    let date = sim.date();
    let sup: StaffId = "SUP-1".parse()?;
    let state = engine.state();
    let visits: Vec<_> = state
        .field
        .visits
        .values()
        .filter(|v| v.date == date)
        .collect();
    let verified = visits.iter().filter(|v| v.check_in.verified).count();
    println!("\nfield work on {date}");
    println!(
        "  visits: {} ({verified} inside the geofence)",
        visits.len()
    );
    for t in state.field.trips.values().filter(|t| t.date == date) {
        let delivered = t
            .stops
            .iter()
            .flat_map(|s| &s.orders)
            .filter(|o| {
                state.orders.get(*o).is_some_and(|o| {
                    matches!(
                        o.status,
                        OrderStatus::Delivered | OrderStatus::PartiallyDelivered
                    )
                })
            })
            .count();
        let variance: i64 = t.reconciliation.iter().map(|l| l.variance).sum();
        println!(
            "  trip {}: {} stops, {delivered} orders delivered, load-in variance {variance} units",
            t.id,
            t.stops.len()
        );
    }
    for s in state.field.settlements.values().filter(|s| s.date == date) {
        println!(
            "  cash {}: expected {} handed {} variance {}",
            s.staff, s.expected, s.handed, s.variance
        );
    }
    let night = sim.at(23, 59);
    if let QueryResult::Alerts { rows } = engine.query(
        &sup,
        &fmcg_core::Query::Alerts {
            date,
            staff: None,
            at: Some(night),
        },
    )? {
        println!("  alerts: {}", rows.len());
        for a in rows {
            println!(
                "    {:<8} {:<9} {:<26} {}",
                a.staff.as_str(),
                format!("{:?}", a.severity).to_lowercase(),
                serde_json::to_value(a.kind)?.as_str().unwrap_or(""),
                a.message
            );
        }
    }
    Ok(())
}
