//! WebAssembly bindings of the fmcg engine: `@fmcg/wasm`, for browsers and Node.
//!
//! Every function converts its arguments with [`convert`], makes one `fmcg_core` call and
//! converts the result back; errors become JS errors once, in [`errors`]. The engine runs
//! in memory (there is no journal file in a browser); hosts persist `snapshot()` bytes or
//! the events.
//!
//! The JSON Schema is not compiled in: the package ships it as `contract.schema.json`
//! (the committed `docs/reference/contract.schema.json`, kept current by a core test), so
//! the generator's code and the schema text stay out of the phone's download.

mod convert;
#[cfg(feature = "engine")]
pub mod engine;
mod errors;
#[cfg(feature = "routing")]
pub mod routing;
