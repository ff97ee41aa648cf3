//! Query results as columns: the shape Arrow (Python), typed arrays (JS) and data frames
//! want, so hosts never assemble tables row by row.
//!
//! ```
//! use fmcg_core::engine::query::{QueryResult, StockRow};
//! use fmcg_core::table::Column;
//! let result = QueryResult::Stock { rows: vec![StockRow {
//!     location: "W1".parse().unwrap(), sku: "COLA".parse().unwrap(), lot: "L1".parse().unwrap(),
//!     expiry: None, on_hand: 10, reserved: 4, available: 6 }] };
//! let table = result.to_table().unwrap();
//! assert_eq!(table.len(), 1);
//! assert_eq!(table.column("available"), Some(&Column::Int(vec![6])));
//! ```

use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::query::QueryResult;
use crate::error::{Error, Result};
use crate::money::Money;

/// One column of a [`Table`]: values all of one type. Serializes as the plain array.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Column {
    /// Text (ids, names, statuses); `None` where the record has no value.
    Text(Vec<Option<String>>),
    /// Whole numbers: quantities, counts, sequence numbers.
    Int(Vec<i64>),
    /// Calendar days; `None` where the record has no date.
    Date(Vec<Option<NaiveDate>>),
    /// Amounts of money.
    Money(Vec<Money>),
}

impl Column {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Money(v) => v.len(),
        }
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named columns of equal length. Serializes as one object, `{"sku": [...], ...}`, in
/// column order: what a JS host hands to a data-frame library.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns, in order.
    pub columns: Vec<(&'static str, Column)>,
}

impl Serialize for Table {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.columns.len()))?;
        for (name, column) in &self.columns {
            map.serialize_entry(name, column)?;
        }
        map.end()
    }
}

impl Table {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c)
    }
}

fn text<T: ToString>(rows: impl Iterator<Item = T>) -> Column {
    Column::Text(rows.map(|v| Some(v.to_string())).collect())
}

fn opt_text<T: ToString>(rows: impl Iterator<Item = Option<T>>) -> Column {
    Column::Text(rows.map(|v| v.map(|v| v.to_string())).collect())
}

fn int(rows: impl Iterator<Item = i64>) -> Column {
    Column::Int(rows.collect())
}

fn money(rows: impl Iterator<Item = Money>) -> Column {
    Column::Money(rows.collect())
}

fn date(rows: impl Iterator<Item = Option<NaiveDate>>) -> Column {
    Column::Date(rows.collect())
}

impl QueryResult {
    /// The result as columns, for the list queries whose rows are flat records: `stock`,
    /// `stock_moves`, `orders` (one row per order), `invoices` and `aging`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `query`) for a result that is not such a list.
    pub fn to_table(&self) -> Result<Table> {
        let columns = match self {
            QueryResult::Stock { rows } => vec![
                ("location", text(rows.iter().map(|r| &r.location))),
                ("sku", text(rows.iter().map(|r| &r.sku))),
                ("lot", text(rows.iter().map(|r| &r.lot))),
                ("expiry", date(rows.iter().map(|r| r.expiry))),
                ("on_hand", int(rows.iter().map(|r| r.on_hand))),
                ("reserved", int(rows.iter().map(|r| r.reserved))),
                ("available", int(rows.iter().map(|r| r.available))),
            ],
            QueryResult::StockMoves { rows } => vec![
                (
                    "seq",
                    int(rows
                        .iter()
                        .map(|r| i64::try_from(r.seq).unwrap_or(i64::MAX))),
                ),
                (
                    "kind",
                    text(rows.iter().map(|r| kind_name(r.stock_move.kind))),
                ),
                (
                    "location",
                    text(rows.iter().map(|r| &r.stock_move.location)),
                ),
                ("sku", text(rows.iter().map(|r| &r.stock_move.sku))),
                ("lot", text(rows.iter().map(|r| &r.stock_move.lot))),
                ("delta", int(rows.iter().map(|r| r.stock_move.delta))),
            ],
            QueryResult::Orders { rows, .. } => vec![
                ("id", text(rows.iter().map(|o| &o.id))),
                ("outlet", text(rows.iter().map(|o| &o.outlet))),
                ("rep", opt_text(rows.iter().map(|o| o.rep.as_ref()))),
                ("status", text(rows.iter().map(|o| o.status.as_str()))),
                ("order_date", date(rows.iter().map(|o| Some(o.order_date)))),
                ("lines", int(rows.iter().map(|o| o.lines.len() as i64))),
                ("net_amount", money(rows.iter().map(|o| o.net_amount))),
                ("tax_amount", money(rows.iter().map(|o| o.tax_amount))),
                ("total", money(rows.iter().map(|o| o.total))),
            ],
            QueryResult::Invoices { rows, .. } => vec![
                ("id", text(rows.iter().map(|i| &i.id))),
                ("outlet", text(rows.iter().map(|i| &i.outlet))),
                ("order", opt_text(rows.iter().map(|i| i.order.as_ref()))),
                ("issue_date", date(rows.iter().map(|i| Some(i.issue_date)))),
                ("due_date", date(rows.iter().map(|i| Some(i.due_date)))),
                ("amount", money(rows.iter().map(|i| i.amount))),
                ("credited", money(rows.iter().map(|i| i.credited))),
                ("paid", money(rows.iter().map(|i| i.paid))),
                (
                    "balance",
                    money(rows.iter().map(crate::finance::Invoice::balance)),
                ),
            ],
            QueryResult::Aging { rows, .. } => vec![
                ("outlet", text(rows.iter().map(|r| &r.outlet))),
                ("current", money(rows.iter().map(|r| r.buckets.current))),
                ("days_1_30", money(rows.iter().map(|r| r.buckets.days_1_30))),
                (
                    "days_31_60",
                    money(rows.iter().map(|r| r.buckets.days_31_60)),
                ),
                (
                    "days_61_90",
                    money(rows.iter().map(|r| r.buckets.days_61_90)),
                ),
                ("over_90", money(rows.iter().map(|r| r.buckets.over_90))),
                ("total", money(rows.iter().map(|r| r.total))),
            ],
            _ => {
                return Err(Error::invalid(
                    "query",
                    "has no table form (use stock, stock_moves, orders, invoices or aging)",
                ));
            }
        };
        Ok(Table { columns })
    }
}

fn kind_name(kind: crate::inventory::MoveKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
