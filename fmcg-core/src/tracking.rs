//! GPS tracking (SPEC §3.9): fixes ingested in bulk as columns, filtered (accuracy,
//! physically impossible jumps), and the derived facts — distance travelled, stays and a
//! simplified polyline for display.
//!
//! Everything here is plain computation over columns, so a million fixes go through in a
//! few hundred milliseconds on one core (`benches/benches/tracking.rs`). Distances between
//! consecutive fixes use the equirectangular formula at the pair's mean latitude: for the
//! short hops of a track (under [`EXACT_ABOVE_M`]) it agrees with the haversine to better
//! than one part in ten thousand and needs one cosine instead of four trigonometric calls;
//! longer hops fall back to the haversine.

use geo::{LineString, SimplifyIdx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::{EARTH_RADIUS_M, LatLon};

/// The most fixes one batch may carry.
pub const MAX_FIXES_PER_BATCH: usize = 1_000_000;

/// Hops longer than this (metres) are measured with the haversine instead of the
/// equirectangular approximation.
pub const EXACT_ABOVE_M: f64 = 20_000.0;

/// GPS fixes of one person as columns (all the same length, times strictly increasing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixBatch {
    /// Device time of each fix, milliseconds since the Unix epoch (UTC).
    pub t_ms: Vec<i64>,
    /// Latitudes, degrees.
    pub lat: Vec<f64>,
    /// Longitudes, degrees.
    pub lon: Vec<f64>,
    /// Reported accuracy radius, metres (positive).
    pub accuracy_m: Vec<f64>,
    /// Reported speed, metres per second, where the device gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_mps: Option<Vec<f64>>,
    /// The device's mock-location flag, where it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock: Option<Vec<bool>>,
}

/// Thresholds of the tracking filters and derived facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TrackSettings {
    /// Fixes with a worse (larger) accuracy radius are dropped (metres, default 100).
    pub max_accuracy_m: u32,
    /// A fix implying a faster move from the last kept fix is dropped as an impossible
    /// jump (km/h, default 200).
    pub max_speed_kmh: u32,
    /// A stay is at least `stay_min_s` seconds within this radius (metres, default 100).
    pub stay_radius_m: u32,
    /// Minimum duration of a stay (seconds, default 600).
    pub stay_min_s: u32,
    /// Douglas–Peucker tolerance of the display polyline (metres, default 10).
    pub simplify_tolerance_m: u32,
    /// Without a fix for this long a person is `offline` (seconds, default 900).
    pub offline_after_s: u32,
    /// Faster than this between the last two fixes is `travelling` (km/h, default 5).
    pub moving_kmh: u32,
    /// Distance travelled counts a move once it is this far from the last counted
    /// position, so that the jitter of a standing receiver adds nothing (metres,
    /// default 15).
    pub min_move_m: u32,
}

impl Default for TrackSettings {
    fn default() -> Self {
        TrackSettings {
            max_accuracy_m: 100,
            max_speed_kmh: 200,
            stay_radius_m: 100,
            stay_min_s: 600,
            simplify_tolerance_m: 10,
            offline_after_s: 900,
            moving_kmh: 5,
            min_move_m: 15,
        }
    }
}

/// Distance in metres between two points given in degrees: equirectangular at the mean
/// latitude for short hops, haversine for long ones.
#[inline]
pub fn hop_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let x = dl * (0.5 * (p1 + p2)).cos();
    let d = EARTH_RADIUS_M * (dp * dp + x * x).sqrt();
    if d <= EXACT_ABOVE_M {
        d
    } else {
        haversine(lat1, lon1, lat2, lon2)
    }
}

fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    match (LatLon::new(lat1, lon1), LatLon::new(lat2, lon2)) {
        (Ok(a), Ok(b)) => a.haversine_m(b),
        _ => f64::INFINITY,
    }
}

/// What filtering kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Filtered {
    /// The fixes kept.
    pub kept: FixBatch,
    /// Dropped for a worse accuracy than allowed.
    pub dropped_accuracy: u32,
    /// Times of the fixes dropped as physically impossible jumps.
    pub jumps: Vec<i64>,
}

/// The last kept fix of a track, which filtering of the next batch continues from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LastFix {
    /// Time, ms since the epoch.
    pub t_ms: i64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl FixBatch {
    /// Number of fixes.
    pub fn len(&self) -> usize {
        self.t_ms.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.t_ms.is_empty()
    }

    /// Checks the columns: equal lengths, valid coordinates, positive accuracy, finite
    /// non-negative speeds, and times strictly increasing and after `after_ms` (the last
    /// fix already stored).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the column and the index of the first bad fix.
    pub fn validate(&self, after_ms: Option<i64>) -> Result<()> {
        let n = self.t_ms.len();
        if n == 0 {
            return Err(Error::invalid("fixes", "at least one fix is required"));
        }
        if n > MAX_FIXES_PER_BATCH {
            return Err(Error::invalid(
                "fixes",
                format!("more than {MAX_FIXES_PER_BATCH} fixes in one batch"),
            ));
        }
        let same = |name: &str, len: usize| {
            if len == n {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("fixes.{name}"),
                    format!("has {len} values for {n} fixes"),
                ))
            }
        };
        same("lat", self.lat.len())?;
        same("lon", self.lon.len())?;
        same("accuracy_m", self.accuracy_m.len())?;
        if let Some(s) = &self.speed_mps {
            same("speed_mps", s.len())?;
        }
        if let Some(m) = &self.mock {
            same("mock", m.len())?;
        }
        let bad = |name: &str, i: usize, what: String| {
            Err(Error::invalid(
                format!("fixes.{name}"),
                format!("fix {i}: {what}"),
            ))
        };
        let mut prev = after_ms;
        for i in 0..n {
            let (t, lat, lon, acc) = (self.t_ms[i], self.lat[i], self.lon[i], self.accuracy_m[i]);
            if let Some(p) = prev {
                if t == p {
                    return bad("t_ms", i, format!("duplicate fix at {t}"));
                }
                if t < p {
                    return bad("t_ms", i, format!("{t} is out of time order (after {p})"));
                }
            }
            prev = Some(t);
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                return bad("lat", i, format!("`{lat}` is not a latitude"));
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                return bad("lon", i, format!("`{lon}` is not a longitude"));
            }
            if !(acc.is_finite() && acc > 0.0) {
                return bad(
                    "accuracy_m",
                    i,
                    format!("`{acc}` is not a positive distance"),
                );
            }
        }
        if let Some(s) = &self.speed_mps
            && let Some(i) = s.iter().position(|v| !(v.is_finite() && *v >= 0.0))
        {
            return bad("speed_mps", i, format!("`{}` is not a speed", s[i]));
        }
        Ok(())
    }

    /// Drops fixes less accurate than allowed and impossible jumps (implied speed from the
    /// last kept fix above the limit), continuing from `last`.
    pub fn filter(&self, last: Option<LastFix>, settings: &TrackSettings) -> Filtered {
        // Only complete fixes (columns of unequal length are refused by `validate`).
        let n = self
            .t_ms
            .len()
            .min(self.lat.len())
            .min(self.lon.len())
            .min(self.accuracy_m.len());
        let max_acc = f64::from(settings.max_accuracy_m);
        let max_mps = f64::from(settings.max_speed_kmh) / 3.6;
        let mut out = Filtered {
            kept: FixBatch {
                t_ms: Vec::with_capacity(n),
                lat: Vec::with_capacity(n),
                lon: Vec::with_capacity(n),
                accuracy_m: Vec::with_capacity(n),
                speed_mps: self.speed_mps.as_ref().map(|_| Vec::with_capacity(n)),
                mock: self.mock.as_ref().map(|_| Vec::with_capacity(n)),
            },
            ..Filtered::default()
        };
        let mut last = last;
        for i in 0..n {
            if self.accuracy_m[i] > max_acc {
                out.dropped_accuracy += 1;
                continue;
            }
            let (t, lat, lon) = (self.t_ms[i], self.lat[i], self.lon[i]);
            if let Some(p) = last {
                let hop = hop_m(p.lat, p.lon, lat, lon);
                // Milliseconds to seconds; strictly increasing times make dt > 0.
                let dt = (t - p.t_ms) as f64 / 1000.0;
                if hop > max_mps * dt {
                    out.jumps.push(t);
                    continue;
                }
            }
            last = Some(LastFix { t_ms: t, lat, lon });
            let k = &mut out.kept;
            k.t_ms.push(t);
            k.lat.push(lat);
            k.lon.push(lon);
            k.accuracy_m.push(self.accuracy_m[i]);
            if let (Some(dst), Some(src)) = (&mut k.speed_mps, &self.speed_mps) {
                dst.push(src.get(i).copied().unwrap_or(f64::NAN));
            }
            if let (Some(dst), Some(src)) = (&mut k.mock, &self.mock) {
                dst.push(src.get(i).copied().unwrap_or(false));
            }
        }
        out
    }

    /// Appends `other`'s fixes (whose times follow this batch's).
    pub fn extend(&mut self, other: &FixBatch) {
        let n = self.len();
        self.t_ms.extend_from_slice(&other.t_ms);
        self.lat.extend_from_slice(&other.lat);
        self.lon.extend_from_slice(&other.lon);
        self.accuracy_m.extend_from_slice(&other.accuracy_m);
        // A column only one side has is padded with "not reported".
        if self.speed_mps.is_some() || other.speed_mps.is_some() {
            let s = self.speed_mps.get_or_insert_with(|| vec![f64::NAN; n]);
            match &other.speed_mps {
                Some(o) => s.extend_from_slice(o),
                None => s.resize(s.len() + other.len(), f64::NAN),
            }
        }
        if self.mock.is_some() || other.mock.is_some() {
            let m = self.mock.get_or_insert_with(|| vec![false; n]);
            match &other.mock {
                Some(o) => m.extend_from_slice(o),
                None => m.resize(m.len() + other.len(), false),
            }
        }
    }

    /// The last fix, if any.
    pub fn last(&self) -> Option<LastFix> {
        let i = self.len().checked_sub(1)?;
        Some(LastFix {
            t_ms: self.t_ms[i],
            lat: self.lat[i],
            lon: self.lon[i],
        })
    }

    /// The index range of fixes with `from_ms ≤ t < to_ms`.
    pub fn range(&self, from_ms: i64, to_ms: i64) -> std::ops::Range<usize> {
        let a = self.t_ms.partition_point(|&t| t < from_ms);
        let b = self.t_ms.partition_point(|&t| t < to_ms);
        a..b.max(a)
    }

    /// Whether fix `i` carries the mock-location flag.
    pub fn is_mock(&self, i: usize) -> bool {
        self.mock
            .as_ref()
            .and_then(|m| m.get(i))
            .copied()
            .unwrap_or(false)
    }
}

/// `v[range]`, or nothing when the range is outside `v` (the range functions below never
/// panic on a range the caller got wrong).
fn part<T>(v: &[T], range: std::ops::Range<usize>) -> &[T] {
    v.get(range).unwrap_or(&[])
}

/// Metres travelled along fixes `range` of `batch`: a fix counts once it is at least
/// `min_move_m` from the last counted one (which it then replaces), so a receiver standing
/// still adds nothing for its jitter while a moving one adds every hop.
pub fn distance_m(batch: &FixBatch, range: std::ops::Range<usize>, min_move_m: u32) -> f64 {
    let (lat, lon) = (part(&batch.lat, range.clone()), part(&batch.lon, range));
    let Some((&lat0, &lon0)) = lat.first().zip(lon.first()) else {
        return 0.0;
    };
    let min = f64::from(min_move_m);
    let (mut a_lat, mut a_lon, mut sum) = (lat0, lon0, 0.0);
    for (&y, &x) in lat.iter().zip(lon).skip(1) {
        let d = hop_m(a_lat, a_lon, y, x);
        if d >= min {
            sum += d;
            (a_lat, a_lon) = (y, x);
        }
    }
    sum
}

/// A stay: at least the minimum duration within the stay radius of its first fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stay {
    /// First fix time, ms since the epoch.
    pub start_ms: i64,
    /// Last fix time, ms since the epoch.
    pub end_ms: i64,
    /// Mean latitude of its fixes.
    pub lat: f64,
    /// Mean longitude of its fixes.
    pub lon: f64,
    /// Number of fixes.
    pub fixes: u32,
}

impl Stay {
    /// Duration in seconds.
    pub fn duration_s(&self) -> i64 {
        (self.end_ms - self.start_ms) / 1000
    }
}

/// Stays among fixes `range` of `batch` (stay-point detection: from each anchor fix, the
/// run of following fixes within `radius_m`; a run lasting at least `min_s` is a stay and
/// the search resumes after it).
pub fn stays(
    batch: &FixBatch,
    range: std::ops::Range<usize>,
    radius_m: u32,
    min_s: u32,
) -> Vec<Stay> {
    let (t, lat, lon) = (
        part(&batch.t_ms, range.clone()),
        part(&batch.lat, range.clone()),
        part(&batch.lon, range),
    );
    let radius = f64::from(radius_m);
    let min_ms = i64::from(min_s) * 1000;
    let n = t.len().min(lat.len()).min(lon.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && hop_m(lat[i], lon[i], lat[j], lon[j]) <= radius {
            j += 1;
        }
        if t[j - 1] - t[i] >= min_ms {
            let k = (j - i) as f64;
            out.push(Stay {
                start_ms: t[i],
                end_ms: t[j - 1],
                lat: lat[i..j].iter().sum::<f64>() / k,
                lon: lon[i..j].iter().sum::<f64>() / k,
                fixes: u32::try_from(j - i).unwrap_or(u32::MAX),
            });
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The fixes `range` of `batch` simplified by Douglas–Peucker (`geo`) with a tolerance in
/// metres, for display and playback: the indices (relative to the batch) of the fixes kept,
/// the first and last always among them.
pub fn simplified(batch: &FixBatch, range: std::ops::Range<usize>, tolerance_m: u32) -> Vec<usize> {
    let start = range.start;
    let line: LineString<f64> = part(&batch.lon, range.clone())
        .iter()
        .zip(part(&batch.lat, range))
        .map(|(&x, &y)| (x, y))
        .collect();
    // Metres to degrees of latitude; along parallels this keeps a little more detail.
    let epsilon = f64::from(tolerance_m) / 111_320.0;
    line.simplify_idx(epsilon)
        .into_iter()
        .map(|i| start + i)
        .collect()
}

/// [`simplified`] as `[lon, lat]` pairs.
pub fn polyline(
    batch: &FixBatch,
    range: std::ops::Range<usize>,
    tolerance_m: u32,
) -> Vec<[f64; 2]> {
    simplified(batch, range, tolerance_m)
        .into_iter()
        .map(|i| [batch.lon[i], batch.lat[i]])
        .collect()
}

/// Runs of at least `min_run` consecutive fixes with bit-identical coordinates among fixes
/// `range` (real receivers jitter; a frozen position suggests a fake location): `(first
/// index, run length)` pairs, indices relative to the batch.
pub fn frozen_runs(
    batch: &FixBatch,
    range: std::ops::Range<usize>,
    min_run: usize,
) -> Vec<(usize, usize)> {
    let (lat, lon) = (
        part(&batch.lat, range.clone()),
        part(&batch.lon, range.clone()),
    );
    let n = lat.len().min(lon.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && lat[j].to_bits() == lat[i].to_bits() && lon[j].to_bits() == lon[i].to_bits()
        {
            j += 1;
        }
        if j - i >= min_run.max(2) {
            out.push((range.start + i, j - i));
        }
        i = j;
    }
    out
}

/// The result of ingesting a batch from scratch: filtering, distance and stays, as the
/// benchmark measures it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The filter's result.
    pub filtered: Filtered,
    /// Metres travelled over the kept fixes.
    pub distance_m: f64,
    /// Stays among the kept fixes.
    pub stays: Vec<Stay>,
}

/// Validates, filters and finds the stays of a batch continuing from `last`.
///
/// # Errors
/// As [`FixBatch::validate`].
pub fn ingest(
    batch: &FixBatch,
    last: Option<LastFix>,
    settings: &TrackSettings,
) -> Result<Ingested> {
    batch.validate(last.map(|l| l.t_ms))?;
    let filtered = batch.filter(last, settings);
    let distance_m = distance_m(&filtered.kept, 0..filtered.kept.len(), settings.min_move_m);
    let stays = stays(
        &filtered.kept,
        0..filtered.kept.len(),
        settings.stay_radius_m,
        settings.stay_min_s,
    );
    Ok(Ingested {
        filtered,
        distance_m,
        stays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn batch(points: &[(i64, f64, f64)]) -> FixBatch {
        FixBatch {
            t_ms: points.iter().map(|p| p.0).collect(),
            lat: points.iter().map(|p| p.1).collect(),
            lon: points.iter().map(|p| p.2).collect(),
            accuracy_m: vec![10.0; points.len()],
            speed_mps: None,
            mock: None,
        }
    }

    #[test]
    fn validation_names_the_fix() {
        let b = batch(&[(1000, 31.0, 121.0), (1000, 31.0, 121.0)]);
        let e = b.validate(None).unwrap_err();
        assert_eq!(e.field(), Some("fixes.t_ms"));
        assert!(e.to_string().contains("duplicate"), "{e}");
        let b = batch(&[(2000, 31.0, 121.0), (1000, 31.0, 121.0)]);
        assert!(
            b.validate(None)
                .unwrap_err()
                .to_string()
                .contains("out of time order")
        );
        assert!(batch(&[(5, 31.0, 121.0)]).validate(Some(9)).is_err());
        let mut b = batch(&[(1, f64::NAN, 121.0)]);
        assert_eq!(b.validate(None).unwrap_err().field(), Some("fixes.lat"));
        b.lat[0] = 31.0;
        b.accuracy_m[0] = 0.0;
        assert_eq!(
            b.validate(None).unwrap_err().field(),
            Some("fixes.accuracy_m")
        );
        b.accuracy_m[0] = -3.0;
        assert!(b.validate(None).is_err());
        b.accuracy_m = vec![];
        assert!(
            b.validate(None)
                .unwrap_err()
                .to_string()
                .contains("0 values")
        );
    }

    #[test]
    fn jumps_and_inaccurate_fixes_are_dropped() {
        // 1 km in 10 s is 360 km/h: dropped; the next fix is judged from the last kept one.
        let mut b = batch(&[
            (0, 31.0, 121.0),
            (10_000, 31.009, 121.0),
            (20_000, 31.0001, 121.0),
        ]);
        b.accuracy_m.push(10.0);
        let f = b.filter(None, &TrackSettings::default());
        assert_eq!((f.kept.len(), f.jumps.len()), (2, 1));
        b.accuracy_m[2] = 500.0;
        let f = b.filter(None, &TrackSettings::default());
        assert_eq!((f.kept.len(), f.jumps.len(), f.dropped_accuracy), (1, 1, 1));
    }

    #[test]
    fn a_stay_is_found_and_a_walk_is_not_one() {
        // 15 minutes at one shop with jitter, then walking away at 5.5 m/s.
        let mut pts = Vec::new();
        for k in 0..31 {
            let jitter = if k % 2 == 0 { 0.0001 } else { -0.0001 };
            pts.push((k * 30_000, 31.2 + jitter, 121.4));
        }
        for k in 1..40 {
            pts.push((900_000 + k * 30_000, 31.2 + k as f64 * 0.0015, 121.4));
        }
        let b = batch(&pts);
        let s = stays(&b, 0..b.len(), 100, 600);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].start_ms, s[0].end_ms), (0, 900_000));
        assert!((s[0].lat - 31.2).abs() < 1e-4);
    }

    #[test]
    fn polyline_keeps_ends_and_drops_collinear_points() {
        let b = batch(&[
            (0, 31.0, 121.0),
            (1, 31.001, 121.0),
            (2, 31.002, 121.0),
            (3, 31.002, 121.003),
        ]);
        let p = polyline(&b, 0..4, 10);
        assert_eq!(p, vec![[121.0, 31.0], [121.0, 31.002], [121.003, 31.002]]);
    }

    #[test]
    fn ragged_columns_and_bad_ranges_do_not_panic() {
        let mut b = batch(&[(0, 1.0, 1.0), (1, 1.0, 1.0)]);
        b.lat.pop();
        assert_eq!(b.filter(None, &TrackSettings::default()).kept.len(), 1);
        assert!(stays(&b, 5..9, 100, 1).is_empty());
        let (from, to) = (3, 1);
        assert_eq!(distance_m(&b, from..to, 0), 0.0);
        assert!(polyline(&b, 0..7, 10).is_empty());
        assert!(frozen_runs(&b, 0..9, 2).is_empty());
    }

    #[test]
    fn frozen_coordinates_are_found() {
        let b = batch(&[(0, 1.0, 1.0), (1, 1.0, 1.0), (2, 1.0, 1.0), (3, 1.1, 1.0)]);
        assert_eq!(frozen_runs(&b, 0..4, 3), vec![(0, 3)]);
        assert!(frozen_runs(&b, 0..4, 4).is_empty());
    }

    proptest! {
        #[test]
        fn hop_agrees_with_haversine(lat in -80.0f64..80.0, lon in -179.0f64..179.0,
                                     dlat in -0.1f64..0.1, dlon in -0.1f64..0.1) {
            let (lat2, lon2) = (lat + dlat, lon + dlon);
            let exact = LatLon::new(lat, lon).unwrap().haversine_m(LatLon::new(lat2, lon2).unwrap());
            let approx = hop_m(lat, lon, lat2, lon2);
            prop_assert!((approx - exact).abs() <= 1e-4 * exact + 1e-6, "{approx} vs {exact}");
        }

        #[test]
        fn filter_keeps_order_and_never_invents_fixes(
            steps in proptest::collection::vec((1i64..120_000, -0.01f64..0.01, -0.01f64..0.01, 1.0f64..300.0), 1..200)
        ) {
            let mut b = FixBatch::default();
            let (mut t, mut lat, mut lon) = (0i64, 31.0, 121.0);
            for (dt, a, o, acc) in steps {
                t += dt; lat += a; lon += o;
                b.t_ms.push(t); b.lat.push(lat); b.lon.push(lon); b.accuracy_m.push(acc);
            }
            prop_assert!(b.validate(None).is_ok());
            let s = TrackSettings::default();
            let f = b.filter(None, &s);
            let dropped = f.dropped_accuracy as usize + f.jumps.len();
            prop_assert_eq!(f.kept.len() + dropped, b.len());
            prop_assert!(f.kept.t_ms.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(f.kept.accuracy_m.iter().all(|&a| a <= f64::from(s.max_accuracy_m)));
            // Distance with no minimum move is the sum of the kept hops; a minimum never
            // adds distance.
            let hops: f64 = (1..f.kept.len())
                .map(|i| hop_m(f.kept.lat[i-1], f.kept.lon[i-1], f.kept.lat[i], f.kept.lon[i]))
                .sum();
            let all = distance_m(&f.kept, 0..f.kept.len(), 0);
            prop_assert!((all - hops).abs() <= 1e-6 * hops.max(1.0));
            prop_assert!(distance_m(&f.kept, 0..f.kept.len(), 15) <= all + 1e-6);
            // Every kept hop is physically possible.
            for i in 1..f.kept.len() {
                let d = hop_m(f.kept.lat[i-1], f.kept.lon[i-1], f.kept.lat[i], f.kept.lon[i]);
                let dt = (f.kept.t_ms[i] - f.kept.t_ms[i-1]) as f64 / 1000.0;
                prop_assert!(d <= 200.0 / 3.6 * dt + 1e-9);
            }
        }
    }
}
