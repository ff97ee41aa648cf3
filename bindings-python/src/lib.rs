//! Python bindings of the fmcg engine: `import fmcg`.
//!
//! Every function converts its arguments with [`convert`], makes one `fmcg_core` call
//! (without the GIL where it may take long) and converts the result back; errors map to
//! Python exceptions once, in [`errors`].

mod convert;
mod errors;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use fmcg_core::sync::{PullRequest, PushRequest};
use fmcg_core::{Engine, Envelope, FsyncPolicy, JournaledEngine, Query, StaffId};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The fmcg engine: apply commands, query state, read events.
///
/// `Engine()` keeps everything in memory; `Engine.open(path)` keeps a journal file.
#[pyclass(module = "fmcg._fmcg", name = "Engine")]
pub struct PyEngine {
    inner: JournaledEngine,
}

#[pymethods]
impl PyEngine {
    /// An empty engine in memory. Its first command must register an admin.
    #[new]
    fn new() -> PyEngine {
        PyEngine {
            inner: JournaledEngine::in_memory(Engine::new()),
        }
    }

    /// Opens (or creates) a journal file and replays it. `fsync` is `"always"`, `"never"`
    /// or a number of events between syncs.
    #[staticmethod]
    #[pyo3(signature = (path, fsync = "always"))]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "pyo3 extracts owned arguments"
    )]
    fn open(py: Python<'_>, path: PathBuf, fsync: &str) -> PyResult<PyEngine> {
        let policy: FsyncPolicy = fsync.parse().map_err(|e| errors::to_py(py, &e))?;
        let (inner, _) = py
            .detach(|| JournaledEngine::open(&path, policy))
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(PyEngine { inner })
    }

    /// Applies a command envelope (a dict in the JSON contract) and returns the outcome.
    fn apply<'py>(
        &mut self,
        py: Python<'py>,
        envelope: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let envelope: Envelope = convert::from_py(envelope)?;
        let outcome = py
            .detach(|| self.inner.apply(envelope))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &outcome)
    }

    /// Applies a command envelope given as JSON text (the stored form of the contract).
    fn apply_json<'py>(&mut self, py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
        let outcome = py
            .detach(|| self.inner.apply_json(json))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &outcome)
    }

    /// Answers a query (a dict in the JSON contract) as `actor`, within their scope.
    fn query<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        query: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor: StaffId = convert::from_py(actor)?;
        let query: Query = convert::from_py(query)?;
        let result = py
            .detach(|| self.inner.engine().query(&actor, &query))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &result)
    }

    /// Answers a list query (`stock`, `stock_moves`, `orders`, `invoices`, `aging`) as a
    /// `pyarrow.Table`: money as `decimal128`, dates as `date32`, quantities as `int64`.
    fn query_table<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        query: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor: StaffId = convert::from_py(actor)?;
        let query: Query = convert::from_py(query)?;
        let table = py
            .detach(|| self.inner.engine().query_table(&actor, &query))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_arrow(py, &table)
    }

    /// Applies a device's outbox (a `push_request` dict) as `actor`, the authenticated user,
    /// at `server_now` (ISO 8601): one result per command, `accepted`, `adjusted` or
    /// `rejected`, with the sync policies of `settings.sync`.
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
        server_now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor: StaffId = convert::from_py(actor)?;
        let request: PushRequest = convert::from_py(request)?;
        let now: DateTime<Utc> = convert::from_py(server_now)?;
        let response = py
            .detach(|| self.inner.push(&actor, request, now))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &response)
    }

    /// The events after the request's `since_seq` that `actor` may see (a `pull_request`
    /// dict: `{"since_seq": n, "limit": 10000}`), or a fresh scoped snapshot when their
    /// scope changed.
    fn pull<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor: StaffId = convert::from_py(actor)?;
        let request: PullRequest = convert::from_py(request)?;
        let response = py
            .detach(|| self.inner.engine().pull(&actor, request))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &response)
    }

    /// Everything `actor` may see now, to start a device's replica from.
    fn scoped_snapshot<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor: StaffId = convert::from_py(actor)?;
        let snapshot = py
            .detach(|| self.inner.engine().scoped_snapshot(&actor))
            .map_err(|e| errors::to_py(py, &e))?;
        convert::to_py(py, &snapshot)
    }

    /// The events with a sequence number greater than `seq`, in order.
    fn events_since<'py>(
        &self,
        py: Python<'py>,
        seq: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let seq: u64 = convert::from_py(seq)?;
        let events = py.detach(|| self.inner.engine().events_since(seq));
        convert::to_py(py, &events)
    }

    /// Sequence number of the last event (0 when empty).
    #[getter]
    fn last_seq(&self) -> u64 {
        self.inner.engine().last_seq()
    }

    /// The whole history as bytes, for `Engine.restore`.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py
            .detach(|| self.inner.engine().snapshot_bytes())
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// An in-memory engine rebuilt from `Engine.snapshot()` bytes (checked on the way in).
    #[staticmethod]
    fn restore(py: Python<'_>, data: &[u8]) -> PyResult<PyEngine> {
        let engine = py
            .detach(|| Engine::restore_bytes(data))
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(PyEngine {
            inner: JournaledEngine::in_memory(engine),
        })
    }

    /// Forces journal writes to stable storage (nothing to do in memory).
    fn sync(&mut self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.sync())
            .map_err(|e| errors::to_py(py, &e))
    }
}

/// The JSON Schema of the contract: commands, events, outcomes, queries, errors.
#[pyfunction]
fn schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    convert::to_py(py, &fmcg_core::schema())
}

/// Runs a routing job given as a dict in the JSON contract (`{"type": "tsp", ...}`: one of
/// `matrix`, `road_matrix`, `tsp`, `vrp`, `beats`, `split`, `insert`, `remove`, `reoptimize`, `geojson`)
/// and returns its result as a dict. Time limits run on the system clock; the GIL is
/// released while it runs.
#[pyfunction]
fn route<'py>(py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let request: fmcg_core::routing::Request = convert::from_py(request)?;
    let response = py
        .detach(|| fmcg_core::routing::solve(&request, &fmcg_core::routing::SystemClock::new()))
        .map_err(|e| errors::to_py(py, &e))?;
    convert::to_py(py, &response)
}

/// The compiled part of the `fmcg` package.
#[pymodule]
fn _fmcg(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(route, m)?)?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
