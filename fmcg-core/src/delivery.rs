//! Direct store delivery (SPEC §3.7): trips, load-out, proof of delivery with exceptions,
//! and load-in with the reconciliation `loaded = delivered + returned + damaged` per lot.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::field::{MediaRef, check_media};
use crate::geo::Position;
use crate::ids::{
    InvoiceId, LocationId, LotId, OrderId, OutletId, PaymentId, SkuId, StaffId, TripId, VehicleId,
};
use crate::order::LotQty;
use crate::text::{MAX_SHORT_TEXT, check_name, check_text};

/// Where a trip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TripStatus {
    /// Planned; orders allocated at the warehouse.
    Planned,
    /// Goods moved warehouse → van.
    Loaded,
    /// On the road.
    OutForDelivery,
    /// Back, loaded in and reconciled.
    Closed,
}

impl TripStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TripStatus::Planned => "planned",
            TripStatus::Loaded => "loaded",
            TripStatus::OutForDelivery => "out_for_delivery",
            TripStatus::Closed => "closed",
        }
    }
}

/// A quantity of one SKU lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LotLine {
    /// The SKU.
    pub sku: SkuId,
    /// The lot.
    pub lot: LotId,
    /// Base units.
    pub qty: i64,
}

/// Who received the goods, and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofOfDelivery {
    /// The receiver's name.
    pub receiver: String,
    /// A signature reference.
    #[serde(default)]
    pub signature: Option<MediaRef>,
    /// A photo of the signed paper.
    #[serde(default)]
    pub paper_photo: Option<MediaRef>,
}

impl ProofOfDelivery {
    /// Checks a receiver is named and some evidence given.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        check_name("proof.receiver", &self.receiver)?;
        let media: Vec<MediaRef> = self
            .signature
            .iter()
            .chain(&self.paper_photo)
            .cloned()
            .collect();
        if media.is_empty() {
            return Err(Error::invalid(
                "proof",
                "a signature or a photo of the signed paper is required",
            ));
        }
        check_media("proof", &media)
    }
}

/// What went wrong at a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// The outlet refused the goods.
    Refused,
    /// The outlet took part of the goods.
    Partial,
    /// Goods were damaged.
    Damaged,
    /// The address was wrong.
    WrongAddress,
    /// The outlet was closed.
    OutletClosed,
}

/// A delivery exception with its reason and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryException {
    /// What.
    pub kind: ExceptionKind,
    /// The order, when it concerns one.
    #[serde(default)]
    pub order_id: Option<OrderId>,
    /// The line, when it concerns one.
    #[serde(default)]
    pub line_no: Option<u32>,
    /// Why.
    pub reason: String,
    /// Photos.
    #[serde(default)]
    pub photos: Vec<MediaRef>,
}

impl DeliveryException {
    /// Checks the reason and photos.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        check_name("exceptions.reason", &self.reason)?;
        check_text("exceptions.reason", &self.reason, MAX_SHORT_TEXT)?;
        check_media("exceptions.photos", &self.photos)
    }
}

/// What happened to one order line at a stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeliveredLine {
    /// The order.
    pub order_id: OrderId,
    /// The line.
    pub line_no: u32,
    /// The SKU.
    pub sku: SkuId,
    /// Delivered, base units.
    pub delivered: i64,
    /// Damaged and taken back, base units.
    pub damaged: i64,
    /// The lots delivered, first expiry first.
    pub lots: Vec<LotQty>,
}

/// A stop's delivery record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StopDelivery {
    /// Device time.
    pub at: DateTime<Utc>,
    /// Where the driver was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Proof of delivery (required when anything was delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofOfDelivery>,
    /// Every line of the stop's orders.
    pub lines: Vec<DeliveredLine>,
    /// Exceptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<DeliveryException>,
    /// Invoices created for what was delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoices: Vec<InvoiceId>,
    /// Cash on delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentId>,
}

/// One stop of a trip: an outlet and its orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TripStop {
    /// The outlet.
    pub outlet: OutletId,
    /// Its orders on this trip.
    pub orders: Vec<OrderId>,
    /// What happened, once reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<StopDelivery>,
}

/// One lot's reconciliation at load-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReconLine {
    /// The SKU.
    pub sku: SkuId,
    /// The lot.
    pub lot: LotId,
    /// Loaded at load-out.
    pub loaded: i64,
    /// Delivered at the stops.
    pub delivered: i64,
    /// Returned to the warehouse in good condition.
    pub returned: i64,
    /// Returned damaged (written off).
    pub damaged: i64,
    /// `delivered + returned + damaged − loaded`: negative when goods are missing (written
    /// off as a load-in variance).
    pub variance: i64,
}

/// A delivery trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Trip {
    /// Id.
    pub id: TripId,
    /// The driver.
    pub driver: StaffId,
    /// The vehicle (its van is a stock location).
    pub vehicle: VehicleId,
    /// The warehouse it loads at.
    pub warehouse: LocationId,
    /// The delivery date.
    pub date: NaiveDate,
    /// Where it is.
    pub status: TripStatus,
    /// The stops in visiting order.
    pub stops: Vec<TripStop>,
    /// What was loaded, per lot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loaded: Vec<LotLine>,
    /// The load-in reconciliation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reconciliation: Vec<ReconLine>,
}

impl Trip {
    /// The van location.
    pub fn van(&self) -> LocationId {
        LocationId::from(&self.vehicle)
    }

    /// Whether `order` is on the trip.
    pub fn carries(&self, order: &OrderId) -> bool {
        self.stops.iter().any(|s| s.orders.contains(order))
    }

    /// Base units delivered of one lot over all reported stops.
    pub fn delivered(&self, sku: &SkuId, lot: &LotId) -> i64 {
        self.stops
            .iter()
            .filter_map(|s| s.delivery.as_ref())
            .flat_map(|d| &d.lines)
            .filter(|l| &l.sku == sku)
            .flat_map(|l| &l.lots)
            .filter(|l| &l.lot == lot)
            .map(|l| l.qty)
            .sum()
    }
}
