//! Events: the facts a command produced. State is a fold of events; replaying them rebuilds
//! it exactly.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::wire::tagged_enum;

use crate::catalog::{PriceList, Promotion, Sku};
use crate::delivery::{LotLine, ReconLine, StopDelivery, Trip};
use crate::engine::state::Settings;
use crate::facility::{Supplier, Territory, Vehicle, Warehouse};
use crate::field::{
    BeatPlan, CompetitorObservation, DisplayCheck, Feedback, Mark, OutletCountLine, PlannedStop,
    RouteChangeRequest, Visit, VisitMark,
};
use crate::finance::{CreditNote, Invoice, Payment};
use crate::ids::{
    CommandId, FeedbackId, LocationId, LotId, OrderId, OutletId, PurchaseOrderId, ReceiptId,
    RouteChangeId, SkuId, StaffId, StockDocId, SubmissionId, SupplierId, SupplierReturnId, TripId,
    VisitId, WarehouseId,
};
use crate::inventory::{ReorderLevel, StockMove};
use crate::money::Money;
use crate::order::Order;
use crate::outlet::{Outlet, OutletEdit};
use crate::purchase::PurchaseOrder;
use crate::settlement::{CashSettlement, Submission};
use crate::staff::Staff;
use crate::sync::Hlc;
use crate::tracking::FixBatch;

/// A received lot, as booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReceivedLot {
    /// The SKU.
    pub sku: SkuId,
    /// Lot number.
    pub lot: LotId,
    /// Expiry.
    pub expiry: NaiveDate,
    /// Base units.
    pub qty: i64,
}

/// What kind of stock document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockDocKind {
    /// Transfer between locations.
    Transfer,
    /// Count adjustment.
    Adjustment,
    /// Write-off.
    WriteOff,
}

tagged_enum! {
/// A fact. JSON: `{"type": "order_submitted", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event via EventTwin
    #[serde(rename_all = "snake_case")]
{
    /// Settings replaced.
    SettingsUpdated {
        /// The new settings.
        settings: Settings,
    },
    /// A SKU was registered.
    SkuCreated {
        /// The SKU.
        sku: Sku,
    },
    /// A SKU's master data was replaced.
    SkuUpdated {
        /// The SKU.
        sku: Sku,
    },
    /// A price list was created or replaced.
    PriceListSet {
        /// The price list.
        price_list: PriceList,
    },
    /// A promotion was created or replaced.
    PromotionSet {
        /// The promotion.
        promotion: Promotion,
    },
    /// An outlet was registered.
    OutletCreated {
        /// The outlet.
        outlet: Outlet,
    },
    /// An outlet's master data was replaced.
    OutletUpdated {
        /// The outlet.
        outlet: Outlet,
    },
    /// An outlet's details were edited; fields stamped later before were left alone.
    OutletEdited {
        /// The outlet.
        outlet_id: OutletId,
        /// The edit's stamp, now the stamp of every applied field.
        stamp: Hlc,
        /// The fields applied.
        applied: OutletEdit,
        /// The fields not applied: an edit stamped later had set them.
        superseded: Vec<String>,
    },
    /// An outlet's credit limit changed.
    CreditLimitSet {
        /// The outlet.
        outlet_id: OutletId,
        /// The new limit.
        credit_limit: Option<Money>,
        /// The old limit.
        previous: Option<Money>,
    },
    /// A staff member was registered.
    StaffCreated {
        /// The person.
        staff: Staff,
    },
    /// A staff record was replaced.
    StaffUpdated {
        /// The person.
        staff: Staff,
    },
    /// A warehouse was registered.
    WarehouseCreated {
        /// The warehouse.
        warehouse: Warehouse,
    },
    /// A vehicle was registered.
    VehicleCreated {
        /// The vehicle.
        vehicle: Vehicle,
    },
    /// A supplier was registered.
    SupplierCreated {
        /// The supplier.
        supplier: Supplier,
    },
    /// A territory was registered.
    TerritoryCreated {
        /// The territory.
        territory: Territory,
    },
    /// A new lot entered the lot master.
    LotRegistered {
        /// The SKU.
        sku: SkuId,
        /// Lot number.
        lot: LotId,
        /// Expiry.
        expiry: NaiveDate,
    },
    /// Stock moved.
    StockMoved(StockMove),
    /// A transfer, adjustment or write-off document was booked (its moves follow).
    StockDocumentBooked {
        /// Document id.
        document_id: StockDocId,
        /// What kind.
        kind: StockDocKind,
        /// Why.
        reason: String,
    },
    /// A reorder level was set or cleared.
    ReorderLevelSet {
        /// The location.
        location: LocationId,
        /// The SKU.
        sku: SkuId,
        /// The rule; `None` clears it.
        level: Option<ReorderLevel>,
    },
    /// A purchase order was placed.
    PurchaseOrderCreated {
        /// The purchase order.
        purchase_order: PurchaseOrder,
    },
    /// Goods were received against a purchase order (receipt moves follow).
    GoodsReceived {
        /// Receipt id.
        receipt_id: ReceiptId,
        /// The purchase order.
        purchase_order_id: PurchaseOrderId,
        /// The warehouse.
        warehouse: WarehouseId,
        /// The warehouse's local date.
        received_on: NaiveDate,
        /// Lots received.
        lines: Vec<ReceivedLot>,
    },
    /// A purchase order was closed.
    PurchaseOrderClosed {
        /// The purchase order.
        purchase_order_id: PurchaseOrderId,
    },
    /// Goods went back to a supplier (moves follow).
    ReturnedToSupplier {
        /// Return id.
        return_id: SupplierReturnId,
        /// The supplier.
        supplier: SupplierId,
        /// The purchase order, if any.
        purchase_order_id: Option<PurchaseOrderId>,
        /// Why.
        reason: String,
    },
    /// An order draft was saved (or replaced).
    OrderDraftSaved {
        /// The draft.
        order: Order,
    },
    /// An order was submitted: `allocated` when no approval is needed, else `submitted`
    /// (waiting, stock held). Reservation moves follow.
    OrderSubmitted {
        /// The order as priced and allocated.
        order: Order,
    },
    /// An order held for approval was approved (and is now allocated).
    OrderApproved {
        /// The order.
        order_id: OrderId,
        /// The approver.
        by: StaffId,
    },
    /// An order held for approval was rejected (release moves follow).
    OrderRejected {
        /// The order.
        order_id: OrderId,
        /// The approver.
        by: StaffId,
        /// Why.
        reason: String,
    },
    /// An order was cancelled (release moves follow).
    OrderCancelled {
        /// The order.
        order_id: OrderId,
        /// Who cancelled it.
        by: StaffId,
        /// Why.
        reason: String,
    },
    /// An invoice was issued.
    InvoiceIssued {
        /// The invoice.
        invoice: Invoice,
    },
    /// A credit note was issued.
    CreditNoteIssued {
        /// The credit note.
        credit_note: CreditNote,
    },
    /// A payment was recorded and applied.
    PaymentRecorded {
        /// The payment with its allocations.
        payment: Payment,
    },
    /// A rep's beat plan was set.
    BeatPlanSet {
        /// The plan.
        plan: BeatPlan,
    },
    /// A day was planned (or re-planned before it started).
    WorkDayPlanned {
        /// Whose day.
        staff: StaffId,
        /// The local date.
        date: NaiveDate,
        /// The stops in order.
        stops: Vec<PlannedStop>,
    },
    /// Someone started their working day.
    DayStarted {
        /// Who.
        staff: StaffId,
        /// Their local date.
        date: NaiveDate,
        /// When and where.
        mark: Mark,
    },
    /// Someone ended their working day.
    DayEnded {
        /// Who.
        staff: StaffId,
        /// Their local date.
        date: NaiveDate,
        /// When and where.
        mark: Mark,
    },
    /// A route change was requested.
    RouteChangeRequested {
        /// The request.
        request: RouteChangeRequest,
    },
    /// A route change was approved or rejected.
    RouteChangeDecided {
        /// The request.
        request_id: RouteChangeId,
        /// Approved (else rejected).
        approved: bool,
        /// The decider.
        by: StaffId,
        /// Note.
        note: String,
        /// The day's stops after the change (approved only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stops: Option<Vec<PlannedStop>>,
    },
    /// A rep checked in at an outlet.
    CheckedIn {
        /// The new visit.
        visit: Visit,
    },
    /// A rep checked out.
    CheckedOut {
        /// The visit.
        visit_id: VisitId,
        /// When and where.
        mark: VisitMark,
    },
    /// Outlet stock was counted during a visit.
    OutletStockCounted {
        /// The visit.
        visit_id: VisitId,
        /// Per SKU.
        lines: Vec<OutletCountLine>,
    },
    /// A display check was done during a visit.
    DisplayChecked {
        /// The visit.
        visit_id: VisitId,
        /// The check and its score.
        check: DisplayCheck,
    },
    /// A competitor product was observed during a visit.
    CompetitorObserved {
        /// The visit.
        visit_id: VisitId,
        /// What was seen.
        observation: CompetitorObservation,
    },
    /// Feedback was recorded.
    FeedbackRecorded {
        /// The feedback.
        feedback: Feedback,
    },
    /// Feedback was assigned.
    FeedbackAssigned {
        /// The feedback.
        feedback_id: FeedbackId,
        /// To whom.
        assignee: StaffId,
        /// By whom.
        by: StaffId,
    },
    /// Feedback was resolved.
    FeedbackResolved {
        /// The feedback.
        feedback_id: FeedbackId,
        /// How.
        resolution: String,
        /// By whom.
        by: StaffId,
    },
    /// A delivery trip was planned.
    TripPlanned {
        /// The trip.
        trip: Trip,
    },
    /// A trip was loaded (load-out moves follow).
    TripLoaded {
        /// The trip.
        trip_id: TripId,
        /// The orders loaded (cancelled ones are left behind).
        orders: Vec<OrderId>,
        /// What was loaded, per lot.
        lines: Vec<LotLine>,
    },
    /// A trip left the warehouse.
    TripDeparted {
        /// The trip.
        trip_id: TripId,
    },
    /// A stop was reported (issue and release moves, invoices and a payment follow).
    StopDelivered {
        /// The trip.
        trip_id: TripId,
        /// Index of the stop in the trip.
        stop: u32,
        /// What happened.
        delivery: StopDelivery,
    },
    /// A trip was loaded in and reconciled (load-in and write-off moves follow).
    TripClosed {
        /// The trip.
        trip_id: TripId,
        /// Per lot.
        reconciliation: Vec<ReconLine>,
    },
    /// Cash was handed over.
    CashSettled {
        /// The settlement.
        settlement: CashSettlement,
    },
    /// An expense claim or daily report was submitted.
    Submitted {
        /// The submission.
        submission: Submission,
    },
    /// A submission was approved or rejected.
    SubmissionDecided {
        /// The submission.
        submission_id: SubmissionId,
        /// Approved (else rejected).
        approved: bool,
        /// The decider.
        by: StaffId,
        /// Note.
        note: String,
    },
    /// GPS fixes were ingested.
    FixesIngested {
        /// Whose.
        staff: StaffId,
        /// The fixes kept.
        fixes: FixBatch,
        /// How many were dropped for poor accuracy.
        dropped_accuracy: u32,
        /// Times of fixes dropped as impossible jumps (ms since the epoch).
        jumps: Vec<i64>,
        /// Time of the last fix received, kept or not.
        last_t_ms: i64,
    },
}
}

impl Event {
    /// The event's `type` tag (`"order_submitted"`).
    pub fn name(&self) -> &'static str {
        match self {
            Event::SettingsUpdated { .. } => "settings_updated",
            Event::SkuCreated { .. } => "sku_created",
            Event::SkuUpdated { .. } => "sku_updated",
            Event::PriceListSet { .. } => "price_list_set",
            Event::PromotionSet { .. } => "promotion_set",
            Event::OutletCreated { .. } => "outlet_created",
            Event::OutletUpdated { .. } => "outlet_updated",
            Event::OutletEdited { .. } => "outlet_edited",
            Event::CreditLimitSet { .. } => "credit_limit_set",
            Event::StaffCreated { .. } => "staff_created",
            Event::StaffUpdated { .. } => "staff_updated",
            Event::WarehouseCreated { .. } => "warehouse_created",
            Event::VehicleCreated { .. } => "vehicle_created",
            Event::SupplierCreated { .. } => "supplier_created",
            Event::TerritoryCreated { .. } => "territory_created",
            Event::LotRegistered { .. } => "lot_registered",
            Event::StockMoved(_) => "stock_moved",
            Event::StockDocumentBooked { .. } => "stock_document_booked",
            Event::ReorderLevelSet { .. } => "reorder_level_set",
            Event::PurchaseOrderCreated { .. } => "purchase_order_created",
            Event::GoodsReceived { .. } => "goods_received",
            Event::PurchaseOrderClosed { .. } => "purchase_order_closed",
            Event::ReturnedToSupplier { .. } => "returned_to_supplier",
            Event::OrderDraftSaved { .. } => "order_draft_saved",
            Event::OrderSubmitted { .. } => "order_submitted",
            Event::OrderApproved { .. } => "order_approved",
            Event::OrderRejected { .. } => "order_rejected",
            Event::OrderCancelled { .. } => "order_cancelled",
            Event::InvoiceIssued { .. } => "invoice_issued",
            Event::CreditNoteIssued { .. } => "credit_note_issued",
            Event::PaymentRecorded { .. } => "payment_recorded",
            Event::BeatPlanSet { .. } => "beat_plan_set",
            Event::WorkDayPlanned { .. } => "work_day_planned",
            Event::DayStarted { .. } => "day_started",
            Event::DayEnded { .. } => "day_ended",
            Event::RouteChangeRequested { .. } => "route_change_requested",
            Event::RouteChangeDecided { .. } => "route_change_decided",
            Event::CheckedIn { .. } => "checked_in",
            Event::CheckedOut { .. } => "checked_out",
            Event::OutletStockCounted { .. } => "outlet_stock_counted",
            Event::DisplayChecked { .. } => "display_checked",
            Event::CompetitorObserved { .. } => "competitor_observed",
            Event::FeedbackRecorded { .. } => "feedback_recorded",
            Event::FeedbackAssigned { .. } => "feedback_assigned",
            Event::FeedbackResolved { .. } => "feedback_resolved",
            Event::TripPlanned { .. } => "trip_planned",
            Event::TripLoaded { .. } => "trip_loaded",
            Event::TripDeparted { .. } => "trip_departed",
            Event::StopDelivered { .. } => "stop_delivered",
            Event::TripClosed { .. } => "trip_closed",
            Event::CashSettled { .. } => "cash_settled",
            Event::Submitted { .. } => "submitted",
            Event::SubmissionDecided { .. } => "submission_decided",
            Event::FixesIngested { .. } => "fixes_ingested",
        }
    }
}

/// An event with its sequence number and the command that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventRecord {
    /// Position in the engine's total order of events, from 1, without gaps.
    pub seq: u64,
    /// The command that produced it.
    pub command_id: CommandId,
    /// Who acted.
    pub actor: StaffId,
    /// When the command was recorded on the device.
    pub recorded_at: DateTime<Utc>,
    /// The fact.
    pub event: Event,
}
