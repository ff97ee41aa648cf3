//! Quantities: integers in a SKU's base unit (each), with pack conversions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The largest quantity one command may carry, in base units (10^12).
pub const MAX_QTY: i64 = 1_000_000_000_000;

/// Checks a caller-supplied quantity is in `1..=MAX_QTY`.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field` for zero, negative or huge quantities.
///
/// ```
/// use fmcg_core::quantity::check_positive;
/// assert!(check_positive("qty", 0).is_err());
/// assert_eq!(check_positive("qty", 24).unwrap(), 24);
/// ```
pub fn check_positive(field: &str, qty: i64) -> Result<i64> {
    if qty <= 0 {
        return Err(Error::invalid(
            field,
            format!("`{qty}` must be greater than zero"),
        ));
    }
    if qty > MAX_QTY {
        return Err(Error::invalid(field, format!("`{qty}` exceeds {MAX_QTY}")));
    }
    Ok(qty)
}

/// Checks a caller-supplied quantity is in `0..=MAX_QTY` (a count may be zero).
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn check_non_negative(field: &str, qty: i64) -> Result<i64> {
    if qty < 0 {
        return Err(Error::invalid(field, format!("`{qty}` is negative")));
    }
    if qty > MAX_QTY {
        return Err(Error::invalid(field, format!("`{qty}` exceeds {MAX_QTY}")));
    }
    Ok(qty)
}

/// A named pack of a SKU: `case` = 24 base units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Pack {
    /// Pack name, unique within the SKU (`case`, `inner`, `pallet`).
    pub name: String,
    /// Base units in one pack (≥ 2).
    pub units: i64,
}

/// A quantity as a caller writes it: a count, in base units or in a named pack.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct QtyInput {
    /// How many.
    pub qty: i64,
    /// The pack the count is in; base units when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
}

/// Converts `count` packs named `pack` (or base units when `None`) to base units.
///
/// # Errors
/// [`Error::InvalidInput`] for an unknown pack, a non-positive count, or overflow.
///
/// ```
/// use fmcg_core::quantity::{to_base_units, Pack};
/// let packs = [Pack { name: "case".into(), units: 24 }];
/// assert_eq!(to_base_units(&packs, 2, Some("case")).unwrap(), 48);
/// assert_eq!(to_base_units(&packs, 5, None).unwrap(), 5);
/// assert!(to_base_units(&packs, 1, Some("pallet")).is_err());
/// ```
pub fn to_base_units(packs: &[Pack], count: i64, pack: Option<&str>) -> Result<i64> {
    check_positive("qty", count)?;
    let units = match pack {
        None => 1,
        Some(name) => {
            packs
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| Error::invalid("pack", format!("unknown pack `{name}`")))?
                .units
        }
    };
    let base = count
        .checked_mul(units)
        .ok_or_else(|| Error::overflow("qty"))?;
    check_positive("qty", base)
}

/// Splits a base-unit quantity into whole packs of `units` and the remainder.
///
/// ```
/// assert_eq!(fmcg_core::quantity::split_packs(50, 24), (2, 2));
/// ```
pub fn split_packs(qty: i64, units: i64) -> (i64, i64) {
    if units <= 0 {
        return (0, qty);
    }
    (qty.div_euclid(units), qty.rem_euclid(units))
}
