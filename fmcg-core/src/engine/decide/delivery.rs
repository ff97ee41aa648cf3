//! Delivery trips: planning (stop order from the route solver), load-out, departure, stop
//! reports with invoices and cash on delivery, load-in with reconciliation.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::access::{Action, Target};
use crate::delivery::{
    DeliveredLine, DeliveryException, LotLine, ProofOfDelivery, ReconLine, StopDelivery, Trip,
    TripStatus, TripStop,
};
use crate::engine::command::{CodInput, LoadInLine, StopOrderInput};
use crate::engine::decide::stock::mv;
use crate::engine::decide::{Ctx, MAX_LINES, check_lines};
use crate::engine::event::Event;
use crate::error::{Entity, Error, Result};
use crate::finance::{Invoice, Payment, PaymentAllocation};
use crate::ids::{LocationId, LotId, OrderId, OutletId, SkuId, StaffId, TripId, VehicleId};
use crate::inventory::{MoveKind, MoveRef, StockDraft};
use crate::money::Money;
use crate::order::{LotQty, Order, OrderStatus};
use crate::routing::{Budget, Matrix, NoClock, TspProblem, solve_tsp};
use crate::staff::Role;

/// Iterations of the stop-order search of a trip planned without a stop order.
const TRIP_TSP_ITERATIONS: u64 = 300;

impl<'a> Ctx<'a> {
    fn trip(&self, id: &TripId) -> Result<&'a Trip> {
        self.state.field.trip(id)
    }

    /// The trip, its driver authorised for `trip.deliver`, in `status`.
    fn driving(&self, id: &TripId, status: TripStatus, operation: &str) -> Result<&'a Trip> {
        self.granted(Action::TripDeliver)?;
        let trip = self.trip(id)?;
        self.authorize(
            Action::TripDeliver,
            Target::Staff(self.state.staff_member(&trip.driver)?),
        )?;
        if trip.status != status {
            return Err(Error::state(
                Entity::Trip,
                id,
                trip.status.as_str(),
                operation,
            ));
        }
        Ok(trip)
    }
}

/// Units held per (SKU, lot) by an order's lines.
fn held(order: &Order) -> BTreeMap<(&SkuId, &LotId), i64> {
    let mut out: BTreeMap<(&SkuId, &LotId), i64> = BTreeMap::new();
    for line in order.lines.iter().filter(|l| l.qty_allocated > 0) {
        for lq in &line.lots {
            let q = out.entry((&line.sku, &lq.lot)).or_default();
            *q = q.saturating_add(lq.qty);
        }
    }
    out
}

pub(super) fn plan_trip(
    ctx: &Ctx<'_>,
    id: &TripId,
    driver: &StaffId,
    vehicle_id: &VehicleId,
    date: NaiveDate,
    orders: &[OrderId],
    stops: Option<&[OutletId]>,
) -> Result<Vec<Event>> {
    ctx.granted(Action::TripPlan)?;
    ctx.authorize(Action::TripPlan, Target::Global)?;
    let f = &ctx.state.field;
    if f.trips.contains_key(id) {
        return Err(Error::exists(Entity::Trip, id));
    }
    let d = ctx.state.staff_member(driver)?;
    if !d.active || !d.has_role(Role::Driver) {
        return Err(Error::invalid(
            "driver",
            format!("`{driver}` is not an active driver"),
        ));
    }
    let vehicle = ctx
        .state
        .vehicles
        .get(vehicle_id)
        .ok_or_else(|| Error::not_found(Entity::Vehicle, vehicle_id))?;
    if let Some(t) = f
        .trips
        .values()
        .find(|t| &t.vehicle == vehicle_id && t.status != TripStatus::Closed)
    {
        return Err(Error::conflict(format!(
            "vehicle `{vehicle_id}` is on trip `{}`",
            t.id
        )));
    }
    check_lines(orders)
        .map_err(|_| Error::invalid("orders", format!("between 1 and {MAX_LINES} orders")))?;
    let mut warehouse: Option<&LocationId> = None;
    let mut outlets: Vec<&OutletId> = Vec::new();
    for (i, oid) in orders.iter().enumerate() {
        if orders[..i].contains(oid) {
            return Err(Error::invalid(
                "orders",
                format!("order `{oid}` is listed twice"),
            ));
        }
        let o = ctx.state.order(oid)?;
        if o.status != OrderStatus::Allocated {
            return Err(Error::state(
                Entity::Order,
                oid,
                o.status.as_str(),
                "plan on a trip",
            ));
        }
        if let Some(t) = &o.trip {
            return Err(Error::conflict(format!("order `{oid}` is on trip `{t}`")));
        }
        match warehouse {
            None => warehouse = Some(&o.warehouse),
            Some(w) if w != &o.warehouse => {
                return Err(Error::invalid(
                    "orders",
                    "orders of one trip come from one warehouse",
                ));
            }
            Some(_) => {}
        }
        if !outlets.contains(&&o.outlet) {
            outlets.push(&o.outlet);
        }
    }
    let Some(warehouse) = warehouse else {
        return Err(Error::invalid("orders", "at least one order is required"));
    };
    if let Some(home) = &vehicle.home_warehouse
        && LocationId::from(home) != *warehouse
    {
        return Err(Error::invalid(
            "vehicle",
            format!("vehicle `{vehicle_id}` loads at `{home}`, the orders come from `{warehouse}`"),
        ));
    }
    let order = match stops {
        Some(given) => {
            let mut a: Vec<&OutletId> = given.iter().collect();
            let mut b = outlets.clone();
            a.sort();
            b.sort();
            if a != b {
                return Err(Error::invalid(
                    "stops",
                    "must list each of the orders' outlets once",
                ));
            }
            given.to_vec()
        }
        None => solve_stop_order(ctx, warehouse, &outlets)?,
    };
    let stops = order
        .into_iter()
        .map(|outlet| TripStop {
            orders: orders
                .iter()
                .filter(|o| ctx.state.orders.get(*o).is_some_and(|x| x.outlet == outlet))
                .cloned()
                .collect(),
            outlet,
            delivery: None,
        })
        .collect();
    Ok(vec![Event::TripPlanned {
        trip: Trip {
            id: id.clone(),
            driver: driver.clone(),
            vehicle: vehicle_id.clone(),
            warehouse: warehouse.clone(),
            date,
            status: TripStatus::Planned,
            stops,
            loaded: Vec::new(),
            reconciliation: Vec::new(),
        },
    }])
}

/// The stops in the order of a closed tour from the warehouse (as given when the warehouse
/// has no position).
fn solve_stop_order(
    ctx: &Ctx<'_>,
    warehouse: &LocationId,
    outlets: &[&OutletId],
) -> Result<Vec<OutletId>> {
    let depot = ctx
        .state
        .warehouses
        .get(warehouse.as_str())
        .and_then(|w| w.position);
    let given = || outlets.iter().map(|o| (*o).clone()).collect();
    let Some(depot) = depot else {
        return Ok(given());
    };
    if outlets.len() < 2 {
        return Ok(given());
    }
    let mut points = vec![depot];
    for o in outlets {
        points.push(ctx.state.outlet(o)?.position);
    }
    let mut problem = TspProblem::closed(Matrix::haversine(&points, 30.0)?);
    problem.budget = Budget::iterations(TRIP_TSP_ITERATIONS, 0);
    let route = solve_tsp(&problem, &NoClock)?;
    Ok(route
        .stops
        .iter()
        .filter_map(|s| s.point.checked_sub(1))
        .filter_map(|i| outlets.get(i).map(|o| (*o).clone()))
        .collect())
}

pub(super) fn load_trip(ctx: &Ctx<'_>, id: &TripId) -> Result<Vec<Event>> {
    ctx.granted(Action::TripLoad)?;
    ctx.authorize(Action::TripLoad, Target::Global)?;
    let trip = ctx.trip(id)?;
    if trip.status != TripStatus::Planned {
        return Err(Error::state(Entity::Trip, id, trip.status.as_str(), "load"));
    }
    let van = trip.van();
    let trip_ref = MoveRef::Trip(id.clone());
    let mut draft = StockDraft::new(&ctx.state.inventory);
    let mut loaded: BTreeMap<(SkuId, LotId), i64> = BTreeMap::new();
    let mut orders = Vec::new();
    for oid in trip.stops.iter().flat_map(|s| &s.orders) {
        let order = ctx.state.order(oid)?;
        if order.status != OrderStatus::Allocated {
            continue;
        }
        orders.push(oid.clone());
        let order_ref = MoveRef::Order(oid.clone());
        for ((sku, lot), qty) in held(order) {
            draft.push(mv(
                MoveKind::Release,
                &order.warehouse,
                sku,
                lot,
                -qty,
                &order_ref,
            ))?;
            draft.push(mv(
                MoveKind::LoadOut,
                &order.warehouse,
                sku,
                lot,
                -qty,
                &trip_ref,
            ))?;
            draft.push(mv(MoveKind::LoadOut, &van, sku, lot, qty, &trip_ref))?;
            draft.push(mv(MoveKind::Reservation, &van, sku, lot, qty, &order_ref))?;
            let q = loaded.entry((sku.clone(), lot.clone())).or_default();
            *q = q.saturating_add(qty);
        }
    }
    if orders.is_empty() {
        return Err(Error::state(
            Entity::Trip,
            id,
            "planned",
            "load without live orders",
        ));
    }
    let mut events = vec![Event::TripLoaded {
        trip_id: id.clone(),
        orders,
        lines: loaded
            .into_iter()
            .map(|((sku, lot), qty)| LotLine { sku, lot, qty })
            .collect(),
    }];
    events.extend(draft.into_moves().into_iter().map(Event::StockMoved));
    Ok(events)
}

pub(super) fn depart_trip(ctx: &Ctx<'_>, id: &TripId) -> Result<Vec<Event>> {
    ctx.driving(id, TripStatus::Loaded, "depart")?;
    Ok(vec![Event::TripDeparted {
        trip_id: id.clone(),
    }])
}

/// The invoice amount of what was delivered of an order: each line's total pro rata of
/// the delivered quantity, rounded to the cent (a fully delivered line bills its total).
fn delivered_amount(order: &Order, lines: &[DeliveredLine]) -> Result<Money> {
    let mut sum = Money::ZERO;
    for line in &order.lines {
        let d = lines
            .iter()
            .find(|l| l.order_id == order.id && l.line_no == line.line_no)
            .map_or(0, |l| l.delivered);
        if d == 0 || line.qty_ordered == 0 {
            continue;
        }
        let total = line.price.net_amount.checked_add(line.price.tax_amount)?;
        let part = if d == line.qty_ordered {
            total
        } else {
            total
                .checked_mul_qty(d)?
                .checked_div_qty(line.qty_ordered)
                .ok_or_else(|| Error::invalid("lines", "amount out of range"))?
                .round()
        };
        sum = sum.checked_add(part)?;
    }
    Ok(sum)
}

pub(super) fn deliver_stop(
    ctx: &Ctx<'_>,
    id: &TripId,
    outlet_id: &OutletId,
    proof: Option<&ProofOfDelivery>,
    input: &[StopOrderInput],
    exceptions: &[DeliveryException],
    payment: Option<&CodInput>,
) -> Result<Vec<Event>> {
    let trip = ctx.driving(id, TripStatus::OutForDelivery, "deliver")?;
    let (index, stop) = trip
        .stops
        .iter()
        .enumerate()
        .find(|(_, s)| &s.outlet == outlet_id)
        .ok_or_else(|| Error::not_found(Entity::TripStop, format!("{id}/{outlet_id}")))?;
    if stop.delivery.is_some() {
        return Err(Error::state(
            Entity::TripStop,
            format!("{id}/{outlet_id}"),
            "reported",
            "deliver",
        ));
    }
    let outlet = ctx.state.outlet(outlet_id)?;
    for (i, o) in input.iter().enumerate() {
        if !stop.orders.contains(&o.order_id) {
            return Err(Error::invalid(
                "orders",
                format!("order `{}` is not at this stop", o.order_id),
            ));
        }
        if input[..i].iter().any(|x| x.order_id == o.order_id) {
            return Err(Error::invalid(
                "orders",
                format!("order `{}` is listed twice", o.order_id),
            ));
        }
        if o.lines.len() > MAX_LINES {
            return Err(Error::invalid(
                "orders.lines",
                format!("more than {MAX_LINES} lines"),
            ));
        }
    }
    if exceptions.len() > MAX_LINES {
        return Err(Error::invalid("exceptions", "too many exceptions"));
    }
    for e in exceptions {
        e.validate()?;
        if let Some(o) = &e.order_id {
            let order = ctx.state.order(o).ok().filter(|_| stop.orders.contains(o));
            let order = order.ok_or_else(|| {
                Error::invalid(
                    "exceptions.order_id",
                    format!("order `{o}` is not at this stop"),
                )
            })?;
            if let Some(n) = e.line_no
                && !order.lines.iter().any(|l| l.line_no == n)
            {
                return Err(Error::invalid(
                    "exceptions.line_no",
                    format!("order `{o}` has no line {n}"),
                ));
            }
        }
    }
    let van = trip.van();
    let mut draft = StockDraft::new(&ctx.state.inventory);
    let mut lines = Vec::new();
    let mut invoices = Vec::new();
    let (mut delivered_total, mut allocated_total) = (0i64, 0i64);
    let date = ctx.date_at(outlet.utc_offset_minutes);
    let due = date
        .checked_add_days(Days::new(u64::from(outlet.payment_terms_days)))
        .ok_or_else(|| Error::invalid("recorded_at", "out of range"))?;
    for oid in &stop.orders {
        let order = ctx.state.order(oid)?;
        let given = input.iter().find(|o| &o.order_id == oid);
        let order_ref = MoveRef::Order(oid.clone());
        for ((sku, lot), qty) in held(order) {
            draft.push(mv(MoveKind::Release, &van, sku, lot, -qty, &order_ref))?;
        }
        let mut order_delivered = 0i64;
        if let Some(g) = given {
            for (i, l) in g.lines.iter().enumerate() {
                if g.lines[..i].iter().any(|x| x.line_no == l.line_no) {
                    return Err(Error::invalid(
                        "orders.lines",
                        format!("line {} is listed twice", l.line_no),
                    ));
                }
                if !order.lines.iter().any(|x| x.line_no == l.line_no) {
                    return Err(Error::invalid(
                        "orders.lines",
                        format!("order `{oid}` has no line {}", l.line_no),
                    ));
                }
            }
        }
        for line in order.lines.iter().filter(|l| l.qty_allocated > 0) {
            let l = given.and_then(|g| g.lines.iter().find(|x| x.line_no == line.line_no));
            let (d, damaged) = l.map_or((0, 0), |l| (l.delivered, l.damaged));
            if d < 0 || damaged < 0 {
                return Err(Error::invalid(
                    "orders.lines",
                    format!("line {}: quantities must not be negative", line.line_no),
                ));
            }
            if d.saturating_add(damaged) > line.qty_allocated {
                return Err(Error::invalid(
                    "orders.lines",
                    format!(
                        "line {} of `{oid}`: {} delivered and {} damaged exceed the {} loaded",
                        line.line_no, d, damaged, line.qty_allocated
                    ),
                ));
            }
            let mut left = d;
            let mut lots = Vec::new();
            for lq in &line.lots {
                if left == 0 {
                    break;
                }
                let take = left.min(lq.qty);
                draft.push(mv(
                    MoveKind::DeliveryIssue,
                    &van,
                    &line.sku,
                    &lq.lot,
                    -take,
                    &order_ref,
                ))?;
                lots.push(LotQty {
                    lot: lq.lot.clone(),
                    qty: take,
                });
                left -= take;
            }
            order_delivered += d;
            allocated_total += line.qty_allocated;
            lines.push(DeliveredLine {
                order_id: oid.clone(),
                line_no: line.line_no,
                sku: line.sku.clone(),
                delivered: d,
                damaged,
                lots,
            });
        }
        delivered_total += order_delivered;
        if order_delivered > 0 {
            let invoice_id = given.and_then(|g| g.invoice_id.clone()).ok_or_else(|| {
                Error::invalid(
                    "orders.invoice_id",
                    format!("order `{oid}` was delivered: name its invoice"),
                )
            })?;
            if ctx.state.receivables.invoices.contains_key(&invoice_id)
                || invoices.iter().any(|i: &Invoice| i.id == invoice_id)
            {
                return Err(Error::exists(Entity::Invoice, &invoice_id));
            }
            invoices.push(Invoice {
                id: invoice_id,
                outlet: outlet_id.clone(),
                order: Some(oid.clone()),
                issue_date: date,
                due_date: due,
                amount: delivered_amount(order, &lines)?,
                credited: Money::ZERO,
                paid: Money::ZERO,
            });
        }
    }
    if delivered_total < allocated_total && exceptions.is_empty() {
        return Err(Error::invalid(
            "exceptions",
            "goods not delivered need an exception with its reason",
        ));
    }
    match proof {
        Some(p) => p.validate()?,
        None if delivered_total > 0 => {
            return Err(Error::invalid(
                "proof",
                "a delivery needs a proof of delivery",
            ));
        }
        None => {}
    }
    let payment = match payment {
        Some(p) => Some(cod(ctx, p, outlet_id, date, &invoices)?),
        None => None,
    };
    let mut events = vec![Event::StopDelivered {
        trip_id: id.clone(),
        stop: u32::try_from(index).unwrap_or(u32::MAX),
        delivery: StopDelivery {
            at: ctx.env.recorded_at,
            position: ctx.env.position,
            proof: proof.cloned(),
            lines,
            exceptions: exceptions.to_vec(),
            invoices: invoices.iter().map(|i| i.id.clone()).collect(),
            payment: payment.as_ref().map(|p| p.id.clone()),
        },
    }];
    events.extend(draft.into_moves().into_iter().map(Event::StockMoved));
    events.extend(
        invoices
            .into_iter()
            .map(|invoice| Event::InvoiceIssued { invoice }),
    );
    events.extend(payment.map(|payment| Event::PaymentRecorded { payment }));
    Ok(events)
}

/// A payment on delivery: applied to the stop's new invoices first, then oldest-first.
fn cod(
    ctx: &Ctx<'_>,
    p: &CodInput,
    outlet: &OutletId,
    date: NaiveDate,
    new: &[Invoice],
) -> Result<Payment> {
    if ctx.state.receivables.payments.contains_key(&p.payment_id) {
        return Err(Error::exists(Entity::Payment, &p.payment_id));
    }
    let amount = match p.amount {
        Some(a) => a,
        None => Money::sum(new.iter().map(|i| i.amount))?,
    };
    let amount = amount.check_cents("payment.amount", true)?;
    let mut left = amount;
    let mut allocations = Vec::new();
    for inv in new {
        let take = left.min(inv.amount);
        if take.is_positive() {
            allocations.push(PaymentAllocation {
                invoice: inv.id.clone(),
                amount: take,
            });
            left = left.checked_sub(take)?;
        }
    }
    let (older, unapplied) = ctx.state.receivables.plan_payment(outlet, left, &[])?;
    allocations.extend(older);
    Ok(Payment {
        id: p.payment_id.clone(),
        outlet: outlet.clone(),
        amount,
        method: p.method,
        received_on: date,
        collected_by: ctx.actor.id.clone(),
        allocations,
        unapplied,
        visit: None,
    })
}

pub(super) fn close_trip(ctx: &Ctx<'_>, id: &TripId, input: &[LoadInLine]) -> Result<Vec<Event>> {
    ctx.granted(Action::TripLoad)?;
    ctx.authorize(Action::TripLoad, Target::Global)?;
    let trip = ctx.trip(id)?;
    if trip.status != TripStatus::OutForDelivery {
        return Err(Error::state(
            Entity::Trip,
            id,
            trip.status.as_str(),
            "load in",
        ));
    }
    if let Some(s) = trip.stops.iter().find(|s| s.delivery.is_none()) {
        return Err(Error::state(
            Entity::TripStop,
            format!("{id}/{}", s.outlet),
            "not_reported",
            "load in before",
        ));
    }
    if input.len() > MAX_LINES {
        return Err(Error::invalid(
            "lines",
            format!("more than {MAX_LINES} lines"),
        ));
    }
    for (i, l) in input.iter().enumerate() {
        if input[..i].iter().any(|x| x.sku == l.sku && x.lot == l.lot) {
            return Err(Error::invalid(
                "lines",
                format!("lot `{}` of `{}` is listed twice", l.lot, l.sku),
            ));
        }
        if !trip.loaded.iter().any(|x| x.sku == l.sku && x.lot == l.lot) {
            return Err(Error::invalid(
                "lines",
                format!("lot `{}` of `{}` was not loaded", l.lot, l.sku),
            ));
        }
        if l.returned < 0 || l.damaged < 0 {
            return Err(Error::invalid("lines", "quantities must not be negative"));
        }
    }
    let van = trip.van();
    let trip_ref = MoveRef::Trip(id.clone());
    let mut draft = StockDraft::new(&ctx.state.inventory);
    let mut recon = Vec::new();
    for l in &trip.loaded {
        let delivered = trip.delivered(&l.sku, &l.lot);
        let back = input.iter().find(|x| x.sku == l.sku && x.lot == l.lot);
        let (returned, damaged) = back.map_or((0, 0), |b| (b.returned, b.damaged));
        let on_van = l.qty - delivered;
        if returned.saturating_add(damaged) > on_van {
            return Err(Error::invalid(
                "lines",
                format!(
                    "lot `{}` of `{}`: {} returned and {} damaged exceed the {} left on the van",
                    l.lot, l.sku, returned, damaged, on_van
                ),
            ));
        }
        let missing = on_van - returned - damaged;
        if returned > 0 {
            draft.push(mv(
                MoveKind::LoadIn,
                &van,
                &l.sku,
                &l.lot,
                -returned,
                &trip_ref,
            ))?;
            draft.push(mv(
                MoveKind::LoadIn,
                &trip.warehouse,
                &l.sku,
                &l.lot,
                returned,
                &trip_ref,
            ))?;
        }
        for q in [damaged, missing] {
            if q > 0 {
                draft.push(mv(MoveKind::WriteOff, &van, &l.sku, &l.lot, -q, &trip_ref))?;
            }
        }
        recon.push(ReconLine {
            sku: l.sku.clone(),
            lot: l.lot.clone(),
            loaded: l.qty,
            delivered,
            returned,
            damaged,
            variance: -missing,
        });
    }
    let mut events = vec![Event::TripClosed {
        trip_id: id.clone(),
        reconciliation: recon,
    }];
    events.extend(draft.into_moves().into_iter().map(Event::StockMoved));
    Ok(events)
}
