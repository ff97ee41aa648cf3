//! Receivables: direct invoices, credit notes, payments.

use chrono::{Days, NaiveDate};

use crate::access::{Action, Target};
use crate::engine::decide::Ctx;
use crate::engine::event::Event;
use crate::error::{Entity, Error, Result};
use crate::finance::{CreditNote, Invoice, Payment, PaymentMethod};
use crate::ids::{CreditNoteId, InvoiceId, OrderId, OutletId, PaymentId, VisitId};
use crate::money::Money;
use crate::text::check_name;

pub(super) fn issue_invoice(
    ctx: &Ctx<'_>,
    id: &InvoiceId,
    outlet_id: &OutletId,
    amount: Money,
    order: Option<&OrderId>,
    issue_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
) -> Result<Vec<Event>> {
    ctx.granted(Action::InvoiceIssue)?;
    let outlet = ctx.state.outlet(outlet_id)?;
    ctx.authorize(Action::InvoiceIssue, Target::Outlet(outlet))?;
    if ctx.state.receivables.invoices.contains_key(id) {
        return Err(Error::exists(Entity::Invoice, id));
    }
    let amount = amount.check_cents("amount", true)?;
    if let Some(o) = order
        && &ctx.state.order(o)?.outlet != outlet_id
    {
        return Err(Error::invalid(
            "order_id",
            format!("order `{o}` is for another outlet"),
        ));
    }
    let issue_date = issue_date.unwrap_or_else(|| ctx.date_at(outlet.utc_offset_minutes));
    let due_date = match due_date {
        Some(d) => d,
        None => issue_date
            .checked_add_days(Days::new(u64::from(outlet.payment_terms_days)))
            .ok_or_else(|| Error::invalid("issue_date", "out of range"))?,
    };
    if due_date < issue_date {
        return Err(Error::invalid("due_date", "is before the issue date"));
    }
    Ok(vec![Event::InvoiceIssued {
        invoice: Invoice {
            id: id.clone(),
            outlet: outlet_id.clone(),
            order: order.cloned(),
            issue_date,
            due_date,
            amount,
            credited: Money::ZERO,
            paid: Money::ZERO,
        },
    }])
}

pub(super) fn issue_credit_note(
    ctx: &Ctx<'_>,
    id: &CreditNoteId,
    invoice_id: &InvoiceId,
    amount: Money,
    reason: &str,
) -> Result<Vec<Event>> {
    ctx.granted(Action::CreditNoteIssue)?;
    let invoice = ctx.state.receivables.invoice(invoice_id)?;
    let outlet = ctx.state.outlet(&invoice.outlet)?;
    ctx.authorize(Action::CreditNoteIssue, Target::Outlet(outlet))?;
    if ctx.state.receivables.credit_notes.contains_key(id) {
        return Err(Error::exists(Entity::CreditNote, id));
    }
    let amount = amount.check_cents("amount", true)?;
    if amount > invoice.balance() {
        return Err(Error::invalid(
            "amount",
            format!(
                "`{amount}` exceeds the balance {} of invoice `{invoice_id}`",
                invoice.balance()
            ),
        ));
    }
    check_name("reason", reason)?;
    Ok(vec![Event::CreditNoteIssued {
        credit_note: CreditNote {
            id: id.clone(),
            outlet: invoice.outlet.clone(),
            invoice: invoice_id.clone(),
            amount,
            date: ctx.date_at(outlet.utc_offset_minutes),
            reason: reason.into(),
        },
    }])
}

pub(super) fn record_payment(
    ctx: &Ctx<'_>,
    id: &PaymentId,
    outlet_id: &OutletId,
    amount: Money,
    method: PaymentMethod,
    invoices: &[InvoiceId],
    visit: Option<&VisitId>,
) -> Result<Vec<Event>> {
    ctx.granted(Action::PaymentRecord)?;
    let outlet = ctx.state.outlet(outlet_id)?;
    ctx.authorize(Action::PaymentRecord, Target::Outlet(outlet))?;
    super::field::check_visit_link(ctx, visit, outlet_id)?;
    let r = &ctx.state.receivables;
    if r.payments.contains_key(id) {
        return Err(Error::exists(Entity::Payment, id));
    }
    let amount = amount.check_cents("amount", true)?;
    if invoices.len() > super::MAX_LINES {
        return Err(Error::invalid("invoices", "too many invoices named"));
    }
    let (allocations, unapplied) = r.plan_payment(outlet_id, amount, invoices)?;
    Ok(vec![Event::PaymentRecorded {
        payment: Payment {
            id: id.clone(),
            outlet: outlet_id.clone(),
            amount,
            method,
            received_on: ctx.date_at(outlet.utc_offset_minutes),
            collected_by: ctx.actor.id.clone(),
            allocations,
            unapplied,
            visit: visit.cloned(),
        },
    }])
}
