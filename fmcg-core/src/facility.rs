//! Warehouses, vehicles (whose vans hold stock), suppliers and territories.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::LatLon;
use crate::ids::{SupplierId, TerritoryId, VehicleId, WarehouseId};
use crate::quantity::MAX_QTY;
use crate::text::{MAX_LONG_TEXT, check_name, check_text, check_utc_offset};

/// A warehouse: a stock location with the same id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Warehouse {
    /// Id (also its stock location id).
    pub id: WarehouseId,
    /// Code, unique among warehouses.
    pub code: String,
    /// Name.
    pub name: String,
    /// Where it is (the depot of delivery routes).
    #[serde(default)]
    pub position: Option<LatLon>,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Local time zone as a UTC offset in minutes (expiry and sales days).
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

impl Warehouse {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_name("name", &self.name)?;
        check_text("address", &self.address, MAX_LONG_TEXT)?;
        check_utc_offset("utc_offset_minutes", self.utc_offset_minutes)
    }
}

/// What a vehicle can carry, in each dimension.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Capacity {
    /// Cases.
    pub cases: i64,
    /// Kilograms.
    pub kg: f64,
    /// Cubic metres.
    pub m3: f64,
}

impl Capacity {
    /// Checks every dimension is finite and not negative.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the dimension.
    pub fn validate(&self, field: &str) -> Result<()> {
        if !(0..=MAX_QTY).contains(&self.cases) {
            return Err(Error::invalid(format!("{field}.cases"), "out of range"));
        }
        for (name, v) in [("kg", self.kg), ("m3", self.m3)] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    format!("`{v}` is invalid"),
                ));
            }
        }
        Ok(())
    }
}

/// A delivery vehicle; its van is a stock location with the vehicle's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Vehicle {
    /// Id (also its van's stock location id).
    pub id: VehicleId,
    /// Code, unique among vehicles.
    pub code: String,
    /// Registration plate.
    #[serde(default)]
    pub plate: String,
    /// Load capacity.
    pub capacity: Capacity,
    /// Warehouse it loads at.
    #[serde(default)]
    pub home_warehouse: Option<WarehouseId>,
}

impl Vehicle {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_text("plate", &self.plate, MAX_LONG_TEXT)?;
        self.capacity.validate("capacity")
    }
}

/// A supplier (a brand or its importer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Supplier {
    /// Id.
    pub id: SupplierId,
    /// Code, unique among suppliers.
    pub code: String,
    /// Name.
    pub name: String,
    /// Usual days from purchase order to receipt (for reorder suggestions).
    #[serde(default)]
    pub lead_time_days: u32,
}

impl Supplier {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_name("name", &self.name)?;
        if self.lead_time_days > 3650 {
            return Err(Error::invalid("lead_time_days", "more than ten years"));
        }
        Ok(())
    }
}

/// A sales territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Territory {
    /// Id.
    pub id: TerritoryId,
    /// Code, unique among territories.
    pub code: String,
    /// Name.
    pub name: String,
}

impl Territory {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_name("name", &self.name)
    }
}
