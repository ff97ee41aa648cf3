//! A small but realistic distributor, and one trading day per run, through the engine into
//! `DIR/journal`.
//!
//! Everything is generated from the seed and the day number. Each run simulates the next
//! day; the day's last command (`demo-d<N>-close`) marks it complete. A day cut short by a
//! crash is run again on the next run: its commands carry the same ids, so those already
//! recorded are answered as duplicates and the rest complete the day.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use fmcg_core::engine::query::QueryResult;
use fmcg_core::{
    Engine, Error, Event, FsyncPolicy, JournaledEngine, Money, OrderStatus, Outcome, StaffId,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::{Value, json};

use crate::demo_field;

/// The depot, in the city centre.
pub(crate) const CENTER: (f64, f64) = (31.2304, 121.4737);
const REPS: [&str; 3] = ["REP-1", "REP-2", "REP-3"];
const OUTLETS: usize = 100;
const UTC_OFFSET: i32 = 8 * 60;

/// What happened to the commands of a run.
#[derive(Default)]
struct Tally {
    accepted: usize,
    duplicates: usize,
    refused: BTreeMap<&'static str, usize>,
}

/// A run of the demo: the journaled engine, the day, the command counter.
pub(crate) struct Sim<'a> {
    pub(crate) engine: &'a mut JournaledEngine,
    pub(crate) day: u64,
    n: usize,
    rng: Pcg64Mcg,
    tally: Tally,
}

impl Sim<'_> {
    pub(crate) fn at(&self, hour: u32, minute: u32) -> DateTime<Utc> {
        // Local working hours (UTC+8) of demo day `day`, from 2026-03-02.
        let base = Utc
            .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .unwrap_or_default();
        base + chrono::Duration::days(self.day as i64)
            + chrono::Duration::minutes(i64::from(hour * 60 + minute) - i64::from(UTC_OFFSET))
    }

    pub(crate) fn date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.checked_add_days(Days::new(self.day)))
            .unwrap_or_default()
    }

    /// Applies one command; refusals are part of the demo and are tallied, not fatal.
    pub(crate) fn run(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        command: Value,
    ) -> Result<Option<Outcome>, Error> {
        self.run_at(actor, at, None, command)
    }

    /// As [`Sim::run`], with the device's position.
    pub(crate) fn run_at(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        position: Option<(f64, f64)>,
        command: Value,
    ) -> Result<Option<Outcome>, Error> {
        self.n += 1;
        let id = format!("demo-d{}-{:05}", self.day, self.n);
        self.run_as(&id, actor, at, position, command)
    }

    fn run_as(
        &mut self,
        id: &str,
        actor: &str,
        at: DateTime<Utc>,
        position: Option<(f64, f64)>,
        command: Value,
    ) -> Result<Option<Outcome>, Error> {
        let mut envelope = json!({
            "command_id": id,
            "actor": actor, "device_id": format!("demo-{actor}"),
            "recorded_at": at,
        });
        if let Some((lat, lon)) = position {
            envelope["position"] = json!({"lat": lat, "lon": lon, "accuracy_m": 8.0});
        }
        envelope["command"] = command;
        let envelope = serde_json::from_value(envelope).map_err(|e| Error::json(&e))?;
        let last = self.engine.engine().last_seq();
        match self.engine.apply(envelope) {
            Ok(outcome) => {
                if outcome.last_seq <= last {
                    self.tally.duplicates += 1;
                } else {
                    self.tally.accepted += 1;
                }
                Ok(Some(outcome))
            }
            Err(Error::Io { reason }) => Err(Error::Io { reason }),
            Err(e) => {
                if std::env::var_os("FMCG_DEMO_DEBUG").is_some() {
                    eprintln!("refused {id} {actor}: {e}");
                }
                *self.tally.refused.entry(e.kind().as_str()).or_default() += 1;
                Ok(None)
            }
        }
    }
}

struct SkuSpec {
    id: String,
    price_cents: i64,
    case: i64,
    shelf_life: u64,
}

fn skus() -> Vec<SkuSpec> {
    let lines: [(&str, &str, &str, i64, i64, u64); 10] = [
        ("COLA", "Fizz", "soft drinks", 250, 24, 270),
        ("LEMON", "Fizz", "soft drinks", 260, 24, 270),
        ("WATER", "Spring", "water", 120, 24, 540),
        ("TEA", "Leaf", "tea drinks", 350, 15, 300),
        ("CHIPS", "Crunch", "snacks", 450, 12, 150),
        ("COOKIE", "Crunch", "snacks", 680, 20, 240),
        ("MILK", "Meadow", "dairy", 520, 12, 21),
        ("YOGURT", "Meadow", "dairy", 380, 16, 28),
        ("SOAP", "Pure", "personal care", 890, 48, 1080),
        ("SHAMPOO", "Pure", "personal care", 2490, 12, 1080),
    ];
    let sizes = ["S", "M", "L"];
    let mut out = Vec::new();
    for (name, _, _, price, case, life) in lines {
        for (k, size) in sizes.iter().enumerate() {
            out.push(SkuSpec {
                id: format!("{name}-{size}"),
                price_cents: price * (2 + k as i64) / 2,
                case,
                shelf_life: life,
            });
        }
    }
    out
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn setup(sim: &mut Sim<'_>) -> Result<(), Error> {
    let t = sim.at(7, 0);
    let catalog_lines: [(&str, &str, &str); 10] = [
        ("COLA", "Fizz", "soft drinks"),
        ("LEMON", "Fizz", "soft drinks"),
        ("WATER", "Spring", "water"),
        ("TEA", "Leaf", "tea drinks"),
        ("CHIPS", "Crunch", "snacks"),
        ("COOKIE", "Crunch", "snacks"),
        ("MILK", "Meadow", "dairy"),
        ("YOGURT", "Meadow", "dairy"),
        ("SOAP", "Pure", "personal care"),
        ("SHAMPOO", "Pure", "personal care"),
    ];
    let admin = "ADMIN";
    sim.run(admin, t, json!({"type": "create_staff", "staff": {"id": admin, "employee_no": "E000", "name": "Demo Admin", "roles": ["admin"]}}))?;
    sim.run(admin, t, json!({"type": "create_territory", "territory": {"id": "SH", "code": "SH", "name": "Shanghai"}}))?;
    sim.run(admin, t, json!({"type": "create_warehouse", "warehouse": {"id": "DC1", "code": "DC1", "name": "Shanghai DC",
        "position": {"lat": CENTER.0, "lon": CENTER.1}, "utc_offset_minutes": UTC_OFFSET}}))?;
    sim.run(admin, t, json!({"type": "create_vehicle", "vehicle": {"id": "VAN1", "code": "VAN1", "plate": "沪B-88231",
        "capacity": {"cases": 350, "kg": 2000.0, "m3": 10.0}, "home_warehouse": "DC1"}}))?;
    for (i, s) in [
        "Fizz Beverages",
        "Crunch Foods",
        "Meadow Dairy",
        "Pure Care",
    ]
    .iter()
    .enumerate()
    {
        sim.run(
            admin,
            t,
            json!({"type": "create_supplier", "supplier": {"id": format!("SUP{}", i + 1),
            "code": format!("SUP{}", i + 1), "name": s, "lead_time_days": 3 + i}}),
        )?;
    }
    let staff = [
        ("SUP-1", "E100", "Sun Li", "supervisor", None),
        ("REP-1", "E101", "Rui Chen", "sales_rep", Some("SUP-1")),
        ("REP-2", "E102", "Ren Zhao", "sales_rep", Some("SUP-1")),
        ("REP-3", "E103", "Rong Wu", "sales_rep", Some("SUP-1")),
        ("DRV-1", "E201", "Dong Ma", "driver", Some("SUP-1")),
        ("WH-1", "E301", "Wei Xu", "warehouse", None),
        ("FIN-1", "E401", "Fang Zhou", "finance", None),
    ];
    for (id, no, name, role, sup) in staff {
        sim.run(admin, t, json!({"type": "create_staff", "staff": {"id": id, "employee_no": no, "name": name,
            "roles": [role], "supervisor": sup, "territory": "SH", "depot": "DC1", "utc_offset_minutes": UTC_OFFSET}}))?;
    }
    let specs = skus();
    for (k, spec) in specs.iter().enumerate() {
        let (line, brand, category) = catalog_lines[k / 3];
        sim.run(admin, t, json!({"type": "create_sku", "sku": {"id": spec.id, "code": format!("69{:05}", k + 1),
            "name": format!("{} {}", line.to_lowercase(), &spec.id[spec.id.len() - 1..]), "brand": brand, "category": category,
            "packs": [{"name": "case", "units": spec.case}], "weight_kg": 0.4, "volume_m3": 0.0006,
            "shelf_life_days": spec.shelf_life, "tax_rate": if category == "dairy" { "0.09" } else { "0.13" },
            "floor_price": money(spec.price_cents * 85 / 100), "must_stock_channels": ["supermarket"]}}))?;
    }
    let base: BTreeMap<&str, String> = specs
        .iter()
        .map(|s| (s.id.as_str(), money(s.price_cents)))
        .collect();
    let superm: BTreeMap<&str, String> = specs
        .iter()
        .map(|s| (s.id.as_str(), money(s.price_cents * 95 / 100)))
        .collect();
    sim.run(admin, t, json!({"type": "set_price_list", "price_list": {"id": "PL-BASE", "name": "Base", "valid_from": "2026-01-01", "prices": base}}))?;
    sim.run(admin, t, json!({"type": "set_price_list", "price_list": {"id": "PL-SUPER", "name": "Supermarkets", "channel": "supermarket", "valid_from": "2026-01-01", "prices": superm}}))?;
    sim.run(admin, t, json!({"type": "set_promotion", "promotion": {"id": "PR-FIZZ", "name": "Fizz volume", "valid_from": "2026-01-01",
        "skus": ["COLA-S", "COLA-M", "COLA-L", "LEMON-S", "LEMON-M", "LEMON-L"],
        "rule": {"type": "quantity_tiers", "tiers": [{"min_qty": 48, "discount": {"type": "percent", "rate": "0.04"}},
                                                       {"min_qty": 120, "discount": {"type": "percent", "rate": "0.07"}}]}}}))?;
    sim.run(admin, t, json!({"type": "set_promotion", "promotion": {"id": "PR-CHIPS", "name": "Chips 10+1", "valid_from": "2026-01-01",
        "skus": ["CHIPS-S", "CHIPS-M"], "rule": {"type": "buy_get", "buy_qty": 10, "free_qty": 1}}}))?;
    let channels = [
        ("supermarket", 15),
        ("convenience", 35),
        ("traditional", 40),
        ("horeca", 10),
    ];
    for i in 0..OUTLETS {
        let roll = sim.rng.random_range(0..100);
        let mut acc = 0;
        let channel = channels
            .iter()
            .find(|(_, p)| {
                acc += p;
                roll < acc
            })
            .map_or("traditional", |c| c.0);
        let class = match channel {
            "supermarket" => "A",
            "convenience" | "horeca" => "B",
            _ => "C",
        };
        let credit = match class {
            "A" => 2_000_000,
            "B" => 300_000,
            _ => 80_000,
        };
        // Denser near the centre: radius grows with the square of a uniform draw.
        let r_km = 0.3 + 14.0 * sim.rng.random::<f64>().powi(2);
        let angle = sim.rng.random::<f64>() * std::f64::consts::TAU;
        let lat = CENTER.0 + r_km / 111.0 * angle.sin();
        let lon = CENTER.1 + r_km / (111.0 * CENTER.0.to_radians().cos()) * angle.cos();
        let sector = ((angle / std::f64::consts::TAU) * 3.0) as usize % 3;
        let visits = [1, 2, 4][sim.rng.random_range(0..3)];
        sim.run(admin, t, json!({"type": "create_outlet", "outlet": {"id": format!("O-{:03}", i + 1), "code": format!("C{:03}", i + 1),
            "name": format!("{} {}", channel, i + 1), "channel": channel, "class": class,
            "position": {"lat": (lat * 1e6).round() / 1e6, "lon": (lon * 1e6).round() / 1e6},
            "credit_limit": money(credit), "payment_terms_days": if class == "A" { 30 } else { 7 },
            "visit_frequency": {"type": "per_cycle", "visits": visits}, "assigned_rep": REPS[sector],
            "territory": "SH", "status": "active", "utc_offset_minutes": UTC_OFFSET}}))?;
        // Opening balances: some outlets start the demo owing money.
        if sim.rng.random_bool(0.3) {
            let owed = credit * sim.rng.random_range(30..110) / 100;
            sim.run("FIN-1", t, json!({"type": "issue_invoice", "invoice_id": format!("OB-{:03}", i + 1),
                "outlet": format!("O-{:03}", i + 1), "amount": money(owed), "issue_date": "2026-02-01"}))?;
        }
    }
    Ok(())
}

fn purchasing(sim: &mut Sim<'_>) -> Result<(), Error> {
    let specs = skus();
    let t = sim.at(7, 30);
    // Day one stocks everything; later days top up a seeded handful of SKUs. Two SKUs are
    // kept short on purpose, so some orders meet a stock-out.
    let mut lines = Vec::new();
    for s in &specs {
        let short = s.id == "MILK-L" || s.id == "TEA-L";
        if sim.day == 0 {
            lines.push((s, if short { 3 } else { 40 }));
        } else if sim.rng.random_bool(0.3) {
            lines.push((
                s,
                if short {
                    2
                } else {
                    sim.rng.random_range(8..25)
                },
            ));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    let po = format!("PO-D{}", sim.day);
    let po_lines: Vec<Value> = lines
        .iter()
        .map(|(s, cases)| json!({"sku": s.id, "qty": cases, "pack": "case", "unit_cost": money(s.price_cents * 60 / 100)}))
        .collect();
    sim.run(
        "WH-1",
        t,
        json!({"type": "create_purchase_order", "purchase_order_id": po, "supplier": "SUP1",
        "warehouse": "DC1", "lines": po_lines}),
    )?;
    // The truck brings most of it in two lots; a few lines arrive short.
    let mut receipt = Vec::new();
    for (s, cases) in &lines {
        let got = if sim.rng.random_bool(0.1) {
            cases / 2
        } else {
            *cases
        };
        let first = got / 2;
        for (k, qty) in [(1, first), (2, got - first)] {
            if qty == 0 {
                continue;
            }
            let life = s.shelf_life * (60 + 20 * k) / 100;
            let expiry = sim
                .date()
                .checked_add_days(Days::new(life))
                .unwrap_or_default();
            receipt.push(
                json!({"sku": s.id, "lot": format!("{}-D{}-{}", s.id, sim.day, k), "expiry": expiry,
                "qty": qty, "pack": "case"}),
            );
        }
    }
    sim.run(
        "WH-1",
        sim.at(8, 0),
        json!({"type": "receive_goods", "receipt_id": format!("RC-D{}", sim.day),
        "purchase_order_id": po, "lines": receipt}),
    )?;
    Ok(())
}

/// An order to invoice: id, outlet, total.
type Sale = (String, String, Money);

fn selling(sim: &mut Sim<'_>) -> Result<Vec<Sale>, Error> {
    let specs = skus();
    let mut held = Vec::new();
    let mut taken = Vec::new();
    for (r, rep) in REPS.iter().enumerate() {
        let outlets: Vec<String> = sim
            .engine
            .engine()
            .state()
            .outlets
            .values()
            .filter(|o| o.assigned_rep.as_ref().is_some_and(|x| x.as_str() == *rep))
            .map(|o| o.id.to_string())
            .collect();
        let visits = 12.min(outlets.len());
        let mut route: Vec<String> = Vec::new();
        for v in 0..outlets.len() {
            let o = &outlets[(v * 7 + sim.day as usize * 5) % outlets.len()];
            if route.len() < visits && !route.contains(o) {
                route.push(o.clone());
            }
        }
        demo_field::plan_day(sim, rep, &route)?;
        let mut visited = Vec::new();
        for (v, outlet) in route.iter().enumerate() {
            let at = sim.at(9 + (v as u32 * 35) / 60, (v as u32 * 35) % 60);
            let arrive = at - chrono::Duration::minutes(2);
            // REP-2 checks in at their fourth outlet from across the street.
            let visit = demo_field::check_in(sim, rep, outlet, arrive, r == 1 && v == 3)?;
            visited.push((outlet.clone(), arrive));
            let leave = arrive + chrono::Duration::minutes(15);
            if !sim.rng.random_bool(0.75) {
                demo_field::check_out(sim, rep, &visit, outlet, leave, v % 3 == 0)?;
                continue;
            }
            let order_id = format!("SO-D{}-{}-{:02}", sim.day, r + 1, v + 1);
            let mut lines = Vec::new();
            for _ in 0..sim.rng.random_range(2..7) {
                let s = &specs[sim.rng.random_range(0..specs.len())];
                if lines.iter().any(|l: &Value| l["sku"] == s.id) {
                    continue;
                }
                let mut line = if sim.rng.random_bool(0.5) {
                    json!({"sku": s.id, "qty": sim.rng.random_range(1..4), "pack": "case"})
                } else {
                    json!({"sku": s.id, "qty": sim.rng.random_range(3..30)})
                };
                if sim.rng.random_bool(0.04) {
                    line["unit_price"] = json!(money(s.price_cents * 70 / 100)); // below the floor
                }
                lines.push(line);
            }
            let outcome = sim.run(
                rep,
                at,
                json!({"type": "submit_order", "order_id": order_id, "outlet": outlet,
                "warehouse": "DC1", "lines": lines, "visit_id": visit}),
            )?;
            demo_field::check_out(sim, rep, &visit, outlet, leave, v % 3 == 0)?;
            // Decide from the outcome, not the current state: a re-run sees the same outcome.
            let submitted = outcome.as_ref().and_then(|o| {
                o.events.iter().find_map(|r| match &r.event {
                    Event::OrderSubmitted { order } => Some((order.status, order.total)),
                    _ => None,
                })
            });
            if let Some((status, total)) = submitted {
                taken.push((
                    *rep,
                    order_id.clone(),
                    outlet.clone(),
                    total,
                    status == OrderStatus::Allocated,
                ));
                if status == OrderStatus::Submitted {
                    held.push(order_id);
                }
            }
        }
        demo_field::track(sim, rep, &visited)?;
    }
    // A couple of outlets call back to cancel.
    let mut invoiceable = Vec::new();
    for (k, (rep, id, outlet, total, allocated)) in taken.into_iter().enumerate() {
        if k % 9 == 0 {
            sim.run(rep, sim.at(15, 10), json!({"type": "cancel_order", "order_id": id, "reason": "outlet called to cancel"}))?;
        } else if allocated {
            invoiceable.push((id, outlet, total));
        } else if held.contains(&id) {
            // The supervisor decides on held orders: most approved, some rejected.
            let approve = held
                .iter()
                .position(|h| h == &id)
                .is_some_and(|p| p % 3 != 0);
            let cmd = if approve {
                json!({"type": "approve_order", "order_id": id})
            } else {
                json!({"type": "reject_order", "order_id": id, "reason": "over credit, collect first"})
            };
            if sim.run("SUP-1", sim.at(16, 0), cmd)?.is_some() && approve {
                invoiceable.push((id, outlet, total));
            }
        }
    }
    Ok(invoiceable)
}

fn finance(sim: &mut Sim<'_>, sales: &[Sale]) -> Result<(), Error> {
    // Finance invoices the day's allocated orders (a host invoicing outside delivery).
    for (id, outlet, total) in sales {
        sim.run(
            "FIN-1",
            sim.at(17, 0),
            json!({"type": "issue_invoice", "invoice_id": format!("INV-{id}"),
            "outlet": outlet, "amount": total.to_string(), "order_id": id}),
        )?;
    }
    // Reps collect cash for some of today's invoices; finance books a few bank transfers
    // of older balances (oldest first).
    for (k, (_, outlet, total)) in sales.iter().enumerate() {
        if !sim.rng.random_bool(0.3) {
            continue;
        }
        let rep = sim
            .engine
            .engine()
            .state()
            .outlets
            .get(outlet.as_str())
            .and_then(|o| o.assigned_rep.clone());
        let (actor, method, amount) = match rep {
            Some(r) if k % 2 == 0 => (r.to_string(), "cash", *total),
            _ => (
                "FIN-1".to_string(),
                "bank_transfer",
                total.checked_div_qty(2).unwrap_or(*total).round(),
            ),
        };
        sim.run(
            &actor,
            sim.at(17, 30),
            json!({"type": "record_payment", "payment_id": format!("PAY-D{}-{k}", sim.day),
            "outlet": outlet, "amount": amount.to_string(), "method": method}),
        )?;
    }
    Ok(())
}

/// The warehouse reviews one reorder level at closing: the day's last command.
fn close(sim: &mut Sim<'_>) -> Result<(), Error> {
    let specs = skus();
    let s = &specs[sim.day as usize % specs.len()];
    let id = format!("demo-d{}-close", sim.day);
    sim.run_as(
        &id,
        "WH-1",
        sim.at(18, 40),
        None,
        json!({"type": "set_reorder_level", "location": "DC1", "sku": s.id,
        "min": s.case * 10, "max": s.case * 40}),
    )?;
    Ok(())
}

/// Runs the demo in `out`: creates the distributor on first run, then one day per run.
pub fn run(out: &Path, seed: u64) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    std::fs::create_dir_all(out)?;
    let path = out.join("journal");
    let (mut engine, recovery) = JournaledEngine::open(&path, FsyncPolicy::EveryEvents(1000))?;
    let closed = |e: &JournaledEngine, d: u64| {
        fmcg_core::CommandId::new(format!("demo-d{d}-close"))
            .is_ok_and(|id| e.engine().commit_of(&id).is_ok())
    };
    let day = (0..).find(|d| !closed(&engine, *d)).unwrap_or(0);
    let prefix = format!("demo-d{day}-");
    let resumed = engine
        .engine()
        .commits()
        .iter()
        .any(|c| c.envelope.command_id.as_str().starts_with(&prefix));
    println!("fmcg demo: {} (seed {seed})", path.display());
    if recovery.frames > 0 || recovery.snapshot_commits > 0 {
        println!(
            "  continuing the journal: {} commands, {} events, {} days recorded",
            engine.engine().commits().len(),
            engine.engine().last_seq(),
            day
        );
    }
    if recovery.truncated_bytes > 0 {
        println!(
            "  recovered a torn tail of {} bytes",
            recovery.truncated_bytes
        );
    }
    let mut sim = Sim {
        engine: &mut engine,
        day,
        n: 0,
        rng: Pcg64Mcg::seed_from_u64(seed ^ (day << 32)),
        tally: Tally::default(),
    };
    if day == 0 {
        setup(&mut sim)?;
    }
    purchasing(&mut sim)?;
    let sales = selling(&mut sim)?;
    // The driver delivers (and invoices) some of the day's orders; finance invoices the
    // rest directly.
    let ids: Vec<String> = sales.iter().map(|s| s.0.clone()).collect();
    let delivered = demo_field::deliver(&mut sim, &ids)?;
    let rest: Vec<Sale> = sales
        .into_iter()
        .filter(|s| !delivered.contains(&s.0))
        .collect();
    finance(&mut sim, &rest)?;
    demo_field::settle(&mut sim)?;
    close(&mut sim)?;
    demo_field::summary(&sim)?;
    let tally = sim.tally;
    engine.sync()?;
    let refused: Vec<String> = tally
        .refused
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    println!(
        "  day {} ({}){}: {} commands applied, {} already recorded, refused: {}",
        day + 1,
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.checked_add_days(Days::new(day)))
            .unwrap_or_default(),
        if resumed {
            ", resumed after an interruption"
        } else {
            ""
        },
        tally.accepted,
        tally.duplicates,
        if refused.is_empty() {
            "none".to_string()
        } else {
            refused.join(", ")
        }
    );
    summary(engine.engine())?;
    println!(
        "  journal: {} bytes, {} events; took {:.2} s",
        engine.journal().map_or(0, fmcg_core::journal::Journal::len),
        engine.engine().last_seq(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn summary(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    let admin: StaffId = "ADMIN".parse()?;
    let state = engine.state();
    println!("\nstock at DC1 (base units)");
    println!(
        "  {:<10} {:>8} {:>8} {:>9}",
        "sku", "on hand", "reserved", "available"
    );
    let mut low = Vec::new();
    for sku in state.catalog.skus.keys() {
        let level = state.inventory.total(&"DC1".parse()?, sku);
        println!(
            "  {:<10} {:>8} {:>8} {:>9}",
            sku.as_str(),
            level.on_hand,
            level.reserved,
            level.available()
        );
        if level.available() < 24 {
            low.push(sku.to_string());
        }
    }
    if !low.is_empty() {
        println!("  short: {}", low.join(", "));
    }
    let mut by_status: BTreeMap<&str, (usize, Money)> = BTreeMap::new();
    for o in state.orders.values() {
        let e = by_status
            .entry(o.status.as_str())
            .or_insert((0, Money::ZERO));
        e.0 += 1;
        e.1 = e.1.checked_add(o.total)?;
    }
    println!("\norders");
    for (status, (n, total)) in by_status {
        println!("  {status:<12} {n:>4}  {total:>12}");
    }
    let as_of = state
        .orders
        .values()
        .map(|o| o.order_date)
        .max()
        .unwrap_or_default();
    if let QueryResult::Aging { rows, total } = engine.query(
        &admin,
        &fmcg_core::Query::Aging {
            as_of,
            outlet: None,
        },
    )? {
        println!(
            "\nreceivables as of {as_of}: {} outlets owe {}",
            rows.len(),
            total.total()?
        );
        println!(
            "  current {}  1-30 {}  31-60 {}  61-90 {}  >90 {}",
            total.current, total.days_1_30, total.days_31_60, total.days_61_90, total.over_90
        );
    }
    let paid = Money::sum(state.receivables.payments.values().map(|p| p.amount))?;
    println!(
        "  payments received: {} ({} payments)",
        paid,
        state.receivables.payments.len()
    );
    Ok(())
}
