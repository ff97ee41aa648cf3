//! Master data: settings, catalogue, outlets, staff, facilities.

use crate::access::{Action, Target};
use crate::catalog::{PriceList, Promotion, PromotionRule, Sku};
use crate::engine::command::Envelope;
use crate::engine::decide::{Ctx, is_bootstrap_admin};
use crate::engine::event::Event;
use crate::engine::state::{Settings, State};
use crate::error::{Entity, Error, Result};
use crate::facility::{Supplier, Territory, Vehicle, Warehouse};
use crate::ids::{OutletId, StaffId};
use crate::money::Money;
use crate::outlet::{Outlet, OutletEdit};
use crate::staff::{Role, Staff, would_cycle};
use crate::sync::Hlc;

/// The first command of an empty engine: an active admin registering themselves.
pub(super) fn bootstrap(state: &State, env: &Envelope) -> Result<Vec<Event>> {
    let Some(staff) = is_bootstrap_admin(env) else {
        return Err(Error::PermissionDenied {
            actor: env.actor.to_string(),
            action: env.command.name().into(),
            reason: "the engine has no staff yet: the first command must be create_staff \
                     registering its own actor as an active admin"
                .into(),
        });
    };
    staff.validate()?;
    if staff.supervisor.is_some() || staff.territory.is_some() || staff.depot.is_some() {
        return Err(Error::invalid(
            "staff",
            "the first admin cannot reference a supervisor, territory or depot that does not exist yet",
        ));
    }
    debug_assert!(state.staff.is_empty());
    Ok(vec![Event::StaffCreated {
        staff: staff.clone(),
    }])
}

/// Fails with [`Error::AlreadyExists`] when another item of the map has the same `code`.
fn unique_code<'a, K: PartialEq + 'a, V: 'a>(
    entity: Entity,
    items: impl IntoIterator<Item = (&'a K, &'a V)>,
    id: &K,
    code: &str,
    code_of: impl Fn(&V) -> &str,
) -> Result<()> {
    if items
        .into_iter()
        .any(|(k, v)| k != id && code_of(v) == code)
    {
        return Err(Error::AlreadyExists {
            entity,
            field: "code".into(),
            value: code.into(),
        });
    }
    Ok(())
}

pub(super) fn update_settings(ctx: &Ctx<'_>, settings: &Settings) -> Result<Vec<Event>> {
    ctx.authorize(Action::SettingsEdit, Target::Global)?;
    settings.validate()?;
    Ok(vec![Event::SettingsUpdated {
        settings: settings.clone(),
    }])
}

fn check_sku(ctx: &Ctx<'_>, sku: &Sku) -> Result<()> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    sku.validate()?;
    let skus = &ctx.state.catalog.skus;
    unique_code(Entity::Sku, skus, &sku.id, &sku.code, |s| &s.code)?;
    for (i, b) in sku.barcodes.iter().enumerate() {
        let dup_here = sku.barcodes[..i].contains(b);
        let dup_other = skus
            .values()
            .any(|s| s.id != sku.id && s.barcodes.contains(b));
        if dup_here || dup_other {
            return Err(Error::AlreadyExists {
                entity: Entity::Sku,
                field: "barcode".into(),
                value: b.clone(),
            });
        }
    }
    Ok(())
}

pub(super) fn create_sku(ctx: &Ctx<'_>, sku: &Sku) -> Result<Vec<Event>> {
    check_sku(ctx, sku)?;
    if ctx.state.catalog.skus.contains_key(&sku.id) {
        return Err(Error::exists(Entity::Sku, &sku.id));
    }
    Ok(vec![Event::SkuCreated { sku: sku.clone() }])
}

pub(super) fn update_sku(ctx: &Ctx<'_>, sku: &Sku) -> Result<Vec<Event>> {
    check_sku(ctx, sku)?;
    ctx.state.catalog.sku(&sku.id)?;
    Ok(vec![Event::SkuUpdated { sku: sku.clone() }])
}

pub(super) fn set_price_list(ctx: &Ctx<'_>, list: &PriceList) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    list.validate()?;
    for sku in list.prices.keys() {
        ctx.state.catalog.sku(sku)?;
    }
    Ok(vec![Event::PriceListSet {
        price_list: list.clone(),
    }])
}

pub(super) fn set_promotion(ctx: &Ctx<'_>, promo: &Promotion) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    promo.validate()?;
    for sku in &promo.skus {
        ctx.state.catalog.sku(sku)?;
    }
    if let PromotionRule::BuyGet {
        free_sku: Some(free),
        ..
    } = &promo.rule
    {
        ctx.state.catalog.sku(free)?;
    }
    Ok(vec![Event::PromotionSet {
        promotion: promo.clone(),
    }])
}

/// Checks an outlet's references and code.
fn check_outlet(ctx: &Ctx<'_>, outlet: &Outlet) -> Result<()> {
    outlet.validate()?;
    let s = ctx.state;
    unique_code(Entity::Outlet, &s.outlets, &outlet.id, &outlet.code, |o| {
        &o.code
    })?;
    if let Some(rep) = &outlet.assigned_rep {
        let rep = s.staff_member(rep)?;
        if !rep.has_role(Role::SalesRep) {
            return Err(Error::invalid(
                "assigned_rep",
                format!("`{}` is not a sales rep", rep.id),
            ));
        }
    }
    if let Some(t) = &outlet.territory
        && !s.territories.contains_key(t)
    {
        return Err(Error::not_found(Entity::Territory, t));
    }
    Ok(())
}

/// The credit-limit rule: only `outlet.edit_credit_limit`, and never on one's own outlet.
fn check_credit_limit_edit(ctx: &Ctx<'_>, outlet: &Outlet) -> Result<()> {
    ctx.authorize(Action::OutletEditCreditLimit, Target::Outlet(outlet))?;
    if outlet.assigned_rep.as_ref() == Some(&ctx.actor.id) {
        return Err(ctx.denied(
            Action::OutletEditCreditLimit,
            "it is the actor's own outlet",
        ));
    }
    Ok(())
}

pub(super) fn create_outlet(ctx: &Ctx<'_>, outlet: &Outlet) -> Result<Vec<Event>> {
    ctx.authorize(Action::OutletCreate, Target::Outlet(outlet))?;
    check_outlet(ctx, outlet)?;
    if ctx.state.outlets.contains_key(&outlet.id) {
        return Err(Error::exists(Entity::Outlet, &outlet.id));
    }
    if outlet.credit_limit.is_some() {
        check_credit_limit_edit(ctx, outlet)?;
    }
    Ok(vec![Event::OutletCreated {
        outlet: outlet.clone(),
    }])
}

pub(super) fn update_outlet(ctx: &Ctx<'_>, outlet: &Outlet) -> Result<Vec<Event>> {
    ctx.granted(Action::OutletEdit)?;
    let current = ctx.state.outlet(&outlet.id)?;
    ctx.authorize(Action::OutletEdit, Target::Outlet(current))?;
    ctx.authorize(Action::OutletEdit, Target::Outlet(outlet))?;
    check_outlet(ctx, outlet)?;
    if outlet.credit_limit != current.credit_limit {
        return Err(Error::invalid(
            "credit_limit",
            "changes only through set_credit_limit (a sensitive field)",
        ));
    }
    Ok(vec![Event::OutletUpdated {
        outlet: outlet.clone(),
    }])
}

pub(super) fn edit_outlet(
    ctx: &Ctx<'_>,
    outlet_id: &OutletId,
    changes: &OutletEdit,
    stamp: &Hlc,
) -> Result<Vec<Event>> {
    ctx.granted(Action::OutletEditDetails)?;
    let current = ctx.state.outlet(outlet_id)?;
    ctx.authorize(Action::OutletEditDetails, Target::Outlet(current))?;
    if changes.fields().is_empty() {
        return Err(Error::invalid("changes", "sets no field"));
    }
    crate::text::check_name("stamp.node", &stamp.node)?;
    let stamps = ctx.state.outlet_stamps.get(outlet_id);
    let later = |f: &str| stamps.and_then(|s| s.get(f)).is_some_and(|s| s >= stamp);
    let applied = changes.only(|f| !later(f));
    let mut edited = current.clone();
    applied.apply_to(&mut edited);
    edited.validate()?;
    let superseded = changes
        .fields()
        .into_iter()
        .filter(|f| later(f))
        .map(str::to_owned)
        .collect();
    Ok(vec![Event::OutletEdited {
        outlet_id: outlet_id.clone(),
        stamp: stamp.clone(),
        applied,
        superseded,
    }])
}

pub(super) fn set_credit_limit(
    ctx: &Ctx<'_>,
    outlet_id: &OutletId,
    limit: Option<Money>,
) -> Result<Vec<Event>> {
    ctx.granted(Action::OutletEditCreditLimit)?;
    let outlet = ctx.state.outlet(outlet_id)?;
    check_credit_limit_edit(ctx, outlet)?;
    if let Some(l) = limit {
        l.check("credit_limit", false)?;
    }
    Ok(vec![Event::CreditLimitSet {
        outlet_id: outlet_id.clone(),
        credit_limit: limit,
        previous: outlet.credit_limit,
    }])
}

/// Checks a staff record's references, uniqueness and the supervisor tree.
fn check_staff(ctx: &Ctx<'_>, staff: &Staff) -> Result<()> {
    ctx.authorize(Action::StaffEdit, Target::Staff(staff))?;
    staff.validate()?;
    let s = ctx.state;
    if s.staff
        .iter()
        .any(|(k, v)| k != &staff.id && v.employee_no == staff.employee_no)
    {
        return Err(Error::AlreadyExists {
            entity: Entity::Staff,
            field: "employee_no".into(),
            value: staff.employee_no.clone(),
        });
    }
    if let Some(sup) = &staff.supervisor {
        s.staff_member(sup)?;
        if would_cycle(&s.staff, &staff.id, sup) {
            return Err(Error::invalid(
                "supervisor",
                format!("`{sup}` is below `{}` in the supervisor tree", staff.id),
            ));
        }
    }
    if let Some(t) = &staff.territory
        && !s.territories.contains_key(t)
    {
        return Err(Error::not_found(Entity::Territory, t));
    }
    if let Some(d) = &staff.depot
        && !s.warehouses.contains_key(d)
    {
        return Err(Error::not_found(Entity::Warehouse, d));
    }
    Ok(())
}

pub(super) fn create_staff(ctx: &Ctx<'_>, staff: &Staff) -> Result<Vec<Event>> {
    check_staff(ctx, staff)?;
    if ctx.state.staff.contains_key(&staff.id) {
        return Err(Error::exists(Entity::Staff, &staff.id));
    }
    Ok(vec![Event::StaffCreated {
        staff: staff.clone(),
    }])
}

pub(super) fn update_staff(ctx: &Ctx<'_>, staff: &Staff) -> Result<Vec<Event>> {
    ctx.granted(Action::StaffEdit)?;
    let current = ctx.state.staff_member(&staff.id)?;
    check_staff(ctx, staff)?;
    let own: &StaffId = &ctx.actor.id;
    if own == &staff.id
        && (current.roles != staff.roles
            || current.active != staff.active
            || current.supervisor != staff.supervisor)
    {
        return Err(ctx.denied(
            Action::StaffEdit,
            "nobody changes their own roles, supervisor or active flag",
        ));
    }
    Ok(vec![Event::StaffUpdated {
        staff: staff.clone(),
    }])
}

/// A new location id must not clash with a warehouse or van of the same id.
fn check_new_location(ctx: &Ctx<'_>, entity: Entity, id: &str) -> Result<()> {
    let s = ctx.state;
    if s.warehouses.contains_key(id) || s.vehicles.contains_key(id) {
        return Err(Error::exists(entity, id));
    }
    Ok(())
}

pub(super) fn create_warehouse(ctx: &Ctx<'_>, w: &Warehouse) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    w.validate()?;
    check_new_location(ctx, Entity::Warehouse, w.id.as_str())?;
    unique_code(
        Entity::Warehouse,
        &ctx.state.warehouses,
        &w.id,
        &w.code,
        |x| &x.code,
    )?;
    Ok(vec![Event::WarehouseCreated {
        warehouse: w.clone(),
    }])
}

pub(super) fn create_vehicle(ctx: &Ctx<'_>, v: &Vehicle) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    v.validate()?;
    check_new_location(ctx, Entity::Vehicle, v.id.as_str())?;
    unique_code(Entity::Vehicle, &ctx.state.vehicles, &v.id, &v.code, |x| {
        &x.code
    })?;
    if let Some(w) = &v.home_warehouse
        && !ctx.state.warehouses.contains_key(w)
    {
        return Err(Error::not_found(Entity::Warehouse, w));
    }
    Ok(vec![Event::VehicleCreated { vehicle: v.clone() }])
}

pub(super) fn create_supplier(ctx: &Ctx<'_>, sup: &Supplier) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    sup.validate()?;
    if ctx.state.suppliers.contains_key(&sup.id) {
        return Err(Error::exists(Entity::Supplier, &sup.id));
    }
    unique_code(
        Entity::Supplier,
        &ctx.state.suppliers,
        &sup.id,
        &sup.code,
        |x| &x.code,
    )?;
    Ok(vec![Event::SupplierCreated {
        supplier: sup.clone(),
    }])
}

pub(super) fn create_territory(ctx: &Ctx<'_>, t: &Territory) -> Result<Vec<Event>> {
    ctx.authorize(Action::MasterEdit, Target::Global)?;
    t.validate()?;
    if ctx.state.territories.contains_key(&t.id) {
        return Err(Error::exists(Entity::Territory, &t.id));
    }
    unique_code(
        Entity::Territory,
        &ctx.state.territories,
        &t.id,
        &t.code,
        |x| &x.code,
    )?;
    Ok(vec![Event::TerritoryCreated {
        territory: t.clone(),
    }])
}
