//! Receivables: invoices, credit notes, payments applied oldest-first or to named invoices,
//! balances and aging (SPEC §3.8).
//!
//! Invariants: an invoice's balance (`amount − credited − paid`) is never negative, and for
//! every outlet Σ balances = Σ invoices − Σ credit notes − Σ applied payments.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Entity, Error, Result};
use crate::ids::{CreditNoteId, InvoiceId, OrderId, OutletId, PaymentId, StaffId, VisitId};
use crate::money::Money;

/// An invoice: a receivable from an outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    /// Id.
    pub id: InvoiceId,
    /// The outlet that owes.
    pub outlet: OutletId,
    /// The order it bills, if any.
    #[serde(default)]
    pub order: Option<OrderId>,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount, tax included.
    pub amount: Money,
    /// Σ credit notes against it.
    pub credited: Money,
    /// Σ payments applied to it.
    pub paid: Money,
}

impl Invoice {
    /// What is still owed: `amount − credited − paid` (never negative).
    pub fn balance(&self) -> Money {
        self.amount
            .checked_sub(self.credited)
            .and_then(|m| m.checked_sub(self.paid))
            .unwrap_or(Money::ZERO)
    }
}

/// A credit note against an invoice (returns, price corrections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CreditNote {
    /// Id.
    pub id: CreditNoteId,
    /// The outlet credited.
    pub outlet: OutletId,
    /// The invoice it reduces.
    pub invoice: InvoiceId,
    /// Amount, tax included.
    pub amount: Money,
    /// Date.
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash (counts in the collector's end-of-day settlement).
    Cash,
    /// Bank transfer.
    BankTransfer,
    /// QR-code payment.
    Qr,
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentAllocation {
    /// The invoice.
    pub invoice: InvoiceId,
    /// Amount applied.
    pub amount: Money,
}

/// A payment received from an outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Payment {
    /// Id.
    pub id: PaymentId,
    /// The paying outlet.
    pub outlet: OutletId,
    /// Amount received.
    pub amount: Money,
    /// How.
    pub method: PaymentMethod,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Who collected it.
    pub collected_by: StaffId,
    /// How it was applied to invoices.
    pub allocations: Vec<PaymentAllocation>,
    /// What is left on account, not applied to any invoice.
    pub unapplied: Money,
    /// The visit it was collected in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
}

/// Open receivables by age (days past due date).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AgingBuckets {
    /// Not yet due.
    pub current: Money,
    /// 1–30 days past due.
    pub days_1_30: Money,
    /// 31–60 days past due.
    pub days_31_60: Money,
    /// 61–90 days past due.
    pub days_61_90: Money,
    /// More than 90 days past due.
    pub over_90: Money,
}

impl AgingBuckets {
    /// Adds `amount` to the bucket for `days_past_due`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn add(&mut self, days_past_due: i64, amount: Money) -> Result<()> {
        let bucket = match days_past_due {
            i64::MIN..=0 => &mut self.current,
            1..=30 => &mut self.days_1_30,
            31..=60 => &mut self.days_31_60,
            61..=90 => &mut self.days_61_90,
            _ => &mut self.over_90,
        };
        *bucket = bucket.checked_add(amount)?;
        Ok(())
    }

    /// Σ of all buckets.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn total(&self) -> Result<Money> {
        Money::sum([
            self.current,
            self.days_1_30,
            self.days_31_60,
            self.days_61_90,
            self.over_90,
        ])
    }
}

/// The receivables ledger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Receivables {
    /// Invoices by id.
    pub invoices: BTreeMap<InvoiceId, Invoice>,
    /// Credit notes by id.
    pub credit_notes: BTreeMap<CreditNoteId, CreditNote>,
    /// Payments by id.
    pub payments: BTreeMap<PaymentId, Payment>,
    /// Open invoices per outlet, oldest first (issue date, then id).
    pub open: BTreeMap<OutletId, BTreeSet<(NaiveDate, InvoiceId)>>,
}

impl Receivables {
    /// The invoice, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn invoice(&self, id: &InvoiceId) -> Result<&Invoice> {
        self.invoices
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Invoice, id))
    }

    /// The outlet's open invoices, oldest first.
    pub fn open_invoices(&self, outlet: &OutletId) -> impl Iterator<Item = &Invoice> {
        self.open
            .get(outlet)
            .into_iter()
            .flat_map(|set| set.iter())
            .filter_map(|(_, id)| self.invoices.get(id))
    }

    /// Σ balances of the outlet's open invoices.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn balance(&self, outlet: &OutletId) -> Result<Money> {
        Money::sum(self.open_invoices(outlet).map(Invoice::balance))
    }

    /// Plans applying `amount` from `outlet`: to the `named` invoices in the order given, or
    /// oldest-first when none are named; what is left stays unapplied on account.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown named invoice; [`Error::InvalidInput`] when a named
    /// invoice belongs to another outlet or is named twice.
    pub fn plan_payment(
        &self,
        outlet: &OutletId,
        amount: Money,
        named: &[InvoiceId],
    ) -> Result<(Vec<PaymentAllocation>, Money)> {
        let targets: Vec<&Invoice> = if named.is_empty() {
            self.open_invoices(outlet).collect()
        } else {
            let mut out = Vec::with_capacity(named.len());
            for (i, id) in named.iter().enumerate() {
                let inv = self.invoice(id)?;
                if &inv.outlet != outlet {
                    return Err(Error::invalid(
                        "invoices",
                        format!("invoice `{id}` belongs to another outlet"),
                    ));
                }
                if named[..i].contains(id) {
                    return Err(Error::invalid(
                        "invoices",
                        format!("invoice `{id}` is named twice"),
                    ));
                }
                out.push(inv);
            }
            out
        };
        let mut left = amount;
        let mut allocations = Vec::new();
        for inv in targets {
            if !left.is_positive() {
                break;
            }
            let take = left.min(inv.balance());
            if take.is_positive() {
                allocations.push(PaymentAllocation {
                    invoice: inv.id.clone(),
                    amount: take,
                });
                left = left.checked_sub(take)?;
            }
        }
        Ok((allocations, left))
    }

    /// The cash payments `staff` collected on `date` (the day's hand-over, SPEC §3.8).
    pub fn cash_collected<'a>(
        &'a self,
        staff: &'a StaffId,
        date: NaiveDate,
    ) -> impl Iterator<Item = &'a Payment> + 'a {
        self.payments.values().filter(move |p| {
            p.method == PaymentMethod::Cash && &p.collected_by == staff && p.received_on == date
        })
    }

    /// Records an invoice (already checked).
    pub fn add_invoice(&mut self, invoice: Invoice) {
        self.reindex(&invoice);
        self.invoices.insert(invoice.id.clone(), invoice);
    }

    /// Records a credit note (already checked) and reduces its invoice.
    pub fn add_credit_note(&mut self, note: CreditNote) {
        if let Some(inv) = self.invoices.get_mut(&note.invoice) {
            inv.credited = inv
                .credited
                .checked_add(note.amount)
                .unwrap_or(inv.credited);
            let inv = inv.clone();
            self.reindex(&inv);
        }
        self.credit_notes.insert(note.id.clone(), note);
    }

    /// Records a payment (already planned) and reduces the invoices it is applied to.
    pub fn add_payment(&mut self, payment: Payment) {
        for a in &payment.allocations {
            if let Some(inv) = self.invoices.get_mut(&a.invoice) {
                inv.paid = inv.paid.checked_add(a.amount).unwrap_or(inv.paid);
                let inv = inv.clone();
                self.reindex(&inv);
            }
        }
        self.payments.insert(payment.id.clone(), payment);
    }

    fn reindex(&mut self, inv: &Invoice) {
        let key = (inv.issue_date, inv.id.clone());
        if inv.balance().is_positive() {
            self.open.entry(inv.outlet.clone()).or_default().insert(key);
        } else if let Some(set) = self.open.get_mut(&inv.outlet) {
            set.remove(&key);
            if set.is_empty() {
                self.open.remove(&inv.outlet);
            }
        }
    }

    /// Aging of the outlet's open invoices as of a day.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn aging(&self, outlet: &OutletId, as_of: NaiveDate) -> Result<AgingBuckets> {
        let mut buckets = AgingBuckets::default();
        for inv in self.open_invoices(outlet) {
            buckets.add((as_of - inv.due_date).num_days(), inv.balance())?;
        }
        Ok(buckets)
    }

    /// Payments on account not applied to any invoice, per outlet.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on overflow.
    pub fn unapplied(&self, outlet: &OutletId) -> Result<Money> {
        Money::sum(
            self.payments
                .values()
                .filter(|p| &p.outlet == outlet)
                .map(|p| p.unapplied),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn inv(id: &str, issued: &str, amount: &str) -> Invoice {
        Invoice {
            id: id.parse().unwrap(),
            outlet: "O1".parse().unwrap(),
            order: None,
            issue_date: issued.parse().unwrap(),
            due_date: issued.parse().unwrap(),
            amount: m(amount),
            credited: Money::ZERO,
            paid: Money::ZERO,
        }
    }

    #[test]
    fn payments_go_oldest_first_and_the_rest_stays_on_account() {
        let mut r = Receivables::default();
        r.add_invoice(inv("I2", "2026-02-01", "50.00"));
        r.add_invoice(inv("I1", "2026-01-01", "30.00"));
        let outlet: OutletId = "O1".parse().unwrap();
        let (alloc, left) = r.plan_payment(&outlet, m("100.00"), &[]).unwrap();
        assert_eq!(
            alloc.iter().map(|a| a.invoice.as_str()).collect::<Vec<_>>(),
            ["I1", "I2"]
        );
        assert_eq!(left, m("20.00"));
        let (alloc, _) = r
            .plan_payment(&outlet, m("10.00"), &["I2".parse().unwrap()])
            .unwrap();
        assert_eq!(alloc[0].invoice.as_str(), "I2");
    }

    #[test]
    fn aging_buckets_by_days_past_due() {
        let mut r = Receivables::default();
        r.add_invoice(inv("I1", "2026-01-01", "1.00"));
        r.add_invoice(inv("I2", "2026-03-01", "2.00"));
        let b = r
            .aging(&"O1".parse().unwrap(), "2026-03-15".parse().unwrap())
            .unwrap();
        assert_eq!(b.days_61_90, m("1.00"));
        assert_eq!(b.days_1_30, m("2.00"));
        assert_eq!(b.total().unwrap(), m("3.00"));
    }
}
