//! Scoped queries. Every query runs as an actor: a query about one record is refused with
//! `permission_denied` outside the actor's scope; a list query is filtered to it.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::wire::tagged_enum;

use crate::access::{self, Action, Target};
use crate::alerts::Alert;
use crate::catalog::Sku;
use crate::delivery::Trip;
use crate::error::{Entity, Error, Result};
use crate::field::{Feedback, FeedbackStatus, RouteChangeRequest, Visit, WorkDay};
use crate::finance::{AgingBuckets, Invoice};
use crate::ids::{LocationId, LotId, OrderId, OutletId, SkuId, StaffId, WarehouseId};
use crate::inventory::StockMove;
use crate::money::Money;
use crate::order::{Order, OrderStatus};
use crate::outlet::Outlet;
use crate::purchase::{PurchaseOrder, PurchaseStatus};
use crate::settlement::{CashSettlement, Submission};
use crate::staff::Staff;

use super::field_query::{self as fq, BoardRow, TrackSummary};
use super::state::State;

tagged_enum! {
/// A question to the engine. JSON: `{"type": "stock", "location": "W1"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Query via QueryTwin
    #[serde(rename_all = "snake_case", deny_unknown_fields)]
{
    /// Stock per location × SKU × lot (`stock.view`).
    Stock {
        /// Only this location.
        #[serde(default)]
        location: Option<LocationId>,
        /// Only this SKU.
        #[serde(default)]
        sku: Option<SkuId>,
    },
    /// Lots near or past expiry (`stock.view`).
    NearExpiry {
        /// The day to measure from.
        as_of: NaiveDate,
        /// Only this location.
        #[serde(default)]
        location: Option<LocationId>,
        /// Threshold in days; when absent, the settings' fraction of each SKU's shelf life.
        #[serde(default)]
        within_days: Option<u32>,
    },
    /// SKUs in stock with no sale from that location for `days` days (`stock.view`).
    SlowMoving {
        /// The day to measure from.
        as_of: NaiveDate,
        /// Days without a sale.
        days: u32,
        /// Only this location.
        #[serde(default)]
        location: Option<LocationId>,
    },
    /// What to reorder for a warehouse (`stock.view`): min/max rules where set, else sales
    /// velocity × (lead time + safety days).
    ReorderSuggestions {
        /// The warehouse.
        warehouse: WarehouseId,
        /// The day to measure from.
        as_of: NaiveDate,
        /// Days of sales history for velocity (default 28).
        #[serde(default = "default_window")]
        window_days: u32,
        /// Supplier lead time in days (default 7).
        #[serde(default = "default_lead")]
        lead_time_days: u32,
        /// Safety stock in days of sales (default 3).
        #[serde(default = "default_safety")]
        safety_days: u32,
        /// Days between orders, added to the order-up-to level (default 7).
        #[serde(default = "default_lead")]
        review_days: u32,
    },
    /// Stock moves, from the event log (`stock.view`).
    StockMoves {
        /// Only this location.
        #[serde(default)]
        location: Option<LocationId>,
        /// Only this SKU.
        #[serde(default)]
        sku: Option<SkuId>,
        /// Only moves from events after this sequence number.
        #[serde(default)]
        since_seq: u64,
    },
    /// One order (`order.view`).
    Order {
        /// The order.
        order_id: OrderId,
    },
    /// Orders in scope (`order.view`), optionally filtered.
    Orders {
        /// Only this status.
        #[serde(default)]
        status: Option<OrderStatus>,
        /// Only this outlet.
        #[serde(default)]
        outlet: Option<OutletId>,
        /// Only orders on or after this local date.
        #[serde(default)]
        from: Option<NaiveDate>,
        /// Only orders on or before this local date.
        #[serde(default)]
        to: Option<NaiveDate>,
    },
    /// One outlet (`outlet.view`).
    Outlet {
        /// The outlet.
        outlet_id: OutletId,
    },
    /// Outlets in scope (`outlet.view`).
    Outlets {},
    /// The SKU catalogue (`master.view`).
    Skus {},
    /// Staff in scope (`staff.view`).
    Staff {},
    /// Purchase orders (`purchase.view`).
    PurchaseOrders {
        /// Only this status.
        #[serde(default)]
        status: Option<PurchaseStatus>,
    },
    /// Receivable balances per outlet in scope (`receivable.view`).
    Receivables {
        /// Only this outlet.
        #[serde(default)]
        outlet: Option<OutletId>,
    },
    /// Invoices of outlets in scope (`receivable.view`).
    Invoices {
        /// Only this outlet.
        #[serde(default)]
        outlet: Option<OutletId>,
        /// Only invoices with a balance.
        #[serde(default)]
        open_only: bool,
    },
    /// Aging of open invoices per outlet in scope (`receivable.view`).
    Aging {
        /// The day to age at.
        as_of: NaiveDate,
        /// Only this outlet.
        #[serde(default)]
        outlet: Option<OutletId>,
    },
    /// A day of field work in scope (`field.view`): work days, visits, route changes,
    /// trips, cash settlements and submissions.
    FieldDay {
        /// The local date.
        date: NaiveDate,
        /// Only this person.
        #[serde(default)]
        staff: Option<StaffId>,
    },
    /// Feedback on outlets in scope, and feedback assigned to the actor (`field.view`).
    Feedback {
        /// Only this status.
        #[serde(default)]
        status: Option<FeedbackStatus>,
    },
    /// One person's track on a day: fixes, distance, stays, polyline (`track.view`).
    Track {
        /// Whose.
        staff: StaffId,
        /// The local date.
        date: NaiveDate,
    },
    /// The live board (`track.view`): status and progress of every rep and driver in
    /// scope at a time.
    Board {
        /// The time the board is for (the host's "now").
        at: DateTime<Utc>,
    },
    /// Alerts of a day for everyone in scope, or one person (`track.view`).
    Alerts {
        /// The local date.
        date: NaiveDate,
        /// Only this person.
        #[serde(default)]
        staff: Option<StaffId>,
        /// The host's "now": once past the day, planned outlets not visited are missed
        /// even if the day was not ended.
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// One person's day as GeoJSON: track, stays, planned and actual route, check-ins
    /// (`track.view`).
    FieldGeojson {
        /// Whose.
        staff: StaffId,
        /// The local date.
        date: NaiveDate,
    },
}
}

/// A day of field work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldDayResult {
    /// Work days (plans and attendance).
    pub days: Vec<WorkDay>,
    /// Visits.
    pub visits: Vec<Visit>,
    /// Route change requests.
    pub route_changes: Vec<RouteChangeRequest>,
    /// Delivery trips.
    pub trips: Vec<Trip>,
    /// Cash settlements.
    pub settlements: Vec<CashSettlement>,
    /// Expense claims and daily reports.
    pub submissions: Vec<Submission>,
}

fn default_window() -> u32 {
    28
}
fn default_lead() -> u32 {
    7
}
fn default_safety() -> u32 {
    3
}

/// Stock of one lot at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StockRow {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: SkuId,
    /// Lot.
    pub lot: LotId,
    /// Lot expiry.
    pub expiry: Option<NaiveDate>,
    /// On hand.
    pub on_hand: i64,
    /// Reserved.
    pub reserved: i64,
    /// On hand − reserved.
    pub available: i64,
}

/// A lot near (or past) expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NearExpiryRow {
    /// The stock.
    #[serde(flatten)]
    pub stock: StockRow,
    /// Days from `as_of` to expiry (negative: expired).
    pub days_left: i64,
    /// The threshold applied.
    pub threshold_days: u32,
}

/// A slow-moving SKU at a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SlowMovingRow {
    /// Location.
    pub location: LocationId,
    /// SKU.
    pub sku: SkuId,
    /// On hand.
    pub on_hand: i64,
    /// Last day an order took it from this location, if ever.
    pub last_sale: Option<NaiveDate>,
}

/// A reorder suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReorderRow {
    /// SKU.
    pub sku: SkuId,
    /// Available now.
    pub available: i64,
    /// Outstanding on open purchase orders.
    pub on_order: i64,
    /// Sold in the window (live orders).
    pub sold_in_window: i64,
    /// `min_max` or `velocity`.
    pub rule: String,
    /// Reorder below this position.
    pub reorder_point: i64,
    /// Suggested quantity, base units.
    pub suggested_qty: i64,
}

/// One outlet's receivables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReceivableRow {
    /// Outlet.
    pub outlet: OutletId,
    /// Σ open invoice balances.
    pub balance: Money,
    /// Payments on account, not applied.
    pub unapplied: Money,
    /// Credit limit.
    pub credit_limit: Option<Money>,
}

/// One outlet's aging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AgingRow {
    /// Outlet.
    pub outlet: OutletId,
    /// Buckets.
    #[serde(flatten)]
    pub buckets: AgingBuckets,
    /// Σ buckets.
    pub total: Money,
}

/// A move with the sequence number of its event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MoveRow {
    /// The event's sequence number.
    pub seq: u64,
    /// The move.
    #[serde(flatten)]
    pub stock_move: StockMove,
}

/// The answer to a [`Query`]. JSON: `{"type": "stock", "rows": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueryResult {
    /// Stock rows.
    Stock {
        /// Rows.
        rows: Vec<StockRow>,
    },
    /// Near-expiry rows.
    NearExpiry {
        /// Rows.
        rows: Vec<NearExpiryRow>,
    },
    /// Slow-moving rows.
    SlowMoving {
        /// Rows.
        rows: Vec<SlowMovingRow>,
    },
    /// Reorder suggestions.
    ReorderSuggestions {
        /// Rows.
        rows: Vec<ReorderRow>,
    },
    /// Stock moves.
    StockMoves {
        /// Rows.
        rows: Vec<MoveRow>,
    },
    /// One order.
    Order {
        /// The order.
        order: Order,
    },
    /// Orders.
    Orders {
        /// Rows.
        rows: Vec<Order>,
    },
    /// One outlet.
    Outlet {
        /// The outlet.
        outlet: Outlet,
    },
    /// Outlets.
    Outlets {
        /// Rows.
        rows: Vec<Outlet>,
    },
    /// SKUs.
    Skus {
        /// Rows.
        rows: Vec<Sku>,
    },
    /// Staff.
    Staff {
        /// Rows.
        rows: Vec<Staff>,
    },
    /// Purchase orders.
    PurchaseOrders {
        /// Rows.
        rows: Vec<PurchaseOrder>,
    },
    /// Receivable balances.
    Receivables {
        /// Rows.
        rows: Vec<ReceivableRow>,
    },
    /// Invoices.
    Invoices {
        /// Rows.
        rows: Vec<Invoice>,
    },
    /// Aging.
    Aging {
        /// Rows, one per outlet with open invoices.
        rows: Vec<AgingRow>,
        /// Σ over the rows.
        total: AgingBuckets,
    },
    /// A day of field work.
    FieldDay(Box<FieldDayResult>),
    /// Feedback.
    Feedback {
        /// Rows.
        rows: Vec<Feedback>,
    },
    /// A track.
    Track {
        /// The summary.
        track: TrackSummary,
    },
    /// The live board.
    Board {
        /// One row per person.
        rows: Vec<BoardRow>,
    },
    /// Alerts.
    Alerts {
        /// Rows.
        rows: Vec<Alert>,
    },
    /// GeoJSON.
    FieldGeojson {
        /// A `FeatureCollection`.
        geojson: serde_json::Value,
    },
}

/// Answers every query except `stock_moves` (which needs the event log).
pub(crate) fn answer(state: &State, actor: &Staff, query: &Query) -> Result<QueryResult> {
    let q = Q { state, actor };
    match query {
        Query::Stock { location, sku } => {
            q.check(Action::StockView, Target::Global)?;
            Ok(QueryResult::Stock {
                rows: q.stock_rows(location.as_ref(), sku.as_ref()),
            })
        }
        Query::NearExpiry {
            as_of,
            location,
            within_days,
        } => {
            q.check(Action::StockView, Target::Global)?;
            Ok(QueryResult::NearExpiry {
                rows: q.near_expiry(*as_of, location.as_ref(), *within_days),
            })
        }
        Query::SlowMoving {
            as_of,
            days,
            location,
        } => {
            q.check(Action::StockView, Target::Global)?;
            Ok(QueryResult::SlowMoving {
                rows: q.slow_moving(*as_of, *days, location.as_ref()),
            })
        }
        Query::ReorderSuggestions {
            warehouse,
            as_of,
            window_days,
            lead_time_days,
            safety_days,
            review_days,
        } => {
            q.check(Action::StockView, Target::Global)?;
            let params = [*window_days, *lead_time_days, *safety_days, *review_days];
            Ok(QueryResult::ReorderSuggestions {
                rows: q.reorder(warehouse, *as_of, params)?,
            })
        }
        Query::StockMoves { .. } => Err(Error::invalid(
            "query",
            "stock_moves is answered by the engine, not the state",
        )),
        Query::Order { order_id } => {
            let order = state.order(order_id)?;
            q.check(
                Action::OrderView,
                Target::Outlet(state.outlet(&order.outlet)?),
            )?;
            Ok(QueryResult::Order {
                order: order.clone(),
            })
        }
        Query::Orders {
            status,
            outlet,
            from,
            to,
        } => {
            q.check_granted(Action::OrderView)?;
            let rows = state
                .orders
                .values()
                .filter(|o| status.is_none_or(|s| o.status == s))
                .filter(|o| outlet.as_ref().is_none_or(|x| &o.outlet == x))
                .filter(|o| from.is_none_or(|d| o.order_date >= d))
                .filter(|o| to.is_none_or(|d| o.order_date <= d))
                .filter(|o| q.reaches_outlet(Action::OrderView, &o.outlet))
                .cloned()
                .collect();
            Ok(QueryResult::Orders { rows })
        }
        Query::Outlet { outlet_id } => {
            let outlet = state.outlet(outlet_id)?;
            q.check(Action::OutletView, Target::Outlet(outlet))?;
            Ok(QueryResult::Outlet {
                outlet: outlet.clone(),
            })
        }
        Query::Outlets {} => {
            q.check_granted(Action::OutletView)?;
            let rows = state
                .outlets
                .values()
                .filter(|o| q.allows(Action::OutletView, Target::Outlet(o)))
                .cloned()
                .collect();
            Ok(QueryResult::Outlets { rows })
        }
        Query::Skus {} => {
            q.check(Action::MasterView, Target::Global)?;
            Ok(QueryResult::Skus {
                rows: state.catalog.skus.values().cloned().collect(),
            })
        }
        Query::Staff {} => {
            q.check_granted(Action::StaffView)?;
            let rows = state
                .staff
                .values()
                .filter(|s| q.allows(Action::StaffView, Target::Staff(s)))
                .cloned()
                .collect();
            Ok(QueryResult::Staff { rows })
        }
        Query::PurchaseOrders { status } => {
            q.check(Action::PurchaseView, Target::Global)?;
            let rows = state
                .purchase_orders
                .values()
                .filter(|p| status.is_none_or(|s| p.status == s))
                .cloned()
                .collect();
            Ok(QueryResult::PurchaseOrders { rows })
        }
        Query::Receivables { outlet } => {
            let mut rows = Vec::new();
            for o in q.receivable_outlets(outlet.as_ref())? {
                rows.push(ReceivableRow {
                    outlet: o.id.clone(),
                    balance: state.receivables.balance(&o.id)?,
                    unapplied: state.receivables.unapplied(&o.id)?,
                    credit_limit: o.credit_limit,
                });
            }
            Ok(QueryResult::Receivables { rows })
        }
        Query::Invoices { outlet, open_only } => {
            let outlets = q.receivable_outlets(outlet.as_ref())?;
            let ids: Vec<&OutletId> = outlets.iter().map(|o| &o.id).collect();
            let rows = state
                .receivables
                .invoices
                .values()
                .filter(|i| ids.binary_search(&&i.outlet).is_ok())
                .filter(|i| !open_only || i.balance().is_positive())
                .cloned()
                .collect();
            Ok(QueryResult::Invoices { rows })
        }
        Query::Aging { as_of, outlet } => {
            let mut rows = Vec::new();
            let mut total = AgingBuckets::default();
            for o in q.receivable_outlets(outlet.as_ref())? {
                if !state.receivables.open.contains_key(&o.id) {
                    continue;
                }
                let buckets = state.receivables.aging(&o.id, *as_of)?;
                for (t, b) in [
                    (&mut total.current, buckets.current),
                    (&mut total.days_1_30, buckets.days_1_30),
                    (&mut total.days_31_60, buckets.days_31_60),
                    (&mut total.days_61_90, buckets.days_61_90),
                    (&mut total.over_90, buckets.over_90),
                ] {
                    *t = t.checked_add(b)?;
                }
                rows.push(AgingRow {
                    outlet: o.id.clone(),
                    total: buckets.total()?,
                    buckets,
                });
            }
            Ok(QueryResult::Aging { rows, total })
        }
        Query::FieldDay { date, staff } => fq::field_day(state, actor, *date, staff.as_ref()),
        Query::Feedback { status } => fq::feedback(state, actor, *status),
        Query::Track { staff, date } => fq::track(state, actor, staff, *date),
        Query::Board { at } => fq::board(state, actor, *at),
        Query::Alerts { date, staff, at } => fq::alerts(state, actor, *date, staff.as_ref(), *at),
        Query::FieldGeojson { staff, date } => fq::geojson(state, actor, staff, *date),
    }
}

/// A query in progress: the state and the actor.
struct Q<'a> {
    state: &'a State,
    actor: &'a Staff,
}

impl<'a> Q<'a> {
    fn check(&self, action: Action, target: Target<'_>) -> Result<()> {
        access::authorize(self.state.directory(), self.actor, action, target)
    }

    /// A list query needs the action granted at all; then rows are filtered by scope.
    fn check_granted(&self, action: Action) -> Result<()> {
        access::granted(self.state.directory(), self.actor, action)
    }

    fn allows(&self, action: Action, target: Target<'_>) -> bool {
        access::allows(self.state.directory(), self.actor, action, target)
    }

    fn reaches_outlet(&self, action: Action, id: &OutletId) -> bool {
        self.state
            .outlets
            .get(id)
            .is_some_and(|o| self.allows(action, Target::Outlet(o)))
    }

    /// The outlets a receivables query covers: the named one (authorised) or all in scope.
    fn receivable_outlets(&self, outlet: Option<&OutletId>) -> Result<Vec<&'a Outlet>> {
        match outlet {
            Some(id) => {
                let o = self.state.outlet(id)?;
                self.check(Action::ReceivableView, Target::Outlet(o))?;
                Ok(vec![o])
            }
            None => {
                self.check_granted(Action::ReceivableView)?;
                Ok(self
                    .state
                    .outlets
                    .values()
                    .filter(|o| self.allows(Action::ReceivableView, Target::Outlet(o)))
                    .collect())
            }
        }
    }

    fn stock_rows(&self, location: Option<&LocationId>, sku: Option<&SkuId>) -> Vec<StockRow> {
        let inv = &self.state.inventory;
        let mut rows = Vec::new();
        for (loc, skus) in inv
            .levels
            .iter()
            .filter(|(l, _)| location.is_none_or(|x| x == *l))
        {
            for (s, lots) in skus.iter().filter(|(s, _)| sku.is_none_or(|x| x == *s)) {
                for (lot, level) in lots {
                    rows.push(StockRow {
                        location: loc.clone(),
                        sku: s.clone(),
                        lot: lot.clone(),
                        expiry: inv.expiry(s, lot),
                        on_hand: level.on_hand,
                        reserved: level.reserved,
                        available: level.available(),
                    });
                }
            }
        }
        rows
    }

    fn near_expiry(
        &self,
        as_of: NaiveDate,
        location: Option<&LocationId>,
        within_days: Option<u32>,
    ) -> Vec<NearExpiryRow> {
        let fraction = self.state.settings.near_expiry_fraction;
        self.stock_rows(location, None)
            .into_iter()
            .filter_map(|row| {
                let expiry = row.expiry?;
                let threshold = match within_days {
                    Some(d) => d,
                    None => {
                        fraction.of_ceil(self.state.catalog.skus.get(&row.sku)?.shelf_life_days?)
                    }
                };
                let days_left = (expiry - as_of).num_days();
                (days_left <= i64::from(threshold)).then_some(NearExpiryRow {
                    stock: row,
                    days_left,
                    threshold_days: threshold,
                })
            })
            .collect()
    }

    /// Last sale day per (location, SKU) over live orders.
    fn last_sales(&self) -> BTreeMap<(&'a LocationId, &'a SkuId), NaiveDate> {
        let mut last: BTreeMap<(&LocationId, &SkuId), NaiveDate> = BTreeMap::new();
        for o in self.state.orders.values().filter(|o| o.status.is_live()) {
            for l in &o.lines {
                let e = last.entry((&o.warehouse, &l.sku)).or_insert(o.order_date);
                *e = (*e).max(o.order_date);
            }
        }
        last
    }

    fn slow_moving(
        &self,
        as_of: NaiveDate,
        days: u32,
        location: Option<&LocationId>,
    ) -> Vec<SlowMovingRow> {
        let last = self.last_sales();
        let cutoff = as_of
            .checked_sub_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MIN);
        let inv = &self.state.inventory;
        let mut rows = Vec::new();
        for (loc, skus) in inv
            .levels
            .iter()
            .filter(|(l, _)| location.is_none_or(|x| x == *l))
        {
            for sku in skus.keys() {
                let on_hand = inv.total(loc, sku).on_hand;
                let last_sale = last.get(&(loc, sku)).copied();
                if on_hand > 0 && last_sale.is_none_or(|d| d < cutoff) {
                    rows.push(SlowMovingRow {
                        location: loc.clone(),
                        sku: sku.clone(),
                        on_hand,
                        last_sale,
                    });
                }
            }
        }
        rows
    }

    fn reorder(
        &self,
        warehouse: &WarehouseId,
        as_of: NaiveDate,
        params: [u32; 4],
    ) -> Result<Vec<ReorderRow>> {
        let [window, lead, safety, review] = params.map(i64::from);
        if window == 0 {
            return Err(Error::invalid("window_days", "must be at least one day"));
        }
        let s = self.state;
        if !s.warehouses.contains_key(warehouse) {
            return Err(Error::not_found(Entity::Warehouse, warehouse));
        }
        let loc = LocationId::from(warehouse);
        let start = as_of
            .checked_sub_days(Days::new(params[0].into()))
            .unwrap_or(NaiveDate::MIN);
        let mut sold: BTreeMap<&SkuId, i64> = BTreeMap::new();
        for o in s.orders.values().filter(|o| {
            o.status.is_live()
                && o.warehouse == loc
                && o.order_date > start
                && o.order_date <= as_of
        }) {
            for l in &o.lines {
                let e = sold.entry(&l.sku).or_default();
                *e = e.saturating_add(l.qty_ordered);
            }
        }
        let mut on_order: BTreeMap<&SkuId, i64> = BTreeMap::new();
        for po in s.purchase_orders.values().filter(|p| {
            &p.warehouse == warehouse
                && matches!(
                    p.status,
                    PurchaseStatus::Open | PurchaseStatus::PartiallyReceived
                )
        }) {
            for l in &po.lines {
                let e = on_order.entry(&l.sku).or_default();
                *e = e.saturating_add(l.qty_ordered.saturating_sub(l.qty_received).max(0));
            }
        }
        let rules = s.inventory.reorder_levels.get(&loc);
        let mut rows = Vec::new();
        for sku in s.catalog.skus.values().filter(|k| k.active) {
            let available = s.inventory.total(&loc, &sku.id).available();
            let ordered = on_order.get(&sku.id).copied().unwrap_or(0);
            let position = available.saturating_add(ordered);
            let sold_in_window = sold.get(&sku.id).copied().unwrap_or(0);
            let (rule, point, up_to) = match rules.and_then(|r| r.get(&sku.id)) {
                Some(level) => ("min_max", level.min, level.max),
                None if sold_in_window > 0 => {
                    let per = |days: i64| ceil_div(sold_in_window.saturating_mul(days), window);
                    ("velocity", per(lead + safety), per(lead + safety + review))
                }
                None => continue,
            };
            if position < point {
                rows.push(ReorderRow {
                    sku: sku.id.clone(),
                    available,
                    on_order: ordered,
                    sold_in_window,
                    rule: rule.into(),
                    reorder_point: point,
                    suggested_qty: up_to.saturating_sub(position).max(0),
                });
            }
        }
        Ok(rows)
    }
}

fn ceil_div(a: i64, b: i64) -> i64 {
    if b <= 0 {
        0
    } else {
        a.saturating_add(b - 1) / b
    }
}

/// Resolves the actor of a query.
pub(crate) fn actor<'a>(state: &'a State, id: &StaffId) -> Result<&'a Staff> {
    state
        .staff
        .get(id)
        .filter(|s| s.active)
        .ok_or_else(|| Error::PermissionDenied {
            actor: id.to_string(),
            action: "query".into(),
            reason: "not a known, active staff member".into(),
        })
}
