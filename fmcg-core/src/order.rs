//! Sales orders: lines with prices and lot allocations, and the status lifecycle
//! (SPEC §3.4).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::LinePrice;
use crate::error::{Entity, Error, Result};
use crate::ids::{
    LocationId, LotId, OrderId, OutletId, PromotionId, SkuId, StaffId, TripId, VisitId,
};
use crate::money::Money;

/// Where an order is in its life.
///
/// `draft → submitted → approved → allocated → loaded → out_for_delivery → delivered |
/// partially_delivered | refused`, then `invoiced` / `settled`; `cancelled` before loading;
/// `rejected` by the approver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Saved, not submitted: no checks, no stock held.
    Draft,
    /// Submitted and waiting for approval (credit or floor price); stock is held.
    Submitted,
    /// Approved; allocation follows in the same step, so this is transient.
    Approved,
    /// Stock reserved lot by lot (FEFO); ready to pick and load.
    Allocated,
    /// On a van.
    Loaded,
    /// The trip has started.
    OutForDelivery,
    /// Delivered in full.
    Delivered,
    /// Delivered in part.
    PartiallyDelivered,
    /// Refused at the door.
    Refused,
    /// Invoiced.
    Invoiced,
    /// Paid.
    Settled,
    /// Cancelled before loading; reservations released.
    Cancelled,
    /// Rejected by the approver; reservations released.
    Rejected,
}

impl OrderStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Submitted => "submitted",
            OrderStatus::Approved => "approved",
            OrderStatus::Allocated => "allocated",
            OrderStatus::Loaded => "loaded",
            OrderStatus::OutForDelivery => "out_for_delivery",
            OrderStatus::Delivered => "delivered",
            OrderStatus::PartiallyDelivered => "partially_delivered",
            OrderStatus::Refused => "refused",
            OrderStatus::Invoiced => "invoiced",
            OrderStatus::Settled => "settled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Rejected => "rejected",
        }
    }

    /// Whether the order still counts (not draft, cancelled or rejected).
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            OrderStatus::Draft | OrderStatus::Cancelled | OrderStatus::Rejected
        )
    }
}

/// Why an order waits for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApprovalReason {
    /// Open receivables plus this order exceed the outlet's credit limit.
    CreditLimit {
        /// The limit.
        credit_limit: Money,
        /// Open receivables plus this order's total.
        exposure: Money,
    },
    /// A line's net unit price is below the SKU's floor price.
    BelowFloor {
        /// The line.
        line_no: u32,
        /// The SKU.
        sku: SkuId,
        /// Net amount of the line.
        net_amount: Money,
        /// Floor price × quantity.
        floor_amount: Money,
    },
    /// An order synced from an offline device could not be allocated in full (policy
    /// `hold_for_approval`, or nothing was available); approving it accepts what was
    /// allocated.
    StockShortfall {
        /// The line.
        line_no: u32,
        /// The SKU.
        sku: SkuId,
        /// Base units ordered.
        ordered: i64,
        /// Base units allocated.
        allocated: i64,
    },
}

/// A quantity taken from one lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LotQty {
    /// The lot.
    pub lot: LotId,
    /// Base units.
    pub qty: i64,
}

/// An order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrderLine {
    /// 1-based line number.
    pub line_no: u32,
    /// The SKU.
    pub sku: SkuId,
    /// Ordered, base units.
    pub qty_ordered: i64,
    /// Reserved, base units.
    pub qty_allocated: i64,
    /// Delivered, base units.
    pub qty_delivered: i64,
    /// Price, discount and tax.
    #[serde(flatten)]
    pub price: LinePrice,
    /// A free-goods line earned by this promotion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_goods_of: Option<PromotionId>,
    /// Lots reserved for the line, FEFO.
    #[serde(default)]
    pub lots: Vec<LotQty>,
}

/// A sales order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Order {
    /// Id (from the client).
    pub id: OrderId,
    /// The buying outlet.
    pub outlet: OutletId,
    /// The stock location it is served from.
    pub warehouse: LocationId,
    /// The outlet's rep when the order was taken.
    pub rep: Option<StaffId>,
    /// Who submitted (or saved) it.
    pub taken_by: StaffId,
    /// When it was recorded on the device.
    pub recorded_at: DateTime<Utc>,
    /// The outlet's local date of the order.
    pub order_date: NaiveDate,
    /// Requested delivery date.
    #[serde(default)]
    pub delivery_date: Option<NaiveDate>,
    /// Status.
    pub status: OrderStatus,
    /// Lines, including free-goods lines.
    pub lines: Vec<OrderLine>,
    /// Σ line net amounts.
    pub net_amount: Money,
    /// Σ line taxes.
    pub tax_amount: Money,
    /// Net + tax.
    pub total: Money,
    /// Why it needs (or needed) approval.
    #[serde(default)]
    pub approval_reasons: Vec<ApprovalReason>,
    /// Who approved or rejected it.
    #[serde(default)]
    pub decided_by: Option<StaffId>,
    /// Free-text note.
    #[serde(default)]
    pub note: String,
    /// The visit it was taken in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// The delivery trip carrying it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip: Option<TripId>,
}

impl Order {
    /// Checks the order may be cancelled (any status before loading).
    ///
    /// # Errors
    /// [`Error::InvalidState`] once loaded, delivered, cancelled or rejected.
    pub fn check_cancel(&self) -> Result<()> {
        match self.status {
            OrderStatus::Draft
            | OrderStatus::Submitted
            | OrderStatus::Approved
            | OrderStatus::Allocated => Ok(()),
            s => Err(Error::state(Entity::Order, &self.id, s.as_str(), "cancel")),
        }
    }

    /// Checks the order waits for approval.
    ///
    /// # Errors
    /// [`Error::InvalidState`] unless `submitted`.
    pub fn check_decide(&self, operation: &str) -> Result<()> {
        match self.status {
            OrderStatus::Submitted => Ok(()),
            s => Err(Error::state(Entity::Order, &self.id, s.as_str(), operation)),
        }
    }
}
