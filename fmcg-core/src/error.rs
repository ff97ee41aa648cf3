//! The one error type of the engine, and its stable kinds.
//!
//! Every mistake a caller can make is an [`Error`]; hosts match on [`Error::kind`] (a small
//! `Copy` enum) and read the variant's fields. Both spellings of a kind — the serde tag
//! `"insufficient_stock"` and the host code `"INSUFFICIENT_STOCK"` — come from the table in
//! [`ErrorKind`], so the Python exception classes, the JS `code` strings and the JSON form
//! never drift apart.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// A result whose error is the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of thing an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Entity {
    /// A stock-keeping unit.
    Sku,
    /// A price list.
    PriceList,
    /// A promotion.
    Promotion,
    /// A price for a SKU (no price list has it).
    Price,
    /// A retail outlet (customer).
    Outlet,
    /// A staff member.
    Staff,
    /// A warehouse.
    Warehouse,
    /// A vehicle (its van is a stock location).
    Vehicle,
    /// A supplier.
    Supplier,
    /// A territory.
    Territory,
    /// A stock location (warehouse or van).
    Location,
    /// A lot of a SKU.
    Lot,
    /// A stock transfer, adjustment or write-off document.
    StockDocument,
    /// A sales order.
    Order,
    /// A purchase order.
    PurchaseOrder,
    /// A goods receipt.
    Receipt,
    /// A return to a supplier.
    SupplierReturn,
    /// An invoice.
    Invoice,
    /// A credit note.
    CreditNote,
    /// A payment.
    Payment,
    /// A visit to an outlet.
    Visit,
    /// A rep's or driver's planned working day.
    WorkDay,
    /// A route change request.
    RouteChange,
    /// Outlet feedback or a complaint.
    Feedback,
    /// A delivery trip.
    Trip,
    /// A stop of a delivery trip.
    TripStop,
    /// An end-of-day cash settlement.
    Settlement,
    /// An expense claim or daily report.
    Submission,
    /// A command (by its `command_id`).
    Command,
    /// An event sequence number.
    Event,
}

impl Entity {
    /// The entity's name as it appears in messages (`"purchase order"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Sku => "sku",
            Entity::PriceList => "price list",
            Entity::Promotion => "promotion",
            Entity::Price => "price",
            Entity::Outlet => "outlet",
            Entity::Staff => "staff member",
            Entity::Warehouse => "warehouse",
            Entity::Vehicle => "vehicle",
            Entity::Supplier => "supplier",
            Entity::Territory => "territory",
            Entity::Location => "location",
            Entity::Lot => "lot",
            Entity::StockDocument => "stock document",
            Entity::Order => "order",
            Entity::PurchaseOrder => "purchase order",
            Entity::Receipt => "receipt",
            Entity::SupplierReturn => "supplier return",
            Entity::Invoice => "invoice",
            Entity::CreditNote => "credit note",
            Entity::Payment => "payment",
            Entity::Visit => "visit",
            Entity::WorkDay => "work day",
            Entity::RouteChange => "route change request",
            Entity::Feedback => "feedback",
            Entity::Trip => "trip",
            Entity::TripStop => "trip stop",
            Entity::Settlement => "cash settlement",
            Entity::Submission => "submission",
            Entity::Command => "command",
            Entity::Event => "event",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong, with the facts as fields.
///
/// The JSON form is tagged by `kind`: `{"kind":"insufficient_stock","sku":"COLA-330",...}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// A referenced entity does not exist.
    #[error("{entity} `{id}` not found")]
    NotFound {
        /// What was looked up.
        entity: Entity,
        /// The id or code that was not found.
        id: String,
    },
    /// An entity with this id, or a unique field such as a code, exists already.
    #[error("{entity} with {field} `{value}` already exists")]
    AlreadyExists {
        /// What kind of entity.
        entity: Entity,
        /// The unique field (`id`, `code`, `barcode`, ...).
        field: String,
        /// The duplicated value.
        value: String,
    },
    /// A value is malformed or out of range (negative quantity, NaN coordinate, bad JSON).
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending field (a dotted path where useful), or `json` for undecodable input.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// Not enough available (unreserved, unexpired) stock.
    #[error(
        "insufficient stock of `{sku}` at `{location}`: requested {requested}, available {available}"
    )]
    InsufficientStock {
        /// The SKU.
        sku: String,
        /// The stock location.
        location: String,
        /// Quantity asked for, in base units.
        requested: i64,
        /// Quantity available, in base units.
        available: i64,
    },
    /// The actor's roles or data scope do not allow the action.
    #[error("`{actor}` may not {action}: {reason}")]
    PermissionDenied {
        /// The acting staff member.
        actor: String,
        /// The action (`order.approve`, ...).
        action: String,
        /// Why (`no role grants it`, `outside data scope`, `self approval`, ...).
        reason: String,
    },
    /// The order would take the outlet over its credit limit and policy is to refuse.
    #[error(
        "credit limit of outlet `{outlet}` exceeded: exposure {exposure} over limit {credit_limit}"
    )]
    CreditLimitExceeded {
        /// The outlet.
        outlet: String,
        /// Its credit limit.
        credit_limit: Money,
        /// Open receivables plus this order.
        exposure: Money,
    },
    /// The request contradicts what is recorded (a reused `command_id` with other content,
    /// a lot received with a different expiry, ...).
    #[error("conflict: {reason}")]
    Conflict {
        /// What conflicts.
        reason: String,
    },
    /// The entity's status does not allow the operation (cancelling a delivered order, ...).
    #[error("{entity} `{id}` is {state}: cannot {operation}")]
    InvalidState {
        /// What kind of entity.
        entity: Entity,
        /// Its id.
        id: String,
        /// Its current status.
        state: String,
        /// What was attempted.
        operation: String,
    },
    /// Stored data (journal, snapshot) failed its checks.
    #[error("corrupt data at byte offset {offset}: {reason}")]
    Corrupt {
        /// Byte offset of the first bad byte or frame.
        offset: u64,
        /// What check failed.
        reason: String,
    },
    /// The operating system refused a file operation (journal only).
    #[error("i/o error: {reason}")]
    Io {
        /// The operating system's message.
        reason: String,
    },
}

/// The stable list of error kinds; bindings map these, and only these, to host errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::NotFound`].
    NotFound,
    /// See [`Error::AlreadyExists`].
    AlreadyExists,
    /// See [`Error::InvalidInput`].
    InvalidInput,
    /// See [`Error::InsufficientStock`].
    InsufficientStock,
    /// See [`Error::PermissionDenied`].
    PermissionDenied,
    /// See [`Error::CreditLimitExceeded`].
    CreditLimitExceeded,
    /// See [`Error::Conflict`].
    Conflict,
    /// See [`Error::InvalidState`].
    InvalidState,
    /// See [`Error::Corrupt`].
    Corrupt,
    /// See [`Error::Io`].
    Io,
}

impl ErrorKind {
    /// Every kind, in a stable order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::NotFound,
        ErrorKind::AlreadyExists,
        ErrorKind::InvalidInput,
        ErrorKind::InsufficientStock,
        ErrorKind::PermissionDenied,
        ErrorKind::CreditLimitExceeded,
        ErrorKind::Conflict,
        ErrorKind::InvalidState,
        ErrorKind::Corrupt,
        ErrorKind::Io,
    ];

    /// The one table of spellings: (serde tag, host code, host class name).
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ErrorKind::NotFound => ("not_found", "NOT_FOUND", "NotFound"),
            ErrorKind::AlreadyExists => ("already_exists", "ALREADY_EXISTS", "AlreadyExists"),
            ErrorKind::InvalidInput => ("invalid_input", "INVALID_INPUT", "InvalidInput"),
            ErrorKind::InsufficientStock => (
                "insufficient_stock",
                "INSUFFICIENT_STOCK",
                "InsufficientStock",
            ),
            ErrorKind::PermissionDenied => {
                ("permission_denied", "PERMISSION_DENIED", "PermissionDenied")
            }
            ErrorKind::CreditLimitExceeded => (
                "credit_limit_exceeded",
                "CREDIT_LIMIT_EXCEEDED",
                "CreditLimitExceeded",
            ),
            ErrorKind::Conflict => ("conflict", "CONFLICT", "Conflict"),
            ErrorKind::InvalidState => ("invalid_state", "INVALID_STATE", "InvalidState"),
            ErrorKind::Corrupt => ("corrupt", "CORRUPT", "Corrupt"),
            ErrorKind::Io => ("io", "IO", "Io"),
        }
    }

    /// The serde tag: `"insufficient_stock"`.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// The host error code: `"INSUFFICIENT_STOCK"`.
    pub fn code(self) -> &'static str {
        self.names().1
    }

    /// The host exception class name: `"InsufficientStock"`.
    pub fn class_name(self) -> &'static str {
        self.names().2
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::AlreadyExists { .. } => ErrorKind::AlreadyExists,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::InsufficientStock { .. } => ErrorKind::InsufficientStock,
            Error::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Error::CreditLimitExceeded { .. } => ErrorKind::CreditLimitExceeded,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::InvalidState { .. } => ErrorKind::InvalidState,
            Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// The host error code, shorthand for `self.kind().code()`.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The JSON form with a `message` added: what hosts attach to their error objects.
    ///
    /// ```
    /// let e = fmcg_core::Error::invalid("qty", "must be positive");
    /// let v = e.to_json();
    /// assert_eq!(v["kind"], "invalid_input");
    /// assert_eq!(v["message"], "invalid qty: must be positive");
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(map) = value.as_object_mut() {
            map.insert("message".into(), self.to_string().into());
        }
        value
    }

    /// The offending field of an [`Error::InvalidInput`] (`None` for other kinds).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(entity: Entity, id: impl fmt::Display) -> Error {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// Shorthand for [`Error::AlreadyExists`] on the `id` field.
    pub fn exists(entity: Entity, id: impl fmt::Display) -> Error {
        Error::AlreadyExists {
            entity,
            field: "id".into(),
            value: id.to_string(),
        }
    }

    /// Shorthand for [`Error::Conflict`].
    pub fn conflict(reason: impl Into<String>) -> Error {
        Error::Conflict {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::InvalidState`].
    pub fn state(
        entity: Entity,
        id: impl fmt::Display,
        state: impl fmt::Display,
        operation: impl Into<String>,
    ) -> Error {
        Error::InvalidState {
            entity,
            id: id.to_string(),
            state: state.to_string(),
            operation: operation.into(),
        }
    }

    /// An [`Error::InvalidInput`] for undecodable JSON.
    pub fn json(err: &serde_json::Error) -> Error {
        Error::invalid("json", err.to_string())
    }

    /// The arithmetic overflow error: amounts and quantities have bounds.
    pub fn overflow(field: impl Into<String>) -> Error {
        Error::invalid(field, "value too large")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_distinct_spellings_matching_serde() {
        let samples = [
            Error::not_found(Entity::Sku, "X"),
            Error::exists(Entity::Sku, "X"),
            Error::invalid("qty", "must be positive"),
            Error::InsufficientStock {
                sku: "S".into(),
                location: "W".into(),
                requested: 2,
                available: 1,
            },
            Error::PermissionDenied {
                actor: "a".into(),
                action: "b".into(),
                reason: "c".into(),
            },
            Error::CreditLimitExceeded {
                outlet: "o".into(),
                credit_limit: Money::ZERO,
                exposure: Money::ZERO,
            },
            Error::conflict("x"),
            Error::state(Entity::Order, "o", "cancelled", "approve"),
            Error::Corrupt {
                offset: 3,
                reason: "crc".into(),
            },
            Error::Io {
                reason: "disk".into(),
            },
        ];
        for (e, kind) in samples.iter().zip(ErrorKind::ALL) {
            assert_eq!(e.kind(), kind);
            let v = serde_json::to_value(e).unwrap();
            assert_eq!(v["kind"], kind.as_str());
            assert_eq!(kind.code(), kind.as_str().to_uppercase());
            assert_eq!(
                kind.class_name().to_lowercase(),
                kind.as_str().replace('_', "")
            );
            let back: Error = serde_json::from_value(v).unwrap();
            assert_eq!(&back, e);
        }
    }

    #[test]
    fn messages_are_lowercase_and_quote_user_input() {
        let e = Error::not_found(Entity::PurchaseOrder, "PO-1");
        assert_eq!(e.to_string(), "purchase order `PO-1` not found");
    }
}
