//! Identifier newtypes.
//!
//! The engine never invents ids: callers pass them (a phone creates an order id offline).
//! Every id is a short string, checked once when it is made — non-empty, at most
//! [`MAX_ID_LEN`] bytes, no control characters, no surrounding white space — so an
//! `OutletId` cannot be passed where a `SkuId` is expected and a 1 MB string never gets in.

use std::borrow::Borrow;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// Checks the rules shared by every id.
fn check(kind: &str, s: &str) -> Result<(), Error> {
    if s.is_empty() {
        return Err(Error::invalid(kind, "must not be empty"));
    }
    if s.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            kind,
            format!("longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(kind, "contains a control character"));
    }
    if s.trim() != s {
        return Err(Error::invalid(kind, "has leading or trailing white space"));
    }
    Ok(())
}

/// Byte-wise lexicographic order, the same as `str`'s, eight bytes at a time. Ids are short
/// and compared constantly (every map of the state is keyed by them); this avoids a
/// `memcmp` call per comparison.
#[inline]
fn cmp_bytes(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while let (Some((x, ra)), Some((y, rb))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        let (x, y) = (u64::from_be_bytes(*x), u64::from_be_bytes(*y));
        if x != y {
            return x.cmp(&y);
        }
        (a, b) = (ra, rb);
    }
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Byte-wise equality, eight bytes at a time.
#[inline]
fn eq_bytes(mut a: &[u8], mut b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    while let (Some((x, ra)), Some((y, rb))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if x != y {
            return false;
        }
        (a, b) = (ra, rb);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

macro_rules! id {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(CompactString);

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.0.as_str().hash(state);
            }
        }

        // Same order and equality as the id's `str` (so `Borrow<str>` look-ups agree), only
        // faster for short strings.
        impl PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                eq_bytes(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> Ordering {
                cmp_bytes(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl $name {
            /// Makes the id, checking the shared id rules.
            ///
            /// # Errors
            /// [`Error::InvalidInput`] when empty, too long, or containing control characters.
            pub fn new(s: impl AsRef<str>) -> Result<Self, Error> {
                let s = s.as_ref();
                check($field, s)?;
                Ok(Self(CompactString::from(s)))
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = CompactString::deserialize(d)?;
                check($field, &s).map_err(serde::de::Error::custom)?;
                Ok(Self(s))
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_ID_LEN,
                    "description": concat!("Identifier (", $field, ")"),
                })
            }
        }
    };
}

id!(
    /// A stock-keeping unit.
    SkuId, "sku_id"
);
id!(
    /// A lot (batch) number of one SKU; unique per SKU.
    LotId, "lot_id"
);
id!(
    /// A price list.
    PriceListId, "price_list_id"
);
id!(
    /// A promotion.
    PromotionId, "promotion_id"
);
id!(
    /// A retail outlet (customer).
    OutletId, "outlet_id"
);
id!(
    /// A staff member; every command runs as one.
    StaffId, "staff_id"
);
id!(
    /// A sales territory.
    TerritoryId, "territory_id"
);
id!(
    /// A warehouse; it is also a stock location with the same id.
    WarehouseId, "warehouse_id"
);
id!(
    /// A vehicle; its van is a stock location with the same id.
    VehicleId, "vehicle_id"
);
id!(
    /// A place that holds stock: a warehouse or a van.
    LocationId, "location_id"
);
id!(
    /// A supplier.
    SupplierId, "supplier_id"
);
id!(
    /// A sales order.
    OrderId, "order_id"
);
id!(
    /// A purchase order.
    PurchaseOrderId, "purchase_order_id"
);
id!(
    /// A goods receipt against a purchase order.
    ReceiptId, "receipt_id"
);
id!(
    /// A return of goods to a supplier.
    SupplierReturnId, "return_id"
);
id!(
    /// A stock document: a transfer, count adjustment or write-off.
    StockDocId, "document_id"
);
id!(
    /// An invoice.
    InvoiceId, "invoice_id"
);
id!(
    /// A credit note.
    CreditNoteId, "credit_note_id"
);
id!(
    /// A payment received from an outlet.
    PaymentId, "payment_id"
);
id!(
    /// A visit to an outlet (from check-in to check-out).
    VisitId, "visit_id"
);
id!(
    /// A request to change a day's visit route.
    RouteChangeId, "request_id"
);
id!(
    /// A piece of outlet feedback or a complaint.
    FeedbackId, "feedback_id"
);
id!(
    /// A delivery trip.
    TripId, "trip_id"
);
id!(
    /// An end-of-day cash settlement.
    SettlementId, "settlement_id"
);
id!(
    /// An expense claim or daily report awaiting approval.
    SubmissionId, "submission_id"
);
id!(
    /// A command, generated by the client; globally unique.
    CommandId, "command_id"
);
id!(
    /// The device a command was recorded on.
    DeviceId, "device_id"
);

impl From<&WarehouseId> for LocationId {
    fn from(w: &WarehouseId) -> Self {
        LocationId(w.0.clone())
    }
}

impl From<&VehicleId> for LocationId {
    fn from(v: &VehicleId) -> Self {
        LocationId(v.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn id_order_and_equality_are_those_of_str(a in "[a-c0-9\\-]{1,40}", b in "[a-c0-9\\-]{1,40}", cut in 0usize..40) {
            // Also a shared prefix of every length, where the chunked compare must agree too.
            let b2: String = a.chars().take(cut).chain(b.chars()).collect();
            for b in [b.as_str(), b2.as_str(), a.as_str()] {
                let (x, y) = (SkuId::new(&a).unwrap(), SkuId::new(b).unwrap());
                prop_assert_eq!(x.cmp(&y), a.as_str().cmp(b));
                prop_assert_eq!(x == y, a == b);
            }
        }
    }

    #[test]
    fn an_empty_id_is_rejected() {
        assert!(SkuId::new("").is_err());
    }

    #[test]
    fn a_one_megabyte_id_is_rejected_by_serde_too() {
        let big = format!("\"{}\"", "x".repeat(1 << 20));
        let err = serde_json::from_str::<OutletId>(&big).unwrap_err();
        assert!(err.to_string().contains("longer than"));
    }

    #[test]
    fn control_characters_and_padding_are_rejected() {
        assert!(StaffId::new("a\u{0}b").is_err());
        assert!(StaffId::new(" a").is_err());
        assert!(StaffId::new("rep-1 张三").is_ok());
    }

    #[test]
    fn ids_serialize_as_plain_strings() {
        let id = OrderId::new("SO-1").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"SO-1\"");
        let back: OrderId = serde_json::from_str("\"SO-1\"").unwrap();
        assert_eq!(back, id);
    }
}
