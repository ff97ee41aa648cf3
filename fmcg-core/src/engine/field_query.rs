//! Field queries: a day's records, feedback, tracks, the supervisor's live board, alerts
//! and GeoJSON of a person's day. Every one runs as an actor and is scoped like the rest:
//! a rep sees their own day and track, a supervisor their team's.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use geojson::{Feature, FeatureCollection, Geometry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Action, Target};
use crate::alerts::{self, Alert, DayFacts};
use crate::delivery::{Trip, TripStatus};
use crate::error::{Error, Result};
use crate::field::{Feedback, FeedbackStatus, Visit};
use crate::geo::LatLon;
use crate::ids::{OutletId, StaffId, VisitId};
use crate::order::{Order, OrderStatus};
use crate::staff::{Role, Staff};
use crate::text::local_date;
use crate::tracking::{self, Stay};

use super::query::{FieldDayResult, QueryResult};
use super::state::State;

/// What a person is doing, as the live board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldStatus {
    /// No fix for longer than the offline threshold.
    Offline,
    /// Not moving, not at an outlet.
    Idle,
    /// Moving.
    Travelling,
    /// Checked in at an outlet.
    Visiting,
    /// A driver at one of the trip's outlets still to deliver.
    Delivering,
}

/// One person on the live board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BoardRow {
    /// Who.
    pub staff: StaffId,
    /// Name.
    pub name: String,
    /// Status at the board's time.
    pub status: FieldStatus,
    /// The last fix at or before the board's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_fix_at: Option<DateTime<Utc>>,
    /// Its position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<LatLon>,
    /// The open visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// Planned outlets of the day.
    pub planned: u32,
    /// Of those, visited.
    pub visited: u32,
    /// Orders on the day's trips.
    pub assigned: u32,
    /// Of those, delivered (fully or in part).
    pub delivered: u32,
}

/// One person's track on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrackSummary {
    /// Whose.
    pub staff: StaffId,
    /// The local day.
    pub date: NaiveDate,
    /// Kept fixes that day.
    pub fixes: u32,
    /// Metres travelled.
    pub distance_m: u64,
    /// Stays.
    pub stays: Vec<Stay>,
    /// The simplified polyline, `[lon, lat]` pairs.
    pub polyline: Vec<[f64; 2]>,
    /// The time of each polyline point, ms since the epoch (for playback).
    pub polyline_t_ms: Vec<i64>,
}

fn person<'a>(state: &'a State, actor: &Staff, action: Action, id: &StaffId) -> Result<&'a Staff> {
    let s = state.staff_member(id)?;
    access::authorize(state.directory(), actor, action, Target::Staff(s))?;
    Ok(s)
}

/// Field staff in `action` scope, or the one named.
fn people<'a>(
    state: &'a State,
    actor: &Staff,
    action: Action,
    one: Option<&StaffId>,
) -> Result<Vec<&'a Staff>> {
    if let Some(id) = one {
        return Ok(vec![person(state, actor, action, id)?]);
    }
    access::granted(state.directory(), actor, action)?;
    Ok(state
        .staff
        .values()
        .filter(|s| s.has_role(Role::SalesRep) || s.has_role(Role::Driver))
        .filter(|s| access::allows(state.directory(), actor, action, Target::Staff(s)))
        .collect())
}

/// Start of `date` in the person's zone, as UTC.
fn day_start(s: &Staff, date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
        - Duration::minutes(i64::from(s.utc_offset_minutes))
}

fn visits_of<'a>(state: &'a State, staff: &StaffId, date: NaiveDate) -> Vec<&'a Visit> {
    state
        .field
        .visits
        .values()
        .filter(|v| &v.rep == staff && v.date == date)
        .collect()
}

fn trips_of<'a>(state: &'a State, staff: &StaffId, date: NaiveDate) -> Vec<&'a Trip> {
    state
        .field
        .trips
        .values()
        .filter(|t| &t.driver == staff && t.date == date)
        .collect()
}

pub(super) fn field_day(
    state: &State,
    actor: &Staff,
    date: NaiveDate,
    one: Option<&StaffId>,
) -> Result<QueryResult> {
    let who = people(state, actor, Action::FieldView, one)?;
    let ids: Vec<&StaffId> = who.iter().map(|s| &s.id).collect();
    let has = |id: &StaffId| ids.contains(&id);
    let f = &state.field;
    Ok(QueryResult::FieldDay(Box::new(FieldDayResult {
        days: f
            .days
            .get(&date)
            .map(|d| d.values().filter(|w| has(&w.staff)).cloned().collect())
            .unwrap_or_default(),
        visits: f
            .visits
            .values()
            .filter(|v| v.date == date && has(&v.rep))
            .cloned()
            .collect(),
        route_changes: f
            .route_changes
            .values()
            .filter(|r| r.date == date && has(&r.rep))
            .cloned()
            .collect(),
        trips: f
            .trips
            .values()
            .filter(|t| t.date == date && has(&t.driver))
            .cloned()
            .collect(),
        settlements: f
            .settlements
            .values()
            .filter(|s| s.date == date && has(&s.staff))
            .cloned()
            .collect(),
        submissions: f
            .submissions
            .values()
            .filter(|s| s.date == date && has(&s.staff))
            .cloned()
            .collect(),
    })))
}

pub(super) fn feedback(
    state: &State,
    actor: &Staff,
    status: Option<FeedbackStatus>,
) -> Result<QueryResult> {
    access::granted(state.directory(), actor, Action::FieldView)?;
    let rows: Vec<Feedback> = state
        .field
        .feedback
        .values()
        .filter(|f| status.is_none_or(|s| f.status == s))
        .filter(|f| {
            f.assignee.as_ref() == Some(&actor.id)
                || state.outlets.get(&f.outlet).is_some_and(|o| {
                    access::allows(
                        state.directory(),
                        actor,
                        Action::FieldView,
                        Target::Outlet(o),
                    )
                })
        })
        .cloned()
        .collect();
    Ok(QueryResult::Feedback { rows })
}

pub(super) fn track(
    state: &State,
    actor: &Staff,
    staff: &StaffId,
    date: NaiveDate,
) -> Result<QueryResult> {
    let s = person(state, actor, Action::TrackView, staff)?;
    let settings = &state.settings.field.tracking;
    let from = day_start(s, date).timestamp_millis();
    let summary = match state.field.tracks.get(staff) {
        Some(t) => {
            let r = t.fixes.range(from, from + 86_400_000);
            let mut summary = TrackSummary {
                staff: staff.clone(),
                date,
                fixes: u32::try_from(r.len()).unwrap_or(u32::MAX),
                distance_m: tracking::distance_m(&t.fixes, r.clone(), settings.min_move_m).round()
                    as u64,
                stays: tracking::stays(
                    &t.fixes,
                    r.clone(),
                    settings.stay_radius_m,
                    settings.stay_min_s,
                ),
                polyline: Vec::new(),
                polyline_t_ms: Vec::new(),
            };
            for i in tracking::simplified(&t.fixes, r, settings.simplify_tolerance_m) {
                summary.polyline.push([t.fixes.lon[i], t.fixes.lat[i]]);
                summary.polyline_t_ms.push(t.fixes.t_ms[i]);
            }
            summary
        }
        None => TrackSummary {
            staff: staff.clone(),
            date,
            fixes: 0,
            distance_m: 0,
            stays: Vec::new(),
            polyline: Vec::new(),
            polyline_t_ms: Vec::new(),
        },
    };
    Ok(QueryResult::Track { track: summary })
}

pub(super) fn board(state: &State, actor: &Staff, at: DateTime<Utc>) -> Result<QueryResult> {
    let settings = &state.settings.field;
    let mut rows = Vec::new();
    for s in people(state, actor, Action::TrackView, None)? {
        let date = local_date(at, s.utc_offset_minutes);
        let track = state.field.tracks.get(&s.id);
        let upto = track.map(|t| t.fixes.range(i64::MIN, at.timestamp_millis() + 1));
        let last = track
            .zip(upto)
            .and_then(|(t, r)| r.end.checked_sub(1).map(|i| (t, i)));
        let last_fix_at = last.and_then(|(t, i)| DateTime::from_timestamp_millis(t.fixes.t_ms[i]));
        let position = last.and_then(|(t, i)| LatLon::new(t.fixes.lat[i], t.fixes.lon[i]).ok());
        // The visit in progress at `at` (so the board also answers for a past time).
        let open = visits_of(state, &s.id, date)
            .into_iter()
            .find(|v| v.check_in.at <= at && v.check_out.as_ref().is_none_or(|c| c.at > at))
            .map(|v| &v.id);
        let trips = trips_of(state, &s.id, date);
        let fresh = last_fix_at.is_some_and(|t| {
            at - t <= Duration::seconds(i64::from(settings.tracking.offline_after_s))
        });
        let at_stop = position.is_some_and(|p| {
            trips
                .iter()
                .filter(|t| t.status == TripStatus::OutForDelivery)
                .any(|t| {
                    t.stops.iter().filter(|st| st.delivery.is_none()).any(|st| {
                        state.outlets.get(&st.outlet).is_some_and(|o| {
                            o.position.haversine_m(p) <= f64::from(settings.geofence.radius_m)
                        })
                    })
                })
        });
        let moving = last.is_some_and(|(t, i)| {
            i >= 1 && {
                let f = &t.fixes;
                let d = tracking::hop_m(f.lat[i - 1], f.lon[i - 1], f.lat[i], f.lon[i]);
                let dt = (f.t_ms[i] - f.t_ms[i - 1]) as f64 / 1000.0;
                d > f64::from(settings.tracking.moving_kmh) / 3.6 * dt
            }
        });
        let status = if open.is_some() {
            FieldStatus::Visiting
        } else if !fresh {
            FieldStatus::Offline
        } else if at_stop {
            FieldStatus::Delivering
        } else if moving {
            FieldStatus::Travelling
        } else {
            FieldStatus::Idle
        };
        let day = state.field.day(&s.id, date);
        let visits = visits_of(state, &s.id, date);
        let planned = day.map_or(0, |d| d.stops.len());
        let visited = day.map_or(0, |d| {
            d.stops
                .iter()
                .filter(|st| visits.iter().any(|v| v.outlet == st.outlet))
                .count()
        });
        let orders: Vec<&Order> = trips
            .iter()
            .flat_map(|t| t.stops.iter().flat_map(|st| &st.orders))
            .filter_map(|o| state.orders.get(o))
            .collect();
        let delivered = orders
            .iter()
            .filter(|o| {
                matches!(
                    o.status,
                    OrderStatus::Delivered | OrderStatus::PartiallyDelivered
                )
            })
            .count();
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        rows.push(BoardRow {
            staff: s.id.clone(),
            name: s.name.clone(),
            status,
            last_fix_at,
            position,
            visit: open.cloned(),
            planned: n(planned),
            visited: n(visited),
            assigned: n(orders.len()),
            delivered: n(delivered),
        });
    }
    Ok(QueryResult::Board { rows })
}

/// The alerts of one person's day.
fn alerts_of(state: &State, s: &Staff, date: NaiveDate, at: Option<DateTime<Utc>>) -> Vec<Alert> {
    let f = &state.field;
    let day = f.day(&s.id, date);
    let start = day_start(s, date);
    let visits = visits_of(state, &s.id, date);
    let trips = trips_of(state, &s.id, date);
    let planned: Vec<(OutletId, LatLon)> = day
        .map(|d| {
            d.stops
                .iter()
                .filter_map(|st| {
                    state
                        .outlets
                        .get(&st.outlet)
                        .map(|o| (o.id.clone(), o.position))
                })
                .collect()
        })
        .unwrap_or_default();
    let depot = s
        .depot
        .as_ref()
        .and_then(|w| state.warehouses.get(w))
        .and_then(|w| w.position);
    let mut known: Vec<LatLon> = s.home.into_iter().chain(depot).collect();
    known.extend(
        visits
            .iter()
            .filter_map(|v| state.outlets.get(&v.outlet).map(|o| o.position)),
    );
    known.extend(
        trips
            .iter()
            .flat_map(|t| &t.stops)
            .filter_map(|st| state.outlets.get(&st.outlet).map(|o| o.position)),
    );
    // A driver's planned path is the trip's stops.
    let mut planned = planned;
    if planned.is_empty() {
        planned = trips
            .iter()
            .flat_map(|t| &t.stops)
            .filter_map(|st| {
                state
                    .outlets
                    .get(&st.outlet)
                    .map(|o| (o.id.clone(), o.position))
            })
            .collect();
    }
    let today: Vec<&Order> = state
        .orders
        .values()
        .filter(|o| o.taken_by == s.id && o.order_date == date && o.status.is_live())
        .collect();
    // Live orders of the outlets ordered from today, in one pass over the orders.
    let mut by_outlet: BTreeMap<&OutletId, Vec<&Order>> =
        today.iter().map(|o| (&o.outlet, Vec::new())).collect();
    for o in state.orders.values().filter(|o| o.status.is_live()) {
        if let Some(v) = by_outlet.get_mut(&o.outlet) {
            v.push(o);
        }
    }
    let orders: Vec<(&Order, Vec<Vec<i64>>)> = today
        .into_iter()
        .map(|o| {
            let earlier = by_outlet.get(&o.outlet).map_or(&[][..], Vec::as_slice);
            let history = o
                .lines
                .iter()
                .map(|l| {
                    earlier
                        .iter()
                        .filter(|p| p.recorded_at < o.recorded_at)
                        .flat_map(|p| {
                            p.lines
                                .iter()
                                .filter(|x| x.sku == l.sku && x.free_goods_of.is_none())
                        })
                        .map(|x| x.qty_ordered)
                        .collect()
                })
                .collect();
            (o, history)
        })
        .collect();
    let settlements: Vec<_> = f
        .settlements
        .values()
        .filter(|x| x.staff == s.id && x.date == date)
        .collect();
    let track = f.tracks.get(&s.id);
    let facts = DayFacts {
        staff: s,
        date,
        day_start: start,
        day,
        planned: &planned,
        known_places: &known,
        base: s.home.or(depot),
        track: track.map(|t| &t.fixes),
        jumps: track.map_or(&[], |t| t.jumps.as_slice()),
        visits: &visits,
        orders: &orders,
        settlements: &settlements,
        trips: &trips,
        over: day.is_some_and(|d| d.ended.is_some())
            || at.is_some_and(|a| a >= start + Duration::days(1)),
    };
    let settings = &state.settings.field;
    alerts::evaluate(
        &facts,
        &settings.tracking,
        &settings.alerts,
        settings.geofence.radius_m,
    )
}

pub(super) fn alerts(
    state: &State,
    actor: &Staff,
    date: NaiveDate,
    one: Option<&StaffId>,
    at: Option<DateTime<Utc>>,
) -> Result<QueryResult> {
    let mut rows = Vec::new();
    for s in people(state, actor, Action::TrackView, one)? {
        rows.extend(alerts_of(state, s, date, at));
    }
    Ok(QueryResult::Alerts { rows })
}

fn point(p: LatLon) -> Geometry {
    Geometry::new_point([p.lon(), p.lat()])
}

pub(super) fn geojson(
    state: &State,
    actor: &Staff,
    staff: &StaffId,
    date: NaiveDate,
) -> Result<QueryResult> {
    let QueryResult::Track { track } = track(state, actor, staff, date)? else {
        return Err(Error::invalid("query", "no track"));
    };
    let mut features = Vec::new();
    if track.polyline.len() >= 2 {
        let mut f = Feature::from(Geometry::new_line_string(track.polyline.clone()));
        f.set_property("kind", "track");
        f.set_property("distance_m", track.distance_m);
        features.push(f);
    }
    for s in &track.stays {
        if let Ok(p) = LatLon::new(s.lat, s.lon) {
            let mut f = Feature::from(point(p));
            f.set_property("kind", "stay");
            f.set_property("start_ms", s.start_ms);
            f.set_property("minutes", s.duration_s() / 60);
            features.push(f);
        }
    }
    let pos = |o: &OutletId| {
        state
            .outlets
            .get(o)
            .map(|o| [o.position.lon(), o.position.lat()])
    };
    if let Some(day) = state.field.day(staff, date) {
        let line: Vec<[f64; 2]> = day.stops.iter().filter_map(|s| pos(&s.outlet)).collect();
        if line.len() >= 2 {
            let mut f = Feature::from(Geometry::new_line_string(line));
            f.set_property("kind", "planned_route");
            features.push(f);
        }
    }
    for t in trips_of(state, staff, date) {
        let line: Vec<[f64; 2]> = t.stops.iter().filter_map(|s| pos(&s.outlet)).collect();
        if line.len() >= 2 {
            let mut f = Feature::from(Geometry::new_line_string(line));
            f.set_property("kind", "planned_route");
            f.set_property("trip", t.id.as_str());
            features.push(f);
        }
    }
    let mut visits = visits_of(state, staff, date);
    visits.sort_by_key(|v| v.check_in.at);
    let actual: Vec<[f64; 2]> = visits
        .iter()
        .map(|v| [v.check_in.position.at.lon(), v.check_in.position.at.lat()])
        .collect();
    if actual.len() >= 2 {
        let mut f = Feature::from(Geometry::new_line_string(actual));
        f.set_property("kind", "actual_route");
        features.push(f);
    }
    for v in &visits {
        let mut f = Feature::from(point(v.check_in.position.at));
        f.set_property("kind", "check_in");
        f.set_property("visit", v.id.as_str());
        f.set_property("outlet", v.outlet.as_str());
        f.set_property("verified", v.check_in.verified);
        features.push(f);
    }
    let geojson =
        serde_json::to_value(FeatureCollection::new(features)).map_err(|e| Error::json(&e))?;
    Ok(QueryResult::FieldGeojson { geojson })
}
