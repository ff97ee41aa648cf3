//! Inventory: lots with expiry, stock levels per location × SKU × lot, immutable stock
//! moves, and FEFO allocation.
//!
//! Stock changes only through [`StockMove`]s. A command builds its moves in a
//! [`StockDraft`], which checks every move against the invariants (`on_hand ≥ 0`,
//! `0 ≤ reserved ≤ on_hand`) as if the earlier moves of the same command had happened; the
//! engine then applies the accepted moves with [`Inventory::apply`], which cannot fail.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{
    LocationId, LotId, OrderId, PurchaseOrderId, SkuId, StockDocId, SupplierReturnId, TripId,
};

/// Master data of one lot of a SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LotInfo {
    /// Last day the lot may be sold; from the next day it is expired and never allocated.
    pub expiry: NaiveDate,
}

/// Stock of one SKU lot at one location.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StockLevel {
    /// Physically present, in base units.
    pub on_hand: i64,
    /// Promised to orders, in base units (`0 ≤ reserved ≤ on_hand`).
    pub reserved: i64,
}

impl StockLevel {
    /// `on_hand − reserved`.
    pub fn available(self) -> i64 {
        self.on_hand.saturating_sub(self.reserved)
    }

    fn is_empty(self) -> bool {
        self.on_hand == 0 && self.reserved == 0
    }
}

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Goods received from a supplier (+on hand).
    Receipt,
    /// Stock promised to an order (+reserved).
    Reservation,
    /// A promise withdrawn (−reserved).
    Release,
    /// Leaving a location on a transfer (−on hand).
    TransferOut,
    /// Arriving at a location on a transfer (+on hand).
    TransferIn,
    /// Warehouse → van at the start of a trip (−on hand at the warehouse).
    LoadOut,
    /// Van → warehouse at the end of a trip (−on hand at the van).
    LoadIn,
    /// Issued to a customer on delivery (−on hand).
    DeliveryIssue,
    /// Returned by a customer (+on hand).
    CustomerReturn,
    /// Damaged or expired goods written off (−on hand).
    WriteOff,
    /// Correction after a physical count (± on hand).
    CountAdjustment,
    /// Goods sent back to a supplier (−on hand).
    SupplierReturn,
}

impl MoveKind {
    /// Whether the move changes `reserved` (else `on_hand`).
    pub fn is_reservation(self) -> bool {
        matches!(self, MoveKind::Reservation | MoveKind::Release)
    }

    /// The sign the move's delta must have: +1, −1, or 0 for either.
    pub fn sign(self) -> i8 {
        match self {
            MoveKind::Receipt
            | MoveKind::Reservation
            | MoveKind::TransferIn
            | MoveKind::CustomerReturn => 1,
            MoveKind::CountAdjustment => 0,
            MoveKind::LoadIn | MoveKind::LoadOut => 0,
            _ => -1,
        }
    }
}

/// The business document behind a move.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum MoveRef {
    /// A sales order.
    Order(OrderId),
    /// A purchase order (goods receipt).
    PurchaseOrder(PurchaseOrderId),
    /// A return to a supplier.
    SupplierReturn(SupplierReturnId),
    /// A transfer, count adjustment or write-off document.
    Document(StockDocId),
    /// A delivery trip (load-out, load-in, damage and variance write-offs).
    Trip(TripId),
    /// A document outside the reader's scope (in events pulled by a client replica).
    Withheld,
}

/// One immutable change to one counter of one SKU lot at one location.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct StockMove {
    /// Why.
    pub kind: MoveKind,
    /// Where.
    pub location: LocationId,
    /// Which SKU.
    pub sku: SkuId,
    /// Which lot.
    pub lot: LotId,
    /// Signed change of `on_hand` (or of `reserved` for reservations and releases), base
    /// units.
    pub delta: i64,
    /// The document behind it.
    pub reference: MoveRef,
}

impl StockMove {
    /// The move's effect on `on_hand`.
    pub fn on_hand_delta(&self) -> i64 {
        if self.kind.is_reservation() {
            0
        } else {
            self.delta
        }
    }

    /// The move's effect on `reserved`.
    pub fn reserved_delta(&self) -> i64 {
        if self.kind.is_reservation() {
            self.delta
        } else {
            0
        }
    }
}

/// A min/max replenishment rule for one SKU at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReorderLevel {
    /// Reorder when the stock position falls below this.
    pub min: i64,
    /// Order up to this.
    pub max: i64,
}

/// Lots, stock levels and replenishment rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Inventory {
    /// Lot master: expiry per SKU lot.
    pub lots: BTreeMap<SkuId, BTreeMap<LotId, LotInfo>>,
    /// Levels per location, SKU and lot; empty levels are dropped.
    pub levels: BTreeMap<LocationId, BTreeMap<SkuId, BTreeMap<LotId, StockLevel>>>,
    /// Min/max rules per location and SKU.
    pub reorder_levels: BTreeMap<LocationId, BTreeMap<SkuId, ReorderLevel>>,
}

impl Inventory {
    /// The level of one SKU lot at one location (zero when never stocked).
    pub fn level(&self, location: &LocationId, sku: &SkuId, lot: &LotId) -> StockLevel {
        self.levels
            .get(location)
            .and_then(|s| s.get(sku))
            .and_then(|l| l.get(lot))
            .copied()
            .unwrap_or_default()
    }

    /// The expiry of a lot, if the lot is known.
    pub fn expiry(&self, sku: &SkuId, lot: &LotId) -> Option<NaiveDate> {
        self.lots
            .get(sku)
            .and_then(|l| l.get(lot))
            .map(|l| l.expiry)
    }

    /// Total on hand / reserved of a SKU at a location, over all lots.
    pub fn total(&self, location: &LocationId, sku: &SkuId) -> StockLevel {
        self.levels
            .get(location)
            .and_then(|s| s.get(sku))
            .map_or_else(StockLevel::default, |l| {
                l.values().fold(StockLevel::default(), |acc, x| StockLevel {
                    on_hand: acc.on_hand.saturating_add(x.on_hand),
                    reserved: acc.reserved.saturating_add(x.reserved),
                })
            })
    }

    /// Applies an accepted move. Never fails: moves are checked by [`StockDraft::push`]
    /// before they become events; arithmetic saturates.
    pub fn apply(&mut self, m: &StockMove) {
        let lots = self
            .levels
            .entry(m.location.clone())
            .or_default()
            .entry(m.sku.clone())
            .or_default();
        let level = lots.entry(m.lot.clone()).or_default();
        level.on_hand = level.on_hand.saturating_add(m.on_hand_delta());
        level.reserved = level.reserved.saturating_add(m.reserved_delta());
        if level.is_empty() {
            lots.remove(&m.lot);
            if lots.is_empty()
                && let Some(skus) = self.levels.get_mut(&m.location)
            {
                skus.remove(&m.sku);
                if skus.is_empty() {
                    self.levels.remove(&m.location);
                }
            }
        }
    }
}

/// The moves of one command under construction, checked as they are added.
#[derive(Debug)]
pub struct StockDraft<'a> {
    base: &'a Inventory,
    delta: BTreeMap<(LocationId, SkuId), BTreeMap<LotId, StockLevel>>,
    moves: Vec<StockMove>,
}

fn add(a: StockLevel, b: StockLevel) -> StockLevel {
    StockLevel {
        on_hand: a.on_hand.saturating_add(b.on_hand),
        reserved: a.reserved.saturating_add(b.reserved),
    }
}

impl<'a> StockDraft<'a> {
    /// An empty draft over `base`.
    pub fn new(base: &'a Inventory) -> StockDraft<'a> {
        StockDraft {
            base,
            delta: BTreeMap::new(),
            moves: Vec::new(),
        }
    }

    /// The level as if the draft's moves had happened.
    pub fn level(&self, location: &LocationId, sku: &SkuId, lot: &LotId) -> StockLevel {
        let base = self.base.level(location, sku, lot);
        match self.delta_of(location, sku).and_then(|d| d.get(lot)) {
            Some(d) => add(base, *d),
            None => base,
        }
    }

    fn delta_of(&self, location: &LocationId, sku: &SkuId) -> Option<&BTreeMap<LotId, StockLevel>> {
        if self.delta.is_empty() {
            return None;
        }
        self.delta.get(&(location.clone(), sku.clone()))
    }

    /// Adds a move after checking it keeps `on_hand ≥ 0` and `0 ≤ reserved ≤ on_hand`.
    ///
    /// # Errors
    /// [`Error::InsufficientStock`] when it would take more than is available;
    /// [`Error::InvalidInput`] for a zero delta, a delta of the wrong sign, or releasing
    /// more than is reserved.
    pub fn push(&mut self, m: StockMove) -> Result<()> {
        let sign = m.kind.sign();
        if m.delta == 0 || (sign > 0 && m.delta < 0) || (sign < 0 && m.delta > 0) {
            return Err(Error::invalid(
                "qty",
                format!("`{}` is not a valid change", m.delta),
            ));
        }
        let before = self.level(&m.location, &m.sku, &m.lot);
        let after = StockLevel {
            on_hand: before
                .on_hand
                .checked_add(m.on_hand_delta())
                .ok_or_else(|| Error::overflow("qty"))?,
            reserved: before
                .reserved
                .checked_add(m.reserved_delta())
                .ok_or_else(|| Error::overflow("qty"))?,
        };
        if after.reserved < 0 {
            return Err(Error::invalid("qty", "releases more than is reserved"));
        }
        if after.on_hand < 0 || after.reserved > after.on_hand {
            return Err(Error::InsufficientStock {
                sku: m.sku.to_string(),
                location: m.location.to_string(),
                requested: m.delta.saturating_abs(),
                available: before.available(),
            });
        }
        let d = self
            .delta
            .entry((m.location.clone(), m.sku.clone()))
            .or_default()
            .entry(m.lot.clone())
            .or_default();
        *d = add(
            *d,
            StockLevel {
                on_hand: m.on_hand_delta(),
                reserved: m.reserved_delta(),
            },
        );
        self.moves.push(m);
        Ok(())
    }

    /// The lots of `sku` at `location` with stock, as (lot, expiry, level), in FEFO order:
    /// earliest expiry first, then lot id. Unknown expiry sorts last.
    pub fn lots(&self, location: &LocationId, sku: &SkuId) -> Vec<(&LotId, NaiveDate, StockLevel)> {
        let base = self.base.levels.get(location).and_then(|s| s.get(sku));
        let delta = self.delta_of(location, sku);
        let info = self.base.lots.get(sku);
        let expiry = |lot: &LotId| {
            info.and_then(|i| i.get(lot))
                .map_or(NaiveDate::MAX, |l| l.expiry)
        };
        let mut out: Vec<(&LotId, NaiveDate, StockLevel)> = Vec::new();
        for (lot, level) in base.into_iter().flatten() {
            let level = match delta.and_then(|d| d.get(lot)) {
                Some(d) => add(*level, *d),
                None => *level,
            };
            out.push((lot, expiry(lot), level));
        }
        for (lot, d) in delta.into_iter().flatten() {
            if base.is_none_or(|b| !b.contains_key(lot)) {
                out.push((lot, expiry(lot), *d));
            }
        }
        out.retain(|(_, _, l)| l.on_hand > 0);
        out.sort_unstable_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        out
    }

    /// Available, unexpired quantity of `sku` at `location` on day `on`.
    pub fn available(&self, location: &LocationId, sku: &SkuId, on: NaiveDate) -> i64 {
        self.lots(location, sku)
            .iter()
            .filter(|(_, expiry, _)| *expiry >= on)
            .map(|(_, _, l)| l.available())
            .fold(0, i64::saturating_add)
    }

    /// Plans taking `qty` of `sku` from `location` first-expiry-first-out, skipping lots
    /// expired on day `on`; returns (lot, qty) pairs. Nothing is moved.
    ///
    /// # Errors
    /// [`Error::InsufficientStock`] when unexpired available stock is short.
    pub fn fefo(
        &self,
        location: &LocationId,
        sku: &SkuId,
        qty: i64,
        on: NaiveDate,
    ) -> Result<Vec<(LotId, i64)>> {
        let plan = self.fefo_upto(location, sku, qty, on);
        let planned: i64 = plan.iter().map(|(_, q)| q).sum();
        if planned < qty {
            return Err(Error::InsufficientStock {
                sku: sku.to_string(),
                location: location.to_string(),
                requested: qty,
                available: planned,
            });
        }
        Ok(plan)
    }

    /// Like [`StockDraft::fefo`], but takes what is available up to `qty` instead of
    /// failing: the plan may fall short, or be empty.
    pub fn fefo_upto(
        &self,
        location: &LocationId,
        sku: &SkuId,
        qty: i64,
        on: NaiveDate,
    ) -> Vec<(LotId, i64)> {
        let mut left = qty;
        let mut plan = Vec::new();
        for (lot, expiry, level) in self.lots(location, sku) {
            if left <= 0 {
                break;
            }
            if expiry < on || level.available() <= 0 {
                continue;
            }
            let take = left.min(level.available());
            plan.push((lot.clone(), take));
            left -= take;
        }
        plan
    }

    /// The moves added so far.
    pub fn moves(&self) -> &[StockMove] {
        &self.moves
    }

    /// The accepted moves, in order.
    pub fn into_moves(self) -> Vec<StockMove> {
        self.moves
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id<T: std::str::FromStr>(s: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        s.parse().unwrap()
    }
    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn stocked() -> Inventory {
        let mut inv = Inventory::default();
        let sku: SkuId = id("S");
        for (lot, expiry, qty) in [
            ("L1", "2026-01-10", 5),
            ("L2", "2026-01-05", 5),
            ("L0", "2025-12-31", 100),
        ] {
            inv.lots.entry(sku.clone()).or_default().insert(
                id(lot),
                LotInfo {
                    expiry: date(expiry),
                },
            );
            inv.apply(&StockMove {
                kind: MoveKind::Receipt,
                location: id("W"),
                sku: sku.clone(),
                lot: id(lot),
                delta: qty,
                reference: MoveRef::Document(id("D")),
            });
        }
        inv
    }

    #[test]
    fn fefo_takes_the_earliest_expiry_and_never_an_expired_lot() {
        let inv = stocked();
        let draft = StockDraft::new(&inv);
        let plan = draft
            .fefo(&id("W"), &id("S"), 7, date("2026-01-01"))
            .unwrap();
        assert_eq!(plan, vec![(id("L2"), 5), (id("L1"), 2)]);
        let err = draft
            .fefo(&id("W"), &id("S"), 11, date("2026-01-01"))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InsufficientStock { available: 10, .. }
        ));
    }

    #[test]
    fn a_draft_sees_its_own_moves() {
        let inv = stocked();
        let mut draft = StockDraft::new(&inv);
        let res = |qty| StockMove {
            kind: MoveKind::Reservation,
            location: id("W"),
            sku: id("S"),
            lot: id("L2"),
            delta: qty,
            reference: MoveRef::Document(id("D")),
        };
        draft.push(res(4)).unwrap();
        assert!(draft.push(res(2)).is_err());
        assert_eq!(draft.available(&id("W"), &id("S"), date("2026-01-01")), 6);
    }

    #[test]
    fn applying_a_move_back_to_zero_drops_the_level() {
        let mut inv = stocked();
        inv.apply(&StockMove {
            kind: MoveKind::WriteOff,
            location: id("W"),
            sku: id("S"),
            lot: id("L0"),
            delta: -100,
            reference: MoveRef::Document(id("D")),
        });
        assert_eq!(
            inv.levels[&id::<LocationId>("W")][&id::<SkuId>("S")].len(),
            2
        );
    }
}
