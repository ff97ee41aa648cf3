//! The catalogue: SKUs, price lists and promotions, and the pure pricing of an order line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Entity, Error, Result};
use crate::ids::{PriceListId, PromotionId, SkuId};
use crate::money::{Money, Rate};
use crate::outlet::OutletClass;
use crate::quantity::{MAX_QTY, Pack};
use crate::text::{MAX_SHORT_TEXT, check_name, check_text};

/// A stock-keeping unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sku {
    /// Id.
    pub id: SkuId,
    /// Code, unique among SKUs.
    pub code: String,
    /// Name.
    pub name: String,
    /// Barcodes (EAN/UPC), each unique among SKUs.
    #[serde(default)]
    pub barcodes: Vec<String>,
    /// Brand.
    #[serde(default)]
    pub brand: String,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Name of the base unit quantities are counted in (`each`, `bottle`).
    #[serde(default = "each")]
    pub base_unit: String,
    /// Packs (`case` = 24 base units). A pack named `case` is what vehicle case
    /// capacity counts.
    #[serde(default)]
    pub packs: Vec<Pack>,
    /// Weight of one base unit in kilograms.
    #[serde(default)]
    pub weight_kg: f64,
    /// Volume of one base unit in cubic metres.
    #[serde(default)]
    pub volume_m3: f64,
    /// Total shelf life in days, for near-expiry thresholds.
    #[serde(default)]
    pub shelf_life_days: Option<u32>,
    /// Sales tax (VAT) rate as a fraction; prices are before tax.
    #[serde(default)]
    pub tax_rate: Rate,
    /// The lowest net unit price allowed without approval.
    #[serde(default)]
    pub floor_price: Option<Money>,
    /// Whether the SKU can be sold.
    #[serde(default = "yes")]
    pub active: bool,
    /// Outlet channels where the SKU must be on the shelf.
    #[serde(default)]
    pub must_stock_channels: Vec<String>,
}

fn each() -> String {
    "each".into()
}

fn yes() -> bool {
    true
}

impl Sku {
    /// Checks every field that does not need other entities.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_name("name", &self.name)?;
        check_name("base_unit", &self.base_unit)?;
        check_text("brand", &self.brand, MAX_SHORT_TEXT)?;
        check_text("category", &self.category, MAX_SHORT_TEXT)?;
        for b in &self.barcodes {
            check_name("barcodes", b)?;
        }
        for (i, p) in self.packs.iter().enumerate() {
            check_name("packs.name", &p.name)?;
            if !(2..=MAX_QTY).contains(&p.units) {
                return Err(Error::invalid(
                    "packs.units",
                    "a pack holds at least 2 base units",
                ));
            }
            if self.packs[..i].iter().any(|q| q.name == p.name) {
                return Err(Error::invalid(
                    "packs",
                    format!("pack `{}` is listed twice", p.name),
                ));
            }
        }
        for (name, v) in [("weight_kg", self.weight_kg), ("volume_m3", self.volume_m3)] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::invalid(name, format!("`{v}` is invalid")));
            }
        }
        if self.shelf_life_days == Some(0) {
            return Err(Error::invalid(
                "shelf_life_days",
                "must be at least one day",
            ));
        }
        self.tax_rate.check_fraction("tax_rate")?;
        if let Some(f) = self.floor_price {
            f.check("floor_price", false)?;
        }
        for c in &self.must_stock_channels {
            check_name("must_stock_channels", c)?;
        }
        Ok(())
    }

    /// Base units in a case: the pack named `case`, else 1.
    pub fn case_units(&self) -> i64 {
        self.packs
            .iter()
            .find(|p| p.name == "case")
            .map_or(1, |p| p.units)
    }
}

/// A price list, for a channel and/or outlet class, valid over a date range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceList {
    /// Id.
    pub id: PriceListId,
    /// Name.
    pub name: String,
    /// Channel it applies to; all channels when absent.
    #[serde(default)]
    pub channel: Option<String>,
    /// Outlet class it applies to; all classes when absent.
    #[serde(default)]
    pub outlet_class: Option<OutletClass>,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day; open-ended when absent.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Unit price (before tax) per SKU, per base unit.
    pub prices: BTreeMap<SkuId, Money>,
}

impl PriceList {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("name", &self.name)?;
        if let Some(c) = &self.channel {
            check_name("channel", c)?;
        }
        check_dates(self.valid_from, self.valid_to)?;
        for (sku, price) in &self.prices {
            price.check(&format!("prices.{sku}"), false)?;
        }
        Ok(())
    }

    fn applies(&self, ctx: &PricingContext<'_>) -> bool {
        in_dates(ctx.date, self.valid_from, self.valid_to)
            && self.channel.as_deref().is_none_or(|c| c == ctx.channel)
            && self.outlet_class.is_none_or(|c| c == ctx.class)
    }

    fn specificity(&self) -> u8 {
        u8::from(self.channel.is_some()) + u8::from(self.outlet_class.is_some())
    }
}

fn check_dates(from: NaiveDate, to: Option<NaiveDate>) -> Result<()> {
    match to {
        Some(to) if to < from => Err(Error::invalid("valid_to", "is before valid_from")),
        _ => Ok(()),
    }
}

fn in_dates(date: NaiveDate, from: NaiveDate, to: Option<NaiveDate>) -> bool {
    from <= date && to.is_none_or(|to| date <= to)
}

/// A discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Discount {
    /// A fraction off the line's gross amount.
    Percent {
        /// Fraction off (`"0.05"` = 5 %).
        rate: Rate,
    },
    /// A fixed amount off each base unit.
    AmountPerUnit {
        /// Amount off per unit.
        amount: Money,
    },
}

/// A quantity tier: from `min_qty` base units on a line, this discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tier {
    /// Minimum line quantity in base units.
    pub min_qty: i64,
    /// Discount at this tier.
    pub discount: Discount,
}

/// What a promotion gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PromotionRule {
    /// Discount tiers by line quantity; the highest tier reached applies.
    QuantityTiers {
        /// Tiers, by increasing `min_qty`.
        tiers: Vec<Tier>,
    },
    /// Buy `buy_qty`, get `free_qty` free (of `free_sku`, or the same SKU).
    BuyGet {
        /// Units to buy per reward.
        buy_qty: i64,
        /// Units given free per reward.
        free_qty: i64,
        /// The free SKU; the bought SKU when absent.
        #[serde(default)]
        free_sku: Option<SkuId>,
    },
}

/// A promotion over some SKUs, channels and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Promotion {
    /// Id.
    pub id: PromotionId,
    /// Name.
    pub name: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day; open-ended when absent.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Channels it applies to; all when empty.
    #[serde(default)]
    pub channels: Vec<String>,
    /// SKUs it applies to (at least one).
    pub skus: Vec<SkuId>,
    /// What it gives.
    pub rule: PromotionRule,
}

impl Promotion {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("name", &self.name)?;
        check_dates(self.valid_from, self.valid_to)?;
        if self.skus.is_empty() {
            return Err(Error::invalid("skus", "a promotion needs at least one sku"));
        }
        match &self.rule {
            PromotionRule::QuantityTiers { tiers } => {
                if tiers.is_empty() {
                    return Err(Error::invalid(
                        "rule.tiers",
                        "at least one tier is required",
                    ));
                }
                let mut last = 0;
                for t in tiers {
                    crate::quantity::check_positive("rule.tiers.min_qty", t.min_qty)?;
                    if t.min_qty <= last {
                        return Err(Error::invalid("rule.tiers", "min_qty must increase"));
                    }
                    last = t.min_qty;
                    match t.discount {
                        Discount::Percent { rate } => {
                            rate.check_fraction("rule.tiers.discount.rate")?;
                        }
                        Discount::AmountPerUnit { amount } => {
                            amount.check("rule.tiers.discount.amount", true)?;
                        }
                    }
                }
            }
            PromotionRule::BuyGet {
                buy_qty, free_qty, ..
            } => {
                crate::quantity::check_positive("rule.buy_qty", *buy_qty)?;
                crate::quantity::check_positive("rule.free_qty", *free_qty)?;
            }
        }
        Ok(())
    }

    fn applies(&self, sku: &SkuId, ctx: &PricingContext<'_>) -> bool {
        in_dates(ctx.date, self.valid_from, self.valid_to)
            && (self.channels.is_empty() || self.channels.iter().any(|c| c == ctx.channel))
            && self.skus.contains(sku)
    }
}

/// The catalogue: SKUs, price lists, promotions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Catalog {
    /// SKUs by id.
    pub skus: BTreeMap<SkuId, Sku>,
    /// Price lists by id.
    pub price_lists: BTreeMap<PriceListId, PriceList>,
    /// Promotions by id.
    pub promotions: BTreeMap<PromotionId, Promotion>,
}

/// Who is buying and when: what pricing depends on.
#[derive(Debug, Clone, Copy)]
pub struct PricingContext<'a> {
    /// The order's local date.
    pub date: NaiveDate,
    /// The outlet's channel.
    pub channel: &'a str,
    /// The outlet's class.
    pub class: OutletClass,
}

/// A priced line: all amounts rounded to the cent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LinePrice {
    /// Unit list price (per base unit, before tax).
    pub list_price: Money,
    /// The price list it came from; `None` for a negotiated (override) price.
    pub price_list: Option<PriceListId>,
    /// Discount on the line.
    pub discount: Money,
    /// The promotion behind the discount.
    pub promotion: Option<PromotionId>,
    /// Line amount after discount, before tax.
    pub net_amount: Money,
    /// Tax rate applied.
    pub tax_rate: Rate,
    /// Tax on the net amount.
    pub tax_amount: Money,
}

impl Catalog {
    /// The SKU, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn sku(&self, id: &SkuId) -> Result<&Sku> {
        self.skus
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Sku, id))
    }

    /// The unit list price of `sku` for this buyer and date: from the most specific valid
    /// price list that has the SKU (channel + class beats one of them beats neither; then
    /// the latest `valid_from`; then the smallest id).
    pub fn list_price(
        &self,
        sku: &SkuId,
        ctx: &PricingContext<'_>,
    ) -> Option<(&PriceListId, Money)> {
        let mut best: Option<(&PriceList, Money)> = None;
        for list in self.price_lists.values().filter(|l| l.applies(ctx)) {
            let Some(&price) = list.prices.get(sku) else {
                continue;
            };
            let better = best.is_none_or(|(b, _)| {
                (list.specificity(), list.valid_from) > (b.specificity(), b.valid_from)
            });
            if better {
                best = Some((list, price));
            }
        }
        best.map(|(l, p)| (&l.id, p))
    }

    /// Prices a line of `qty` base units: list price (or `override_price`, a negotiated unit
    /// price to which no promotion applies), the best quantity-tier discount among valid
    /// promotions (ties to the smallest promotion id), net amount and tax.
    ///
    /// # Errors
    /// [`Error::NotFound`] (`price`) when no valid price list has the SKU and no override
    /// is given; [`Error::InvalidInput`] on overflow.
    pub fn price_line(
        &self,
        sku: &Sku,
        qty: i64,
        override_price: Option<Money>,
        ctx: &PricingContext<'_>,
    ) -> Result<LinePrice> {
        let (list_price, price_list) = match override_price {
            Some(p) => (p, None),
            None => {
                let (id, p) = self
                    .list_price(&sku.id, ctx)
                    .ok_or_else(|| Error::not_found(Entity::Price, &sku.id))?;
                (p, Some(id.clone()))
            }
        };
        let gross = list_price.checked_mul_qty(qty)?.round();
        let (discount, promotion) = if override_price.is_some() {
            (Money::ZERO, None)
        } else {
            self.best_discount(&sku.id, qty, gross, ctx)?
        };
        let net_amount = gross.checked_sub(discount)?;
        let tax_amount = net_amount.checked_mul_rate(sku.tax_rate)?.round();
        Ok(LinePrice {
            list_price,
            price_list,
            discount,
            promotion,
            net_amount,
            tax_rate: sku.tax_rate,
            tax_amount,
        })
    }

    fn best_discount(
        &self,
        sku: &SkuId,
        qty: i64,
        gross: Money,
        ctx: &PricingContext<'_>,
    ) -> Result<(Money, Option<PromotionId>)> {
        let mut best = (Money::ZERO, None);
        for promo in self.promotions.values().filter(|p| p.applies(sku, ctx)) {
            let PromotionRule::QuantityTiers { tiers } = &promo.rule else {
                continue;
            };
            let Some(tier) = tiers.iter().rev().find(|t| t.min_qty <= qty) else {
                continue;
            };
            let off = match tier.discount {
                Discount::Percent { rate } => gross.checked_mul_rate(rate)?.round(),
                Discount::AmountPerUnit { amount } => amount.checked_mul_qty(qty)?.round(),
            }
            .min(gross);
            if off > best.0 {
                best = (off, Some(promo.id.clone()));
            }
        }
        Ok(best)
    }

    /// The free goods a line of `qty` base units earns: the buy-X-get-Y promotion giving the
    /// most free units (ties to the smallest id), as (promotion, free SKU, free units).
    pub fn free_goods(
        &self,
        sku: &SkuId,
        qty: i64,
        ctx: &PricingContext<'_>,
    ) -> Option<(PromotionId, SkuId, i64)> {
        let mut best: Option<(PromotionId, SkuId, i64)> = None;
        for promo in self.promotions.values().filter(|p| p.applies(sku, ctx)) {
            let PromotionRule::BuyGet {
                buy_qty,
                free_qty,
                free_sku,
            } = &promo.rule
            else {
                continue;
            };
            let rewards = qty.checked_div(*buy_qty).unwrap_or(0);
            let free = rewards.saturating_mul(*free_qty).min(MAX_QTY);
            if free > 0 && best.as_ref().is_none_or(|b| free > b.2) {
                let free_sku = free_sku.clone().unwrap_or_else(|| sku.clone());
                best = Some((promo.id.clone(), free_sku, free));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn sku() -> Sku {
        serde_json::from_value(serde_json::json!({
            "id": "COLA", "code": "COLA", "name": "Cola 330ml", "tax_rate": "0.13",
            "packs": [{"name": "case", "units": 24}]
        }))
        .unwrap()
    }
    fn list(id: &str, channel: Option<&str>, from: &str, price: &str) -> PriceList {
        PriceList {
            id: PriceListId::new(id).unwrap(),
            name: id.into(),
            channel: channel.map(Into::into),
            outlet_class: None,
            valid_from: d(from),
            valid_to: None,
            prices: [(SkuId::new("COLA").unwrap(), m(price))].into(),
        }
    }
    fn ctx(date: &str) -> PricingContext<'static> {
        PricingContext {
            date: d(date),
            channel: "supermarket",
            class: OutletClass::B,
        }
    }

    #[test]
    fn the_most_specific_valid_price_list_wins() {
        let mut c = Catalog::default();
        for l in [
            list("base", None, "2026-01-01", "2.00"),
            list("super", Some("supermarket"), "2026-01-01", "1.90"),
            list("future", Some("supermarket"), "2027-01-01", "1.50"),
            list("horeca", Some("horeca"), "2026-01-01", "2.50"),
        ] {
            c.price_lists.insert(l.id.clone(), l);
        }
        let (id, p) = c
            .list_price(&SkuId::new("COLA").unwrap(), &ctx("2026-06-01"))
            .unwrap();
        assert_eq!((id.as_str(), p), ("super", m("1.90")));
    }

    #[test]
    fn a_line_gets_the_best_tier_and_tax_rounded_half_even() {
        let mut c = Catalog::default();
        let l = list("base", None, "2026-01-01", "1.05");
        c.price_lists.insert(l.id.clone(), l);
        let promo: Promotion = serde_json::from_value(serde_json::json!({
            "id": "P1", "name": "volume", "valid_from": "2026-01-01", "skus": ["COLA"],
            "rule": {"type": "quantity_tiers", "tiers": [
                {"min_qty": 24, "discount": {"type": "percent", "rate": "0.05"}},
                {"min_qty": 48, "discount": {"type": "percent", "rate": "0.10"}}
            ]}
        }))
        .unwrap();
        c.promotions.insert(promo.id.clone(), promo);
        let p = c.price_line(&sku(), 50, None, &ctx("2026-06-01")).unwrap();
        assert_eq!(p.discount, m("5.25")); // 52.50 × 10 %
        assert_eq!(p.net_amount, m("47.25"));
        assert_eq!(p.tax_amount, m("6.14")); // 6.1425 → 6.14
        let small = c.price_line(&sku(), 10, None, &ctx("2026-06-01")).unwrap();
        assert_eq!(small.discount, Money::ZERO);
        assert_eq!(small.promotion, None);
    }

    #[test]
    fn buy_ten_get_one_counts_whole_rewards() {
        let mut c = Catalog::default();
        let promo: Promotion = serde_json::from_value(serde_json::json!({
            "id": "B1", "name": "10+1", "valid_from": "2026-01-01", "skus": ["COLA"],
            "rule": {"type": "buy_get", "buy_qty": 10, "free_qty": 1}
        }))
        .unwrap();
        c.promotions.insert(promo.id.clone(), promo);
        let cola = SkuId::new("COLA").unwrap();
        let (_, free_sku, free) = c.free_goods(&cola, 25, &ctx("2026-06-01")).unwrap();
        assert_eq!((free_sku, free), (cola.clone(), 2));
        assert!(c.free_goods(&cola, 9, &ctx("2026-06-01")).is_none());
    }

    #[test]
    fn missing_price_is_not_found() {
        let c = Catalog::default();
        let e = c
            .price_line(&sku(), 1, None, &ctx("2026-06-01"))
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
    }
}
