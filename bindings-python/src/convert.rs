//! The one conversion pair between the JSON contract and Python objects.
//!
//! Out: any core value is serialized straight into Python objects (dict, list, str, int,
//! float, bool, None); money and rates, which serialize under the core's newtype tokens,
//! become `decimal.Decimal`. In: a Python value is walked into the contract's JSON form —
//! `decimal.Decimal` becomes its decimal string, `datetime`/`date` their ISO form — and
//! decoded by serde, so every mistake is the core's typed `invalid_input`.

use chrono::Datelike;
use fmcg_core::money::{MONEY_TOKEN, RATE_TOKEN};
use fmcg_core::{Column, Error, Money, Table};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString,
    PyTuple,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{self, Impossible};
use serde_json::{Map, Number, Value};

use crate::errors;

/// How deep a Python value may nest before it is refused (a guard against recursion).
const MAX_DEPTH: usize = 64;

/// Converts a Python value in the contract's form into `T`.
///
/// # Errors
/// The core's `InvalidInput` (as a Python exception) for anything that is not in the form.
pub fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    let value = to_json(obj, 0)?;
    serde_json::from_value(value).map_err(|e| errors::to_py(obj.py(), &Error::json(&e)))
}

fn invalid(obj: &Bound<'_, PyAny>, reason: &str) -> PyErr {
    errors::to_py(obj.py(), &Error::invalid("value", reason))
}

fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(invalid(obj, "nested too deeply"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Err(invalid(obj, "integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(obj, "number is not finite"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(invalid(obj, "mapping keys must be strings"));
            };
            map.insert(k.to_str()?.to_owned(), to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| to_json(&v, depth + 1)).collect();
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| to_json(&v, depth + 1)).collect();
    }
    if obj.cast::<PyBytes>().is_ok() || obj.cast::<PyByteArray>().is_ok() {
        return Err(invalid(obj, "bytes are not part of the contract"));
    }
    // datetime is a subclass of date: test it first. Both become ISO strings.
    if obj.cast::<PyDateTime>().is_ok() {
        if obj.getattr("tzinfo")?.is_none() {
            return Err(invalid(obj, "datetime must carry a time zone"));
        }
        return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
    }
    if obj.cast::<PyDate>().is_ok() {
        return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
    }
    let decimal = obj.py().import("decimal")?.getattr("Decimal")?;
    if obj.is_instance(&decimal)? {
        return Ok(Value::String(obj.str()?.to_str()?.to_owned()));
    }
    // Any other mapping (e.g. a MappingProxy) or sequence is taken by its items.
    if let Ok(items) = obj.call_method0("items") {
        let d = PyDict::new(obj.py());
        for pair in items.try_iter()? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            d.set_item(k, v)?;
        }
        return to_json(d.as_any(), depth);
    }
    let name = obj.get_type().name()?;
    Err(invalid(
        obj,
        &format!("a `{name}` is not part of the contract"),
    ))
}

/// Converts a core table into a `pyarrow.Table`, column by column.
///
/// # Errors
/// `ImportError` when pyarrow is not installed; a Python exception if pyarrow refuses.
pub fn to_arrow<'py>(py: Python<'py>, table: &Table) -> PyResult<Bound<'py, PyAny>> {
    let pa = py.import("pyarrow")?;
    let mut names = Vec::with_capacity(table.columns.len());
    let mut arrays = Vec::with_capacity(table.columns.len());
    for (name, column) in &table.columns {
        let array = match column {
            Column::Text(values) => {
                pa.call_method1("array", (values, pa.call_method0("string")?))?
            }
            Column::Int(values) => pa.call_method1("array", (values, pa.call_method0("int64")?))?,
            Column::Date(values) => {
                let dates = values
                    .iter()
                    .map(|d| {
                        d.map(|d| {
                            #[expect(
                                clippy::cast_possible_truncation,
                                reason = "month and day fit a u8"
                            )]
                            PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)
                        })
                        .transpose()
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                pa.call_method1("array", (dates, pa.call_method0("date32")?))?
            }
            Column::Money(values) => {
                // The narrowest exact decimal type: scale of the most precise amount.
                let scale = values.iter().copied().map(Money::scale).max().unwrap_or(2);
                let decimals = to_py(py, values)?;
                let kind = pa.call_method1("decimal128", (38, scale))?;
                pa.call_method1("array", (decimals, kind))?
            }
        };
        names.push(*name);
        arrays.push(array);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("names", names)?;
    pa.getattr("table")?.call((arrays,), Some(&kwargs))
}

/// Converts a core value into Python objects.
///
/// # Errors
/// A Python exception if an object cannot be made (out of memory, say).
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let decimal = py.import("decimal")?.getattr("Decimal")?;
    value
        .serialize(ToPy {
            py,
            decimal: &decimal,
        })
        .map_err(|e| e.0)
}

/// A serialization failure carrying the Python exception.
#[derive(Debug)]
pub struct SerError(PyErr);

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        SerError(PyTypeError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for SerError {
    fn from(e: PyErr) -> Self {
        SerError(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, SerError>;

#[derive(Clone, Copy)]
struct ToPy<'a, 'py> {
    py: Python<'py>,
    decimal: &'a Bound<'py, PyAny>,
}

impl<'py> ToPy<'_, 'py> {
    fn tagged(self, variant: &'static str, value: Bound<'py, PyAny>) -> Out<'py> {
        let d = PyDict::new(self.py);
        d.set_item(variant, value)?;
        Ok(d.into_any())
    }
}

impl<'a, 'py> ser::Serializer for ToPy<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Seq<'a, 'py>;
    type SerializeMap = Dict<'a, 'py>;
    type SerializeStruct = Dict<'a, 'py>;
    type SerializeStructVariant = Dict<'a, 'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Out<'py> {
        let inner = value.serialize(self)?;
        if name == MONEY_TOKEN || name == RATE_TOKEN {
            return Ok(self.decimal.call1((inner,))?);
        }
        Ok(inner)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Out<'py> {
        let inner = value.serialize(self)?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a, 'py>, SerError> {
        Ok(Seq {
            to: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a, 'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'py>, SerError> {
        let mut s = self.serialize_seq(Some(len))?;
        s.variant = Some(variant);
        Ok(s)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Dict<'a, 'py>, SerError> {
        Ok(Dict {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Dict<'a, 'py>, SerError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Dict<'a, 'py>, SerError> {
        let mut d = self.serialize_map(Some(len))?;
        d.variant = Some(variant);
        Ok(d)
    }
}

/// A list being built.
pub struct Seq<'a, 'py> {
    to: ToPy<'a, 'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }
    fn finish(self) -> Out<'py> {
        let list = PyList::new(self.to.py, self.items)?.into_any();
        match self.variant {
            Some(v) => self.to.tagged(v, list),
            None => Ok(list),
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// A dict being built.
pub struct Dict<'a, 'py> {
    to: ToPy<'a, 'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Dict<'_, 'py> {
    fn finish(self) -> Out<'py> {
        match self.variant {
            Some(v) => self.to.tagged(v, self.dict.into_any()),
            None => Ok(self.dict.into_any()),
        }
    }
}

impl<'py> ser::SerializeMap for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        // Map keys are ids or names: take their string form, as JSON does.
        self.key = Some(key.serialize(KeyToPy(self.to))?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <SerError as ser::Error>::custom("map value without a key"))?;
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStructVariant for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// Serializes a map key as a Python `str`, like JSON object keys.
#[derive(Clone, Copy)]
struct KeyToPy<'a, 'py>(ToPy<'a, 'py>);

impl<'py> KeyToPy<'_, 'py> {
    fn text(self, s: &str) -> Out<'py> {
        Ok(PyString::new(self.0.py, s).into_any())
    }
}

impl<'a, 'py> ser::Serializer for KeyToPy<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Impossible<Self::Ok, SerError>;
    type SerializeTuple = Impossible<Self::Ok, SerError>;
    type SerializeTupleStruct = Impossible<Self::Ok, SerError>;
    type SerializeTupleVariant = Impossible<Self::Ok, SerError>;
    type SerializeMap = Impossible<Self::Ok, SerError>;
    type SerializeStruct = Impossible<Self::Ok, SerError>;
    type SerializeStructVariant = Impossible<Self::Ok, SerError>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        self.text(&v.to_string())
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        self.text(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Out<'py> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_none(self) -> Out<'py> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out<'py> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out<'py> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Out<'py> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(ser::Error::custom("a map key must be a string"))
    }
}
