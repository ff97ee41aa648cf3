//! Routes as GeoJSON (RFC 7946, `[lon, lat]` positions) for maps.

use geojson::{Feature, FeatureCollection, Geometry};

use super::Route;
use crate::error::{Error, Result};
use crate::geo::LatLon;

fn position(points: &[LatLon], p: usize, field: &str) -> Result<[f64; 2]> {
    points.get(p).map(|ll| [ll.lon(), ll.lat()]).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "point {p} has no position ({} positions given)",
                points.len()
            ),
        )
    })
}

/// A feature collection of the routes: per route a `LineString` (properties `route`,
/// `vehicle`, `distance_m`, `duration_s`) and per stop a `Point` (properties `route`,
/// `sequence`, `point`, `arrival_s`, `wait_s`).
///
/// ```
/// use fmcg_core::LatLon;
/// use fmcg_core::routing::{Matrix, NoClock, TspProblem, geojson, solve_tsp};
/// let pts = vec![LatLon::new(31.20, 121.40).unwrap(), LatLon::new(31.21, 121.41).unwrap(), LatLon::new(31.22, 121.40).unwrap()];
/// let route = solve_tsp(&TspProblem::closed(Matrix::haversine(&pts, 30.0).unwrap()), &NoClock).unwrap();
/// let fc = geojson::routes(&[route], &pts).unwrap();
/// assert_eq!(fc.features.len(), 1 + 4);
/// assert!(fc.to_string().contains("LineString"));
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] when a route visits a point that has no position.
pub fn routes(routes: &[Route], points: &[LatLon]) -> Result<FeatureCollection> {
    let mut features = Vec::new();
    for (k, r) in routes.iter().enumerate() {
        let line = r
            .stops
            .iter()
            .map(|s| position(points, s.point, &format!("routes[{k}]")))
            .collect::<Result<Vec<_>>>()?;
        let mut f = Feature::from(Geometry::new_line_string(line));
        f.set_property("route", k);
        if let Some(v) = r.vehicle {
            f.set_property("vehicle", v);
        }
        f.set_property("distance_m", r.distance_m);
        f.set_property("duration_s", r.duration_s);
        features.push(f);
        for (seq, s) in r.stops.iter().enumerate() {
            let mut f = Feature::from(Geometry::new_point(position(points, s.point, "stops")?));
            f.set_property("route", k);
            f.set_property("sequence", seq);
            f.set_property("point", s.point);
            f.set_property("arrival_s", s.arrival_s);
            f.set_property("wait_s", s.wait_s);
            features.push(f);
        }
    }
    Ok(FeatureCollection::new(features))
}
