//! The one conversion pair between JS values and the JSON contract.
//!
//! In: a JS value is walked into a `serde_json::Value` — numbers must be finite, BigInts
//! fit an i64, `Date`s become ISO strings, nesting is bounded (a deep value must not run
//! the wasm stack into the heap) — then decoded by serde, so every mistake is the core's
//! `invalid_input`. Out: the contract's JSON text, parsed by the JS engine's `JSON.parse`.

use fmcg_core::Error;
use js_sys::{Array, BigInt, Date, JsString, Object, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

use crate::errors;

/// How deep a JS value may nest before it is refused.
const MAX_DEPTH: usize = 64;

/// Converts a JS value in the contract's form into `T`.
///
/// # Errors
/// The core's `invalid_input`, as a JS error, for anything not in the form.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, JsValue> {
    let json = walk(value, 0).map_err(|reason| errors::to_js(&Error::invalid("value", reason)))?;
    serde_json::from_value(json).map_err(|e| errors::to_js(&Error::json(&e)))
}

fn walk(v: &JsValue, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("nested too deeply".into());
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        return number(f);
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if v.is_bigint() {
        let text: String = BigInt::unchecked_from_js_ref(v)
            .to_string(10)
            .map_err(|_| "unreadable bigint")?
            .into();
        return text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "bigint out of range".into());
    }
    if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        return items.iter().map(|item| walk(&item, depth + 1)).collect();
    }
    if let Some(date) = v.dyn_ref::<Date>() {
        if date.get_time().is_nan() {
            return Err("invalid date".into());
        }
        return Ok(Value::String(String::from(date.to_iso_string())));
    }
    if v.is_object() && !is_binary(v) {
        let obj: &Object = v.unchecked_ref();
        let mut map = Map::new();
        for key in Object::keys(obj).iter() {
            let Some(name) = key.dyn_ref::<JsString>().map(String::from) else {
                return Err("object keys must be strings".into());
            };
            let item = Reflect::get(obj, &key).map_err(|_| "unreadable property")?;
            if item.is_undefined() {
                continue; // as JSON.stringify drops it
            }
            map.insert(name, walk(&item, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    Err(format!(
        "a `{}` is not part of the contract",
        v.js_typeof().as_string().unwrap_or_default()
    ))
}

fn number(f: f64) -> Result<Value, String> {
    if !f.is_finite() {
        return Err("number is not finite".into());
    }
    // Integers within JS's exact range are integers; other numbers stay floats (and the
    // contract refuses them where it wants an integer or a decimal string).
    const EXACT: f64 = 9_007_199_254_740_991.0;
    if f.fract() == 0.0 && f.abs() <= EXACT {
        #[expect(clippy::cast_possible_truncation, reason = "integral and within ±2^53")]
        return Ok(Value::from(f as i64));
    }
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| "number is not finite".into())
}

/// Whether `v` is a binary buffer or a typed array: not part of the contract.
fn is_binary(v: &JsValue) -> bool {
    v.is_instance_of::<js_sys::ArrayBuffer>() || js_sys::ArrayBuffer::is_view(v)
}

/// Converts a core value into plain JS objects (money as decimal strings).
///
/// # Errors
/// Never for contract types; a JS error if serialization fails.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| errors::to_js(&Error::json(&e)))?;
    js_sys::JSON::parse(&text)
}
