//! Staff: the people the engine acts for, their roles and the supervisor tree.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::LatLon;
use crate::ids::{StaffId, TerritoryId, WarehouseId};
use crate::text::{MAX_SHORT_TEXT, check_name, check_text, check_utc_offset};

/// A role a staff member holds; a person may hold several.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Visits outlets, takes orders, collects cash.
    SalesRep,
    /// Leads a team; approves orders, route changes and expenses.
    Supervisor,
    /// Delivers orders.
    Driver,
    /// Receives, picks, loads and counts stock.
    Warehouse,
    /// Invoices, credit, cash settlement.
    Finance,
    /// Everything, including master data and staff.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::SalesRep,
        Role::Supervisor,
        Role::Driver,
        Role::Warehouse,
        Role::Finance,
        Role::Admin,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SalesRep => "sales_rep",
            Role::Supervisor => "supervisor",
            Role::Driver => "driver",
            Role::Warehouse => "warehouse",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }
}

/// A working shift, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Shift {
    /// Start of the working day.
    pub start: NaiveTime,
    /// End of the working day (after `start`).
    pub end: NaiveTime,
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Staff {
    /// Id.
    pub id: StaffId,
    /// Employee number, unique among staff.
    pub employee_no: String,
    /// Full name.
    pub name: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// Roles held (at least one).
    pub roles: Vec<Role>,
    /// Sales territory, if any.
    #[serde(default)]
    pub territory: Option<TerritoryId>,
    /// Direct supervisor; `None` at the top of the tree.
    #[serde(default)]
    pub supervisor: Option<StaffId>,
    /// Home position (start and end of a rep's day).
    #[serde(default)]
    pub home: Option<LatLon>,
    /// Depot the person works from.
    #[serde(default)]
    pub depot: Option<WarehouseId>,
    /// Working shift.
    #[serde(default)]
    pub shift: Option<Shift>,
    /// Whether the person may act; inactive staff are refused.
    #[serde(default = "yes")]
    pub active: bool,
    /// Local time zone as a UTC offset in minutes.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

fn yes() -> bool {
    true
}

impl Staff {
    /// Whether the person holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Checks every field that does not need other entities.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the bad field.
    pub fn validate(&self) -> Result<()> {
        check_name("employee_no", &self.employee_no)?;
        check_name("name", &self.name)?;
        check_text("phone", &self.phone, MAX_SHORT_TEXT)?;
        check_utc_offset("utc_offset_minutes", self.utc_offset_minutes)?;
        if self.roles.is_empty() {
            return Err(Error::invalid("roles", "at least one role is required"));
        }
        if let Some(shift) = self.shift
            && shift.end <= shift.start
        {
            return Err(Error::invalid("shift", "end must be after start"));
        }
        if self.supervisor.as_ref() == Some(&self.id) {
            return Err(Error::invalid(
                "supervisor",
                "a person cannot supervise themselves",
            ));
        }
        Ok(())
    }
}

/// Whether `member` is `leader` or anywhere below `leader` in the supervisor tree.
///
/// Walks up from `member`; the walk is bounded by the number of staff, so a cycle in
/// (tampered) data ends the walk instead of looping.
///
/// # Complexity
/// O(depth of the tree).
pub fn in_team(staff: &BTreeMap<StaffId, Staff>, member: &StaffId, leader: &StaffId) -> bool {
    let mut current = Some(member);
    for _ in 0..=staff.len() {
        match current {
            Some(id) if id == leader => return true,
            Some(id) => current = staff.get(id).and_then(|s| s.supervisor.as_ref()),
            None => return false,
        }
    }
    false
}

/// Everyone in `leader`'s team: `leader` and everyone below, in id order.
pub fn team_of(staff: &BTreeMap<StaffId, Staff>, leader: &StaffId) -> Vec<StaffId> {
    staff
        .keys()
        .filter(|id| in_team(staff, id, leader))
        .cloned()
        .collect()
}

/// Whether making `supervisor` the supervisor of `member` would close a cycle.
pub fn would_cycle(
    staff: &BTreeMap<StaffId, Staff>,
    member: &StaffId,
    supervisor: &StaffId,
) -> bool {
    in_team(staff, supervisor, member)
}
