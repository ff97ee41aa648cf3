#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod access;
pub mod alerts;
pub mod catalog;
pub mod delivery;
pub mod engine;
pub mod error;
pub mod facility;
pub mod field;
pub mod finance;
pub mod geo;
pub mod ids;
pub mod inventory;
#[cfg(feature = "fs")]
pub mod journal;
pub mod money;
pub mod order;
pub mod outlet;
pub mod purchase;
pub mod quantity;
pub mod routing;
mod schema;
pub mod settlement;
pub mod staff;
pub mod sync;
pub mod table;
pub mod text;
pub mod tracking;

pub use access::{Action, Scope};
pub use catalog::{Catalog, Discount, LinePrice, PriceList, Promotion, PromotionRule, Sku, Tier};
pub use engine::command::{Command, Envelope, OrderInput, OrderLineInput};
pub use engine::event::{Event, EventRecord};
pub use engine::query::{Query, QueryResult};
pub use engine::state::{CreditPolicy, Settings, State};
pub use engine::{Commit, Engine, Outcome, OutcomeStatus, Prepared, Snapshot};
pub use error::{Entity, Error, ErrorKind, Result};
pub use facility::{Capacity, Supplier, Territory, Vehicle, Warehouse};
pub use finance::{AgingBuckets, CreditNote, Invoice, Payment, PaymentMethod};
pub use geo::{LatLon, Position};
pub use ids::*;
pub use inventory::{Inventory, MoveKind, StockLevel, StockMove};
#[cfg(feature = "fs")]
pub use journal::{FsyncPolicy, JournaledEngine, Recovery};
pub use money::{Money, Rate};
pub use order::{Order, OrderLine, OrderStatus};
pub use outlet::{Outlet, OutletClass, OutletEdit, OutletStatus, VisitFrequency};
pub use purchase::{PurchaseOrder, PurchaseStatus};
pub use schema::schema;
pub use staff::{Role, Staff};
pub use table::{Column, Table};
