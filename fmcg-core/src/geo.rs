//! Geographic positions, valid by construction.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Mean Earth radius in metres (IUGG), used by [`LatLon::haversine_m`].
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS84 latitude/longitude in decimal degrees: finite, `lat` in \[-90, 90\], `lon` in
/// \[-180, 180\].
///
/// ```
/// use fmcg_core::LatLon;
/// let a = LatLon::new(31.2304, 121.4737).unwrap();
/// assert!(LatLon::new(f64::NAN, 0.0).is_err());
/// assert!(LatLon::new(91.0, 0.0).is_err());
/// let b = LatLon::new(31.2404, 121.4737).unwrap();
/// assert!((a.haversine_m(b) - 1112.0).abs() < 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawLatLon")]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize, JsonSchema)]
struct RawLatLon {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawLatLon> for LatLon {
    type Error = Error;
    fn try_from(raw: RawLatLon) -> Result<LatLon> {
        LatLon::new(raw.lat, raw.lon)
    }
}

impl LatLon {
    /// Makes a position.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a non-finite or out-of-range coordinate.
    pub fn new(lat: f64, lon: f64) -> Result<LatLon> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(Error::invalid("lat", format!("`{lat}` is not a latitude")));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(Error::invalid("lon", format!("`{lon}` is not a longitude")));
        }
        Ok(LatLon { lat, lon })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres.
    pub fn haversine_m(self, other: LatLon) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }
}

/// A device-reported position with its accuracy radius.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawPosition")]
pub struct Position {
    /// Where.
    #[serde(flatten)]
    pub at: LatLon,
    /// Reported accuracy radius in metres (positive), if the device gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

#[derive(Deserialize, JsonSchema)]
struct RawPosition {
    lat: f64,
    lon: f64,
    #[serde(default)]
    accuracy_m: Option<f64>,
}

impl TryFrom<RawPosition> for Position {
    type Error = Error;
    fn try_from(raw: RawPosition) -> Result<Position> {
        let at = LatLon::new(raw.lat, raw.lon)?;
        if let Some(a) = raw.accuracy_m
            && (!a.is_finite() || a <= 0.0)
        {
            return Err(Error::invalid(
                "accuracy_m",
                format!("`{a}` is not a positive distance"),
            ));
        }
        Ok(Position {
            at,
            accuracy_m: raw.accuracy_m,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_refuses_out_of_range_coordinates() {
        assert!(serde_json::from_str::<LatLon>(r#"{"lat": 10, "lon": 200}"#).is_err());
        assert!(serde_json::from_str::<LatLon>(r#"{"lat": 10, "lon": 20}"#).is_ok());
    }

    #[test]
    fn accuracy_must_be_positive() {
        let bad = r#"{"lat": 1, "lon": 2, "accuracy_m": 0}"#;
        assert!(serde_json::from_str::<Position>(bad).is_err());
        let ok = r#"{"lat": 1, "lon": 2, "accuracy_m": 12.5}"#;
        assert_eq!(
            serde_json::from_str::<Position>(ok).unwrap().accuracy_m,
            Some(12.5)
        );
    }
}
