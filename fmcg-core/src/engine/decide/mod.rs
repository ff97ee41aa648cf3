//! Deciding a command: read-only checks against the state that either produce the events
//! or an error. Nothing here mutates, which is what makes `apply` atomic.

mod delivery;
mod field;
mod finance;
mod master;
mod sales;
mod stock;

use chrono::NaiveDate;

use crate::access::{self, Action, Target};
use crate::engine::command::{Command, Envelope};
use crate::engine::event::Event;
use crate::engine::state::State;
use crate::error::{Entity, Error, Result};
use crate::ids::{LocationId, SkuId};
use crate::quantity::to_base_units;
use crate::staff::{Role, Staff};
use crate::text::local_date;

/// The most lines one document may carry.
pub const MAX_LINES: usize = 1000;

/// What every decision reads: the state, the envelope and the resolved actor.
pub(crate) struct Ctx<'a> {
    pub state: &'a State,
    pub env: &'a Envelope,
    pub actor: &'a Staff,
    /// Pushed by an offline device: the sync policies apply.
    pub synced: bool,
}

impl Ctx<'_> {
    /// Authorises the actor for `action` on `target`.
    pub fn authorize(&self, action: Action, target: Target<'_>) -> Result<()> {
        access::authorize(self.state.directory(), self.actor, action, target)
    }

    /// Checks some role of the actor grants `action` at all, before any record is looked
    /// up (so a refused actor cannot probe which ids exist).
    pub fn granted(&self, action: Action) -> Result<()> {
        access::granted(self.state.directory(), self.actor, action)
    }

    /// A permission error for `action` with `reason`.
    pub fn denied(&self, action: Action, reason: &str) -> Error {
        access::denied(self.actor, action, reason)
    }

    /// The local date of the command at a UTC offset.
    pub fn date_at(&self, utc_offset_min: i32) -> NaiveDate {
        local_date(self.env.recorded_at, utc_offset_min)
    }

    /// The local date at a stock location (a warehouse's zone; vans use their home
    /// warehouse's, else UTC).
    pub fn date_at_location(&self, location: &LocationId) -> NaiveDate {
        let s = self.state;
        let offset = s
            .warehouses
            .get(location.as_str())
            .map(|w| w.utc_offset_minutes)
            .or_else(|| {
                s.vehicles
                    .get(location.as_str())
                    .and_then(|v| v.home_warehouse.as_ref())
                    .and_then(|w| s.warehouses.get(w))
                    .map(|w| w.utc_offset_minutes)
            })
            .unwrap_or(0);
        self.date_at(offset)
    }

    /// Checks `id` is a stock location.
    pub fn location(&self, id: &LocationId) -> Result<()> {
        if self.state.is_location(id) {
            Ok(())
        } else {
            Err(Error::not_found(Entity::Location, id))
        }
    }

    /// Checks `sku` exists and converts `qty` (of `pack`) to base units.
    pub fn base_qty(&self, sku: &SkuId, qty: i64, pack: Option<&str>) -> Result<i64> {
        let sku = self.state.catalog.sku(sku)?;
        to_base_units(&sku.packs, qty, pack)
    }
}

/// Checks a document's line count.
pub(crate) fn check_lines<T>(lines: &[T]) -> Result<()> {
    if lines.is_empty() {
        return Err(Error::invalid("lines", "at least one line is required"));
    }
    if lines.len() > MAX_LINES {
        return Err(Error::invalid(
            "lines",
            format!("more than {MAX_LINES} lines"),
        ));
    }
    Ok(())
}

/// Decides `env` against `state`: the events it produces, or why it is refused.
///
/// # Errors
/// Any [`Error`] kind the command can fail with; nothing is changed either way.
pub(crate) fn decide(state: &State, env: &Envelope, synced: bool) -> Result<Vec<Event>> {
    if state.staff.is_empty() {
        return master::bootstrap(state, env);
    }
    let actor = state
        .staff
        .get(&env.actor)
        .filter(|s| s.active)
        .ok_or_else(|| Error::PermissionDenied {
            actor: env.actor.to_string(),
            action: env.command.name().into(),
            reason: "not a known, active staff member".into(),
        })?;
    let ctx = Ctx {
        state,
        env,
        actor,
        synced,
    };
    match &env.command {
        Command::UpdateSettings { settings } => master::update_settings(&ctx, settings),
        Command::CreateSku { sku } => master::create_sku(&ctx, sku),
        Command::UpdateSku { sku } => master::update_sku(&ctx, sku),
        Command::SetPriceList { price_list } => master::set_price_list(&ctx, price_list),
        Command::SetPromotion { promotion } => master::set_promotion(&ctx, promotion),
        Command::CreateOutlet { outlet } => master::create_outlet(&ctx, outlet),
        Command::UpdateOutlet { outlet } => master::update_outlet(&ctx, outlet),
        Command::EditOutlet {
            outlet_id,
            changes,
            stamp,
        } => master::edit_outlet(&ctx, outlet_id, changes, stamp),
        Command::SetCreditLimit {
            outlet_id,
            credit_limit,
        } => master::set_credit_limit(&ctx, outlet_id, *credit_limit),
        Command::CreateStaff { staff } => master::create_staff(&ctx, staff),
        Command::UpdateStaff { staff } => master::update_staff(&ctx, staff),
        Command::CreateWarehouse { warehouse } => master::create_warehouse(&ctx, warehouse),
        Command::CreateVehicle { vehicle } => master::create_vehicle(&ctx, vehicle),
        Command::CreateSupplier { supplier } => master::create_supplier(&ctx, supplier),
        Command::CreateTerritory { territory } => master::create_territory(&ctx, territory),
        Command::TransferStock {
            document_id,
            from,
            to,
            lines,
        } => stock::transfer(&ctx, document_id, from, to, lines),
        Command::AdjustStock {
            document_id,
            location,
            lines,
            reason,
        } => stock::adjust(&ctx, document_id, location, lines, reason),
        Command::WriteOffStock {
            document_id,
            location,
            lines,
            reason,
        } => stock::write_off(&ctx, document_id, location, lines, reason),
        Command::SetReorderLevel {
            location,
            sku,
            min,
            max,
        } => stock::set_reorder_level(&ctx, location, sku, *min, *max),
        Command::CreatePurchaseOrder {
            purchase_order_id,
            supplier,
            warehouse,
            expected_date,
            lines,
        } => stock::create_purchase_order(
            &ctx,
            purchase_order_id,
            supplier,
            warehouse,
            *expected_date,
            lines,
        ),
        Command::ReceiveGoods {
            receipt_id,
            purchase_order_id,
            lines,
        } => stock::receive_goods(&ctx, receipt_id, purchase_order_id, lines),
        Command::ClosePurchaseOrder { purchase_order_id } => {
            stock::close_purchase_order(&ctx, purchase_order_id)
        }
        Command::ReturnToSupplier {
            return_id,
            supplier,
            warehouse,
            purchase_order_id,
            lines,
            reason,
        } => stock::return_to_supplier(
            &ctx,
            return_id,
            supplier,
            warehouse,
            purchase_order_id.as_ref(),
            lines,
            reason,
        ),
        Command::SaveOrderDraft(input) => sales::save_draft(&ctx, input),
        Command::SubmitOrder(input) => sales::submit(&ctx, input),
        Command::ApproveOrder { order_id } => sales::approve(&ctx, order_id),
        Command::RejectOrder { order_id, reason } => sales::reject(&ctx, order_id, reason),
        Command::CancelOrder { order_id, reason } => sales::cancel(&ctx, order_id, reason),
        Command::IssueInvoice {
            invoice_id,
            outlet,
            amount,
            order_id,
            issue_date,
            due_date,
        } => finance::issue_invoice(
            &ctx,
            invoice_id,
            outlet,
            *amount,
            order_id.as_ref(),
            *issue_date,
            *due_date,
        ),
        Command::IssueCreditNote {
            credit_note_id,
            invoice_id,
            amount,
            reason,
        } => finance::issue_credit_note(&ctx, credit_note_id, invoice_id, *amount, reason),
        Command::RecordPayment {
            payment_id,
            outlet,
            amount,
            method,
            invoices,
            visit_id,
        } => finance::record_payment(
            &ctx,
            payment_id,
            outlet,
            *amount,
            *method,
            invoices,
            visit_id.as_ref(),
        ),
        Command::SetBeatPlan { plan } => field::set_beat_plan(&ctx, plan),
        Command::PlanWorkDay { staff, date, stops } => {
            field::plan_work_day(&ctx, staff, *date, stops.as_deref())
        }
        Command::StartDay {} => field::start_day(&ctx),
        Command::EndDay {} => field::end_day(&ctx),
        Command::RequestRouteChange {
            request_id,
            date,
            change,
            reason,
        } => field::request_route_change(&ctx, request_id, *date, change, reason),
        Command::DecideRouteChange {
            request_id,
            approve,
            note,
        } => field::decide_route_change(&ctx, request_id, *approve, note),
        Command::CheckIn { visit_id, outlet } => field::check_in(&ctx, visit_id, outlet),
        Command::CheckOut { visit_id } => field::check_out(&ctx, visit_id),
        Command::RecordOutletStock { visit_id, lines } => {
            field::record_outlet_stock(&ctx, visit_id, lines)
        }
        Command::RecordDisplayCheck { visit_id, items } => {
            field::record_display_check(&ctx, visit_id, items)
        }
        Command::RecordCompetitorObservation {
            visit_id,
            observation,
        } => field::record_competitor(&ctx, visit_id, observation),
        Command::RecordFeedback {
            feedback_id,
            outlet,
            visit_id,
            category,
            text,
            photos,
        } => field::record_feedback(
            &ctx,
            feedback_id,
            outlet,
            visit_id.as_ref(),
            category,
            text,
            photos,
        ),
        Command::AssignFeedback {
            feedback_id,
            assignee,
        } => field::assign_feedback(&ctx, feedback_id, assignee),
        Command::ResolveFeedback {
            feedback_id,
            resolution,
        } => field::resolve_feedback(&ctx, feedback_id, resolution),
        Command::PlanTrip {
            trip_id,
            driver,
            vehicle,
            date,
            orders,
            stops,
        } => delivery::plan_trip(
            &ctx,
            trip_id,
            driver,
            vehicle,
            *date,
            orders,
            stops.as_deref(),
        ),
        Command::LoadTrip { trip_id } => delivery::load_trip(&ctx, trip_id),
        Command::DepartTrip { trip_id } => delivery::depart_trip(&ctx, trip_id),
        Command::DeliverStop {
            trip_id,
            outlet,
            proof,
            orders,
            exceptions,
            payment,
        } => delivery::deliver_stop(
            &ctx,
            trip_id,
            outlet,
            proof.as_ref(),
            orders,
            exceptions,
            payment.as_ref(),
        ),
        Command::CloseTrip { trip_id, lines } => delivery::close_trip(&ctx, trip_id, lines),
        Command::SettleCash {
            settlement_id,
            staff,
            date,
            handed,
        } => field::settle_cash(&ctx, settlement_id, staff, *date, *handed),
        Command::Submit {
            submission_id,
            date,
            item,
        } => field::submit(&ctx, submission_id, *date, item),
        Command::DecideSubmission {
            submission_id,
            approve,
            note,
        } => field::decide_submission(&ctx, submission_id, *approve, note),
        Command::IngestFixes { staff, fixes } => field::ingest_fixes(&ctx, staff.as_ref(), fixes),
    }
}

/// Whether `staff` may be the first actor of an empty engine: an active admin registering
/// themselves.
fn is_bootstrap_admin(env: &Envelope) -> Option<&Staff> {
    match &env.command {
        Command::CreateStaff { staff }
            if staff.id == env.actor && staff.active && staff.has_role(Role::Admin) =>
        {
            Some(staff)
        }
        _ => None,
    }
}
