//! What one actor may see: which events reach their replica, and what is withheld from
//! them.
//!
//! The actor's slice of the state is the fold of the events they may see, each redacted:
//! [`Viewer::event`] decides both, from the *current* state. Whenever an event changes what
//! someone may see (an outlet reassigned, a trip planned, a role or a scope setting
//! changed), [`scope_change`] names whose view changed and their next pull starts again
//! from a fresh snapshot, so a replica never holds a fold under two different scopes.

use std::collections::BTreeSet;

use crate::access::{self, Action, Target};
use crate::catalog::{PriceList, Promotion};
use crate::delivery::Trip;
use crate::engine::event::Event;
use crate::engine::state::State;
use crate::ids::{OutletId, StaffId, TripId};
use crate::inventory::{MoveRef, StockMove};
use crate::outlet::OutletClass;
use crate::staff::Staff;

/// Whose view an event changes, read before it is folded in: `None` for anyone's.
pub(crate) fn scope_change(before: &State, event: &Event) -> Vec<Option<StaffId>> {
    let by_territory = before
        .settings
        .role_scopes
        .values()
        .any(|s| *s == access::Scope::Territory);
    match event {
        Event::SettingsUpdated { settings }
            if settings.role_scopes != before.settings.role_scopes =>
        {
            vec![None]
        }
        // A new outlet can bring price lists and promotions of its channel into view.
        Event::OutletCreated { outlet } if by_territory && outlet.territory.is_some() => {
            vec![None]
        }
        Event::OutletCreated { outlet } => outlet.assigned_rep.iter().cloned().map(Some).collect(),
        Event::OutletUpdated { outlet } => match before.outlets.get(&outlet.id) {
            Some(old) if old.territory != outlet.territory && by_territory => vec![None],
            Some(old)
                if old.assigned_rep != outlet.assigned_rep
                    || old.channel != outlet.channel
                    || old.class != outlet.class =>
            {
                old.assigned_rep
                    .iter()
                    .chain(&outlet.assigned_rep)
                    .cloned()
                    .map(Some)
                    .collect()
            }
            _ => Vec::new(),
        },
        // A new person has no history yet; a changed one changes the tree or the scopes.
        Event::StaffUpdated { staff } => match before.staff.get(&staff.id) {
            Some(old)
                if old.roles == staff.roles
                    && old.supervisor == staff.supervisor
                    && old.territory == staff.territory
                    && old.active == staff.active =>
            {
                Vec::new()
            }
            _ => vec![None],
        },
        // A trip brings its outlets into its driver's view. Loading drops the stops left
        // with nothing to deliver: out of the driver's view, and out of the view of the
        // reps of those outlets, who saw the trip through them.
        Event::TripPlanned { trip } => vec![Some(trip.driver.clone())],
        Event::TripLoaded {
            trip_id, orders, ..
        } => match before.field.trips.get(trip_id) {
            Some(t) => {
                let mut who = vec![Some(t.driver.clone())];
                for stop in &t.stops {
                    if !stop.orders.iter().any(|o| orders.contains(o)) {
                        let rep = before
                            .outlets
                            .get(&stop.outlet)
                            .and_then(|o| o.assigned_rep.clone());
                        who.extend(rep.map(Some));
                    }
                }
                who
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// One actor's view of the current state.
pub(crate) struct Viewer<'a> {
    state: &'a State,
    staff: &'a Staff,
    outlets: BTreeSet<&'a OutletId>,
    /// The (channel, class) pairs of the visible outlets.
    kinds: BTreeSet<(&'a str, OutletClass)>,
    everything: bool,
}

impl<'a> Viewer<'a> {
    /// The view of `staff` over `state`.
    pub fn new(state: &'a State, staff: &'a Staff) -> Viewer<'a> {
        let dir = state.directory();
        let everything = dir.scope(staff, Action::OutletView) == Some(access::Scope::All)
            && dir.scope(staff, Action::FieldView) == Some(access::Scope::All);
        let mut outlets: BTreeSet<&OutletId> = state
            .outlets
            .values()
            .filter(|o| access::allows(dir, staff, Action::OutletView, Target::Outlet(o)))
            .map(|o| &o.id)
            .collect();
        let mut viewer = Viewer {
            state,
            staff,
            outlets: BTreeSet::new(),
            kinds: BTreeSet::new(),
            everything,
        };
        for trip in state.field.trips.values() {
            if viewer.sees_staff(&trip.driver) {
                outlets.extend(trip.stops.iter().map(|s| &s.outlet));
            }
        }
        viewer.kinds = outlets
            .iter()
            .filter_map(|id| state.outlets.get(*id))
            .map(|o| (o.channel.as_str(), o.class))
            .collect();
        viewer.outlets = outlets;
        viewer
    }

    /// Whether the actor may see this outlet and what happens there.
    pub fn sees_outlet(&self, id: &OutletId) -> bool {
        self.everything || self.outlets.contains(id)
    }

    /// Whether the actor may see this person's records.
    pub fn sees_staff(&self, id: &StaffId) -> bool {
        if self.everything || id == &self.staff.id {
            return true;
        }
        self.state.staff.get(id).is_some_and(|s| {
            access::allows(
                self.state.directory(),
                self.staff,
                Action::FieldView,
                Target::Staff(s),
            )
        })
    }

    /// Whether the actor's view changes with a [`scope_change`] for `who`.
    pub fn touched_by(&self, who: Option<&StaffId>) -> bool {
        who.is_none_or(|w| self.sees_staff(w))
    }

    fn granted(&self, action: Action) -> bool {
        access::granted(self.state.directory(), self.staff, action).is_ok()
    }

    fn sees_order(&self, id: &crate::ids::OrderId) -> bool {
        self.state
            .orders
            .get(id)
            .is_some_and(|o| self.sees_outlet(&o.outlet))
    }

    fn sees_trip(&self, id: &TripId) -> bool {
        self.state.field.trips.get(id).is_some_and(|t| {
            self.sees_staff(&t.driver) || t.stops.iter().any(|s| self.sees_outlet(&s.outlet))
        })
    }

    fn sees_price_list(&self, p: &PriceList) -> bool {
        self.everything
            || self.kinds.iter().any(|(channel, class)| {
                p.channel.as_deref().is_none_or(|c| c == *channel)
                    && p.outlet_class.is_none_or(|c| c == *class)
            })
    }

    fn sees_promotion(&self, p: &Promotion) -> bool {
        self.everything
            || p.channels.is_empty()
            || self
                .kinds
                .iter()
                .any(|(channel, _)| p.channels.iter().any(|c| c == channel))
    }

    /// The event as the actor may see it, or `None`.
    pub fn event(&self, event: &Event) -> Option<Event> {
        let f = &self.state.field;
        let visible = match event {
            Event::SettingsUpdated { .. }
            | Event::SkuCreated { .. }
            | Event::SkuUpdated { .. }
            | Event::WarehouseCreated { .. }
            | Event::VehicleCreated { .. }
            | Event::TerritoryCreated { .. }
            | Event::LotRegistered { .. } => true,
            Event::PriceListSet { price_list } => self.sees_price_list(price_list),
            Event::PromotionSet { promotion } => self.sees_promotion(promotion),
            Event::OutletCreated { outlet } | Event::OutletUpdated { outlet } => {
                self.sees_outlet(&outlet.id)
            }
            Event::OutletEdited { outlet_id, .. } | Event::CreditLimitSet { outlet_id, .. } => {
                self.sees_outlet(outlet_id)
            }
            Event::StaffCreated { staff } | Event::StaffUpdated { staff } => {
                self.sees_staff(&staff.id)
            }
            Event::SupplierCreated { .. }
            | Event::PurchaseOrderCreated { .. }
            | Event::GoodsReceived { .. }
            | Event::PurchaseOrderClosed { .. }
            | Event::ReturnedToSupplier { .. } => self.granted(Action::PurchaseView),
            Event::StockMoved(m) => return Some(Event::StockMoved(self.stock_move(m))),
            Event::StockDocumentBooked { .. } | Event::ReorderLevelSet { .. } => {
                self.granted(Action::StockView)
            }
            Event::OrderDraftSaved { order } | Event::OrderSubmitted { order } => {
                self.sees_outlet(&order.outlet)
            }
            Event::OrderApproved { order_id, .. }
            | Event::OrderRejected { order_id, .. }
            | Event::OrderCancelled { order_id, .. } => self.sees_order(order_id),
            Event::InvoiceIssued { invoice } => self.sees_outlet(&invoice.outlet),
            Event::CreditNoteIssued { credit_note } => self.sees_outlet(&credit_note.outlet),
            Event::PaymentRecorded { payment } => self.sees_outlet(&payment.outlet),
            Event::BeatPlanSet { plan } => self.sees_staff(&plan.rep),
            Event::WorkDayPlanned { staff, .. }
            | Event::DayStarted { staff, .. }
            | Event::DayEnded { staff, .. }
            | Event::FixesIngested { staff, .. } => self.sees_staff(staff),
            Event::RouteChangeRequested { request } => self.sees_staff(&request.rep),
            Event::RouteChangeDecided { request_id, .. } => f
                .route_changes
                .get(request_id)
                .is_some_and(|r| self.sees_staff(&r.rep)),
            Event::CheckedIn { visit } => self.sees_staff(&visit.rep),
            Event::CheckedOut { visit_id, .. }
            | Event::OutletStockCounted { visit_id, .. }
            | Event::DisplayChecked { visit_id, .. }
            | Event::CompetitorObserved { visit_id, .. } => f
                .visits
                .get(visit_id)
                .is_some_and(|v| self.sees_staff(&v.rep)),
            Event::FeedbackRecorded { feedback } => {
                self.sees_outlet(&feedback.outlet) || self.sees_staff(&feedback.recorded_by)
            }
            Event::FeedbackAssigned { feedback_id, .. }
            | Event::FeedbackResolved { feedback_id, .. } => f
                .feedback
                .get(feedback_id)
                .is_some_and(|x| self.sees_outlet(&x.outlet) || self.sees_staff(&x.recorded_by)),
            Event::CashSettled { settlement } => self.sees_staff(&settlement.staff),
            Event::Submitted { submission } => self.sees_staff(&submission.staff),
            Event::SubmissionDecided { submission_id, .. } => f
                .submissions
                .get(submission_id)
                .is_some_and(|x| self.sees_staff(&x.staff)),
            Event::TripPlanned { .. }
            | Event::TripLoaded { .. }
            | Event::TripDeparted { .. }
            | Event::StopDelivered { .. }
            | Event::TripClosed { .. } => return self.trip_event(event),
        };
        visible.then(|| event.clone())
    }

    /// A stock move, its document withheld when the actor may not see it. Stock levels
    /// themselves are everyone's: a replica checks availability against them offline.
    fn stock_move(&self, m: &StockMove) -> StockMove {
        let visible = match &m.reference {
            MoveRef::Order(o) => self.sees_order(o),
            MoveRef::Trip(t) => self.sees_trip(t),
            MoveRef::PurchaseOrder(_) | MoveRef::SupplierReturn(_) => {
                self.granted(Action::PurchaseView)
            }
            MoveRef::Document(_) | MoveRef::Withheld => true,
        };
        if visible {
            m.clone()
        } else {
            StockMove {
                reference: MoveRef::Withheld,
                ..m.clone()
            }
        }
    }

    /// Trip events: whole for whoever sees the driver; for whoever sees only some of its
    /// outlets, the trip restricted to their stops (a stop is one outlet, so it is wholly
    /// in or out), without the van's load and reconciliation.
    fn trip_event(&self, event: &Event) -> Option<Event> {
        let f = &self.state.field;
        let id = match event {
            Event::TripPlanned { trip } => &trip.id,
            Event::TripLoaded { trip_id, .. }
            | Event::TripDeparted { trip_id }
            | Event::StopDelivered { trip_id, .. }
            | Event::TripClosed { trip_id, .. } => trip_id,
            _ => return None,
        };
        let current = f.trips.get(id)?;
        if self.sees_staff(&current.driver) {
            return Some(event.clone());
        }
        if !current.stops.iter().any(|s| self.sees_outlet(&s.outlet)) {
            return None;
        }
        Some(match event {
            Event::TripPlanned { trip } => Event::TripPlanned {
                trip: Trip {
                    stops: trip
                        .stops
                        .iter()
                        .filter(|s| self.sees_outlet(&s.outlet))
                        .cloned()
                        .collect(),
                    loaded: Vec::new(),
                    reconciliation: Vec::new(),
                    ..trip.clone()
                },
            },
            Event::TripLoaded {
                trip_id, orders, ..
            } => Event::TripLoaded {
                trip_id: trip_id.clone(),
                orders: orders
                    .iter()
                    .filter(|o| self.sees_order(o))
                    .cloned()
                    .collect(),
                lines: Vec::new(),
            },
            Event::StopDelivered {
                trip_id,
                stop,
                delivery,
            } => {
                // Stops do not change once loaded, so the current trip numbers them.
                let at = usize::try_from(*stop).ok()?;
                if !self.sees_outlet(&current.stops.get(at)?.outlet) {
                    return None;
                }
                let before = current.stops[..at]
                    .iter()
                    .filter(|s| self.sees_outlet(&s.outlet))
                    .count();
                Event::StopDelivered {
                    trip_id: trip_id.clone(),
                    stop: u32::try_from(before).ok()?,
                    delivery: delivery.clone(),
                }
            }
            Event::TripClosed { trip_id, .. } => Event::TripClosed {
                trip_id: trip_id.clone(),
                reconciliation: Vec::new(),
            },
            other => other.clone(),
        })
    }
}
