//! Sales orders: drafts, submission (pricing, promotions, FEFO reservation, credit and floor
//! checks), approval, rejection, cancellation.

use std::collections::{BTreeMap, VecDeque};

use crate::access::{Action, Target};
use crate::catalog::{LinePrice, PricingContext};
use crate::engine::command::OrderInput;
use crate::engine::decide::{Ctx, check_lines};
use crate::engine::event::Event;
use crate::engine::state::CreditPolicy;
use crate::error::{Entity, Error, Result};
use crate::ids::{LocationId, LotId, OrderId, SkuId};
use crate::inventory::{MoveKind, MoveRef, StockDraft, StockMove};
use crate::money::Money;
use crate::order::{ApprovalReason, LotQty, Order, OrderLine, OrderStatus};
use crate::outlet::{Outlet, OutletStatus};
use crate::quantity::to_base_units;
use crate::sync::ShortfallPolicy;
use crate::text::{MAX_LONG_TEXT, check_name, check_text};

/// An order as priced, before stock and credit.
struct Priced {
    lines: Vec<OrderLine>,
    reasons: Vec<ApprovalReason>,
    net: Money,
    tax: Money,
}

/// Prices every line, adds free-goods lines, and notes lines below their floor price.
fn price(ctx: &Ctx<'_>, input: &OrderInput, outlet: &Outlet) -> Result<Priced> {
    check_lines(&input.lines)?;
    let catalog = &ctx.state.catalog;
    let pctx = PricingContext {
        date: ctx.date_at(outlet.utc_offset_minutes),
        channel: &outlet.channel,
        class: outlet.class,
    };
    let mut lines: Vec<OrderLine> = Vec::with_capacity(input.lines.len());
    let mut reasons = Vec::new();
    for l in &input.lines {
        let sku = catalog.sku(&l.sku)?;
        if !sku.active {
            return Err(Error::invalid(
                "lines.sku",
                format!("`{}` is not active", sku.id),
            ));
        }
        let qty = to_base_units(&sku.packs, l.qty, l.pack.as_deref())?;
        if let Some(p) = l.unit_price {
            p.check("lines.unit_price", false)?;
        }
        let price = catalog.price_line(sku, qty, l.unit_price, &pctx)?;
        let line_no = u32::try_from(lines.len() + 1).unwrap_or(u32::MAX);
        if let Some(floor) = sku.floor_price {
            let floor_amount = floor.checked_mul_qty(qty)?.round();
            if price.net_amount < floor_amount {
                reasons.push(ApprovalReason::BelowFloor {
                    line_no,
                    sku: sku.id.clone(),
                    net_amount: price.net_amount,
                    floor_amount,
                });
            }
        }
        lines.push(new_line(line_no, &sku.id, qty, price, None));
        if l.unit_price.is_some() {
            continue;
        }
        if let Some((promo, free_sku, free_qty)) = catalog.free_goods(&sku.id, qty, &pctx) {
            let free = catalog.sku(&free_sku)?;
            let list = catalog.list_price(&free.id, &pctx);
            let list_price = list.map_or(Money::ZERO, |(_, p)| p);
            let gross = list_price.checked_mul_qty(free_qty)?.round();
            let price = LinePrice {
                list_price,
                price_list: list.map(|(id, _)| id.clone()),
                discount: gross,
                promotion: Some(promo.clone()),
                net_amount: Money::ZERO,
                tax_rate: free.tax_rate,
                tax_amount: Money::ZERO,
            };
            let line_no = u32::try_from(lines.len() + 1).unwrap_or(u32::MAX);
            lines.push(new_line(line_no, &free.id, free_qty, price, Some(promo)));
        }
    }
    let net = Money::sum(lines.iter().map(|l| l.price.net_amount))?;
    let tax = Money::sum(lines.iter().map(|l| l.price.tax_amount))?;
    Ok(Priced {
        lines,
        reasons,
        net,
        tax,
    })
}

fn new_line(
    line_no: u32,
    sku: &SkuId,
    qty: i64,
    price: LinePrice,
    free_goods_of: Option<crate::ids::PromotionId>,
) -> OrderLine {
    OrderLine {
        line_no,
        sku: sku.clone(),
        qty_ordered: qty,
        qty_allocated: 0,
        qty_delivered: 0,
        price,
        free_goods_of,
        lots: Vec::new(),
    }
}

/// Resolves the outlet, authorises the actor for it, and checks the order id is new or a
/// draft (which the actor must also reach).
fn open<'a>(ctx: &Ctx<'a>, input: &OrderInput) -> Result<&'a Outlet> {
    ctx.granted(Action::OrderSubmit)?;
    let outlet = ctx.state.outlet(&input.outlet)?;
    ctx.authorize(Action::OrderSubmit, Target::Outlet(outlet))?;
    if let Some(existing) = ctx.state.orders.get(&input.order_id) {
        if existing.status != OrderStatus::Draft {
            return Err(Error::exists(Entity::Order, &input.order_id));
        }
        let old = ctx.state.outlet(&existing.outlet)?;
        ctx.authorize(Action::OrderSubmit, Target::Outlet(old))?;
    }
    if !ctx.state.warehouses.contains_key(&input.warehouse) {
        return Err(Error::not_found(Entity::Warehouse, &input.warehouse));
    }
    check_text("note", &input.note, MAX_LONG_TEXT)?;
    super::field::check_visit_link(ctx, input.visit_id.as_ref(), &outlet.id)?;
    Ok(outlet)
}

fn assemble(
    ctx: &Ctx<'_>,
    input: &OrderInput,
    outlet: &Outlet,
    p: Priced,
    status: OrderStatus,
) -> Result<Order> {
    Ok(Order {
        id: input.order_id.clone(),
        outlet: outlet.id.clone(),
        warehouse: LocationId::from(&input.warehouse),
        rep: outlet.assigned_rep.clone(),
        taken_by: ctx.actor.id.clone(),
        recorded_at: ctx.env.recorded_at,
        order_date: ctx.date_at(outlet.utc_offset_minutes),
        delivery_date: input.delivery_date,
        status,
        total: p.net.checked_add(p.tax)?,
        net_amount: p.net,
        tax_amount: p.tax,
        lines: p.lines,
        approval_reasons: p.reasons,
        decided_by: None,
        note: input.note.clone(),
        visit: input.visit_id.clone(),
        trip: None,
    })
}

pub(super) fn save_draft(ctx: &Ctx<'_>, input: &OrderInput) -> Result<Vec<Event>> {
    let outlet = open(ctx, input)?;
    let priced = price(ctx, input, outlet)?;
    let mut order = assemble(ctx, input, outlet, priced, OrderStatus::Draft)?;
    order.approval_reasons.clear();
    Ok(vec![Event::OrderDraftSaved { order }])
}

pub(super) fn submit(ctx: &Ctx<'_>, input: &OrderInput) -> Result<Vec<Event>> {
    let outlet = open(ctx, input)?;
    if outlet.status != OutletStatus::Active {
        return Err(Error::state(
            Entity::Outlet,
            &outlet.id,
            outlet.status.as_str(),
            "take orders",
        ));
    }
    let mut priced = price(ctx, input, outlet)?;
    let location = LocationId::from(&input.warehouse);
    let today = ctx.date_at_location(&location);
    let on = input.delivery_date.map_or(today, |d| d.max(today));
    let reference = MoveRef::Order(input.order_id.clone());
    let mut draft = StockDraft::new(&ctx.state.inventory);
    // Reserve per SKU for the whole order (one FEFO plan, one move per lot), then hand
    // the planned lots to the lines in order.
    let mut need: BTreeMap<SkuId, i64> = BTreeMap::new();
    for l in &priced.lines {
        let n = need.entry(l.sku.clone()).or_default();
        *n = n.saturating_add(l.qty_ordered);
    }
    let mut plans: BTreeMap<SkuId, VecDeque<(LotId, i64)>> = BTreeMap::new();
    let policy = ctx
        .synced
        .then_some(ctx.state.settings.sync.stock_shortfall);
    let partial = policy.is_some_and(|p| p != ShortfallPolicy::Reject);
    for (sku, requested) in need {
        let plan = if partial {
            draft.fefo_upto(&location, &sku, requested, on)
        } else {
            draft.fefo(&location, &sku, requested, on)?
        };
        for (lot, qty) in &plan {
            draft.push(StockMove {
                kind: MoveKind::Reservation,
                location: location.clone(),
                sku: sku.clone(),
                lot: lot.clone(),
                delta: *qty,
                reference: reference.clone(),
            })?;
        }
        plans.insert(sku, plan.into());
    }
    for line in &mut priced.lines {
        let mut left = line.qty_ordered;
        if let Some(queue) = plans.get_mut(&line.sku) {
            while left > 0 {
                let Some(front) = queue.front_mut() else {
                    break;
                };
                let take = left.min(front.1);
                line.lots.push(LotQty {
                    lot: front.0.clone(),
                    qty: take,
                });
                left -= take;
                front.1 -= take;
                if front.1 == 0 {
                    queue.pop_front();
                }
            }
        }
        line.qty_allocated = line.qty_ordered - left;
    }
    let short: Vec<&OrderLine> = priced
        .lines
        .iter()
        .filter(|l| l.qty_allocated < l.qty_ordered)
        .collect();
    let nothing = priced.lines.iter().all(|l| l.qty_allocated == 0);
    if !short.is_empty() && (policy == Some(ShortfallPolicy::HoldForApproval) || nothing) {
        let held = short.iter().map(|l| ApprovalReason::StockShortfall {
            line_no: l.line_no,
            sku: l.sku.clone(),
            ordered: l.qty_ordered,
            allocated: l.qty_allocated,
        });
        let held: Vec<ApprovalReason> = held.collect();
        priced.reasons.extend(held);
    }
    let total = priced.net.checked_add(priced.tax)?;
    if let Some(limit) = outlet.credit_limit {
        let exposure = ctx
            .state
            .receivables
            .balance(&outlet.id)?
            .checked_add(total)?;
        if exposure > limit {
            if ctx.state.settings.credit_policy == CreditPolicy::Reject {
                return Err(Error::CreditLimitExceeded {
                    outlet: outlet.id.to_string(),
                    credit_limit: limit,
                    exposure,
                });
            }
            priced.reasons.insert(
                0,
                ApprovalReason::CreditLimit {
                    credit_limit: limit,
                    exposure,
                },
            );
        }
    }
    let status = if priced.reasons.is_empty() {
        OrderStatus::Allocated
    } else {
        OrderStatus::Submitted
    };
    let order = assemble(ctx, input, outlet, priced, status)?;
    let mut events = vec![Event::OrderSubmitted { order }];
    events.extend(draft.into_moves().into_iter().map(Event::StockMoved));
    Ok(events)
}

/// Resolves an order awaiting a decision and checks the actor may take it.
fn decidable<'a>(ctx: &Ctx<'a>, id: &OrderId, operation: &str) -> Result<&'a Order> {
    ctx.granted(Action::OrderApprove)?;
    let order = ctx.state.order(id)?;
    let outlet = ctx.state.outlet(&order.outlet)?;
    ctx.authorize(Action::OrderApprove, Target::Outlet(outlet))?;
    order.check_decide(operation)?;
    if order.taken_by == ctx.actor.id {
        return Err(ctx.denied(Action::OrderApprove, "nobody decides on their own order"));
    }
    Ok(order)
}

/// Release moves for every lot an order holds: one per (SKU, lot), mirroring the
/// reservation made at submission.
fn releases(ctx: &Ctx<'_>, order: &Order) -> Result<Vec<Event>> {
    let holds = matches!(
        order.status,
        OrderStatus::Submitted | OrderStatus::Approved | OrderStatus::Allocated
    );
    let mut draft = StockDraft::new(&ctx.state.inventory);
    if holds {
        let mut held: BTreeMap<(&SkuId, &LotId), i64> = BTreeMap::new();
        for line in order.lines.iter().filter(|l| l.qty_allocated > 0) {
            for lq in &line.lots {
                let q = held.entry((&line.sku, &lq.lot)).or_default();
                *q = q.saturating_add(lq.qty);
            }
        }
        let reference = MoveRef::Order(order.id.clone());
        for ((sku, lot), qty) in held {
            draft.push(StockMove {
                kind: MoveKind::Release,
                location: order.warehouse.clone(),
                sku: sku.clone(),
                lot: lot.clone(),
                delta: -qty,
                reference: reference.clone(),
            })?;
        }
    }
    Ok(draft
        .into_moves()
        .into_iter()
        .map(Event::StockMoved)
        .collect())
}

pub(super) fn approve(ctx: &Ctx<'_>, id: &OrderId) -> Result<Vec<Event>> {
    decidable(ctx, id, "approve")?;
    Ok(vec![Event::OrderApproved {
        order_id: id.clone(),
        by: ctx.actor.id.clone(),
    }])
}

pub(super) fn reject(ctx: &Ctx<'_>, id: &OrderId, reason: &str) -> Result<Vec<Event>> {
    let order = decidable(ctx, id, "reject")?;
    check_name("reason", reason)?;
    let mut events = vec![Event::OrderRejected {
        order_id: id.clone(),
        by: ctx.actor.id.clone(),
        reason: reason.into(),
    }];
    events.extend(releases(ctx, order)?);
    Ok(events)
}

pub(super) fn cancel(ctx: &Ctx<'_>, id: &OrderId, reason: &str) -> Result<Vec<Event>> {
    ctx.granted(Action::OrderCancel)?;
    let order = ctx.state.order(id)?;
    let outlet = ctx.state.outlet(&order.outlet)?;
    ctx.authorize(Action::OrderCancel, Target::Outlet(outlet))?;
    order.check_cancel()?;
    check_text("reason", reason, MAX_LONG_TEXT)?;
    let mut events = vec![Event::OrderCancelled {
        order_id: id.clone(),
        by: ctx.actor.id.clone(),
        reason: reason.into(),
    }];
    events.extend(releases(ctx, order)?);
    Ok(events)
}
