//! Authorisation: roles grant actions, each with a data scope (SPEC §3.2).
//!
//! Every command and every query names an [`Action`] and a [`Target`]; [`authorize`]
//! answers with `Ok(())` or [`Error::PermissionDenied`] naming the action. List queries use
//! [`allows`] to filter instead of failing.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::StaffId;
use crate::outlet::Outlet;
use crate::staff::{Role, Staff, in_team};

/// What someone wants to do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[non_exhaustive]
pub enum Action {
    /// Create or change SKUs, price lists, promotions, warehouses, vehicles, suppliers,
    /// territories.
    #[serde(rename = "master.edit")]
    MasterEdit,
    /// Read the catalogue and master data.
    #[serde(rename = "master.view")]
    MasterView,
    /// Create or change staff.
    #[serde(rename = "staff.edit")]
    StaffEdit,
    /// See staff records.
    #[serde(rename = "staff.view")]
    StaffView,
    /// Change engine settings.
    #[serde(rename = "settings.edit")]
    SettingsEdit,
    /// Register an outlet.
    #[serde(rename = "outlet.create")]
    OutletCreate,
    /// Change an outlet's master data (not its credit limit).
    #[serde(rename = "outlet.edit")]
    OutletEdit,
    /// Correct an outlet's name, address, position, contact or opening hours, field by
    /// field (last writer wins).
    #[serde(rename = "outlet.edit_details")]
    OutletEditDetails,
    /// Change an outlet's credit limit.
    #[serde(rename = "outlet.edit_credit_limit")]
    OutletEditCreditLimit,
    /// See outlets.
    #[serde(rename = "outlet.view")]
    OutletView,
    /// Save or submit a sales order.
    #[serde(rename = "order.submit")]
    OrderSubmit,
    /// Approve or reject an order held for approval.
    #[serde(rename = "order.approve")]
    OrderApprove,
    /// Cancel an order before loading.
    #[serde(rename = "order.cancel")]
    OrderCancel,
    /// See orders.
    #[serde(rename = "order.view")]
    OrderView,
    /// See stock levels, lots and moves.
    #[serde(rename = "stock.view")]
    StockView,
    /// Receive goods into a warehouse.
    #[serde(rename = "stock.receive")]
    StockReceive,
    /// Move stock between locations.
    #[serde(rename = "stock.transfer")]
    StockTransfer,
    /// Correct stock after a count; set reorder levels.
    #[serde(rename = "stock.adjust")]
    StockAdjust,
    /// Write off damaged or expired stock.
    #[serde(rename = "stock.write_off")]
    StockWriteOff,
    /// Create, close and return against purchase orders.
    #[serde(rename = "purchase.edit")]
    PurchaseEdit,
    /// See purchase orders.
    #[serde(rename = "purchase.view")]
    PurchaseView,
    /// Issue invoices.
    #[serde(rename = "invoice.issue")]
    InvoiceIssue,
    /// Issue credit notes.
    #[serde(rename = "credit_note.issue")]
    CreditNoteIssue,
    /// Record a payment from an outlet.
    #[serde(rename = "payment.record")]
    PaymentRecord,
    /// See receivables, invoices, payments and aging.
    #[serde(rename = "receivable.view")]
    ReceivableView,
    /// Plan beats and daily visit tasks.
    #[serde(rename = "visit.plan")]
    VisitPlan,
    /// Check in and out of outlets and record what was found there.
    #[serde(rename = "visit.execute")]
    VisitExecute,
    /// Start and end one's working day.
    #[serde(rename = "attendance.record")]
    AttendanceRecord,
    /// Ask to skip, add or reorder outlets of a day's route.
    #[serde(rename = "route.request_change")]
    RouteRequestChange,
    /// Approve or reject a route change request.
    #[serde(rename = "route.approve_change")]
    RouteApproveChange,
    /// Record outlet feedback or a complaint.
    #[serde(rename = "feedback.record")]
    FeedbackRecord,
    /// Assign and resolve feedback.
    #[serde(rename = "feedback.manage")]
    FeedbackManage,
    /// Plan delivery trips.
    #[serde(rename = "trip.plan")]
    TripPlan,
    /// Load a trip's van and take its goods back in.
    #[serde(rename = "trip.load")]
    TripLoad,
    /// Depart on a trip and deliver its stops.
    #[serde(rename = "trip.deliver")]
    TripDeliver,
    /// Take a rep's or driver's end-of-day cash hand-over.
    #[serde(rename = "cash.settle")]
    CashSettle,
    /// Submit expense claims and daily reports.
    #[serde(rename = "expense.submit")]
    ExpenseSubmit,
    /// Approve or reject expense claims and daily reports.
    #[serde(rename = "expense.approve")]
    ExpenseApprove,
    /// Upload GPS fixes.
    #[serde(rename = "track.ingest")]
    TrackIngest,
    /// See tracks, stays, the live board and alerts.
    #[serde(rename = "track.view")]
    TrackView,
    /// See work days, visits, route changes, trips and settlements.
    #[serde(rename = "field.view")]
    FieldView,
}

impl Action {
    /// Every action, in a stable order.
    pub const ALL: [Action; 41] = [
        Action::MasterEdit,
        Action::MasterView,
        Action::StaffEdit,
        Action::StaffView,
        Action::SettingsEdit,
        Action::OutletCreate,
        Action::OutletEdit,
        Action::OutletEditDetails,
        Action::OutletEditCreditLimit,
        Action::OutletView,
        Action::OrderSubmit,
        Action::OrderApprove,
        Action::OrderCancel,
        Action::OrderView,
        Action::StockView,
        Action::StockReceive,
        Action::StockTransfer,
        Action::StockAdjust,
        Action::StockWriteOff,
        Action::PurchaseEdit,
        Action::PurchaseView,
        Action::InvoiceIssue,
        Action::CreditNoteIssue,
        Action::PaymentRecord,
        Action::ReceivableView,
        Action::VisitPlan,
        Action::VisitExecute,
        Action::AttendanceRecord,
        Action::RouteRequestChange,
        Action::RouteApproveChange,
        Action::FeedbackRecord,
        Action::FeedbackManage,
        Action::TripPlan,
        Action::TripLoad,
        Action::TripDeliver,
        Action::CashSettle,
        Action::ExpenseSubmit,
        Action::ExpenseApprove,
        Action::TrackIngest,
        Action::TrackView,
        Action::FieldView,
    ];

    /// The dotted name, `order.approve`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::MasterEdit => "master.edit",
            Action::MasterView => "master.view",
            Action::StaffEdit => "staff.edit",
            Action::StaffView => "staff.view",
            Action::SettingsEdit => "settings.edit",
            Action::OutletCreate => "outlet.create",
            Action::OutletEdit => "outlet.edit",
            Action::OutletEditDetails => "outlet.edit_details",
            Action::OutletEditCreditLimit => "outlet.edit_credit_limit",
            Action::OutletView => "outlet.view",
            Action::OrderSubmit => "order.submit",
            Action::OrderApprove => "order.approve",
            Action::OrderCancel => "order.cancel",
            Action::OrderView => "order.view",
            Action::StockView => "stock.view",
            Action::StockReceive => "stock.receive",
            Action::StockTransfer => "stock.transfer",
            Action::StockAdjust => "stock.adjust",
            Action::StockWriteOff => "stock.write_off",
            Action::PurchaseEdit => "purchase.edit",
            Action::PurchaseView => "purchase.view",
            Action::InvoiceIssue => "invoice.issue",
            Action::CreditNoteIssue => "credit_note.issue",
            Action::PaymentRecord => "payment.record",
            Action::ReceivableView => "receivable.view",
            Action::VisitPlan => "visit.plan",
            Action::VisitExecute => "visit.execute",
            Action::AttendanceRecord => "attendance.record",
            Action::RouteRequestChange => "route.request_change",
            Action::RouteApproveChange => "route.approve_change",
            Action::FeedbackRecord => "feedback.record",
            Action::FeedbackManage => "feedback.manage",
            Action::TripPlan => "trip.plan",
            Action::TripLoad => "trip.load",
            Action::TripDeliver => "trip.deliver",
            Action::CashSettle => "cash.settle",
            Action::ExpenseSubmit => "expense.submit",
            Action::ExpenseApprove => "expense.approve",
            Action::TrackIngest => "track.ingest",
            Action::TrackView => "track.view",
            Action::FieldView => "field.view",
        }
    }
}

/// Which records an action reaches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// My outlets, my records.
    Own,
    /// Me and everyone below me in the supervisor tree.
    Team,
    /// Everything in my territory.
    Territory,
    /// Everything.
    All,
}

/// The actions a role grants (the scope comes from [`default_scope`] or settings).
pub fn grants(role: Role, action: Action) -> bool {
    use Action as A;
    match role {
        Role::Admin => true,
        Role::SalesRep => matches!(
            action,
            A::VisitExecute
                | A::AttendanceRecord
                | A::RouteRequestChange
                | A::FeedbackRecord
                | A::ExpenseSubmit
                | A::TrackIngest
                | A::TrackView
                | A::FieldView
                | A::MasterView
                | A::StaffView
                | A::OutletCreate
                | A::OutletEditDetails
                | A::OutletView
                | A::OrderSubmit
                | A::OrderCancel
                | A::OrderView
                | A::StockView
                | A::PaymentRecord
                | A::ReceivableView
        ),
        Role::Supervisor => matches!(
            action,
            A::VisitPlan
                | A::VisitExecute
                | A::AttendanceRecord
                | A::RouteApproveChange
                | A::FeedbackRecord
                | A::FeedbackManage
                | A::CashSettle
                | A::ExpenseSubmit
                | A::ExpenseApprove
                | A::TrackIngest
                | A::TrackView
                | A::FieldView
                | A::MasterView
                | A::StaffView
                | A::OutletCreate
                | A::OutletEdit
                | A::OutletEditDetails
                | A::OutletView
                | A::OrderSubmit
                | A::OrderApprove
                | A::OrderCancel
                | A::OrderView
                | A::StockView
                | A::PaymentRecord
                | A::ReceivableView
        ),
        Role::Driver => matches!(
            action,
            A::AttendanceRecord
                | A::FeedbackRecord
                | A::TripDeliver
                | A::ExpenseSubmit
                | A::TrackIngest
                | A::TrackView
                | A::FieldView
                | A::MasterView
                | A::StaffView
                | A::OutletView
                | A::OrderView
                | A::StockView
                | A::PaymentRecord
        ),
        Role::Warehouse => matches!(
            action,
            A::TripPlan
                | A::TripLoad
                | A::FieldView
                | A::MasterView
                | A::StaffView
                | A::OutletView
                | A::OrderView
                | A::StockView
                | A::StockReceive
                | A::StockTransfer
                | A::StockAdjust
                | A::StockWriteOff
                | A::PurchaseEdit
                | A::PurchaseView
        ),
        Role::Finance => matches!(
            action,
            A::CashSettle
                | A::ExpenseApprove
                | A::FieldView
                | A::MasterView
                | A::StaffView
                | A::OutletView
                | A::OutletEditCreditLimit
                | A::OrderView
                | A::StockView
                | A::PurchaseView
                | A::InvoiceIssue
                | A::CreditNoteIssue
                | A::PaymentRecord
                | A::ReceivableView
        ),
    }
}

/// The data scope a role works in unless settings override it.
pub fn default_scope(role: Role) -> Scope {
    match role {
        Role::SalesRep | Role::Driver => Scope::Own,
        Role::Supervisor => Scope::Team,
        Role::Warehouse | Role::Finance | Role::Admin => Scope::All,
    }
}

/// What an action is applied to, for the scope check.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Nothing scoped (catalogue, stock, settings).
    Global,
    /// An outlet: reached through its assigned rep and territory.
    Outlet(&'a Outlet),
    /// A staff member's records.
    Staff(&'a Staff),
}

/// The people and scope settings authorisation reads.
#[derive(Debug, Clone, Copy)]
pub struct Directory<'a> {
    /// Every staff member.
    pub staff: &'a BTreeMap<StaffId, Staff>,
    /// Per-role scope overrides.
    pub role_scopes: &'a BTreeMap<Role, Scope>,
}

impl Directory<'_> {
    /// The widest scope among the actor's roles that grant `action`; `None` if no role does.
    pub fn scope(&self, actor: &Staff, action: Action) -> Option<Scope> {
        actor
            .roles
            .iter()
            .filter(|r| grants(**r, action))
            .map(|r| {
                self.role_scopes
                    .get(r)
                    .copied()
                    .unwrap_or_else(|| default_scope(*r))
            })
            .max()
    }

    fn reaches(&self, actor: &Staff, scope: Scope, target: Target<'_>) -> bool {
        match (scope, target) {
            (_, Target::Global) | (Scope::All, _) => true,
            (Scope::Territory, Target::Outlet(o)) => {
                actor.territory.is_some() && o.territory == actor.territory
            }
            (Scope::Territory, Target::Staff(s)) => {
                s.id == actor.id || (actor.territory.is_some() && s.territory == actor.territory)
            }
            (Scope::Team, Target::Outlet(o)) => o
                .assigned_rep
                .as_ref()
                .is_some_and(|r| in_team(self.staff, r, &actor.id)),
            (Scope::Team, Target::Staff(s)) => in_team(self.staff, &s.id, &actor.id),
            (Scope::Own, Target::Outlet(o)) => o.assigned_rep.as_ref() == Some(&actor.id),
            (Scope::Own, Target::Staff(s)) => s.id == actor.id,
        }
    }
}

/// Whether `actor` may do `action` on `target`.
pub fn allows(dir: Directory<'_>, actor: &Staff, action: Action, target: Target<'_>) -> bool {
    dir.scope(actor, action)
        .is_some_and(|scope| dir.reaches(actor, scope, target))
}

/// Checks `actor` may do `action` on `target`.
///
/// # Errors
/// [`Error::PermissionDenied`] naming the action, with the reason `no role grants it` or
/// `outside <scope> data scope`.
///
/// ```
/// use std::collections::BTreeMap;
/// use fmcg_core::access::{authorize, Action, Directory, Target};
/// use fmcg_core::Staff;
/// let driver: Staff = serde_json::from_value(serde_json::json!({
///     "id": "D1", "employee_no": "E9", "name": "Lin", "roles": ["driver"]
/// })).unwrap();
/// let staff = BTreeMap::from([(driver.id.clone(), driver.clone())]);
/// let dir = Directory { staff: &staff, role_scopes: &BTreeMap::new() };
/// let err = authorize(dir, &driver, Action::OrderApprove, Target::Global).unwrap_err();
/// assert_eq!(err.to_string(), "`D1` may not order.approve: no role grants it");
/// ```
pub fn authorize(
    dir: Directory<'_>,
    actor: &Staff,
    action: Action,
    target: Target<'_>,
) -> Result<()> {
    let Some(scope) = dir.scope(actor, action) else {
        return Err(denied(actor, action, "no role grants it"));
    };
    if dir.reaches(actor, scope, target) {
        Ok(())
    } else {
        let scope = match scope {
            Scope::Own => "own",
            Scope::Team => "team",
            Scope::Territory => "territory",
            Scope::All => "all",
        };
        Err(denied(
            actor,
            action,
            &format!("outside {scope} data scope"),
        ))
    }
}

/// Checks some role of `actor` grants `action` at all, whatever the target (list queries
/// then filter by scope; commands check it before looking records up).
///
/// # Errors
/// [`Error::PermissionDenied`] with the reason `no role grants it`.
pub fn granted(dir: Directory<'_>, actor: &Staff, action: Action) -> Result<()> {
    match dir.scope(actor, action) {
        Some(_) => Ok(()),
        None => Err(denied(actor, action, "no role grants it")),
    }
}

/// A [`Error::PermissionDenied`] for `actor` and `action`.
pub fn denied(actor: &Staff, action: Action, reason: &str) -> Error {
    Error::PermissionDenied {
        actor: actor.id.to_string(),
        action: action.as_str().into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_match_serde() {
        for a in Action::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }

    #[test]
    fn admin_is_granted_everything_and_drivers_never_approve() {
        for a in Action::ALL {
            assert!(grants(Role::Admin, a));
        }
        assert!(!grants(Role::Driver, Action::OrderApprove));
        assert!(!grants(Role::SalesRep, Action::OrderApprove));
    }
}
