//! The engine's state: a fold of events. [`State::evolve`] never fails: every event it sees
//! was checked when its command was decided.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Directory, Scope};
use crate::catalog::Catalog;
use crate::delivery::{Trip, TripStatus};
use crate::engine::event::Event;
use crate::error::{Entity, Error, Result};
use crate::facility::{Supplier, Territory, Vehicle, Warehouse};
use crate::field::{
    BeatPlan, Decision, Feedback, FeedbackStatus, FieldSettings, RouteChangeRequest, Visit, WorkDay,
};
use crate::finance::Receivables;
use crate::ids::{
    FeedbackId, LocationId, OrderId, OutletId, PurchaseOrderId, ReceiptId, RouteChangeId,
    SettlementId, StaffId, StockDocId, SubmissionId, SupplierId, SupplierReturnId, TerritoryId,
    TripId, VehicleId, VisitId, WarehouseId,
};
use crate::inventory::{Inventory, LotInfo};
use crate::order::{Order, OrderStatus};
use crate::outlet::Outlet;
use crate::purchase::{PurchaseOrder, PurchaseStatus};
use crate::settlement::{CashSettlement, Submission};
use crate::staff::{Role, Staff};
use crate::sync::{Hlc, SyncSettings};
use crate::tracking::FixBatch;

/// What to do when an order would exceed the outlet's credit limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditPolicy {
    /// Hold the order for a supervisor's approval (default).
    #[default]
    RequireApproval,
    /// Refuse it with `credit_limit_exceeded`.
    Reject,
}

/// An exact fraction `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Fraction {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (> 0).
    pub denominator: u32,
}

impl Fraction {
    /// `ceil(value × numerator / denominator)`.
    pub fn of_ceil(self, value: u32) -> u32 {
        let den = u64::from(self.denominator.max(1));
        let v = (u64::from(value) * u64::from(self.numerator)).div_ceil(den);
        u32::try_from(v).unwrap_or(u32::MAX)
    }
}

/// Distributor-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Credit-limit policy for order submission.
    #[serde(default)]
    pub credit_policy: CreditPolicy,
    /// A lot is near expiry when its remaining shelf life is at most this fraction of the
    /// SKU's total shelf life (default 1/3).
    #[serde(default = "one_third")]
    pub near_expiry_fraction: Fraction,
    /// Data-scope overrides per role (e.g. supervisors by territory).
    #[serde(default)]
    pub role_scopes: BTreeMap<Role, Scope>,
    /// Geofence, GPS filters and alert thresholds.
    #[serde(default)]
    pub field: FieldSettings,
    /// Conflict policies for commands synced from offline devices.
    #[serde(default)]
    pub sync: SyncSettings,
}

fn one_third() -> Fraction {
    Fraction {
        numerator: 1,
        denominator: 3,
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            credit_policy: CreditPolicy::default(),
            near_expiry_fraction: one_third(),
            role_scopes: BTreeMap::new(),
            field: FieldSettings::default(),
            sync: SyncSettings::default(),
        }
    }
}

impl Settings {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a zero denominator or a fraction above one.
    pub fn validate(&self) -> Result<()> {
        let f = self.near_expiry_fraction;
        if f.denominator == 0 || f.numerator > f.denominator {
            return Err(Error::invalid(
                "near_expiry_fraction",
                "must be a fraction in [0, 1]",
            ));
        }
        Ok(())
    }
}

/// Everything the engine knows. Serialises deterministically (ordered maps), so two states
/// are equal exactly when their JSON is byte-identical.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct State {
    /// Settings.
    pub settings: Settings,
    /// SKUs, price lists, promotions.
    pub catalog: Catalog,
    /// Outlets by id.
    pub outlets: BTreeMap<OutletId, Outlet>,
    /// The stamp of the last `edit_outlet` of each outlet field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outlet_stamps: BTreeMap<OutletId, BTreeMap<String, Hlc>>,
    /// Staff by id.
    pub staff: BTreeMap<StaffId, Staff>,
    /// Warehouses by id.
    pub warehouses: BTreeMap<WarehouseId, Warehouse>,
    /// Vehicles by id.
    pub vehicles: BTreeMap<VehicleId, Vehicle>,
    /// Suppliers by id.
    pub suppliers: BTreeMap<SupplierId, Supplier>,
    /// Territories by id.
    pub territories: BTreeMap<TerritoryId, Territory>,
    /// Lots, stock levels, reorder rules.
    pub inventory: Inventory,
    /// Sales orders by id.
    pub orders: BTreeMap<OrderId, Order>,
    /// Purchase orders by id.
    pub purchase_orders: BTreeMap<PurchaseOrderId, PurchaseOrder>,
    /// Goods receipts: which purchase order each was booked against.
    pub receipts: BTreeMap<ReceiptId, PurchaseOrderId>,
    /// Returns to suppliers booked.
    pub supplier_returns: BTreeSet<SupplierReturnId>,
    /// Stock documents (transfers, adjustments, write-offs) booked.
    pub stock_documents: BTreeSet<StockDocId>,
    /// Invoices, credit notes, payments.
    pub receivables: Receivables,
    /// Field operations: days, visits, trips, settlements, tracks.
    pub field: Field,
}

/// One person's stored track.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Track {
    /// The kept fixes, in time order.
    pub fixes: FixBatch,
    /// Times of fixes dropped as impossible jumps.
    pub jumps: Vec<i64>,
    /// Time of the last fix received, kept or dropped: the next batch must come after it.
    pub last_t_ms: Option<i64>,
}

/// Field operations state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// Beat plans by rep.
    pub beat_plans: BTreeMap<StaffId, BeatPlan>,
    /// Work days by date and person.
    pub days: BTreeMap<NaiveDate, BTreeMap<StaffId, WorkDay>>,
    /// Route change requests.
    pub route_changes: BTreeMap<RouteChangeId, RouteChangeRequest>,
    /// Visits.
    pub visits: BTreeMap<VisitId, Visit>,
    /// Each rep's open visit.
    pub open_visits: BTreeMap<StaffId, VisitId>,
    /// Feedback and complaints.
    pub feedback: BTreeMap<FeedbackId, Feedback>,
    /// Delivery trips.
    pub trips: BTreeMap<TripId, Trip>,
    /// Cash settlements.
    pub settlements: BTreeMap<SettlementId, CashSettlement>,
    /// Expense claims and daily reports.
    pub submissions: BTreeMap<SubmissionId, Submission>,
    /// GPS tracks by person.
    pub tracks: BTreeMap<StaffId, Track>,
}

impl Field {
    /// The day of `staff` on `date`, if planned or started.
    pub fn day(&self, staff: &StaffId, date: NaiveDate) -> Option<&WorkDay> {
        self.days.get(&date).and_then(|d| d.get(staff))
    }

    fn day_mut(&mut self, staff: &StaffId, date: NaiveDate) -> &mut WorkDay {
        self.days
            .entry(date)
            .or_default()
            .entry(staff.clone())
            .or_insert_with(|| WorkDay {
                staff: staff.clone(),
                date,
                stops: Vec::new(),
                started: None,
                ended: None,
            })
    }

    /// The visit, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn visit(&self, id: &VisitId) -> Result<&Visit> {
        self.visits
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Visit, id))
    }

    /// The trip, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn trip(&self, id: &TripId) -> Result<&Trip> {
        self.trips
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Trip, id))
    }

    fn visit_mut(&mut self, id: &VisitId) -> Option<&mut Visit> {
        self.visits.get_mut(id)
    }
}

impl State {
    /// The authorisation directory over this state's staff and settings.
    pub fn directory(&self) -> Directory<'_> {
        Directory {
            staff: &self.staff,
            role_scopes: &self.settings.role_scopes,
        }
    }

    /// Whether `id` names a stock location (a warehouse or a vehicle's van).
    pub fn is_location(&self, id: &LocationId) -> bool {
        self.warehouses.contains_key(id.as_str()) || self.vehicles.contains_key(id.as_str())
    }

    /// The outlet, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn outlet(&self, id: &OutletId) -> Result<&Outlet> {
        self.outlets
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Outlet, id))
    }

    /// The order, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn order(&self, id: &OrderId) -> Result<&Order> {
        self.orders
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Order, id))
    }

    /// The staff member, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn staff_member(&self, id: &StaffId) -> Result<&Staff> {
        self.staff
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Staff, id))
    }

    /// Folds one event into the state. Infallible by design: events were checked when
    /// decided; a reference to something missing (only possible with tampered input) is
    /// ignored rather than panicking.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::SettingsUpdated { settings } => self.settings = settings.clone(),
            Event::SkuCreated { sku } | Event::SkuUpdated { sku } => {
                self.catalog.skus.insert(sku.id.clone(), sku.clone());
            }
            Event::PriceListSet { price_list } => {
                self.catalog
                    .price_lists
                    .insert(price_list.id.clone(), price_list.clone());
            }
            Event::PromotionSet { promotion } => {
                self.catalog
                    .promotions
                    .insert(promotion.id.clone(), promotion.clone());
            }
            Event::OutletCreated { outlet } | Event::OutletUpdated { outlet } => {
                self.outlets.insert(outlet.id.clone(), outlet.clone());
            }
            Event::OutletEdited {
                outlet_id,
                stamp,
                applied,
                ..
            } => {
                if let Some(o) = self.outlets.get_mut(outlet_id) {
                    applied.apply_to(o);
                    let stamps = self.outlet_stamps.entry(outlet_id.clone()).or_default();
                    for f in applied.fields() {
                        stamps.insert(f.to_owned(), stamp.clone());
                    }
                }
            }
            Event::CreditLimitSet {
                outlet_id,
                credit_limit,
                ..
            } => {
                if let Some(o) = self.outlets.get_mut(outlet_id) {
                    o.credit_limit = *credit_limit;
                }
            }
            Event::StaffCreated { staff } | Event::StaffUpdated { staff } => {
                self.staff.insert(staff.id.clone(), staff.clone());
            }
            Event::WarehouseCreated { warehouse } => {
                self.warehouses
                    .insert(warehouse.id.clone(), warehouse.clone());
            }
            Event::VehicleCreated { vehicle } => {
                self.vehicles.insert(vehicle.id.clone(), vehicle.clone());
            }
            Event::SupplierCreated { supplier } => {
                self.suppliers.insert(supplier.id.clone(), supplier.clone());
            }
            Event::TerritoryCreated { territory } => {
                self.territories
                    .insert(territory.id.clone(), territory.clone());
            }
            Event::LotRegistered { sku, lot, expiry } => {
                self.inventory
                    .lots
                    .entry(sku.clone())
                    .or_default()
                    .insert(lot.clone(), LotInfo { expiry: *expiry });
            }
            Event::StockMoved(m) => self.inventory.apply(m),
            Event::StockDocumentBooked { document_id, .. } => {
                self.stock_documents.insert(document_id.clone());
            }
            Event::ReorderLevelSet {
                location,
                sku,
                level,
            } => {
                let levels = &mut self.inventory.reorder_levels;
                match level {
                    Some(l) => {
                        levels
                            .entry(location.clone())
                            .or_default()
                            .insert(sku.clone(), *l);
                    }
                    None => {
                        if let Some(m) = levels.get_mut(location) {
                            m.remove(sku);
                            if m.is_empty() {
                                levels.remove(location);
                            }
                        }
                    }
                }
            }
            Event::PurchaseOrderCreated { purchase_order } => {
                self.purchase_orders
                    .insert(purchase_order.id.clone(), purchase_order.clone());
            }
            Event::GoodsReceived {
                receipt_id,
                purchase_order_id,
                lines,
                ..
            } => {
                self.receipts
                    .insert(receipt_id.clone(), purchase_order_id.clone());
                if let Some(po) = self.purchase_orders.get_mut(purchase_order_id) {
                    for r in lines {
                        if let Some(l) = po.lines.iter_mut().find(|l| l.sku == r.sku) {
                            l.qty_received = l.qty_received.saturating_add(r.qty);
                        }
                    }
                    po.status = po.status_after_receipt();
                }
            }
            Event::PurchaseOrderClosed { purchase_order_id } => {
                if let Some(po) = self.purchase_orders.get_mut(purchase_order_id) {
                    po.status = PurchaseStatus::Closed;
                }
            }
            Event::ReturnedToSupplier { return_id, .. } => {
                self.supplier_returns.insert(return_id.clone());
            }
            Event::OrderDraftSaved { order } | Event::OrderSubmitted { order } => {
                if let Some(v) = order.visit.as_ref().and_then(|v| self.field.visit_mut(v))
                    && !v.orders.contains(&order.id)
                {
                    v.orders.push(order.id.clone());
                }
                self.orders.insert(order.id.clone(), order.clone());
            }
            Event::OrderApproved { order_id, by } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Allocated;
                    o.decided_by = Some(by.clone());
                }
            }
            Event::OrderRejected { order_id, by, .. } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Rejected;
                    o.decided_by = Some(by.clone());
                    release_lines(o);
                }
            }
            Event::OrderCancelled { order_id, .. } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Cancelled;
                    release_lines(o);
                }
            }
            Event::InvoiceIssued { invoice } => self.receivables.add_invoice(invoice.clone()),
            Event::CreditNoteIssued { credit_note } => {
                self.receivables.add_credit_note(credit_note.clone());
            }
            Event::PaymentRecorded { payment } => {
                if let Some(v) = payment.visit.as_ref().and_then(|v| self.field.visit_mut(v)) {
                    v.payments.push(payment.id.clone());
                }
                self.receivables.add_payment(payment.clone());
            }
            e => self.evolve_field(e),
        }
    }
}

impl State {
    fn evolve_field(&mut self, event: &Event) {
        let f = &mut self.field;
        match event {
            Event::BeatPlanSet { plan } => {
                f.beat_plans.insert(plan.rep.clone(), plan.clone());
            }
            Event::WorkDayPlanned { staff, date, stops } => {
                f.day_mut(staff, *date).stops = stops.clone();
            }
            Event::DayStarted { staff, date, mark } => {
                f.day_mut(staff, *date).started = Some(mark.clone());
            }
            Event::DayEnded { staff, date, mark } => {
                f.day_mut(staff, *date).ended = Some(mark.clone());
            }
            Event::RouteChangeRequested { request } => {
                f.route_changes.insert(request.id.clone(), request.clone());
            }
            Event::RouteChangeDecided {
                request_id,
                approved,
                by,
                note,
                stops,
            } => {
                if let Some(r) = f.route_changes.get_mut(request_id) {
                    r.status = if *approved {
                        Decision::Approved
                    } else {
                        Decision::Rejected
                    };
                    r.decided_by = Some(by.clone());
                    r.note.clone_from(note);
                    let (rep, date) = (r.rep.clone(), r.date);
                    if let Some(stops) = stops {
                        f.day_mut(&rep, date).stops = stops.clone();
                    }
                }
            }
            Event::CheckedIn { visit } => {
                f.open_visits.insert(visit.rep.clone(), visit.id.clone());
                f.visits.insert(visit.id.clone(), visit.clone());
            }
            Event::CheckedOut { visit_id, mark } => {
                if let Some(v) = f.visits.get_mut(visit_id) {
                    v.check_out = Some(mark.clone());
                    f.open_visits.remove(&v.rep);
                }
            }
            Event::OutletStockCounted { visit_id, lines } => {
                if let Some(v) = f.visit_mut(visit_id) {
                    v.stock_counts.extend(lines.iter().cloned());
                }
            }
            Event::DisplayChecked { visit_id, check } => {
                if let Some(v) = f.visit_mut(visit_id) {
                    v.display_checks.push(check.clone());
                }
            }
            Event::CompetitorObserved {
                visit_id,
                observation,
            } => {
                if let Some(v) = f.visit_mut(visit_id) {
                    v.competitor_observations.push(observation.clone());
                }
            }
            Event::FeedbackRecorded { feedback } => {
                f.feedback.insert(feedback.id.clone(), feedback.clone());
            }
            Event::FeedbackAssigned {
                feedback_id,
                assignee,
                ..
            } => {
                if let Some(x) = f.feedback.get_mut(feedback_id) {
                    x.status = FeedbackStatus::Assigned;
                    x.assignee = Some(assignee.clone());
                }
            }
            Event::FeedbackResolved {
                feedback_id,
                resolution,
                ..
            } => {
                if let Some(x) = f.feedback.get_mut(feedback_id) {
                    x.status = FeedbackStatus::Resolved;
                    x.resolution.clone_from(resolution);
                }
            }
            Event::TripPlanned { trip } => {
                for id in trip.stops.iter().flat_map(|s| &s.orders) {
                    if let Some(o) = self.orders.get_mut(id) {
                        o.trip = Some(trip.id.clone());
                    }
                }
                f.trips.insert(trip.id.clone(), trip.clone());
            }
            Event::TripLoaded {
                trip_id,
                orders,
                lines,
            } => {
                if let Some(t) = f.trips.get_mut(trip_id) {
                    t.status = TripStatus::Loaded;
                    t.loaded.clone_from(lines);
                    for stop in &mut t.stops {
                        stop.orders.retain(|o| orders.contains(o));
                    }
                    t.stops.retain(|s| !s.orders.is_empty());
                }
                for id in orders {
                    if let Some(o) = self.orders.get_mut(id) {
                        o.status = OrderStatus::Loaded;
                    }
                }
            }
            Event::TripDeparted { trip_id } => {
                if let Some(t) = f.trips.get_mut(trip_id) {
                    t.status = TripStatus::OutForDelivery;
                    for id in t.stops.iter().flat_map(|s| &s.orders) {
                        if let Some(o) = self.orders.get_mut(id) {
                            o.status = OrderStatus::OutForDelivery;
                        }
                    }
                }
            }
            Event::StopDelivered {
                trip_id,
                stop,
                delivery,
            } => {
                let Some(t) = f.trips.get_mut(trip_id) else {
                    return;
                };
                let Some(s) = t.stops.get_mut(*stop as usize) else {
                    return;
                };
                for id in &s.orders {
                    let Some(o) = self.orders.get_mut(id) else {
                        continue;
                    };
                    for line in &mut o.lines {
                        line.qty_delivered = delivery
                            .lines
                            .iter()
                            .find(|d| &d.order_id == id && d.line_no == line.line_no)
                            .map_or(0, |d| d.delivered);
                    }
                    let delivered: i64 = o.lines.iter().map(|l| l.qty_delivered).sum();
                    let allocated: i64 = o.lines.iter().map(|l| l.qty_allocated).sum();
                    o.status = if delivered == 0 {
                        OrderStatus::Refused
                    } else if delivered >= allocated {
                        OrderStatus::Delivered
                    } else {
                        OrderStatus::PartiallyDelivered
                    };
                }
                s.delivery = Some(delivery.clone());
            }
            Event::TripClosed {
                trip_id,
                reconciliation,
            } => {
                if let Some(t) = f.trips.get_mut(trip_id) {
                    t.status = TripStatus::Closed;
                    t.reconciliation.clone_from(reconciliation);
                }
            }
            Event::CashSettled { settlement } => {
                f.settlements
                    .insert(settlement.id.clone(), settlement.clone());
            }
            Event::Submitted { submission } => {
                f.submissions
                    .insert(submission.id.clone(), submission.clone());
            }
            Event::SubmissionDecided {
                submission_id,
                approved,
                by,
                note,
            } => {
                if let Some(x) = f.submissions.get_mut(submission_id) {
                    x.status = if *approved {
                        Decision::Approved
                    } else {
                        Decision::Rejected
                    };
                    x.decided_by = Some(by.clone());
                    x.note.clone_from(note);
                }
            }
            Event::FixesIngested {
                staff,
                fixes,
                jumps,
                last_t_ms,
                ..
            } => {
                let t = f.tracks.entry(staff.clone()).or_default();
                t.fixes.extend(fixes);
                t.jumps.extend_from_slice(jumps);
                t.last_t_ms = Some(*last_t_ms);
            }
            _ => {}
        }
    }
}

fn release_lines(order: &mut Order) {
    for line in &mut order.lines {
        line.qty_allocated = 0;
    }
}
