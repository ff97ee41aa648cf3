//! Checks for free-text fields and small shared value types (weekdays, local time).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The longest name, code or short label, in bytes.
pub const MAX_SHORT_TEXT: usize = 256;
/// The longest free text (addresses, reasons, notes), in bytes.
pub const MAX_LONG_TEXT: usize = 4096;
/// The largest UTC offset accepted, in minutes (±18 h).
pub const MAX_UTC_OFFSET_MIN: i32 = 18 * 60;

/// Checks a required short text: non-empty after trimming, at most [`MAX_SHORT_TEXT`]
/// bytes, no control characters.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn check_name(field: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    check_text(field, s, MAX_SHORT_TEXT)
}

/// Checks an optional text: at most `max` bytes, no control characters except
/// new lines and tabs.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub fn check_text(field: &str, s: &str, max: usize) -> Result<()> {
    if s.len() > max {
        return Err(Error::invalid(field, format!("longer than {max} bytes")));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "contains a control character"));
    }
    Ok(())
}

/// Checks a UTC offset in minutes.
///
/// # Errors
/// [`Error::InvalidInput`] beyond ±18 hours.
pub fn check_utc_offset(field: &str, minutes: i32) -> Result<()> {
    if minutes.abs() > MAX_UTC_OFFSET_MIN {
        return Err(Error::invalid(
            field,
            format!("`{minutes}` minutes is beyond ±18 h"),
        ));
    }
    Ok(())
}

/// The local calendar date of an instant at a fixed UTC offset.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// let t = Utc.with_ymd_and_hms(2026, 3, 1, 20, 0, 0).unwrap();
/// assert_eq!(fmcg_core::text::local_date(t, 8 * 60), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// ```
pub fn local_date(at: DateTime<Utc>, utc_offset_min: i32) -> NaiveDate {
    let offset = i64::from(utc_offset_min.clamp(-MAX_UTC_OFFSET_MIN, MAX_UTC_OFFSET_MIN));
    at.checked_add_signed(Duration::minutes(offset))
        .unwrap_or(at)
        .date_naive()
}

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The weekday of a date.
    pub fn of(date: NaiveDate) -> Weekday {
        match date.weekday() {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
}
