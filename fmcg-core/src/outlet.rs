//! Outlets: the retail customers a distributor sells to.

use chrono::NaiveTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::LatLon;
use crate::ids::{OutletId, StaffId, TerritoryId};
use crate::money::Money;
use crate::text::{MAX_LONG_TEXT, Weekday, check_name, check_text, check_utc_offset};

/// Outlet class, by importance: A (key account) to C.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum OutletClass {
    /// Key outlets.
    A,
    /// Regular outlets.
    B,
    /// Small outlets.
    C,
}

/// Whether an outlet trades with the distributor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutletStatus {
    /// Trading: orders accepted.
    Active,
    /// Closed: no orders, no visits.
    Closed,
    /// Not yet a customer: visited, no orders until activated.
    Prospect,
}

impl OutletStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutletStatus::Active => "active",
            OutletStatus::Closed => "closed",
            OutletStatus::Prospect => "prospect",
        }
    }
}

/// When the outlet is open on some weekdays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct OpeningHours {
    /// The weekdays these hours apply to.
    pub weekdays: Vec<Weekday>,
    /// Opening time, local.
    pub open: NaiveTime,
    /// Closing time, local (after `open`).
    pub close: NaiveTime,
}

/// The visit counts a 4-week cycle allows (4 = weekly, 2 = fortnightly, 1 = monthly,
/// 8 = twice weekly).
pub const VISITS_PER_CYCLE: [u8; 4] = [1, 2, 4, 8];

/// How often the outlet must be visited.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitFrequency {
    /// `visits` times per 4-week cycle: 4 = weekly, 2 = fortnightly, 1 = monthly, 8 = twice
    /// weekly.
    PerCycle {
        /// Visits per cycle, one of 1, 2, 4, 8.
        visits: u8,
    },
    /// Every week on the given weekdays.
    Weekly {
        /// The weekdays.
        weekdays: Vec<Weekday>,
    },
}

impl Default for VisitFrequency {
    fn default() -> Self {
        VisitFrequency::PerCycle { visits: 4 }
    }
}

impl VisitFrequency {
    /// Visits per 4-week cycle.
    pub fn visits_per_cycle(&self) -> u32 {
        match self {
            VisitFrequency::PerCycle { visits } => u32::from(*visits),
            VisitFrequency::Weekly { weekdays } => 4 * weekdays.len() as u32,
        }
    }
}

/// Someone to talk to at the outlet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// Contact name.
    #[serde(default)]
    pub name: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
}

/// A retail outlet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outlet {
    /// Id.
    pub id: OutletId,
    /// Code, unique among outlets.
    pub code: String,
    /// Trading name.
    pub name: String,
    /// Channel (`supermarket`, `convenience`, `horeca`, `traditional`, ...).
    pub channel: String,
    /// Class A/B/C.
    pub class: OutletClass,
    /// Where it is.
    pub position: LatLon,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Contact person.
    #[serde(default)]
    pub contact: Contact,
    /// Opening hours (time windows for visits and deliveries); empty = always open.
    #[serde(default)]
    pub opening_hours: Vec<OpeningHours>,
    /// Credit limit on open receivables; `None` = no limit.
    #[serde(default)]
    pub credit_limit: Option<Money>,
    /// Days from invoice to due date.
    #[serde(default)]
    pub payment_terms_days: u32,
    /// Required visit frequency.
    #[serde(default)]
    pub visit_frequency: VisitFrequency,
    /// The sales rep who owns the outlet.
    #[serde(default)]
    pub assigned_rep: Option<StaffId>,
    /// Sales territory.
    #[serde(default)]
    pub territory: Option<TerritoryId>,
    /// Trading status.
    pub status: OutletStatus,
    /// Local time zone as a UTC offset in minutes (local days for orders and KPIs).
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

/// Longest payment terms accepted, in days.
pub const MAX_PAYMENT_TERMS_DAYS: u32 = 3650;

impl Outlet {
    /// Checks every field that does not need other entities.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("code", &self.code)?;
        check_name("name", &self.name)?;
        check_name("channel", &self.channel)?;
        check_text("address", &self.address, MAX_LONG_TEXT)?;
        check_text("contact.name", &self.contact.name, MAX_LONG_TEXT)?;
        check_text("contact.phone", &self.contact.phone, MAX_LONG_TEXT)?;
        check_utc_offset("utc_offset_minutes", self.utc_offset_minutes)?;
        if let Some(limit) = self.credit_limit {
            limit.check("credit_limit", false)?;
        }
        if self.payment_terms_days > MAX_PAYMENT_TERMS_DAYS {
            return Err(Error::invalid("payment_terms_days", "more than ten years"));
        }
        for h in &self.opening_hours {
            if h.close <= h.open {
                return Err(Error::invalid("opening_hours", "close must be after open"));
            }
            if h.weekdays.is_empty() {
                return Err(Error::invalid("opening_hours", "names no weekday"));
            }
        }
        match &self.visit_frequency {
            VisitFrequency::PerCycle { visits } if !VISITS_PER_CYCLE.contains(visits) => Err(
                Error::invalid("visit_frequency.visits", "must be 1, 2, 4 or 8"),
            ),
            VisitFrequency::Weekly { weekdays } if weekdays.is_empty() => Err(Error::invalid(
                "visit_frequency.weekdays",
                "names no weekday",
            )),
            _ => Ok(()),
        }
    }
}

/// A field-by-field correction of an outlet's details (the `edit_outlet` command). Absent
/// fields are left alone. The sensitive fields — credit limit, payment terms, assigned rep,
/// territory, channel, class, status — are not here: they change only through
/// `update_outlet` and `set_credit_limit`, by the roles that approve them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutletEdit {
    /// Trading name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<LatLon>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Contact person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<Vec<OpeningHours>>,
}

impl OutletEdit {
    /// The names of the fields it sets.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.name.is_some() {
            out.push("name");
        }
        if self.position.is_some() {
            out.push("position");
        }
        if self.address.is_some() {
            out.push("address");
        }
        if self.contact.is_some() {
            out.push("contact");
        }
        if self.opening_hours.is_some() {
            out.push("opening_hours");
        }
        out
    }

    /// The edit without the fields for which `keep` is false.
    #[must_use]
    pub fn only(&self, keep: impl Fn(&str) -> bool) -> OutletEdit {
        OutletEdit {
            name: self.name.clone().filter(|_| keep("name")),
            position: self.position.filter(|_| keep("position")),
            address: self.address.clone().filter(|_| keep("address")),
            contact: self.contact.clone().filter(|_| keep("contact")),
            opening_hours: self.opening_hours.clone().filter(|_| keep("opening_hours")),
        }
    }

    /// Writes the set fields into `outlet`.
    pub fn apply_to(&self, outlet: &mut Outlet) {
        if let Some(v) = &self.name {
            outlet.name.clone_from(v);
        }
        if let Some(v) = self.position {
            outlet.position = v;
        }
        if let Some(v) = &self.address {
            outlet.address.clone_from(v);
        }
        if let Some(v) = &self.contact {
            outlet.contact.clone_from(v);
        }
        if let Some(v) = &self.opening_hours {
            outlet.opening_hours.clone_from(v);
        }
    }
}
