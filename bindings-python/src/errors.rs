//! The core's error kinds as Python exceptions, all under `fmcg.FmcgError`.
//!
//! Each exception carries the core error's facts: `kind` (`"insufficient_stock"`), `code`
//! (`"INSUFFICIENT_STOCK"`), `data` (the error's JSON form as a dict) and every field of
//! `data` as an attribute (`e.sku`, `e.available`, `e.message`).

use fmcg_core::{Error, ErrorKind};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

pyo3::create_exception!(
    fmcg,
    FmcgError,
    PyException,
    "Base class of every fmcg error."
);
pyo3::create_exception!(fmcg, NotFound, FmcgError, "An id names nothing.");
pyo3::create_exception!(fmcg, AlreadyExists, FmcgError, "An id or code is taken.");
pyo3::create_exception!(fmcg, InvalidInput, FmcgError, "A value is not acceptable.");
pyo3::create_exception!(
    fmcg,
    InsufficientStock,
    FmcgError,
    "Not enough available stock."
);
pyo3::create_exception!(
    fmcg,
    PermissionDenied,
    FmcgError,
    "The actor may not do this."
);
pyo3::create_exception!(
    fmcg,
    CreditLimitExceeded,
    FmcgError,
    "Over the outlet's credit limit."
);
pyo3::create_exception!(
    fmcg,
    Conflict,
    FmcgError,
    "A command id was reused, or state moved on."
);
pyo3::create_exception!(
    fmcg,
    InvalidState,
    FmcgError,
    "Not allowed in the record's status."
);
pyo3::create_exception!(fmcg, Corrupt, FmcgError, "Stored data failed its checks.");
pyo3::create_exception!(fmcg, Io, FmcgError, "A file operation failed.");

/// The exception class of a kind.
fn class(py: Python<'_>, kind: ErrorKind) -> Bound<'_, pyo3::types::PyType> {
    match kind {
        ErrorKind::NotFound => py.get_type::<NotFound>(),
        ErrorKind::AlreadyExists => py.get_type::<AlreadyExists>(),
        ErrorKind::InvalidInput => py.get_type::<InvalidInput>(),
        ErrorKind::InsufficientStock => py.get_type::<InsufficientStock>(),
        ErrorKind::PermissionDenied => py.get_type::<PermissionDenied>(),
        ErrorKind::CreditLimitExceeded => py.get_type::<CreditLimitExceeded>(),
        ErrorKind::Conflict => py.get_type::<Conflict>(),
        ErrorKind::InvalidState => py.get_type::<InvalidState>(),
        ErrorKind::Corrupt => py.get_type::<Corrupt>(),
        ErrorKind::Io => py.get_type::<Io>(),
        _ => py.get_type::<FmcgError>(),
    }
}

/// The Python exception for a core error, with its facts attached.
pub fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    let err = PyErr::from_type(class(py, e.kind()), e.to_string());
    if let Err(failed) = attach(py, &err, e) {
        return failed;
    }
    err
}

fn attach(py: Python<'_>, err: &PyErr, e: &Error) -> PyResult<()> {
    let value = err.value(py);
    let data = crate::convert::to_py(py, e)?;
    value.setattr("kind", e.kind().as_str())?;
    value.setattr("code", e.code())?;
    if let Ok(d) = data.cast::<PyDict>() {
        for (k, v) in d.iter() {
            let name: String = k.extract()?;
            if name != "kind" {
                value.setattr(name, v)?;
            }
        }
    }
    value.setattr("message", e.to_string())?;
    value.setattr("data", data)?;
    Ok(())
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FmcgError", py.get_type::<FmcgError>())?;
    for kind in ErrorKind::ALL {
        m.add(kind.class_name(), class(py, kind))?;
    }
    Ok(())
}
