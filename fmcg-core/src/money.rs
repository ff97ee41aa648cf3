//! Exact money and rates over `rust_decimal::Decimal`.
//!
//! All rounding happens here, half-even to the currency's minor unit ([`MINOR_UNITS`]).
//! Arithmetic is checked: `Decimal`'s operators panic on overflow, ours return
//! [`Error::InvalidInput`]. In JSON, money and rates are **strings** (`"12.50"`), never
//! floats; a JSON number is refused.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Digits after the decimal point of the currency (cents).
pub const MINOR_UNITS: u32 = 2;

/// The largest amount a command may carry (10^15), far inside `Decimal`'s range so that
/// sums and products of valid inputs cannot overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The most decimal places a price may carry.
pub const MAX_PRICE_SCALE: u32 = 6;

const PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// An exact amount of money in the distributor's currency.
///
/// ```
/// use fmcg_core::Money;
/// let price: Money = "1.005".parse().unwrap();
/// let line = price.checked_mul_qty(3).unwrap(); // 3.015
/// assert_eq!(line.round().to_string(), "3.02"); // half-even at the cent
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(transparent)]
pub struct Money(Decimal);

/// The newtype-struct name [`Money`] serializes under. JSON and JS serializers ignore it
/// (the value is a decimal string); a host serializer may use it to produce its native
/// decimal type (Python's `decimal.Decimal`).
pub const MONEY_TOKEN: &str = "fmcg::Money";

/// The newtype-struct name [`Rate`] serializes under (see [`MONEY_TOKEN`]).
pub const RATE_TOKEN: &str = "fmcg::Rate";

/// A decimal serialized as its plain string form, without allocating.
struct AsStr(Decimal);

impl Serialize for AsStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(MONEY_TOKEN, &AsStr(self.0))
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(RATE_TOKEN, &AsStr(self.0))
    }
}

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl Money {
    /// Digits after the decimal point as written (`"3.333"` has 3).
    pub fn scale(self) -> u32 {
        self.0.scale()
    }

    /// Zero.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, MINOR_UNITS));

    /// Wraps a decimal.
    pub const fn new(amount: Decimal) -> Money {
        Money(amount)
    }

    /// The decimal value.
    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// Rounds half-even to the minor unit.
    #[must_use]
    pub fn round(self) -> Money {
        let mut d = self
            .0
            .round_dp_with_strategy(MINOR_UNITS, RoundingStrategy::MidpointNearestEven);
        d.rescale(MINOR_UNITS);
        Money(d)
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or_else(|| Error::overflow("amount"))
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or_else(|| Error::overflow("amount"))
    }

    /// `self × qty`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn checked_mul_qty(self, qty: i64) -> Result<Money> {
        self.0
            .checked_mul(Decimal::from(qty))
            .map(Money)
            .ok_or_else(|| Error::overflow("amount"))
    }

    /// `self × rate` (not rounded).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn checked_mul_rate(self, rate: Rate) -> Result<Money> {
        self.0
            .checked_mul(rate.0)
            .map(Money)
            .ok_or_else(|| Error::overflow("amount"))
    }

    /// `self / qty` (not rounded); `None` for a zero divisor.
    pub fn checked_div_qty(self, qty: i64) -> Option<Money> {
        self.0.checked_div(Decimal::from(qty)).map(Money)
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is above zero.
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// Checks an amount a caller supplied: not negative (or strictly positive when
    /// `positive`), at most [`MAX_AMOUNT`], at most [`MAX_PRICE_SCALE`] decimals.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field`.
    pub fn check(self, field: &str, positive: bool) -> Result<Money> {
        if self.is_negative() {
            return Err(Error::invalid(field, format!("`{self}` is negative")));
        }
        if positive && self.is_zero() {
            return Err(Error::invalid(field, "must be greater than zero"));
        }
        if self.0 > MAX_AMOUNT {
            return Err(Error::invalid(
                field,
                format!("`{self}` exceeds {MAX_AMOUNT}"),
            ));
        }
        if self.0.scale() > MAX_PRICE_SCALE {
            return Err(Error::invalid(
                field,
                format!("`{self}` has more than {MAX_PRICE_SCALE} decimal places"),
            ));
        }
        Ok(self)
    }

    /// Checks a caller-supplied amount of money (not a unit price): like [`Money::check`],
    /// and in whole minor units (cents).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field`.
    pub fn check_cents(self, field: &str, positive: bool) -> Result<Money> {
        self.check(field, positive)?;
        if self.0.scale() > MINOR_UNITS && self.round() != self {
            return Err(Error::invalid(
                field,
                format!("`{self}` has more than {MINOR_UNITS} decimal places"),
            ));
        }
        Ok(self.round())
    }

    /// Sums amounts, checked.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl FromStr for Money {
    type Err = Error;
    fn from_str(s: &str) -> Result<Money> {
        Decimal::from_str_exact(s)
            .map(Money)
            .map_err(|e| Error::invalid("amount", format!("`{s}`: {e}")))
    }
}

impl From<Decimal> for Money {
    fn from(d: Decimal) -> Money {
        Money(d)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": PATTERN,
            "description": "Exact decimal amount as a string, e.g. \"12.50\"",
        })
    }
}

/// A dimensionless decimal rate: a tax rate or a discount as a fraction (`"0.13"` = 13 %).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize)]
#[serde(transparent)]
pub struct Rate(Decimal);

impl Rate {
    /// Zero.
    pub const ZERO: Rate = Rate(Decimal::ZERO);
    /// One (100 %).
    pub const ONE: Rate = Rate(Decimal::ONE);

    /// Wraps a decimal.
    pub const fn new(value: Decimal) -> Rate {
        Rate(value)
    }

    /// The decimal value.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Checks a fraction a caller supplied lies in `[0, 1]`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `field`.
    pub fn check_fraction(self, field: &str) -> Result<Rate> {
        if self.0 < Decimal::ZERO || self.0 > Decimal::ONE {
            return Err(Error::invalid(
                field,
                format!("`{}` is not between 0 and 1", self.0),
            ));
        }
        if self.0.scale() > 10 {
            return Err(Error::invalid(field, "more than 10 decimal places"));
        }
        Ok(self)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({})", self.0)
    }
}

impl FromStr for Rate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Rate> {
        Decimal::from_str_exact(s)
            .map(Rate)
            .map_err(|e| Error::invalid("rate", format!("`{s}`: {e}")))
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": PATTERN,
            "description": "Decimal fraction as a string, e.g. \"0.13\" for 13 %",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_is_half_even_at_the_cent() {
        assert_eq!(m("0.125").round(), m("0.12"));
        assert_eq!(m("0.135").round(), m("0.14"));
        assert_eq!(m("2").round().to_string(), "2.00");
    }

    #[test]
    fn json_numbers_are_refused_strings_accepted() {
        assert!(serde_json::from_str::<Money>("12.5").is_err());
        assert_eq!(
            serde_json::from_str::<Money>("\"12.5\"").unwrap(),
            m("12.5")
        );
        assert!(serde_json::from_str::<Money>("\"NaN\"").is_err());
        assert!(serde_json::from_str::<Money>("\"1e400\"").is_err());
    }

    #[test]
    fn max_amount_is_ten_to_the_fifteen() {
        assert_eq!(MAX_AMOUNT, Decimal::from(1_000_000_000_000_000_i64));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Money::new(Decimal::MAX);
        assert!(big.checked_add(big).is_err());
        assert!(big.checked_mul_qty(2).is_err());
    }

    #[test]
    fn checks_refuse_negative_huge_and_overprecise_amounts() {
        assert!(m("-1").check("price", false).is_err());
        assert!(m("0").check("price", true).is_err());
        assert!(m("1000000000000001").check("price", false).is_err());
        assert!(m("0.0000001").check("price", false).is_err());
        assert!(m("9.99").check("price", true).is_ok());
    }
}
