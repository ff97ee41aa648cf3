//! Purchasing: purchase orders to suppliers, partial goods receipts, returns (SPEC §3.5).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Entity, Error, Result};
use crate::ids::{PurchaseOrderId, SkuId, SupplierId, WarehouseId};
use crate::money::Money;

/// Where a purchase order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    /// Sent; nothing received yet.
    Open,
    /// Some lines received in part.
    PartiallyReceived,
    /// Every line received in full.
    Received,
    /// Closed by hand; no more receipts.
    Closed,
}

impl PurchaseStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Open => "open",
            PurchaseStatus::PartiallyReceived => "partially_received",
            PurchaseStatus::Received => "received",
            PurchaseStatus::Closed => "closed",
        }
    }
}

/// A purchase order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PurchaseLine {
    /// The SKU.
    pub sku: SkuId,
    /// Ordered, base units.
    pub qty_ordered: i64,
    /// Received so far, base units.
    pub qty_received: i64,
    /// Unit cost (per base unit, before tax).
    pub unit_cost: Money,
}

/// A purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PurchaseOrder {
    /// Id.
    pub id: PurchaseOrderId,
    /// Supplier.
    pub supplier: SupplierId,
    /// Receiving warehouse.
    pub warehouse: WarehouseId,
    /// Order date.
    pub order_date: NaiveDate,
    /// Expected arrival.
    #[serde(default)]
    pub expected_date: Option<NaiveDate>,
    /// Lines, one per SKU.
    pub lines: Vec<PurchaseLine>,
    /// Status.
    pub status: PurchaseStatus,
}

impl PurchaseOrder {
    /// Checks a receipt may be booked.
    ///
    /// # Errors
    /// [`Error::InvalidState`] once received in full or closed.
    pub fn check_receivable(&self) -> Result<()> {
        match self.status {
            PurchaseStatus::Open | PurchaseStatus::PartiallyReceived => Ok(()),
            s => Err(Error::state(
                Entity::PurchaseOrder,
                &self.id,
                s.as_str(),
                "receive goods",
            )),
        }
    }

    /// The status after lines have been received.
    pub fn status_after_receipt(&self) -> PurchaseStatus {
        if self.lines.iter().all(|l| l.qty_received >= l.qty_ordered) {
            PurchaseStatus::Received
        } else {
            PurchaseStatus::PartiallyReceived
        }
    }

    /// Quantity still to receive of `sku`.
    pub fn outstanding(&self, sku: &SkuId) -> i64 {
        self.lines
            .iter()
            .filter(|l| &l.sku == sku)
            .map(|l| l.qty_ordered.saturating_sub(l.qty_received).max(0))
            .sum()
    }
}
