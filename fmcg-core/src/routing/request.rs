//! Every routing job as one JSON request, tagged by `type`: what the Python, Node and
//! WASM bindings and the CLI call, so all hosts share one contract.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::beat::{
    BeatPlan, BeatProblem, TerritoryProblem, TerritorySplit, plan_beats, split_territory,
};
use super::budget::Clock;
use super::dynamic::{DayChange, Reoptimize, insert_stop, remove_stop, reoptimize};
use super::matrix::{Matrix, RoadEdge, RoadGraph};
use super::tsp::{TspProblem, solve_tsp};
use super::vrp::{VrpProblem, VrpSolution, solve_vrp};
use super::{Route, geojson};
use crate::error::Result;
use crate::geo::LatLon;

/// A routing job.
///
/// ```
/// use fmcg_core::routing::{NoClock, Request, Response, solve};
/// let req: Request = serde_json::from_str(r#"{"type": "matrix", "speed_kmh": 36,
///     "points": [{"lat": 31.23, "lon": 121.47}, {"lat": 31.24, "lon": 121.47}]}"#).unwrap();
/// let Response::Matrix(m) = solve(&req, &NoClock).unwrap() else { unreachable!() };
/// assert_eq!(m.metres(0, 1), 1112);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// A great-circle travel matrix.
    Matrix {
        /// The positions.
        points: Vec<LatLon>,
        /// Travel speed for the seconds matrix, km/h.
        speed_kmh: f64,
    },
    /// A travel matrix by shortest (fastest) paths over a road graph.
    RoadMatrix {
        /// Number of junctions (numbered from 0).
        junctions: usize,
        /// The road segments.
        edges: Vec<RoadEdge>,
        /// The junctions to build the matrix between, in matrix order.
        points: Vec<usize>,
    },
    /// Order one rep's day.
    Tsp(TspProblem),
    /// Plan delivery trips.
    Vrp(VrpProblem),
    /// Plan a 4-week beat.
    Beats(BeatProblem),
    /// Split a territory between reps.
    Split(TerritoryProblem),
    /// Add an urgent visit to a day.
    Insert(DayChange),
    /// Drop a visit from a day.
    Remove(DayChange),
    /// Re-plan the rest of a day from the current position.
    Reoptimize(Reoptimize),
    /// Routes as a GeoJSON feature collection.
    Geojson {
        /// The routes.
        routes: Vec<Route>,
        /// The position of every matrix point.
        points: Vec<LatLon>,
    },
}

/// Decodes through a `serde_json::Value`: the `type` picks the job, the rest is the job's
/// own form. (The same JSON as an internally tagged enum, without serde's buffering of
/// every nested type, which would double the decoders in the WASM package.)
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Request, D::Error> {
        use serde::de::Error as _;
        let mut value = serde_json::Value::deserialize(d)?;
        let kind = match value.as_object_mut().and_then(|m| m.remove("type")) {
            Some(serde_json::Value::String(kind)) => kind,
            Some(_) => return Err(D::Error::custom("`type` must be a string")),
            None => return Err(D::Error::missing_field("type")),
        };
        fn job<T: serde::de::DeserializeOwned, E: serde::de::Error>(
            v: serde_json::Value,
        ) -> std::result::Result<T, E> {
            serde_json::from_value(v).map_err(E::custom)
        }
        #[derive(Deserialize)]
        struct MatrixJob {
            points: Vec<LatLon>,
            speed_kmh: f64,
        }
        #[derive(Deserialize)]
        struct RoadJob {
            junctions: usize,
            edges: Vec<RoadEdge>,
            points: Vec<usize>,
        }
        #[derive(Deserialize)]
        struct GeojsonJob {
            routes: Vec<Route>,
            points: Vec<LatLon>,
        }
        Ok(match kind.as_str() {
            "matrix" => {
                let j: MatrixJob = job(value)?;
                Request::Matrix {
                    points: j.points,
                    speed_kmh: j.speed_kmh,
                }
            }
            "road_matrix" => {
                let j: RoadJob = job(value)?;
                Request::RoadMatrix {
                    junctions: j.junctions,
                    edges: j.edges,
                    points: j.points,
                }
            }
            "tsp" => Request::Tsp(job(value)?),
            "vrp" => Request::Vrp(job(value)?),
            "beats" => Request::Beats(job(value)?),
            "split" => Request::Split(job(value)?),
            "insert" => Request::Insert(job(value)?),
            "remove" => Request::Remove(job(value)?),
            "reoptimize" => Request::Reoptimize(job(value)?),
            "geojson" => {
                let j: GeojsonJob = job(value)?;
                Request::Geojson {
                    routes: j.routes,
                    points: j.points,
                }
            }
            other => {
                return Err(D::Error::unknown_variant(
                    other,
                    &[
                        "matrix",
                        "tsp",
                        "vrp",
                        "beats",
                        "split",
                        "insert",
                        "remove",
                        "reoptimize",
                        "geojson",
                    ],
                ));
            }
        })
    }
}

/// The answer to a [`Request`] (untagged: its shape says which).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Response {
    /// To `matrix` and `road_matrix`.
    Matrix(Matrix),
    /// To `tsp`, `insert`, `remove` and `reoptimize`.
    Route(Route),
    /// To `vrp`.
    Vrp(VrpSolution),
    /// To `beats`.
    Beats(BeatPlan),
    /// To `split`.
    Split(TerritorySplit),
    /// To `geojson`: a GeoJSON `FeatureCollection` object.
    Geojson(serde_json::Value),
}

/// Runs a routing job.
///
/// # Errors
/// The job's own errors (all [`crate::Error::InvalidInput`]).
pub fn solve(request: &Request, clock: &dyn Clock) -> Result<Response> {
    Ok(match request {
        Request::Matrix { points, speed_kmh } => {
            Response::Matrix(Matrix::haversine(points, *speed_kmh)?)
        }
        Request::RoadMatrix {
            junctions,
            edges,
            points,
        } => Response::Matrix(RoadGraph::new(*junctions, edges)?.matrix(points)?),
        Request::Tsp(p) => Response::Route(solve_tsp(p, clock)?),
        Request::Vrp(p) => Response::Vrp(solve_vrp(p, clock)?),
        Request::Beats(p) => Response::Beats(plan_beats(p, clock)?),
        Request::Split(p) => Response::Split(split_territory(p)?),
        Request::Insert(p) => Response::Route(insert_stop(p)?),
        Request::Remove(p) => Response::Route(remove_stop(p)?),
        Request::Reoptimize(p) => Response::Route(reoptimize(p, clock)?),
        Request::Geojson { routes, points } => {
            let fc = geojson::routes(routes, points)?;
            Response::Geojson(
                serde_json::to_value(&fc)
                    .map_err(|e| crate::Error::invalid("routes", e.to_string()))?,
            )
        }
    })
}
