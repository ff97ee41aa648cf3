//! Travel matrices: metres and seconds between every pair of points.
//!
//! Three ways to get one: great-circle distances from positions ([`Matrix::haversine`]),
//! the host's own road matrix ([`Matrix::from_rows`], asymmetric allowed), or shortest paths
//! over a road graph ([`RoadGraph::matrix`]). Entries are integers (`u32`) so that every
//! solver compares exact sums.

use petgraph::graph::{DiGraph, NodeIndex};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::{EARTH_RADIUS_M, LatLon};

/// The largest number of points a matrix may have (a dense matrix of this size is 1.6 GB).
pub const MAX_POINTS: usize = 20_000;

/// A dense travel matrix: `metres(i, j)` and `seconds(i, j)` from point `i` to point `j`.
///
/// ```
/// use fmcg_core::LatLon;
/// use fmcg_core::routing::Matrix;
/// let points = [LatLon::new(31.23, 121.47).unwrap(), LatLon::new(31.24, 121.47).unwrap()];
/// let m = Matrix::haversine(&points, 36.0).unwrap(); // 36 km/h = 10 m/s
/// assert_eq!(m.metres(0, 1), 1112);
/// assert_eq!(m.seconds(0, 1), 111);
/// assert_eq!(m.metres(1, 1), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "MatrixInput", into = "MatrixInput")]
pub struct Matrix {
    n: usize,
    metres: Vec<u32>,
    seconds: Vec<u32>,
}

/// The JSON form of a [`Matrix`]: square row-major arrays of integers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MatrixInput {
    /// `metres[i][j]`: metres from point `i` to point `j`.
    pub metres: Vec<Vec<u32>>,
    /// `seconds[i][j]`: seconds from point `i` to point `j`; absent means equal to metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<Vec<Vec<u32>>>,
}

impl TryFrom<MatrixInput> for Matrix {
    type Error = Error;
    fn try_from(input: MatrixInput) -> Result<Matrix> {
        Matrix::from_rows(&input.metres, input.seconds.as_deref())
    }
}

impl From<Matrix> for MatrixInput {
    fn from(m: Matrix) -> MatrixInput {
        let rows = |v: &[u32]| {
            v.chunks(m.n.max(1))
                .map(<[u32]>::to_vec)
                .collect::<Vec<_>>()
        };
        MatrixInput {
            metres: if m.n == 0 {
                Vec::new()
            } else {
                rows(&m.metres)
            },
            seconds: Some(if m.n == 0 {
                Vec::new()
            } else {
                rows(&m.seconds)
            }),
        }
    }
}

fn check_size(n: usize) -> Result<()> {
    if n > MAX_POINTS {
        return Err(Error::invalid(
            "points",
            format!("{n} points; at most {MAX_POINTS}"),
        ));
    }
    Ok(())
}

/// `asin` for a half chord in \[0, 1\]: its Taylor series (to x⁹) below 0.05, where the
/// next term is under 10⁻¹³ of the result (a metro area's distances never reach it), else
/// the library function.
#[inline]
fn asin(x: f64) -> f64 {
    if x < 0.05 {
        let x2 = x * x;
        x * (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (5.0 / 112.0 + x2 * (35.0 / 1152.0)))))
    } else {
        x.min(1.0).asin()
    }
}

impl Matrix {
    /// Great-circle distances (metres, rounded) and travel times at `speed_kmh` (seconds,
    /// rounded). The diagonal is zero.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a speed that is not finite and positive, or too many points.
    pub fn haversine(points: &[LatLon], speed_kmh: f64) -> Result<Matrix> {
        if !speed_kmh.is_finite() || speed_kmh <= 0.0 {
            return Err(Error::invalid(
                "speed_kmh",
                format!("`{speed_kmh}` is not a positive speed"),
            ));
        }
        let n = points.len();
        check_size(n)?;
        // Unit vectors: the chord between two of them gives the great-circle angle with one
        // sqrt and one asin, the same value as the haversine formula.
        let xyz: Vec<[f64; 3]> = points
            .iter()
            .map(|p| {
                let (lat, lon) = (p.lat().to_radians(), p.lon().to_radians());
                [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
            })
            .collect();
        let mps = speed_kmh / 3.6;
        let mut metres = vec![0u32; n * n];
        let mut seconds = vec![0u32; n * n];
        // The upper triangle row by row (contiguous writes), then the lower one by
        // transposing in cache-sized blocks.
        for i in 0..n {
            let a = xyz[i];
            let (row_m, row_s) = (
                &mut metres[i * n..(i + 1) * n],
                &mut seconds[i * n..(i + 1) * n],
            );
            for j in (i + 1)..n {
                let b = xyz[j];
                let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
                let half_chord = (dx * dx + dy * dy + dz * dz).sqrt() / 2.0;
                let m = 2.0 * EARTH_RADIUS_M * asin(half_chord);
                // At most half the Earth's circumference: always fits a u32.
                row_m[j] = m.round() as u32;
                row_s[j] = (m / mps).round() as u32;
            }
        }
        const BLOCK: usize = 64;
        for bi in (0..n).step_by(BLOCK) {
            for bj in (bi..n).step_by(BLOCK) {
                for i in bi..(bi + BLOCK).min(n) {
                    for j in bj.max(i + 1)..(bj + BLOCK).min(n) {
                        metres[j * n + i] = metres[i * n + j];
                        seconds[j * n + i] = seconds[i * n + j];
                    }
                }
            }
        }
        Ok(Matrix { n, metres, seconds })
    }

    /// A host-supplied matrix from square rows; `seconds` absent means equal to `metres`.
    /// Asymmetric matrices are allowed; the diagonal must be zero.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for rows of the wrong length, a non-zero diagonal, or a
    /// `seconds` matrix of another size.
    pub fn from_rows(metres: &[Vec<u32>], seconds: Option<&[Vec<u32>]>) -> Result<Matrix> {
        let n = metres.len();
        check_size(n)?;
        let flat = |rows: &[Vec<u32>], field: &str| -> Result<Vec<u32>> {
            if rows.len() != n {
                return Err(Error::invalid(
                    field,
                    format!("{} rows; the metres matrix has {n}", rows.len()),
                ));
            }
            let mut out = Vec::with_capacity(n * n);
            for (i, row) in rows.iter().enumerate() {
                if row.len() != n {
                    return Err(Error::invalid(
                        format!("{field}[{i}]"),
                        format!("{} entries in a {n}×{n} matrix", row.len()),
                    ));
                }
                if row[i] != 0 {
                    return Err(Error::invalid(
                        format!("{field}[{i}][{i}]"),
                        "the diagonal must be zero",
                    ));
                }
                out.extend_from_slice(row);
            }
            Ok(out)
        };
        let m = flat(metres, "metres")?;
        let s = match seconds {
            Some(rows) => flat(rows, "seconds")?,
            None => m.clone(),
        };
        Ok(Matrix {
            n,
            metres: m,
            seconds: s,
        })
    }

    /// A matrix from a function of `(i, j)` giving `(metres, seconds)`; the diagonal is
    /// forced to zero. For generated and benchmark instances.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for too many points.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> (u32, u32)) -> Result<Matrix> {
        check_size(n)?;
        let mut metres = vec![0u32; n * n];
        let mut seconds = vec![0u32; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let (m, s) = f(i, j);
                    metres[i * n + j] = m;
                    seconds[i * n + j] = s;
                }
            }
        }
        Ok(Matrix { n, metres, seconds })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the matrix has no points.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Metres from `i` to `j` (`i`, `j` < [`Matrix::len`]).
    #[inline]
    pub fn metres(&self, i: usize, j: usize) -> u32 {
        self.metres[i * self.n + j]
    }

    /// Seconds from `i` to `j` (`i`, `j` < [`Matrix::len`]).
    #[inline]
    pub fn seconds(&self, i: usize, j: usize) -> u32 {
        self.seconds[i * self.n + j]
    }

    /// Whether both matrices are symmetric.
    pub fn is_symmetric(&self) -> bool {
        let n = self.n;
        (0..n).all(|i| {
            ((i + 1)..n).all(|j| {
                self.metres[i * n + j] == self.metres[j * n + i]
                    && self.seconds[i * n + j] == self.seconds[j * n + i]
            })
        })
    }

    /// `Ok` if `p` is a point of the matrix, else the typed error for `field`.
    pub(crate) fn check_point(&self, field: impl Into<String>, p: usize) -> Result<()> {
        if p < self.n {
            return Ok(());
        }
        Err(Error::invalid(
            field,
            format!("point {p} is outside a matrix of {} points", self.n),
        ))
    }

    /// [`Matrix::check_point`] for every entry, the field indexed (`field[k]`).
    pub(crate) fn check_points(&self, field: &str, points: &[usize]) -> Result<()> {
        for (k, &p) in points.iter().enumerate() {
            self.check_point(format!("{field}[{k}]"), p)?;
        }
        Ok(())
    }

    /// The matrix restricted to `points`, in that order (indices must be < [`Matrix::len`]).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an index out of range.
    pub fn subset(&self, points: &[usize]) -> Result<Matrix> {
        self.check_points("points", points)?;
        Matrix::from_fn(points.len(), |i, j| {
            (
                self.metres(points[i], points[j]),
                self.seconds(points[i], points[j]),
            )
        })
    }
}

/// One directed road segment of a [`RoadGraph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RoadEdge {
    /// Start junction.
    pub from: usize,
    /// End junction.
    pub to: usize,
    /// Length in metres.
    pub metres: u32,
    /// Driving time in seconds.
    pub seconds: u32,
    /// Whether the segment may only be driven from `from` to `to`.
    #[serde(default)]
    pub oneway: bool,
}

/// A road network (junctions and directed segments) on `petgraph`, from which travel
/// matrices are built by shortest paths (fastest path; its metres are reported).
///
/// ```
/// use fmcg_core::routing::{RoadEdge, RoadGraph};
/// let e = |from, to, metres, seconds| RoadEdge { from, to, metres, seconds, oneway: true };
/// let g = RoadGraph::new(3, &[e(0, 1, 100, 10), e(1, 2, 100, 10), e(2, 0, 500, 50)]).unwrap();
/// let m = g.matrix(&[0, 2]).unwrap();
/// assert_eq!((m.metres(0, 1), m.seconds(0, 1)), (200, 20));
/// assert_eq!((m.metres(1, 0), m.seconds(1, 0)), (500, 50)); // one-way: asymmetric
/// ```
#[derive(Debug, Clone)]
pub struct RoadGraph {
    graph: DiGraph<(), Cost>,
}

/// Path cost: fastest first, then shortest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Cost {
    seconds: u64,
    metres: u64,
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost {
            seconds: self.seconds + o.seconds,
            metres: self.metres + o.metres,
        }
    }
}

impl RoadGraph {
    /// A graph of `junctions` junctions (numbered from 0) and its segments.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a segment naming a junction that does not exist.
    pub fn new(junctions: usize, edges: &[RoadEdge]) -> Result<RoadGraph> {
        if junctions > u32::MAX as usize / 2 {
            return Err(Error::invalid("junctions", "too many junctions"));
        }
        let mut graph = DiGraph::with_capacity(junctions, edges.len() * 2);
        for _ in 0..junctions {
            graph.add_node(());
        }
        for (k, e) in edges.iter().enumerate() {
            if e.from >= junctions || e.to >= junctions {
                return Err(Error::invalid(
                    format!("edges[{k}]"),
                    format!("junction out of range (the graph has {junctions})"),
                ));
            }
            let cost = Cost {
                seconds: e.seconds.into(),
                metres: e.metres.into(),
            };
            let (a, b) = (NodeIndex::new(e.from), NodeIndex::new(e.to));
            graph.add_edge(a, b, cost);
            if !e.oneway {
                graph.add_edge(b, a, cost);
            }
        }
        Ok(RoadGraph { graph })
    }

    /// Fastest paths from `source` to every junction (`None`: unreachable), by Dijkstra
    /// over the petgraph adjacency with a dense distance array.
    fn dijkstra(&self, source: usize, dist: &mut [Option<Cost>]) {
        use petgraph::visit::EdgeRef;
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        dist.fill(None);
        dist[source] = Some(Cost::default());
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((Cost::default(), source)));
        while let Some(Reverse((c, u))) = heap.pop() {
            if dist[u].is_some_and(|d| d < c) {
                continue;
            }
            for e in self.graph.edges(NodeIndex::new(u)) {
                let v = e.target().index();
                let next = c + *e.weight();
                if dist[v].is_none_or(|d| next < d) {
                    dist[v] = Some(next);
                    heap.push(Reverse((next, v)));
                }
            }
        }
    }

    /// The travel matrix between the given junctions, by Dijkstra from each.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a junction out of range, a pair with no path between
    /// them, or a path too long for a `u32`.
    pub fn matrix(&self, points: &[usize]) -> Result<Matrix> {
        let junctions = self.graph.node_count();
        check_size(points.len())?;
        if let Some((k, &p)) = points.iter().enumerate().find(|(_, p)| **p >= junctions) {
            return Err(Error::invalid(
                format!("points[{k}]"),
                format!("junction {p} does not exist (the graph has {junctions})"),
            ));
        }
        let n = points.len();
        let mut metres = vec![0u32; n * n];
        let mut seconds = vec![0u32; n * n];
        let mut dist = vec![None; junctions];
        for (i, &p) in points.iter().enumerate() {
            self.dijkstra(p, &mut dist);
            for (j, &q) in points.iter().enumerate() {
                if i == j {
                    continue;
                }
                let Some(c) = dist[q] else {
                    return Err(Error::invalid(
                        format!("points[{j}]"),
                        format!("junction {q} cannot be reached from junction {p}"),
                    ));
                };
                let (Ok(m), Ok(s)) = (u32::try_from(c.metres), u32::try_from(c.seconds)) else {
                    return Err(Error::invalid(
                        format!("points[{j}]"),
                        "path longer than 4,294,967,295 metres or seconds",
                    ));
                };
                metres[i * n + j] = m;
                seconds[i * n + j] = s;
            }
        }
        Ok(Matrix { n, metres, seconds })
    }
}
