//! Inventory and purchasing: transfers, counts, write-offs, reorder levels, purchase orders,
//! goods receipts, supplier returns.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::access::{Action, Target};
use crate::engine::command::{CountLine, PurchaseLineInput, ReceiptLineInput, StockLineInput};
use crate::engine::decide::{Ctx, check_lines};
use crate::engine::event::{Event, ReceivedLot, StockDocKind};
use crate::error::{Entity, Error, Result};
use crate::ids::{
    LocationId, LotId, PurchaseOrderId, ReceiptId, SkuId, StockDocId, SupplierId, SupplierReturnId,
    WarehouseId,
};
use crate::inventory::{MoveKind, MoveRef, ReorderLevel, StockDraft, StockMove};
use crate::purchase::{PurchaseLine, PurchaseOrder, PurchaseStatus};
use crate::quantity::{check_non_negative, check_positive};
use crate::text::{MAX_LONG_TEXT, check_name, check_text};

/// Turns a draft's moves into events after the leading ones.
fn with_moves(mut events: Vec<Event>, draft: StockDraft<'_>) -> Vec<Event> {
    events.extend(draft.into_moves().into_iter().map(Event::StockMoved));
    events
}

fn new_document(ctx: &Ctx<'_>, id: &StockDocId) -> Result<()> {
    if ctx.state.stock_documents.contains(id) {
        return Err(Error::exists(Entity::StockDocument, id));
    }
    Ok(())
}

/// A stock move.
pub(super) fn mv(
    kind: MoveKind,
    location: &LocationId,
    sku: &SkuId,
    lot: &LotId,
    delta: i64,
    r: &MoveRef,
) -> StockMove {
    StockMove {
        kind,
        location: location.clone(),
        sku: sku.clone(),
        lot: lot.clone(),
        delta,
        reference: r.clone(),
    }
}

/// Checks a line names a lot the SKU has.
fn known_lot<'a>(ctx: &Ctx<'_>, sku: &SkuId, lot: Option<&'a LotId>) -> Result<&'a LotId> {
    let lot = lot.ok_or_else(|| Error::invalid("lines.lot", "a lot is required"))?;
    if ctx.state.inventory.expiry(sku, lot).is_none() {
        return Err(Error::not_found(Entity::Lot, format!("{sku}/{lot}")));
    }
    Ok(lot)
}

pub(super) fn transfer(
    ctx: &Ctx<'_>,
    doc: &StockDocId,
    from: &LocationId,
    to: &LocationId,
    lines: &[StockLineInput],
) -> Result<Vec<Event>> {
    ctx.authorize(Action::StockTransfer, Target::Global)?;
    new_document(ctx, doc)?;
    ctx.location(from)?;
    ctx.location(to)?;
    if from == to {
        return Err(Error::invalid(
            "to",
            "a transfer needs two different locations",
        ));
    }
    check_lines(lines)?;
    let reference = MoveRef::Document(doc.clone());
    let on = ctx.date_at_location(from);
    let mut draft = StockDraft::new(&ctx.state.inventory);
    for line in lines {
        let qty = ctx.base_qty(&line.sku, line.qty, line.pack.as_deref())?;
        let plan = match &line.lot {
            Some(lot) => vec![(known_lot(ctx, &line.sku, Some(lot))?.clone(), qty)],
            None => draft.fefo(from, &line.sku, qty, on)?,
        };
        for (lot, q) in plan {
            draft.push(mv(
                MoveKind::TransferOut,
                from,
                &line.sku,
                &lot,
                -q,
                &reference,
            ))?;
            draft.push(mv(MoveKind::TransferIn, to, &line.sku, &lot, q, &reference))?;
        }
    }
    let head = Event::StockDocumentBooked {
        document_id: doc.clone(),
        kind: StockDocKind::Transfer,
        reason: String::new(),
    };
    Ok(with_moves(vec![head], draft))
}

pub(super) fn adjust(
    ctx: &Ctx<'_>,
    doc: &StockDocId,
    location: &LocationId,
    lines: &[CountLine],
    reason: &str,
) -> Result<Vec<Event>> {
    ctx.authorize(Action::StockAdjust, Target::Global)?;
    new_document(ctx, doc)?;
    ctx.location(location)?;
    check_lines(lines)?;
    check_text("reason", reason, MAX_LONG_TEXT)?;
    let reference = MoveRef::Document(doc.clone());
    let mut draft = StockDraft::new(&ctx.state.inventory);
    for (i, line) in lines.iter().enumerate() {
        ctx.state.catalog.sku(&line.sku)?;
        let lot = known_lot(ctx, &line.sku, Some(&line.lot))?;
        check_non_negative("lines.counted", line.counted)?;
        if lines[..i]
            .iter()
            .any(|l| l.sku == line.sku && l.lot == line.lot)
        {
            return Err(Error::invalid(
                "lines",
                format!("`{}/{lot}` is counted twice", line.sku),
            ));
        }
        let delta = line.counted - draft.level(location, &line.sku, lot).on_hand;
        if delta != 0 {
            draft.push(mv(
                MoveKind::CountAdjustment,
                location,
                &line.sku,
                lot,
                delta,
                &reference,
            ))?;
        }
    }
    let head = Event::StockDocumentBooked {
        document_id: doc.clone(),
        kind: StockDocKind::Adjustment,
        reason: reason.into(),
    };
    Ok(with_moves(vec![head], draft))
}

pub(super) fn write_off(
    ctx: &Ctx<'_>,
    doc: &StockDocId,
    location: &LocationId,
    lines: &[StockLineInput],
    reason: &str,
) -> Result<Vec<Event>> {
    ctx.authorize(Action::StockWriteOff, Target::Global)?;
    new_document(ctx, doc)?;
    ctx.location(location)?;
    check_lines(lines)?;
    check_name("reason", reason)?;
    let reference = MoveRef::Document(doc.clone());
    let mut draft = StockDraft::new(&ctx.state.inventory);
    for line in lines {
        let qty = ctx.base_qty(&line.sku, line.qty, line.pack.as_deref())?;
        let lot = known_lot(ctx, &line.sku, line.lot.as_ref())?;
        draft.push(mv(
            MoveKind::WriteOff,
            location,
            &line.sku,
            lot,
            -qty,
            &reference,
        ))?;
    }
    let head = Event::StockDocumentBooked {
        document_id: doc.clone(),
        kind: StockDocKind::WriteOff,
        reason: reason.into(),
    };
    Ok(with_moves(vec![head], draft))
}

pub(super) fn set_reorder_level(
    ctx: &Ctx<'_>,
    location: &LocationId,
    sku: &SkuId,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<Vec<Event>> {
    ctx.authorize(Action::StockAdjust, Target::Global)?;
    ctx.location(location)?;
    ctx.state.catalog.sku(sku)?;
    let level = match (min, max) {
        (None, None) => None,
        (Some(min), Some(max)) => {
            check_non_negative("min", min)?;
            check_positive("max", max)?;
            if max < min {
                return Err(Error::invalid("max", "must not be below min"));
            }
            Some(ReorderLevel { min, max })
        }
        _ => return Err(Error::invalid("max", "give both min and max, or neither")),
    };
    Ok(vec![Event::ReorderLevelSet {
        location: location.clone(),
        sku: sku.clone(),
        level,
    }])
}

pub(super) fn create_purchase_order(
    ctx: &Ctx<'_>,
    id: &PurchaseOrderId,
    supplier: &SupplierId,
    warehouse: &WarehouseId,
    expected_date: Option<NaiveDate>,
    lines: &[PurchaseLineInput],
) -> Result<Vec<Event>> {
    ctx.authorize(Action::PurchaseEdit, Target::Global)?;
    let s = ctx.state;
    if s.purchase_orders.contains_key(id) {
        return Err(Error::exists(Entity::PurchaseOrder, id));
    }
    if !s.suppliers.contains_key(supplier) {
        return Err(Error::not_found(Entity::Supplier, supplier));
    }
    let w = s
        .warehouses
        .get(warehouse)
        .ok_or_else(|| Error::not_found(Entity::Warehouse, warehouse))?;
    check_lines(lines)?;
    let mut po_lines: Vec<PurchaseLine> = Vec::with_capacity(lines.len());
    for line in lines {
        let qty = ctx.base_qty(&line.sku, line.qty, line.pack.as_deref())?;
        line.unit_cost.check("lines.unit_cost", false)?;
        if po_lines.iter().any(|l| l.sku == line.sku) {
            return Err(Error::invalid(
                "lines",
                format!("sku `{}` is listed twice", line.sku),
            ));
        }
        po_lines.push(PurchaseLine {
            sku: line.sku.clone(),
            qty_ordered: qty,
            qty_received: 0,
            unit_cost: line.unit_cost,
        });
    }
    let po = PurchaseOrder {
        id: id.clone(),
        supplier: supplier.clone(),
        warehouse: warehouse.clone(),
        order_date: ctx.date_at(w.utc_offset_minutes),
        expected_date,
        lines: po_lines,
        status: PurchaseStatus::Open,
    };
    Ok(vec![Event::PurchaseOrderCreated { purchase_order: po }])
}

pub(super) fn receive_goods(
    ctx: &Ctx<'_>,
    receipt: &ReceiptId,
    po_id: &PurchaseOrderId,
    lines: &[ReceiptLineInput],
) -> Result<Vec<Event>> {
    ctx.authorize(Action::StockReceive, Target::Global)?;
    let s = ctx.state;
    if s.receipts.contains_key(receipt) {
        return Err(Error::exists(Entity::Receipt, receipt));
    }
    let po = s
        .purchase_orders
        .get(po_id)
        .ok_or_else(|| Error::not_found(Entity::PurchaseOrder, po_id))?;
    po.check_receivable()?;
    check_lines(lines)?;
    let location = LocationId::from(&po.warehouse);
    let reference = MoveRef::PurchaseOrder(po_id.clone());
    let mut draft = StockDraft::new(&s.inventory);
    let mut received: BTreeMap<&SkuId, i64> = BTreeMap::new();
    let mut new_lots: Vec<(SkuId, LotId, NaiveDate)> = Vec::new();
    let mut booked = Vec::with_capacity(lines.len());
    for line in lines {
        let qty = ctx.base_qty(&line.sku, line.qty, line.pack.as_deref())?;
        let outstanding = po.outstanding(&line.sku);
        if !po.lines.iter().any(|l| l.sku == line.sku) {
            return Err(Error::invalid(
                "lines.sku",
                format!("`{}` is not on purchase order `{po_id}`", line.sku),
            ));
        }
        let total = received.entry(&line.sku).or_default();
        *total = total.saturating_add(qty);
        if *total > outstanding {
            return Err(Error::invalid(
                "lines.qty",
                format!(
                    "receiving {} of `{}` exceeds the {outstanding} outstanding",
                    *total, line.sku
                ),
            ));
        }
        let known = s.inventory.expiry(&line.sku, &line.lot).or_else(|| {
            new_lots
                .iter()
                .find(|(k, l, _)| k == &line.sku && l == &line.lot)
                .map(|x| x.2)
        });
        match known {
            Some(e) if e != line.expiry => {
                return Err(Error::conflict(format!(
                    "lot `{}/{}` is recorded with expiry {e}, not {}",
                    line.sku, line.lot, line.expiry
                )));
            }
            Some(_) => {}
            None => new_lots.push((line.sku.clone(), line.lot.clone(), line.expiry)),
        }
        draft.push(mv(
            MoveKind::Receipt,
            &location,
            &line.sku,
            &line.lot,
            qty,
            &reference,
        ))?;
        booked.push(ReceivedLot {
            sku: line.sku.clone(),
            lot: line.lot.clone(),
            expiry: line.expiry,
            qty,
        });
    }
    let received_on = ctx.date_at_location(&location);
    let mut events: Vec<Event> = new_lots
        .into_iter()
        .map(|(sku, lot, expiry)| Event::LotRegistered { sku, lot, expiry })
        .collect();
    events.push(Event::GoodsReceived {
        receipt_id: receipt.clone(),
        purchase_order_id: po_id.clone(),
        warehouse: po.warehouse.clone(),
        received_on,
        lines: booked,
    });
    Ok(with_moves(events, draft))
}

pub(super) fn close_purchase_order(ctx: &Ctx<'_>, po_id: &PurchaseOrderId) -> Result<Vec<Event>> {
    ctx.authorize(Action::PurchaseEdit, Target::Global)?;
    let po = ctx
        .state
        .purchase_orders
        .get(po_id)
        .ok_or_else(|| Error::not_found(Entity::PurchaseOrder, po_id))?;
    if matches!(po.status, PurchaseStatus::Closed | PurchaseStatus::Received) {
        return Err(Error::state(
            Entity::PurchaseOrder,
            po_id,
            po.status.as_str(),
            "close",
        ));
    }
    Ok(vec![Event::PurchaseOrderClosed {
        purchase_order_id: po_id.clone(),
    }])
}

pub(super) fn return_to_supplier(
    ctx: &Ctx<'_>,
    return_id: &SupplierReturnId,
    supplier: &SupplierId,
    warehouse: &WarehouseId,
    po_id: Option<&PurchaseOrderId>,
    lines: &[StockLineInput],
    reason: &str,
) -> Result<Vec<Event>> {
    ctx.authorize(Action::PurchaseEdit, Target::Global)?;
    let s = ctx.state;
    if s.supplier_returns.contains(return_id) {
        return Err(Error::exists(Entity::SupplierReturn, return_id));
    }
    if !s.suppliers.contains_key(supplier) {
        return Err(Error::not_found(Entity::Supplier, supplier));
    }
    if !s.warehouses.contains_key(warehouse) {
        return Err(Error::not_found(Entity::Warehouse, warehouse));
    }
    if let Some(id) = po_id {
        let po = s
            .purchase_orders
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::PurchaseOrder, id))?;
        if &po.supplier != supplier {
            return Err(Error::invalid(
                "purchase_order_id",
                "belongs to another supplier",
            ));
        }
    }
    check_name("reason", reason)?;
    check_lines(lines)?;
    let location = LocationId::from(warehouse);
    let reference = MoveRef::SupplierReturn(return_id.clone());
    let mut draft = StockDraft::new(&s.inventory);
    for line in lines {
        let qty = ctx.base_qty(&line.sku, line.qty, line.pack.as_deref())?;
        let lot = known_lot(ctx, &line.sku, line.lot.as_ref())?;
        draft.push(mv(
            MoveKind::SupplierReturn,
            &location,
            &line.sku,
            lot,
            -qty,
            &reference,
        ))?;
    }
    let head = Event::ReturnedToSupplier {
        return_id: return_id.clone(),
        supplier: supplier.clone(),
        purchase_order_id: po_id.cloned(),
        reason: reason.into(),
    };
    Ok(with_moves(vec![head], draft))
}
