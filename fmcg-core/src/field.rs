//! Field visits (SPEC §3.6): beat plans, work days with their ordered visit tasks, route
//! change requests, check-in / check-out with geofence verification, and what a rep records
//! during a visit (stock counts, display checks, competitor observations, feedback).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::{LatLon, Position};
use crate::ids::{
    FeedbackId, OrderId, OutletId, PaymentId, RouteChangeId, SkuId, StaffId, VisitId,
};
use crate::money::{Money, Rate};
use crate::text::{MAX_LONG_TEXT, MAX_SHORT_TEXT, check_name, check_text};
use crate::tracking::TrackSettings;

/// The most stops one day may plan.
pub const MAX_STOPS: usize = 200;

/// Days in a beat cycle (four weeks).
pub const CYCLE_DAYS: u32 = 28;

/// What a rep is to do at an outlet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Take an order.
    TakeOrder,
    /// Count the outlet's stock.
    StockCount,
    /// Check the display.
    DisplayCheck,
    /// Collect a payment.
    CollectPayment,
    /// Promote a SKU.
    PromoteSku,
    /// Run a survey.
    Survey,
}

/// One planned outlet of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedStop {
    /// The outlet.
    pub outlet: OutletId,
    /// What to do there (`take_order` when absent).
    #[serde(default = "default_objectives")]
    pub objectives: Vec<Objective>,
}

fn default_objectives() -> Vec<Objective> {
    vec![Objective::TakeOrder]
}

/// A rep's beat plan: which outlets on which day of a four-week cycle, in visiting order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatPlan {
    /// The rep.
    pub rep: StaffId,
    /// Day 0 of the cycle.
    pub cycle_start: NaiveDate,
    /// The days with visits; days absent have none.
    pub days: Vec<BeatDay>,
}

/// One day of a beat plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatDay {
    /// Day of the cycle, `0..28` (day 0 is `cycle_start`).
    pub day: u32,
    /// Outlets in visiting order.
    pub outlets: Vec<OutletId>,
}

impl BeatPlan {
    /// The outlets planned on `date` (none before the cycle starts).
    pub fn outlets_on(&self, date: NaiveDate) -> &[OutletId] {
        let days = (date - self.cycle_start).num_days();
        if days < 0 {
            return &[];
        }
        let day = u32::try_from(days.rem_euclid(i64::from(CYCLE_DAYS))).unwrap_or(0);
        self.days
            .iter()
            .find(|d| d.day == day)
            .map_or(&[], |d| d.outlets.as_slice())
    }

    /// Checks day numbers and stop counts.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a day outside the cycle, too many stops, or an outlet
    /// twice on one day.
    pub fn validate(&self) -> Result<()> {
        for (i, d) in self.days.iter().enumerate() {
            if d.day >= CYCLE_DAYS {
                return Err(Error::invalid(
                    "days",
                    format!("day {} is outside the {CYCLE_DAYS}-day cycle", d.day),
                ));
            }
            if self.days[..i].iter().any(|x| x.day == d.day) {
                return Err(Error::invalid(
                    "days",
                    format!("day {} is planned twice", d.day),
                ));
            }
            check_stops(d.outlets.iter())?;
        }
        Ok(())
    }
}

/// Checks a day's outlets: not too many, none twice.
///
/// # Errors
/// [`Error::InvalidInput`] (field `stops`).
pub fn check_stops<'a>(outlets: impl ExactSizeIterator<Item = &'a OutletId>) -> Result<()> {
    if outlets.len() > MAX_STOPS {
        return Err(Error::invalid(
            "stops",
            format!("more than {MAX_STOPS} stops"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for o in outlets {
        if !seen.insert(o) {
            return Err(Error::invalid(
                "stops",
                format!("outlet `{o}` is planned twice"),
            ));
        }
    }
    Ok(())
}

/// A clock reading with a position: day start and end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mark {
    /// Device time.
    pub at: DateTime<Utc>,
    /// Where, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// One person's working day: the visit task list and attendance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkDay {
    /// Whose day.
    pub staff: StaffId,
    /// The local date.
    pub date: NaiveDate,
    /// Outlets to visit, in order (after approved route changes).
    pub stops: Vec<PlannedStop>,
    /// Day start (attendance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Mark>,
    /// Day end (attendance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Mark>,
}

impl WorkDay {
    /// Whether `outlet` is planned.
    pub fn plans(&self, outlet: &OutletId) -> bool {
        self.stops.iter().any(|s| &s.outlet == outlet)
    }

    /// The day's stops after `change`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the change does not fit the plan (skipping an outlet
    /// not planned, adding one already planned, a reorder that is not a permutation).
    pub fn changed(&self, change: &RouteChange) -> Result<Vec<PlannedStop>> {
        let mut stops = self.stops.clone();
        match change {
            RouteChange::Skip { outlet } => {
                let i = stops
                    .iter()
                    .position(|s| &s.outlet == outlet)
                    .ok_or_else(|| {
                        Error::invalid("change.outlet", format!("`{outlet}` is not planned"))
                    })?;
                stops.remove(i);
            }
            RouteChange::Add {
                outlet,
                position,
                objectives,
            } => {
                if self.plans(outlet) {
                    return Err(Error::invalid(
                        "change.outlet",
                        format!("`{outlet}` is planned already"),
                    ));
                }
                let at = position.map_or(stops.len(), |p| (p as usize).min(stops.len()));
                stops.insert(
                    at,
                    PlannedStop {
                        outlet: outlet.clone(),
                        objectives: objectives.clone().unwrap_or_else(default_objectives),
                    },
                );
            }
            RouteChange::Reorder { outlets } => {
                let mut a: Vec<&OutletId> = outlets.iter().collect();
                let mut b: Vec<&OutletId> = stops.iter().map(|s| &s.outlet).collect();
                a.sort();
                b.sort();
                if a != b {
                    return Err(Error::invalid(
                        "change.outlets",
                        "must list exactly the planned outlets",
                    ));
                }
                let old = std::mem::take(&mut stops);
                for o in outlets {
                    if let Some(s) = old.iter().find(|s| &s.outlet == o) {
                        stops.push(s.clone());
                    }
                }
            }
        }
        check_stops(stops.iter().map(|s| &s.outlet))?;
        Ok(stops)
    }
}

/// A change to a day's route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RouteChange {
    /// Drop a planned outlet.
    Skip {
        /// The outlet.
        outlet: OutletId,
    },
    /// Add an outlet.
    Add {
        /// The outlet.
        outlet: OutletId,
        /// Where in the order (0 = first); last when absent.
        #[serde(default)]
        position: Option<u32>,
        /// Objectives (`take_order` when absent).
        #[serde(default)]
        objectives: Option<Vec<Objective>>,
    },
    /// Visit the planned outlets in a new order.
    Reorder {
        /// Every planned outlet, in the new order.
        outlets: Vec<OutletId>,
    },
}

/// Where a request or workflow item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Waiting for a decision.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
}

/// A route change request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RouteChangeRequest {
    /// Id.
    pub id: RouteChangeId,
    /// The rep whose day it changes.
    pub rep: StaffId,
    /// The day.
    pub date: NaiveDate,
    /// The change.
    pub change: RouteChange,
    /// Why.
    pub reason: String,
    /// Where it stands.
    pub status: Decision,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<StaffId>,
    /// The decider's note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A photo or signature, by reference: the engine never stores image bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    /// Content hash (e.g. `sha256:…`).
    pub hash: String,
    /// Where the host stored it.
    pub uri: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// When it was taken (device time).
    pub taken_at: DateTime<Utc>,
    /// Where it was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// The most media references one record may carry.
pub const MAX_MEDIA: usize = 20;

/// Checks media references.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty hash or URI, or too many.
pub fn check_media(field: &str, media: &[MediaRef]) -> Result<()> {
    if media.len() > MAX_MEDIA {
        return Err(Error::invalid(
            field,
            format!("more than {MAX_MEDIA} references"),
        ));
    }
    for m in media {
        check_name(&format!("{field}.hash"), &m.hash)?;
        check_text(&format!("{field}.uri"), &m.uri, MAX_LONG_TEXT)?;
        if m.uri.is_empty() {
            return Err(Error::invalid(format!("{field}.uri"), "must not be empty"));
        }
    }
    Ok(())
}

/// A check-in or check-out: device time, position and the geofence verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VisitMark {
    /// Device time.
    pub at: DateTime<Utc>,
    /// Reported position and accuracy.
    pub position: Position,
    /// Distance to the outlet, metres (rounded).
    pub distance_m: u32,
    /// Within the geofence (radius plus the capped accuracy allowance).
    pub verified: bool,
}

/// Geofence thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GeofenceSettings {
    /// Radius around the outlet, metres (default 150).
    pub radius_m: u32,
    /// At most this much of the reported accuracy is added to the radius (default 50).
    pub accuracy_cap_m: u32,
}

impl Default for GeofenceSettings {
    fn default() -> Self {
        GeofenceSettings {
            radius_m: 150,
            accuracy_cap_m: 50,
        }
    }
}

impl GeofenceSettings {
    /// The mark of a check at `position` for an outlet at `outlet`.
    pub fn mark(&self, at: DateTime<Utc>, position: Position, outlet: LatLon) -> VisitMark {
        let distance = outlet.haversine_m(position.at);
        let allowance = position
            .accuracy_m
            .unwrap_or(0.0)
            .min(f64::from(self.accuracy_cap_m));
        VisitMark {
            at,
            position,
            // Saturating float-to-int conversion.
            distance_m: distance.round() as u32,
            verified: distance <= f64::from(self.radius_m) + allowance,
        }
    }
}

/// Stock found at an outlet for one SKU, base units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutletCountLine {
    /// The SKU.
    pub sku: SkuId,
    /// On the shelf.
    pub shelf: i64,
    /// In the back room.
    #[serde(default)]
    pub back_room: i64,
    /// Of those, near expiry.
    #[serde(default)]
    pub near_expiry: i64,
}

/// One display checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayItem {
    /// What was checked (`"planogram"`, `"price tags"`, …).
    pub item: String,
    /// Passed.
    pub passed: bool,
    /// Photos.
    #[serde(default)]
    pub photos: Vec<MediaRef>,
}

/// A display check with its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DisplayCheck {
    /// The items.
    pub items: Vec<DisplayItem>,
    /// Items passed.
    pub passed: u32,
    /// Share of items passed, `passed / items` in \[0, 1\] to four decimals.
    pub score: Rate,
}

/// A competitor's product seen at the outlet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetitorObservation {
    /// Brand.
    pub brand: String,
    /// Product.
    pub product: String,
    /// Shelf price, if seen.
    #[serde(default)]
    pub shelf_price: Option<Money>,
    /// Promotion running, if any.
    #[serde(default)]
    pub promotion: String,
    /// Photos.
    #[serde(default)]
    pub photos: Vec<MediaRef>,
}

impl CompetitorObservation {
    /// Checks the texts, price and photos.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        check_name("brand", &self.brand)?;
        check_name("product", &self.product)?;
        check_text("promotion", &self.promotion, MAX_SHORT_TEXT)?;
        if let Some(p) = self.shelf_price {
            p.check_cents("shelf_price", false)?;
        }
        check_media("photos", &self.photos)
    }
}

/// A visit: check-in to check-out and what was recorded in between.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Visit {
    /// Id.
    pub id: VisitId,
    /// The rep.
    pub rep: StaffId,
    /// The outlet.
    pub outlet: OutletId,
    /// The rep's local date of the check-in.
    pub date: NaiveDate,
    /// On the day's plan.
    pub planned: bool,
    /// Check-in.
    pub check_in: VisitMark,
    /// Check-out, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out: Option<VisitMark>,
    /// Outlet stock counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock_counts: Vec<OutletCountLine>,
    /// Display checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub display_checks: Vec<DisplayCheck>,
    /// Competitor observations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competitor_observations: Vec<CompetitorObservation>,
    /// Orders taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<OrderId>,
    /// Payments collected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentId>,
}

/// Where a piece of feedback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Recorded, nobody on it.
    Open,
    /// Someone is on it.
    Assigned,
    /// Done.
    Resolved,
}

/// Outlet feedback or a complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Feedback {
    /// Id.
    pub id: FeedbackId,
    /// The outlet.
    pub outlet: OutletId,
    /// The visit it was recorded in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// Who recorded it.
    pub recorded_by: StaffId,
    /// The local date it was recorded.
    pub date: NaiveDate,
    /// Category (`"complaint"`, `"quality"`, `"suggestion"`, …).
    pub category: String,
    /// What was said.
    pub text: String,
    /// Photos.
    pub photos: Vec<MediaRef>,
    /// Where it stands.
    pub status: FeedbackStatus,
    /// Who is on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
    /// How it was resolved.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
}

/// Field-force settings: geofence, tracking filters and alert thresholds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FieldSettings {
    /// Check-in verification.
    pub geofence: GeofenceSettings,
    /// GPS filters and derived facts.
    pub tracking: TrackSettings,
    /// Alert thresholds.
    pub alerts: crate::alerts::AlertSettings,
}
