//! Core errors as JS `Error` objects with a stable `code` and the error's fields.
//!
//! `err.code` is `"INSUFFICIENT_STOCK"` (and so on), `err.kind` the contract's
//! `"insufficient_stock"`, `err.data` the error's JSON form, and each field of `data` is also
//! set on the error itself (`err.sku`, `err.available`).

use fmcg_core::Error;
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object};
use napi::{Env, Status};

/// The JS error for a core error, ready to throw or reject with.
pub fn to_js(env: &Env, e: &Error) -> napi::Error {
    match build(env, e) {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        // Building the object failed (the VM is out of memory, say): still say what broke.
        Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {e}", e.code())),
    }
}

fn build<'e>(env: &'e Env, e: &Error) -> napi::Result<Object<'e>> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.to_string()))?;
    let data = e.to_json();
    if let Some(fields) = data.as_object() {
        for (k, v) in fields {
            if k != "message" {
                obj.set_named_property(k, v.clone())?;
            }
        }
    }
    obj.set_named_property("code", e.code())?;
    obj.set_named_property("kind", e.kind().as_str())?;
    obj.set_named_property("data", data)?;
    Ok(obj)
}
