//! The engine's state: a fold of events. [`State::evolve`] never fails: every event it sees
//! was checked when its command was decided.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Directory, Scope};
use crate::catalog::Catalog;
use crate::engine::event::Event;
use crate::error::{Entity, Error, Result};
use crate::facility::{Supplier, Territory, Vehicle, Warehouse};
use crate::finance::Receivables;
use crate::ids::{
    LocationId, OrderId, OutletId, PurchaseOrderId, ReceiptId, StaffId, StockDocId, SupplierId,
    SupplierReturnId, TerritoryId, VehicleId, WarehouseId,
};
use crate::inventory::{Inventory, LotInfo};
use crate::order::{Order, OrderStatus};
use crate::outlet::Outlet;
use crate::purchase::{PurchaseOrder, PurchaseStatus};
use crate::staff::{Role, Staff};

/// What to do when an order would exceed the outlet's credit limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditPolicy {
    /// Hold the order for a supervisor's approval (default).
    #[default]
    RequireApproval,
    /// Refuse it with `credit_limit_exceeded`.
    Reject,
}

/// An exact fraction `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Fraction {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (> 0).
    pub denominator: u32,
}

impl Fraction {
    /// `ceil(value × numerator / denominator)`.
    pub fn of_ceil(self, value: u32) -> u32 {
        let den = u64::from(self.denominator.max(1));
        let v = (u64::from(value) * u64::from(self.numerator)).div_ceil(den);
        u32::try_from(v).unwrap_or(u32::MAX)
    }
}

/// Distributor-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Credit-limit policy for order submission.
    #[serde(default)]
    pub credit_policy: CreditPolicy,
    /// A lot is near expiry when its remaining shelf life is at most this fraction of the
    /// SKU's total shelf life (default 1/3).
    #[serde(default = "one_third")]
    pub near_expiry_fraction: Fraction,
    /// Data-scope overrides per role (e.g. supervisors by territory).
    #[serde(default)]
    pub role_scopes: BTreeMap<Role, Scope>,
}

fn one_third() -> Fraction {
    Fraction {
        numerator: 1,
        denominator: 3,
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            credit_policy: CreditPolicy::default(),
            near_expiry_fraction: one_third(),
            role_scopes: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a zero denominator or a fraction above one.
    pub fn validate(&self) -> Result<()> {
        let f = self.near_expiry_fraction;
        if f.denominator == 0 || f.numerator > f.denominator {
            return Err(Error::invalid(
                "near_expiry_fraction",
                "must be a fraction in [0, 1]",
            ));
        }
        Ok(())
    }
}

/// Everything the engine knows. Serialises deterministically (ordered maps), so two states
/// are equal exactly when their JSON is byte-identical.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct State {
    /// Settings.
    pub settings: Settings,
    /// SKUs, price lists, promotions.
    pub catalog: Catalog,
    /// Outlets by id.
    pub outlets: BTreeMap<OutletId, Outlet>,
    /// Staff by id.
    pub staff: BTreeMap<StaffId, Staff>,
    /// Warehouses by id.
    pub warehouses: BTreeMap<WarehouseId, Warehouse>,
    /// Vehicles by id.
    pub vehicles: BTreeMap<VehicleId, Vehicle>,
    /// Suppliers by id.
    pub suppliers: BTreeMap<SupplierId, Supplier>,
    /// Territories by id.
    pub territories: BTreeMap<TerritoryId, Territory>,
    /// Lots, stock levels, reorder rules.
    pub inventory: Inventory,
    /// Sales orders by id.
    pub orders: BTreeMap<OrderId, Order>,
    /// Purchase orders by id.
    pub purchase_orders: BTreeMap<PurchaseOrderId, PurchaseOrder>,
    /// Goods receipts: which purchase order each was booked against.
    pub receipts: BTreeMap<ReceiptId, PurchaseOrderId>,
    /// Returns to suppliers booked.
    pub supplier_returns: BTreeSet<SupplierReturnId>,
    /// Stock documents (transfers, adjustments, write-offs) booked.
    pub stock_documents: BTreeSet<StockDocId>,
    /// Invoices, credit notes, payments.
    pub receivables: Receivables,
}

impl State {
    /// The authorisation directory over this state's staff and settings.
    pub fn directory(&self) -> Directory<'_> {
        Directory {
            staff: &self.staff,
            role_scopes: &self.settings.role_scopes,
        }
    }

    /// Whether `id` names a stock location (a warehouse or a vehicle's van).
    pub fn is_location(&self, id: &LocationId) -> bool {
        self.warehouses.contains_key(id.as_str()) || self.vehicles.contains_key(id.as_str())
    }

    /// The outlet, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn outlet(&self, id: &OutletId) -> Result<&Outlet> {
        self.outlets
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Outlet, id))
    }

    /// The order, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn order(&self, id: &OrderId) -> Result<&Order> {
        self.orders
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Order, id))
    }

    /// The staff member, or [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id.
    pub fn staff_member(&self, id: &StaffId) -> Result<&Staff> {
        self.staff
            .get(id)
            .ok_or_else(|| Error::not_found(Entity::Staff, id))
    }

    /// Folds one event into the state. Infallible by design: events were checked when
    /// decided; a reference to something missing (only possible with tampered input) is
    /// ignored rather than panicking.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::SettingsUpdated { settings } => self.settings = settings.clone(),
            Event::SkuCreated { sku } | Event::SkuUpdated { sku } => {
                self.catalog.skus.insert(sku.id.clone(), sku.clone());
            }
            Event::PriceListSet { price_list } => {
                self.catalog
                    .price_lists
                    .insert(price_list.id.clone(), price_list.clone());
            }
            Event::PromotionSet { promotion } => {
                self.catalog
                    .promotions
                    .insert(promotion.id.clone(), promotion.clone());
            }
            Event::OutletCreated { outlet } | Event::OutletUpdated { outlet } => {
                self.outlets.insert(outlet.id.clone(), outlet.clone());
            }
            Event::CreditLimitSet {
                outlet_id,
                credit_limit,
                ..
            } => {
                if let Some(o) = self.outlets.get_mut(outlet_id) {
                    o.credit_limit = *credit_limit;
                }
            }
            Event::StaffCreated { staff } | Event::StaffUpdated { staff } => {
                self.staff.insert(staff.id.clone(), staff.clone());
            }
            Event::WarehouseCreated { warehouse } => {
                self.warehouses
                    .insert(warehouse.id.clone(), warehouse.clone());
            }
            Event::VehicleCreated { vehicle } => {
                self.vehicles.insert(vehicle.id.clone(), vehicle.clone());
            }
            Event::SupplierCreated { supplier } => {
                self.suppliers.insert(supplier.id.clone(), supplier.clone());
            }
            Event::TerritoryCreated { territory } => {
                self.territories
                    .insert(territory.id.clone(), territory.clone());
            }
            Event::LotRegistered { sku, lot, expiry } => {
                self.inventory
                    .lots
                    .entry(sku.clone())
                    .or_default()
                    .insert(lot.clone(), LotInfo { expiry: *expiry });
            }
            Event::StockMoved(m) => self.inventory.apply(m),
            Event::StockDocumentBooked { document_id, .. } => {
                self.stock_documents.insert(document_id.clone());
            }
            Event::ReorderLevelSet {
                location,
                sku,
                level,
            } => {
                let levels = &mut self.inventory.reorder_levels;
                match level {
                    Some(l) => {
                        levels
                            .entry(location.clone())
                            .or_default()
                            .insert(sku.clone(), *l);
                    }
                    None => {
                        if let Some(m) = levels.get_mut(location) {
                            m.remove(sku);
                            if m.is_empty() {
                                levels.remove(location);
                            }
                        }
                    }
                }
            }
            Event::PurchaseOrderCreated { purchase_order } => {
                self.purchase_orders
                    .insert(purchase_order.id.clone(), purchase_order.clone());
            }
            Event::GoodsReceived {
                receipt_id,
                purchase_order_id,
                lines,
                ..
            } => {
                self.receipts
                    .insert(receipt_id.clone(), purchase_order_id.clone());
                if let Some(po) = self.purchase_orders.get_mut(purchase_order_id) {
                    for r in lines {
                        if let Some(l) = po.lines.iter_mut().find(|l| l.sku == r.sku) {
                            l.qty_received = l.qty_received.saturating_add(r.qty);
                        }
                    }
                    po.status = po.status_after_receipt();
                }
            }
            Event::PurchaseOrderClosed { purchase_order_id } => {
                if let Some(po) = self.purchase_orders.get_mut(purchase_order_id) {
                    po.status = PurchaseStatus::Closed;
                }
            }
            Event::ReturnedToSupplier { return_id, .. } => {
                self.supplier_returns.insert(return_id.clone());
            }
            Event::OrderDraftSaved { order } | Event::OrderSubmitted { order } => {
                self.orders.insert(order.id.clone(), order.clone());
            }
            Event::OrderApproved { order_id, by } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Allocated;
                    o.decided_by = Some(by.clone());
                }
            }
            Event::OrderRejected { order_id, by, .. } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Rejected;
                    o.decided_by = Some(by.clone());
                    release_lines(o);
                }
            }
            Event::OrderCancelled { order_id, .. } => {
                if let Some(o) = self.orders.get_mut(order_id) {
                    o.status = OrderStatus::Cancelled;
                    release_lines(o);
                }
            }
            Event::InvoiceIssued { invoice } => self.receivables.add_invoice(invoice.clone()),
            Event::CreditNoteIssued { credit_note } => {
                self.receivables.add_credit_note(credit_note.clone());
            }
            Event::PaymentRecorded { payment } => self.receivables.add_payment(payment.clone()),
        }
    }
}

fn release_lines(order: &mut Order) {
    for line in &mut order.lines {
        line.qty_allocated = 0;
    }
}
