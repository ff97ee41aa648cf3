//! Field work: beat plans, work days, attendance, route changes, visits and what is recorded
//! in them, feedback, cash settlement, submissions and GPS fixes.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::access::{self, Action, Target};
use crate::engine::decide::{Ctx, check_lines};
use crate::engine::event::Event;
use crate::error::{Entity, Error, Result};
use crate::field::{
    BeatPlan, CompetitorObservation, Decision, DisplayCheck, DisplayItem, Feedback, FeedbackStatus,
    Mark, MediaRef, Objective, OutletCountLine, PlannedStop, RouteChange, RouteChangeRequest,
    Visit, check_media, check_stops,
};
use crate::ids::{
    FeedbackId, OutletId, RouteChangeId, SettlementId, StaffId, SubmissionId, VisitId,
};
use crate::money::{Money, Rate};
use crate::outlet::OutletStatus;
use crate::settlement::{CashSettlement, Submission, SubmissionItem};
use crate::staff::{Role, Staff};
use crate::text::{MAX_LONG_TEXT, check_name, check_text};
use crate::tracking::FixBatch;

impl<'a> Ctx<'a> {
    /// The staff member, authorised for `action` on their records.
    fn staff_for(&self, action: Action, id: &StaffId) -> Result<&'a Staff> {
        self.granted(action)?;
        let s = self.state.staff_member(id)?;
        self.authorize(action, Target::Staff(s))?;
        Ok(s)
    }

    /// The actor's local date of the command.
    fn my_date(&self) -> NaiveDate {
        self.date_at(self.actor.utc_offset_minutes)
    }

    /// The actor's open visit `id`.
    fn open_visit(&self, id: &VisitId) -> Result<&'a Visit> {
        self.granted(Action::VisitExecute)?;
        let v = self.state.field.visit(id)?;
        if v.rep != self.actor.id {
            return Err(self.denied(Action::VisitExecute, "not one's own visit"));
        }
        if v.check_out.is_some() {
            return Err(Error::state(Entity::Visit, id, "checked_out", "record"));
        }
        Ok(v)
    }
}

/// Checks an order or payment linked to `visit` belongs in it: the actor's open visit at
/// the same outlet.
pub(super) fn check_visit_link(
    ctx: &Ctx<'_>,
    visit: Option<&VisitId>,
    outlet: &OutletId,
) -> Result<()> {
    let Some(id) = visit else {
        return Ok(());
    };
    let v = ctx.state.field.visit(id)?;
    if v.rep != ctx.actor.id || v.check_out.is_some() {
        return Err(Error::invalid(
            "visit_id",
            format!("`{id}` is not the actor's open visit"),
        ));
    }
    if &v.outlet != outlet {
        return Err(Error::invalid(
            "visit_id",
            format!("visit `{id}` is at another outlet"),
        ));
    }
    Ok(())
}

/// Checks every outlet exists and lies in `rep`'s own outlet scope (so their plan never
/// shows them an outlet they may not see).
fn check_rep_outlets<'b>(
    ctx: &Ctx<'_>,
    rep: &Staff,
    outlets: impl Iterator<Item = &'b OutletId>,
) -> Result<()> {
    for id in outlets {
        let o = ctx.state.outlet(id)?;
        if !access::allows(
            ctx.state.directory(),
            rep,
            Action::OutletView,
            Target::Outlet(o),
        ) {
            return Err(Error::invalid(
                "stops",
                format!("outlet `{id}` is outside the data scope of `{}`", rep.id),
            ));
        }
    }
    Ok(())
}

pub(super) fn set_beat_plan(ctx: &Ctx<'_>, plan: &BeatPlan) -> Result<Vec<Event>> {
    let rep = ctx.staff_for(Action::VisitPlan, &plan.rep)?;
    plan.validate()?;
    check_rep_outlets(ctx, rep, plan.days.iter().flat_map(|d| &d.outlets))?;
    Ok(vec![Event::BeatPlanSet { plan: plan.clone() }])
}

pub(super) fn plan_work_day(
    ctx: &Ctx<'_>,
    staff: &StaffId,
    date: NaiveDate,
    stops: Option<&[PlannedStop]>,
) -> Result<Vec<Event>> {
    let person = ctx.staff_for(Action::VisitPlan, staff)?;
    if ctx
        .state
        .field
        .day(staff, date)
        .is_some_and(|d| d.started.is_some())
    {
        return Err(Error::state(
            Entity::WorkDay,
            format!("{staff}/{date}"),
            "started",
            "plan",
        ));
    }
    let stops = match stops {
        Some(s) => s.to_vec(),
        None => {
            let plan =
                ctx.state.field.beat_plans.get(staff).ok_or_else(|| {
                    Error::invalid("stops", format!("`{staff}` has no beat plan"))
                })?;
            plan.outlets_on(date)
                .iter()
                .map(|o| {
                    let mut objectives = vec![Objective::TakeOrder];
                    if ctx.state.receivables.open_invoices(o).next().is_some() {
                        objectives.push(Objective::CollectPayment);
                    }
                    PlannedStop {
                        outlet: o.clone(),
                        objectives,
                    }
                })
                .collect()
        }
    };
    check_stops(stops.iter().map(|s| &s.outlet))?;
    check_rep_outlets(ctx, person, stops.iter().map(|s| &s.outlet))?;
    Ok(vec![Event::WorkDayPlanned {
        staff: staff.clone(),
        date,
        stops,
    }])
}

pub(super) fn start_day(ctx: &Ctx<'_>) -> Result<Vec<Event>> {
    ctx.staff_for(Action::AttendanceRecord, &ctx.actor.id)?;
    let date = ctx.my_date();
    let day = ctx.state.field.day(&ctx.actor.id, date);
    if day.is_some_and(|d| d.started.is_some()) {
        return Err(Error::state(
            Entity::WorkDay,
            format!("{}/{date}", ctx.actor.id),
            "started",
            "start",
        ));
    }
    Ok(vec![Event::DayStarted {
        staff: ctx.actor.id.clone(),
        date,
        mark: Mark {
            at: ctx.env.recorded_at,
            position: ctx.env.position,
        },
    }])
}

pub(super) fn end_day(ctx: &Ctx<'_>) -> Result<Vec<Event>> {
    ctx.staff_for(Action::AttendanceRecord, &ctx.actor.id)?;
    let date = ctx.my_date();
    let key = format!("{}/{date}", ctx.actor.id);
    let day = ctx
        .state
        .field
        .day(&ctx.actor.id, date)
        .ok_or_else(|| Error::not_found(Entity::WorkDay, &key))?;
    let Some(started) = &day.started else {
        return Err(Error::state(Entity::WorkDay, &key, "not_started", "end"));
    };
    if day.ended.is_some() {
        return Err(Error::state(Entity::WorkDay, &key, "ended", "end"));
    }
    if ctx.env.recorded_at < started.at {
        return Err(Error::invalid("recorded_at", "is before the day's start"));
    }
    if let Some(v) = ctx.state.field.open_visits.get(&ctx.actor.id) {
        return Err(Error::state(
            Entity::Visit,
            v,
            "checked_in",
            "end the day during",
        ));
    }
    Ok(vec![Event::DayEnded {
        staff: ctx.actor.id.clone(),
        date,
        mark: Mark {
            at: ctx.env.recorded_at,
            position: ctx.env.position,
        },
    }])
}

pub(super) fn request_route_change(
    ctx: &Ctx<'_>,
    id: &RouteChangeId,
    date: NaiveDate,
    change: &RouteChange,
    reason: &str,
) -> Result<Vec<Event>> {
    let rep = ctx.staff_for(Action::RouteRequestChange, &ctx.actor.id)?;
    if ctx.state.field.route_changes.contains_key(id) {
        return Err(Error::exists(Entity::RouteChange, id));
    }
    check_name("reason", reason)?;
    let key = format!("{}/{date}", rep.id);
    let day = ctx
        .state
        .field
        .day(&rep.id, date)
        .ok_or_else(|| Error::not_found(Entity::WorkDay, &key))?;
    if day.ended.is_some() {
        return Err(Error::state(Entity::WorkDay, &key, "ended", "change"));
    }
    let stops = day.changed(change)?;
    check_rep_outlets(ctx, rep, stops.iter().map(|s| &s.outlet))?;
    Ok(vec![Event::RouteChangeRequested {
        request: RouteChangeRequest {
            id: id.clone(),
            rep: rep.id.clone(),
            date,
            change: change.clone(),
            reason: reason.into(),
            status: Decision::Pending,
            decided_by: None,
            note: String::new(),
        },
    }])
}

/// Checks the actor may decide on `subject`'s pending request: in scope for `action`, not
/// their own, still pending, with a valid note.
fn pending(
    ctx: &Ctx<'_>,
    action: Action,
    (subject, what): (&StaffId, &str),
    (entity, id, status): (Entity, &str, Decision),
    note: &str,
) -> Result<()> {
    ctx.staff_for(action, subject)?;
    if subject == &ctx.actor.id {
        return Err(ctx.denied(action, &format!("nobody decides on their own {what}")));
    }
    if status != Decision::Pending {
        return Err(Error::state(entity, id, "decided", "decide"));
    }
    check_text("note", note, MAX_LONG_TEXT)
}

pub(super) fn decide_route_change(
    ctx: &Ctx<'_>,
    id: &RouteChangeId,
    approve: bool,
    note: &str,
) -> Result<Vec<Event>> {
    ctx.granted(Action::RouteApproveChange)?;
    let r = ctx
        .state
        .field
        .route_changes
        .get(id)
        .ok_or_else(|| Error::not_found(Entity::RouteChange, id))?;
    pending(
        ctx,
        Action::RouteApproveChange,
        (&r.rep, "route change"),
        (Entity::RouteChange, id.as_str(), r.status),
        note,
    )?;
    let stops = if approve {
        let key = format!("{}/{}", r.rep, r.date);
        let day = ctx
            .state
            .field
            .day(&r.rep, r.date)
            .ok_or_else(|| Error::not_found(Entity::WorkDay, &key))?;
        if day.ended.is_some() {
            return Err(Error::state(Entity::WorkDay, &key, "ended", "change"));
        }
        Some(day.changed(&r.change)?)
    } else {
        None
    };
    Ok(vec![Event::RouteChangeDecided {
        request_id: id.clone(),
        approved: approve,
        by: ctx.actor.id.clone(),
        note: note.into(),
        stops,
    }])
}

pub(super) fn check_in(ctx: &Ctx<'_>, id: &VisitId, outlet_id: &OutletId) -> Result<Vec<Event>> {
    ctx.granted(Action::VisitExecute)?;
    let outlet = ctx.state.outlet(outlet_id)?;
    ctx.authorize(Action::VisitExecute, Target::Outlet(outlet))?;
    if ctx.state.field.visits.contains_key(id) {
        return Err(Error::exists(Entity::Visit, id));
    }
    if outlet.status == OutletStatus::Closed {
        return Err(Error::state(Entity::Outlet, outlet_id, "closed", "visit"));
    }
    if let Some(open) = ctx.state.field.open_visits.get(&ctx.actor.id) {
        return Err(Error::state(
            Entity::Visit,
            open,
            "checked_in",
            "check in elsewhere during",
        ));
    }
    let position = ctx
        .env
        .position
        .ok_or_else(|| Error::invalid("position", "a check-in needs the device position"))?;
    let date = ctx.my_date();
    let mark =
        ctx.state
            .settings
            .field
            .geofence
            .mark(ctx.env.recorded_at, position, outlet.position);
    Ok(vec![Event::CheckedIn {
        visit: Visit {
            id: id.clone(),
            rep: ctx.actor.id.clone(),
            outlet: outlet_id.clone(),
            date,
            planned: ctx
                .state
                .field
                .day(&ctx.actor.id, date)
                .is_some_and(|d| d.plans(outlet_id)),
            check_in: mark,
            check_out: None,
            stock_counts: Vec::new(),
            display_checks: Vec::new(),
            competitor_observations: Vec::new(),
            orders: Vec::new(),
            payments: Vec::new(),
        },
    }])
}

pub(super) fn check_out(ctx: &Ctx<'_>, id: &VisitId) -> Result<Vec<Event>> {
    let v = ctx.open_visit(id)?;
    if ctx.env.recorded_at < v.check_in.at {
        return Err(Error::invalid("recorded_at", "check-out before check-in"));
    }
    let position = ctx
        .env
        .position
        .ok_or_else(|| Error::invalid("position", "a check-out needs the device position"))?;
    let outlet = ctx.state.outlet(&v.outlet)?;
    let mark =
        ctx.state
            .settings
            .field
            .geofence
            .mark(ctx.env.recorded_at, position, outlet.position);
    Ok(vec![Event::CheckedOut {
        visit_id: id.clone(),
        mark,
    }])
}

pub(super) fn record_outlet_stock(
    ctx: &Ctx<'_>,
    id: &VisitId,
    lines: &[OutletCountLine],
) -> Result<Vec<Event>> {
    ctx.open_visit(id)?;
    check_lines(lines)?;
    for (i, l) in lines.iter().enumerate() {
        ctx.state.catalog.sku(&l.sku)?;
        if l.shelf < 0 || l.back_room < 0 || l.near_expiry < 0 {
            return Err(Error::invalid(
                "lines",
                format!("line {}: counts must not be negative", i + 1),
            ));
        }
        if l.near_expiry > l.shelf.saturating_add(l.back_room) {
            return Err(Error::invalid(
                "lines.near_expiry",
                format!("line {}: more near expiry than counted", i + 1),
            ));
        }
        if lines[..i].iter().any(|x| x.sku == l.sku) {
            return Err(Error::invalid(
                "lines.sku",
                format!("`{}` is counted twice", l.sku),
            ));
        }
    }
    Ok(vec![Event::OutletStockCounted {
        visit_id: id.clone(),
        lines: lines.to_vec(),
    }])
}

pub(super) fn record_display_check(
    ctx: &Ctx<'_>,
    id: &VisitId,
    items: &[DisplayItem],
) -> Result<Vec<Event>> {
    ctx.open_visit(id)?;
    check_lines(items)?;
    for it in items {
        check_name("items.item", &it.item)?;
        check_media("items.photos", &it.photos)?;
    }
    let passed = items.iter().filter(|i| i.passed).count();
    let score = (Decimal::from(passed as u64) / Decimal::from(items.len() as u64)).round_dp(4);
    Ok(vec![Event::DisplayChecked {
        visit_id: id.clone(),
        check: DisplayCheck {
            items: items.to_vec(),
            passed: u32::try_from(passed).unwrap_or(u32::MAX),
            score: Rate::new(score),
        },
    }])
}

pub(super) fn record_competitor(
    ctx: &Ctx<'_>,
    id: &VisitId,
    o: &CompetitorObservation,
) -> Result<Vec<Event>> {
    ctx.open_visit(id)?;
    o.validate()?;
    Ok(vec![Event::CompetitorObserved {
        visit_id: id.clone(),
        observation: o.clone(),
    }])
}

pub(super) fn record_feedback(
    ctx: &Ctx<'_>,
    id: &FeedbackId,
    outlet_id: &OutletId,
    visit: Option<&VisitId>,
    category: &str,
    text: &str,
    photos: &[MediaRef],
) -> Result<Vec<Event>> {
    ctx.granted(Action::FeedbackRecord)?;
    let outlet = ctx.state.outlet(outlet_id)?;
    ctx.authorize(Action::FeedbackRecord, Target::Outlet(outlet))?;
    if ctx.state.field.feedback.contains_key(id) {
        return Err(Error::exists(Entity::Feedback, id));
    }
    check_visit_link(ctx, visit, outlet_id)?;
    check_name("category", category)?;
    if text.trim().is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    check_text("text", text, MAX_LONG_TEXT)?;
    check_media("photos", photos)?;
    Ok(vec![Event::FeedbackRecorded {
        feedback: Feedback {
            id: id.clone(),
            outlet: outlet_id.clone(),
            visit: visit.cloned(),
            recorded_by: ctx.actor.id.clone(),
            date: ctx.date_at(outlet.utc_offset_minutes),
            category: category.into(),
            text: text.into(),
            photos: photos.to_vec(),
            status: FeedbackStatus::Open,
            assignee: None,
            resolution: String::new(),
        },
    }])
}

fn feedback<'a>(ctx: &Ctx<'a>, id: &FeedbackId) -> Result<&'a Feedback> {
    let f = ctx
        .state
        .field
        .feedback
        .get(id)
        .ok_or_else(|| Error::not_found(Entity::Feedback, id))?;
    if f.status == FeedbackStatus::Resolved {
        return Err(Error::state(Entity::Feedback, id, "resolved", "change"));
    }
    Ok(f)
}

pub(super) fn assign_feedback(
    ctx: &Ctx<'_>,
    id: &FeedbackId,
    assignee: &StaffId,
) -> Result<Vec<Event>> {
    ctx.granted(Action::FeedbackManage)?;
    let f = feedback(ctx, id)?;
    ctx.authorize(
        Action::FeedbackManage,
        Target::Outlet(ctx.state.outlet(&f.outlet)?),
    )?;
    let who = ctx.state.staff_member(assignee)?;
    if !who.active {
        return Err(Error::invalid(
            "assignee",
            format!("`{assignee}` is not active"),
        ));
    }
    Ok(vec![Event::FeedbackAssigned {
        feedback_id: id.clone(),
        assignee: assignee.clone(),
        by: ctx.actor.id.clone(),
    }])
}

pub(super) fn resolve_feedback(
    ctx: &Ctx<'_>,
    id: &FeedbackId,
    resolution: &str,
) -> Result<Vec<Event>> {
    let f = feedback(ctx, id)?;
    if f.assignee.as_ref() != Some(&ctx.actor.id) {
        ctx.granted(Action::FeedbackManage)?;
        ctx.authorize(
            Action::FeedbackManage,
            Target::Outlet(ctx.state.outlet(&f.outlet)?),
        )?;
    }
    check_name("resolution", resolution)?;
    Ok(vec![Event::FeedbackResolved {
        feedback_id: id.clone(),
        resolution: resolution.into(),
        by: ctx.actor.id.clone(),
    }])
}

pub(super) fn settle_cash(
    ctx: &Ctx<'_>,
    id: &SettlementId,
    staff: &StaffId,
    date: NaiveDate,
    handed: Money,
) -> Result<Vec<Event>> {
    ctx.staff_for(Action::CashSettle, staff)?;
    if staff == &ctx.actor.id {
        return Err(ctx.denied(Action::CashSettle, "nobody settles their own cash"));
    }
    let f = &ctx.state.field;
    if f.settlements.contains_key(id) {
        return Err(Error::exists(Entity::Settlement, id));
    }
    if f.settlements
        .values()
        .any(|s| &s.staff == staff && s.date == date)
    {
        return Err(Error::conflict(format!(
            "`{staff}` has settled {date} already"
        )));
    }
    let handed = handed.check_cents("handed", false)?;
    let cash: Vec<_> = ctx.state.receivables.cash_collected(staff, date).collect();
    let expected = Money::sum(cash.iter().map(|p| p.amount))?;
    Ok(vec![Event::CashSettled {
        settlement: CashSettlement {
            id: id.clone(),
            staff: staff.clone(),
            date,
            expected,
            handed,
            variance: handed.checked_sub(expected)?,
            payments: cash.iter().map(|p| p.id.clone()).collect(),
            received_by: ctx.actor.id.clone(),
        },
    }])
}

pub(super) fn submit(
    ctx: &Ctx<'_>,
    id: &SubmissionId,
    date: Option<NaiveDate>,
    item: &SubmissionItem,
) -> Result<Vec<Event>> {
    ctx.staff_for(Action::ExpenseSubmit, &ctx.actor.id)?;
    if ctx.state.field.submissions.contains_key(id) {
        return Err(Error::exists(Entity::Submission, id));
    }
    item.validate()?;
    Ok(vec![Event::Submitted {
        submission: Submission {
            id: id.clone(),
            staff: ctx.actor.id.clone(),
            date: date.unwrap_or_else(|| ctx.my_date()),
            item: item.clone(),
            status: Decision::Pending,
            decided_by: None,
            note: String::new(),
        },
    }])
}

pub(super) fn decide_submission(
    ctx: &Ctx<'_>,
    id: &SubmissionId,
    approve: bool,
    note: &str,
) -> Result<Vec<Event>> {
    ctx.granted(Action::ExpenseApprove)?;
    let s = ctx
        .state
        .field
        .submissions
        .get(id)
        .ok_or_else(|| Error::not_found(Entity::Submission, id))?;
    pending(
        ctx,
        Action::ExpenseApprove,
        (&s.staff, "submission"),
        (Entity::Submission, id.as_str(), s.status),
        note,
    )?;
    Ok(vec![Event::SubmissionDecided {
        submission_id: id.clone(),
        approved: approve,
        by: ctx.actor.id.clone(),
        note: note.into(),
    }])
}

pub(super) fn ingest_fixes(
    ctx: &Ctx<'_>,
    staff: Option<&StaffId>,
    fixes: &FixBatch,
) -> Result<Vec<Event>> {
    let staff = staff.unwrap_or(&ctx.actor.id);
    let person = ctx.staff_for(Action::TrackIngest, staff)?;
    if !(person.has_role(Role::SalesRep)
        || person.has_role(Role::Driver)
        || person.has_role(Role::Supervisor))
    {
        return Err(Error::invalid(
            "staff",
            format!("`{staff}` is not field staff"),
        ));
    }
    let track = ctx.state.field.tracks.get(staff);
    fixes.validate(track.and_then(|t| t.last_t_ms))?;
    let filtered = fixes.filter(
        track.and_then(|t| t.fixes.last()),
        &ctx.state.settings.field.tracking,
    );
    let last_t_ms = fixes.t_ms.last().copied().unwrap_or_default();
    Ok(vec![Event::FixesIngested {
        staff: staff.clone(),
        fixes: filtered.kept,
        dropped_accuracy: filtered.dropped_accuracy,
        jumps: filtered.jumps,
        last_t_ms,
    }])
}
