//! Alert rules (SPEC §3.9): each rule reads one person's day — plan, visits, track, orders,
//! settlements, trips — and reports alerts with a severity and the evidence behind them.
//! Thresholds are settings ([`AlertSettings`]); the rules are pure, so the same day always
//! gives the same alerts.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::delivery::Trip;
use crate::field::{Visit, WorkDay};
use crate::geo::LatLon;
use crate::ids::{OrderId, OutletId, SettlementId, SkuId, StaffId, TripId, VisitId};
use crate::money::Money;
use crate::order::{ApprovalReason, Order};
use crate::settlement::CashSettlement;
use crate::staff::Staff;
use crate::tracking::{self, FixBatch, TrackSettings};

/// Alert thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// A stay this long (minutes) away from every planned or visited outlet and from home
    /// or depot raises `long_stay_away` (default 45).
    pub long_stay_min: u32,
    /// Farther than this (metres) from the planned path … (default 1000)
    pub deviation_m: u32,
    /// … for at least this long (minutes) raises `route_deviation` (default 20).
    pub deviation_min: u32,
    /// Starting the day later than shift start plus this (minutes) raises `late_start`
    /// (default 15).
    pub late_start_grace_min: u32,
    /// Ending the day earlier than shift end minus this (minutes) raises `early_finish`
    /// (default 15).
    pub early_finish_grace_min: u32,
    /// This many consecutive fixes with identical coordinates suggest a fake location
    /// (default 10).
    pub frozen_fixes: u32,
    /// An order line above this multiple of the outlet's mean quantity of the SKU raises
    /// `order_anomaly` (default 5) …
    pub order_qty_factor: u32,
    /// … once the outlet has at least this many earlier lines of it (default 3).
    pub order_history_min: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            long_stay_min: 45,
            deviation_m: 1000,
            deviation_min: 20,
            late_start_grace_min: 15,
            early_finish_grace_min: 15,
            frozen_fixes: 10,
            order_qty_factor: 5,
            order_history_min: 3,
        }
    }
}

/// What an alert is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A long stay away from any planned outlet.
    LongStayAway,
    /// Far from the planned path for a long time.
    RouteDeviation,
    /// A planned outlet was not visited.
    MissedVisit,
    /// The day started late.
    LateStart,
    /// The day ended early.
    EarlyFinish,
    /// A check-in outside the outlet's geofence.
    CheckInOutsideGeofence,
    /// Mock-location flag, impossible speed or frozen coordinates.
    FakeLocation,
    /// An order line far above the outlet's history.
    OrderAnomaly,
    /// An order line priced below the floor.
    PriceBelowFloor,
    /// Cash handed over differs from cash collected.
    CashVariance,
    /// Goods back at load-in differ from what should be on the van.
    LoadInVariance,
}

/// How urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Look into it.
    Warning,
    /// Money, goods or trust at stake.
    Critical,
}

/// The facts behind an alert (only the fields that apply are present).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The outlet concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<OutletId>,
    /// The visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// The order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderId>,
    /// The order line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_no: Option<u32>,
    /// The SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<SkuId>,
    /// The trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip: Option<TripId>,
    /// The settlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement: Option<SettlementId>,
    /// Where (a stay's centre, the check-in position, the farthest fix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<LatLon>,
    /// A distance, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<u32>,
    /// From.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// A duration, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// A count (fixes, units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// A reference quantity (the outlet's mean, the expected units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<i64>,
    /// An amount (variance, net amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// A reference amount (expected cash, floor amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Money>,
}

/// An alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Alert {
    /// The rule.
    pub kind: AlertKind,
    /// How urgent.
    pub severity: Severity,
    /// Whose day.
    pub staff: StaffId,
    /// The day.
    pub date: NaiveDate,
    /// When it happened, where a time applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// In words.
    pub message: String,
    /// The facts.
    pub evidence: Evidence,
}

/// One person's day, as the rules read it.
#[derive(Debug, Clone, Copy)]
pub struct DayFacts<'a> {
    /// The person.
    pub staff: &'a Staff,
    /// The local date.
    pub date: NaiveDate,
    /// Start of the local day (UTC).
    pub day_start: DateTime<Utc>,
    /// The plan and attendance, if any.
    pub day: Option<&'a WorkDay>,
    /// Planned outlets in order with their positions (outlets without one are left out).
    pub planned: &'a [(OutletId, LatLon)],
    /// Other places a stay is expected: visited outlets, home, depot.
    pub known_places: &'a [LatLon],
    /// Where the day's path starts and ends (home or depot), if known.
    pub base: Option<LatLon>,
    /// The person's kept fixes (the day is sliced out by time).
    pub track: Option<&'a FixBatch>,
    /// Times of fixes dropped as impossible jumps.
    pub jumps: &'a [i64],
    /// The day's visits.
    pub visits: &'a [&'a Visit],
    /// Orders taken that day, with each line's earlier quantities at the same outlet.
    pub orders: &'a [(&'a Order, Vec<Vec<i64>>)],
    /// The day's cash settlements.
    pub settlements: &'a [&'a CashSettlement],
    /// The driver's trips of the day.
    pub trips: &'a [&'a Trip],
    /// Whether the day is over (ended, or the question is asked after it).
    pub over: bool,
}

fn ms_time(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// Runs every rule over one day.
pub fn evaluate(
    f: &DayFacts<'_>,
    track: &TrackSettings,
    s: &AlertSettings,
    geofence_m: u32,
) -> Vec<Alert> {
    let mut out = Vec::new();
    let mut push = |kind: AlertKind, severity, at, message: String, evidence| {
        out.push(Alert {
            kind,
            severity,
            staff: f.staff.id.clone(),
            date: f.date,
            at,
            message,
            evidence,
        });
    };
    attendance(f, s, &mut push);
    for v in f.visits {
        if !v.check_in.verified {
            push(
                AlertKind::CheckInOutsideGeofence,
                Severity::Warning,
                Some(v.check_in.at),
                format!(
                    "checked in {} m from outlet `{}`",
                    v.check_in.distance_m, v.outlet
                ),
                Evidence {
                    outlet: Some(v.outlet.clone()),
                    visit: Some(v.id.clone()),
                    position: Some(v.check_in.position.at),
                    distance_m: Some(v.check_in.distance_m),
                    ..Evidence::default()
                },
            );
        }
    }
    if f.over
        && let Some(day) = f.day
    {
        for stop in &day.stops {
            if !f.visits.iter().any(|v| v.outlet == stop.outlet) {
                push(
                    AlertKind::MissedVisit,
                    Severity::Warning,
                    None,
                    format!("planned outlet `{}` was not visited", stop.outlet),
                    Evidence {
                        outlet: Some(stop.outlet.clone()),
                        ..Evidence::default()
                    },
                );
            }
        }
    }
    if let Some(batch) = f.track {
        let from = f.day_start.timestamp_millis();
        let range = batch.range(from, from + 86_400_000);
        location_rules(f, batch, range, track, s, geofence_m, &mut push);
    }
    orders(f, s, &mut push);
    for st in f.settlements {
        if !st.variance.is_zero() {
            push(
                AlertKind::CashVariance,
                Severity::Critical,
                None,
                format!(
                    "handed {} against {} collected in cash",
                    st.handed, st.expected
                ),
                Evidence {
                    settlement: Some(st.id.clone()),
                    amount: Some(st.variance),
                    expected: Some(st.expected),
                    ..Evidence::default()
                },
            );
        }
    }
    for trip in f.trips {
        let short: i64 = trip.reconciliation.iter().map(|l| l.variance).sum();
        if trip.reconciliation.iter().any(|l| l.variance != 0) {
            push(
                AlertKind::LoadInVariance,
                Severity::Critical,
                None,
                format!("trip `{}` came back {} units short", trip.id, -short),
                Evidence {
                    trip: Some(trip.id.clone()),
                    count: Some(short),
                    ..Evidence::default()
                },
            );
        }
    }
    out
}

type Push<'p> = dyn FnMut(AlertKind, Severity, Option<DateTime<Utc>>, String, Evidence) + 'p;

fn attendance(f: &DayFacts<'_>, s: &AlertSettings, push: &mut Push<'_>) {
    let (Some(day), Some(shift)) = (f.day, f.staff.shift) else {
        return;
    };
    let local = |t: chrono::NaiveTime| {
        f.date.and_time(t).and_utc() - Duration::minutes(i64::from(f.staff.utc_offset_minutes))
    };
    if let Some(start) = &day.started {
        let due = local(shift.start);
        if start.at > due + Duration::minutes(i64::from(s.late_start_grace_min)) {
            let late = (start.at - due).num_minutes();
            push(
                AlertKind::LateStart,
                Severity::Info,
                Some(start.at),
                format!("started {late} minutes after the shift start"),
                Evidence {
                    minutes: Some(late),
                    ..Evidence::default()
                },
            );
        }
    }
    if let Some(end) = &day.ended {
        let due = local(shift.end);
        if end.at < due - Duration::minutes(i64::from(s.early_finish_grace_min)) {
            let early = (due - end.at).num_minutes();
            push(
                AlertKind::EarlyFinish,
                Severity::Info,
                Some(end.at),
                format!("ended {early} minutes before the shift end"),
                Evidence {
                    minutes: Some(early),
                    ..Evidence::default()
                },
            );
        }
    }
}

/// Distance in metres from `p` to the segment `a`–`b` (local equirectangular plane).
fn to_segment_m(p: (f64, f64), a: LatLon, b: LatLon) -> f64 {
    let k = p.0.to_radians().cos();
    let xy = |lat: f64, lon: f64| ((lon - p.1) * k, lat - p.0);
    let (ax, ay) = xy(a.lat(), a.lon());
    let (bx, by) = xy(b.lat(), b.lon());
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    (cx * cx + cy * cy).sqrt().to_radians() * crate::geo::EARTH_RADIUS_M
}

fn location_rules(
    f: &DayFacts<'_>,
    batch: &FixBatch,
    range: std::ops::Range<usize>,
    track: &TrackSettings,
    s: &AlertSettings,
    geofence_m: u32,
    push: &mut Push<'_>,
) {
    // Fake location: the mock flag, impossible jumps, frozen coordinates.
    let mocks: Vec<usize> = range.clone().filter(|&i| batch.is_mock(i)).collect();
    if let Some(&first) = mocks.first() {
        push(
            AlertKind::FakeLocation,
            Severity::Critical,
            ms_time(batch.t_ms[first]),
            format!("{} fixes carry the mock-location flag", mocks.len()),
            Evidence {
                count: Some(mocks.len() as i64),
                from: ms_time(batch.t_ms[first]),
                ..Evidence::default()
            },
        );
    }
    let day_from = f.day_start.timestamp_millis();
    let jumps: Vec<i64> = f
        .jumps
        .iter()
        .copied()
        .filter(|t| (day_from..day_from + 86_400_000).contains(t))
        .collect();
    if let Some(&first) = jumps.first() {
        push(
            AlertKind::FakeLocation,
            Severity::Critical,
            ms_time(first),
            format!(
                "{} fixes implied a speed above {} km/h",
                jumps.len(),
                track.max_speed_kmh
            ),
            Evidence {
                count: Some(jumps.len() as i64),
                from: ms_time(first),
                ..Evidence::default()
            },
        );
    }
    for (i, n) in tracking::frozen_runs(batch, range.clone(), s.frozen_fixes as usize) {
        push(
            AlertKind::FakeLocation,
            Severity::Critical,
            ms_time(batch.t_ms[i]),
            format!("{n} consecutive fixes with identical coordinates"),
            Evidence {
                count: Some(n as i64),
                position: LatLon::new(batch.lat[i], batch.lon[i]).ok(),
                from: ms_time(batch.t_ms[i]),
                until: ms_time(batch.t_ms[i + n - 1]),
                ..Evidence::default()
            },
        );
    }
    // Long stays away from every expected place.
    let near = f64::from(geofence_m) + f64::from(track.stay_radius_m);
    let expected = f
        .planned
        .iter()
        .map(|p| p.1)
        .chain(f.known_places.iter().copied())
        .collect::<Vec<_>>();
    for stay in tracking::stays(
        batch,
        range.clone(),
        track.stay_radius_m,
        s.long_stay_min * 60,
    ) {
        let centre = LatLon::new(stay.lat, stay.lon).ok();
        let away = centre.is_some_and(|c| expected.iter().all(|p| p.haversine_m(c) > near));
        if away {
            let minutes = stay.duration_s() / 60;
            push(
                AlertKind::LongStayAway,
                Severity::Warning,
                ms_time(stay.start_ms),
                format!("stayed {minutes} minutes away from any planned outlet"),
                Evidence {
                    position: centre,
                    from: ms_time(stay.start_ms),
                    until: ms_time(stay.end_ms),
                    minutes: Some(minutes),
                    ..Evidence::default()
                },
            );
        }
    }
    // Route deviation: runs of fixes far from the planned path.
    let path: Vec<LatLon> = f
        .base
        .into_iter()
        .chain(f.planned.iter().map(|p| p.1))
        .chain(f.base)
        .collect();
    if path.len() < 2 {
        return;
    }
    let limit = f64::from(s.deviation_m);
    let min_ms = i64::from(s.deviation_min) * 60_000;
    let off = |i: usize| {
        let p = (batch.lat[i], batch.lon[i]);
        path.windows(2)
            .map(|w| to_segment_m(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    };
    let mut i = range.start;
    while i < range.end {
        let d = off(i);
        if d <= limit {
            i += 1;
            continue;
        }
        let (mut j, mut worst, mut worst_i) = (i, d, i);
        while j + 1 < range.end {
            let dj = off(j + 1);
            if dj <= limit {
                break;
            }
            if dj > worst {
                (worst, worst_i) = (dj, j + 1);
            }
            j += 1;
        }
        if batch.t_ms[j] - batch.t_ms[i] >= min_ms {
            let minutes = (batch.t_ms[j] - batch.t_ms[i]) / 60_000;
            push(
                AlertKind::RouteDeviation,
                Severity::Warning,
                ms_time(batch.t_ms[i]),
                format!("{minutes} minutes off the planned route, up to {worst:.0} m"),
                Evidence {
                    position: LatLon::new(batch.lat[worst_i], batch.lon[worst_i]).ok(),
                    distance_m: Some(worst.round() as u32),
                    from: ms_time(batch.t_ms[i]),
                    until: ms_time(batch.t_ms[j]),
                    minutes: Some(minutes),
                    ..Evidence::default()
                },
            );
        }
        i = j + 1;
    }
}

fn orders(f: &DayFacts<'_>, s: &AlertSettings, push: &mut Push<'_>) {
    for (order, history) in f.orders {
        for (line, past) in order.lines.iter().zip(history) {
            if line.free_goods_of.is_some() || past.len() < s.order_history_min as usize {
                continue;
            }
            let n = past.len() as i64;
            let sum: i64 = past.iter().sum();
            // qty > factor × mean, in integers: qty × n > factor × Σ.
            if i128::from(line.qty_ordered) * i128::from(n)
                > i128::from(s.order_qty_factor) * i128::from(sum)
            {
                push(
                    AlertKind::OrderAnomaly,
                    Severity::Warning,
                    Some(order.recorded_at),
                    format!(
                        "{} units of `{}` against a usual {} at `{}`",
                        line.qty_ordered,
                        line.sku,
                        sum / n.max(1),
                        order.outlet
                    ),
                    Evidence {
                        outlet: Some(order.outlet.clone()),
                        order: Some(order.id.clone()),
                        line_no: Some(line.line_no),
                        sku: Some(line.sku.clone()),
                        count: Some(line.qty_ordered),
                        baseline: Some(sum / n.max(1)),
                        ..Evidence::default()
                    },
                );
            }
        }
        for r in &order.approval_reasons {
            if let ApprovalReason::BelowFloor {
                line_no,
                sku,
                net_amount,
                floor_amount,
            } = r
            {
                push(
                    AlertKind::PriceBelowFloor,
                    Severity::Warning,
                    Some(order.recorded_at),
                    format!("`{sku}` sold for {net_amount} against a floor of {floor_amount}"),
                    Evidence {
                        outlet: Some(order.outlet.clone()),
                        order: Some(order.id.clone()),
                        line_no: Some(*line_no),
                        sku: Some(sku.clone()),
                        amount: Some(*net_amount),
                        expected: Some(*floor_amount),
                        ..Evidence::default()
                    },
                );
            }
        }
    }
}
