//! The one conversion pair between JS values and the JSON contract.
//!
//! In: a JS value becomes a `serde_json::Value` through N-API (bounded in depth and size),
//! then the contract type through serde, so every mistake is the core's `invalid_input`.
//! Out: a core value becomes a `serde_json::Value` (money as decimal strings), which
//! N-API turns into plain JS objects.

use fmcg_core::Error;
use napi::Env;
use napi::bindgen_prelude::{FromNapiValue, JsValue, Unknown};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors;

/// Converts a JS value in the contract's form into `T`.
///
/// # Errors
/// The core's `invalid_input`, as a JS error, for anything not in the form.
pub fn from_js<T: DeserializeOwned>(env: &Env, value: &Unknown<'_>) -> napi::Result<T> {
    // SAFETY: `value` is a live handle of the current call's `env`; the conversion only
    // reads it, and napi bounds its depth and node count.
    #[expect(unsafe_code, reason = "N-API's JSON conversion is an unsafe fn")]
    let mut json = unsafe { serde_json::Value::from_napi_value(env.raw(), value.raw()) }
        .map_err(|e| errors::to_js(env, &Error::invalid("value", e.reason)))?;
    integers(&mut json);
    serde_json::from_value(json).map_err(|e| errors::to_js(env, &Error::json(&e)))
}

/// N-API hands over every number outside the i32 range as a float; as in the WASM
/// package, an integral number within JS's exact range (±2^53) is an integer (epoch
/// milliseconds, large quantities), and any other number stays a float.
fn integers(v: &mut serde_json::Value) {
    const EXACT: f64 = 9_007_199_254_740_991.0;
    match v {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                #[expect(clippy::cast_possible_truncation, reason = "integral and within ±2^53")]
                let i = f as i64;
                *v = serde_json::Value::from(i);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integers),
        _ => {}
    }
}

/// Converts a core value into its JSON contract form for JS.
///
/// # Errors
/// Never for contract types; a JS error if serialization fails.
pub fn to_js<T: Serialize>(env: &Env, value: &T) -> napi::Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| errors::to_js(env, &Error::json(&e)))
}
