//! `fmcg route` and `fmcg plan-beats`: outlets from CSV or JSON, plans as JSON on stdout
//! and GeoJSON files for maps.

use std::path::{Path, PathBuf};

use fmcg_core::LatLon;
use fmcg_core::routing::{
    BeatOutlet, BeatProblem, Budget, Matrix, Route, SystemClock, TimeWindow, TspProblem, Vehicle,
    VrpProblem, VrpStop, geojson, plan_beats, solve_tsp, solve_vrp,
};
use serde::Deserialize;
use serde_json::json;

/// One outlet of an input file (CSV header or JSON object keys).
#[derive(Debug, Deserialize)]
struct OutletRow {
    id: String,
    lat: f64,
    lon: f64,
    #[serde(default)]
    service_s: u32,
    #[serde(default = "four")]
    visits: u8,
    #[serde(default)]
    demand: u32,
    #[serde(default)]
    open_s: Option<u32>,
    #[serde(default)]
    close_s: Option<u32>,
}

fn four() -> u8 {
    4
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn read_outlets(path: &Path) -> Res<Vec<OutletRow>> {
    let rows: Vec<OutletRow> = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::from_slice(&std::fs::read(path)?)?
    } else {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)?;
        rdr.deserialize().collect::<Result<_, _>>()?
    };
    if rows.is_empty() {
        return Err(format!("{}: no outlets", path.display()).into());
    }
    Ok(rows)
}

/// Positions: the base (home or depot) first, then the outlets.
fn positions(base: (f64, f64), rows: &[OutletRow]) -> Res<Vec<LatLon>> {
    let mut pts = vec![LatLon::new(base.0, base.1)?];
    for (k, r) in rows.iter().enumerate() {
        pts.push(
            LatLon::new(r.lat, r.lon)
                .map_err(|e| format!("outlet {} (row {}): {e}", r.id, k + 1))?,
        );
    }
    Ok(pts)
}

fn write_geojson(path: Option<&PathBuf>, routes: &[Route], pts: &[LatLon]) -> Res<()> {
    if let Some(p) = path {
        std::fs::write(p, geojson::routes(routes, pts)?.to_string())?;
    }
    Ok(())
}

/// Options shared by the routing commands.
pub struct Common {
    pub outlets: PathBuf,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: f64,
    pub budget: Budget,
    pub geojson: Option<PathBuf>,
}

/// A visit route (no `vehicles`) or delivery trips (`vehicles` with `capacity`).
pub fn route(c: &Common, vehicles: Option<usize>, capacity: u32, open: bool) -> Res<()> {
    let rows = read_outlets(&c.outlets)?;
    let pts = positions((c.lat, c.lon), &rows)?;
    let matrix = Matrix::haversine(&pts, c.speed_kmh)?;
    let clock = SystemClock::new();
    let ids = |p: usize| {
        if p == 0 {
            "base".to_string()
        } else {
            rows[p - 1].id.clone()
        }
    };
    let windows: Vec<Option<TimeWindow>> = std::iter::once(None)
        .chain(rows.iter().map(|r| match (r.open_s, r.close_s) {
            (None, None) => None,
            (o, cl) => Some(TimeWindow {
                open_s: o.unwrap_or(0),
                close_s: cl.unwrap_or(u32::MAX),
            }),
        }))
        .collect();
    let routes = if let Some(n) = vehicles {
        let stops = rows
            .iter()
            .enumerate()
            .map(|(k, r)| VrpStop {
                point: k + 1,
                demand: vec![r.demand],
                service_s: r.service_s,
                window: windows[k + 1],
            })
            .collect();
        let p = VrpProblem {
            matrix,
            stops,
            vehicles: vec![Vehicle::at_depot(0, vec![capacity]); n],
            objective: Default::default(),
            budget: c.budget,
        };
        let sol = solve_vrp(&p, &clock)?;
        println!(
            "{}",
            json!({
                "distance_m": sol.distance_m, "duration_s": sol.duration_s,
                "routes": sol.routes.iter().map(|r| json!({
                    "vehicle": r.vehicle, "distance_m": r.distance_m, "duration_s": r.duration_s,
                    "load": r.load, "stops": r.stops.iter().map(|s| ids(s.point)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "unserved": sol.unserved.iter().map(|&k| rows[k].id.clone()).collect::<Vec<_>>(),
            })
        );
        sol.routes
    } else {
        let mut p = TspProblem::closed(matrix);
        p.service_s = std::iter::once(0)
            .chain(rows.iter().map(|r| r.service_s))
            .collect();
        if windows.iter().any(Option::is_some) {
            p.time_windows = windows;
        }
        if open {
            p.end = fmcg_core::routing::End::Free;
        }
        p.budget = c.budget;
        let r = solve_tsp(&p, &clock)?;
        println!(
            "{}",
            json!({
                "distance_m": r.distance_m, "duration_s": r.duration_s, "wait_s": r.wait_s,
                "stops": r.stops.iter().map(|s| json!({"id": ids(s.point), "arrival_s": s.arrival_s})).collect::<Vec<_>>(),
                "unserved": r.unserved.iter().map(|&p| ids(p)).collect::<Vec<_>>(),
            })
        );
        vec![r]
    };
    write_geojson(c.geojson.as_ref(), &routes, &pts)
}

/// A 4-week beat plan for one rep.
pub fn plan(c: &Common, days_per_week: u8, out: Option<&PathBuf>) -> Res<()> {
    let rows = read_outlets(&c.outlets)?;
    let pts = positions((c.lat, c.lon), &rows)?;
    let matrix = Matrix::haversine(&pts, c.speed_kmh)?;
    let outlets = rows
        .iter()
        .enumerate()
        .map(|(k, r)| BeatOutlet {
            point: k + 1,
            visits: r.visits,
            service_s: r.service_s,
            weekdays: Vec::new(),
        })
        .collect();
    let problem = BeatProblem {
        matrix,
        home: 0,
        outlets,
        days_per_week,
        budget: c.budget,
    };
    let plan = plan_beats(&problem, &SystemClock::new())?;
    println!("week day visits workload_min travel_km");
    for d in &plan.days {
        println!(
            "{:>4} {:>3} {:>6} {:>12.1} {:>9.1}",
            d.week,
            d.weekday,
            d.outlets.len(),
            d.workload_s as f64 / 60.0,
            d.route.distance_m as f64 / 1000.0
        );
    }
    println!(
        "spread (heaviest / lightest day): {:.3}; heaviest {:.0} min, lightest {:.0} min",
        plan.spread,
        plan.max_workload_s as f64 / 60.0,
        plan.min_workload_s as f64 / 60.0
    );
    if let Some(path) = out {
        let days: Vec<_> = plan
            .days
            .iter()
            .map(|d| json!({"week": d.week, "weekday": d.weekday, "workload_s": d.workload_s,
                            "outlets": d.outlets.iter().map(|&o| rows[o].id.clone()).collect::<Vec<_>>()}))
            .collect();
        std::fs::write(
            path,
            serde_json::to_string_pretty(&json!({"spread": plan.spread, "days": days}))?,
        )?;
    }
    let routes: Vec<Route> = plan.days.into_iter().map(|d| d.route).collect();
    write_geojson(c.geojson.as_ref(), &routes, &pts)
}
