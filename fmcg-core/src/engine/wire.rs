//! Decoding the contract's `type`-tagged enums without buffering.
//!
//! serde decodes an internally tagged enum (`{"type": "submit_order", ...}`) by buffering
//! the whole object first and decoding the variant from the buffer, which compiles a second
//! decoder for every type nested in it. [`tagged_enum!`] keeps the tagged form for encoding
//! and the schema, and decodes through an externally tagged twin instead: the object is
//! read once as a JSON value, `type` is moved out to become the key
//! (`{"submit_order": {...}}`), and the twin decodes that directly. It halves the decoding
//! code of the WASM package; the accepted JSON and the error messages are the same.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::{Map, Value};

/// Reads a tagged object and returns it keyed by its tag: `{"type": "x", ..}` →
/// `{"x": {..}}`.
///
/// # Errors
/// A decoding error for a non-object, a missing `type` or a `type` that is not a string.
pub(crate) fn retag<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let mut value = Value::deserialize(d)?;
    let Value::Object(map) = &mut value else {
        return Err(D::Error::custom(
            "invalid type: expected an object with a `type`",
        ));
    };
    let tag = match map.remove("type") {
        Some(Value::String(tag)) => tag,
        Some(_) => return Err(D::Error::custom("invalid type: `type` must be a string")),
        None => return Err(D::Error::missing_field("type")),
    };
    Ok(Value::Object(Map::from_iter([(tag, value)])))
}

/// Defines a public enum encoded with a `type` tag, and its decoding through a private
/// externally tagged twin with the same variants (struct and newtype variants).
///
/// `twin_attrs` are the serde container attributes of the twin (`rename_all`,
/// `deny_unknown_fields`).
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident via $twin:ident $(#[$twin_meta:meta])* {
            $($body:tt)*
        }
    ) => {
        $(#[$meta])*
        pub enum $name { $($body)* }
        tagged_enum!(@munch $name $twin [$(#[$twin_meta])*] [] [] $($body)*);
    };
    (@munch $name:ident $twin:ident [$($tm:tt)*] [$($defs:tt)*] [$($arms:tt)*]
        $(#[$vm:meta])* $v:ident { $( $(#[$fm:meta])* $f:ident : $t:ty ),* $(,)? } $(, $($rest:tt)*)?) => {
        tagged_enum!(@munch $name $twin [$($tm)*]
            [$($defs)* $(#[$vm])* $v { $( $(#[$fm])* $f : $t ),* },]
            [$($arms)* $twin::$v { $($f),* } => $name::$v { $($f),* },]
            $($($rest)*)?);
    };
    (@munch $name:ident $twin:ident [$($tm:tt)*] [$($defs:tt)*] [$($arms:tt)*]
        $(#[$vm:meta])* $v:ident ( $t:ty ) $(, $($rest:tt)*)?) => {
        tagged_enum!(@munch $name $twin [$($tm)*]
            [$($defs)* $(#[$vm])* $v($t),]
            [$($arms)* $twin::$v(x) => $name::$v(x),]
            $($($rest)*)?);
    };
    (@munch $name:ident $twin:ident [$($tm:tt)*] [$($defs:tt)*] [$($arms:tt)*]) => {
        #[derive(serde::Deserialize)]
        $($tm)*
        enum $twin { $($defs)* }

        impl From<$twin> for $name {
            fn from(t: $twin) -> $name {
                match t { $($arms)* }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let value = crate::engine::wire::retag(d)?;
                $twin::deserialize(value)
                    .map($name::from)
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use tagged_enum;
