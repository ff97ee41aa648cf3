//! Core errors as JS `Error` objects with a stable `code` and the error's fields, the same
//! shape as `@fmcg/core` throws: `err.code` (`"INSUFFICIENT_STOCK"`), `err.kind`,
//! `err.data` (the error's JSON form) and each field of `data` on the error itself.

use fmcg_core::Error;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The JS error for a core error.
pub fn to_js(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let data = e.to_json();
    // Setting a property on a fresh Error cannot fail; if it ever did, the error still
    // carries its message.
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(k), v);
    };
    if let Some(fields) = data.as_object() {
        for (k, v) in fields {
            if k != "message" {
                set(k, &json(v));
            }
        }
    }
    set("code", &JsValue::from_str(e.code()));
    set("kind", &JsValue::from_str(e.kind().as_str()));
    set("data", &json(&data));
    err.into()
}

fn json(v: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}
