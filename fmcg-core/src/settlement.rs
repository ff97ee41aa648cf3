//! Settlement and approvals (SPEC §3.8): end-of-day cash hand-over (交账) with expected,
//! handed and variance; expense claims and daily reports approved by someone else.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::field::{Decision, MediaRef, check_media};
use crate::ids::{PaymentId, SettlementId, StaffId, SubmissionId};
use crate::money::Money;
use crate::text::{MAX_LONG_TEXT, check_name, check_text};

/// A rep's or driver's end-of-day cash hand-over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CashSettlement {
    /// Id.
    pub id: SettlementId,
    /// Who handed over.
    pub staff: StaffId,
    /// The day settled.
    pub date: NaiveDate,
    /// Σ of their cash collections that day.
    pub expected: Money,
    /// What they handed over.
    pub handed: Money,
    /// `handed − expected` (flagged when not zero).
    pub variance: Money,
    /// The cash payments counted.
    pub payments: Vec<PaymentId>,
    /// Who took the cash.
    pub received_by: StaffId,
}

/// What is submitted for approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubmissionItem {
    /// An expense claim.
    ExpenseClaim {
        /// Category (`"fuel"`, `"parking"`, …).
        category: String,
        /// Amount claimed.
        amount: Money,
        /// Note.
        #[serde(default)]
        note: String,
        /// Receipts.
        #[serde(default)]
        receipts: Vec<MediaRef>,
    },
    /// A daily report.
    DailyReport {
        /// The report.
        text: String,
    },
}

impl SubmissionItem {
    /// Checks texts, amount and receipts.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<()> {
        match self {
            SubmissionItem::ExpenseClaim {
                category,
                amount,
                note,
                receipts,
            } => {
                check_name("category", category)?;
                amount.check_cents("amount", true)?;
                check_text("note", note, MAX_LONG_TEXT)?;
                check_media("receipts", receipts)
            }
            SubmissionItem::DailyReport { text } => {
                if text.trim().is_empty() {
                    return Err(crate::Error::invalid("text", "must not be empty"));
                }
                check_text("text", text, MAX_LONG_TEXT)
            }
        }
    }
}

/// An expense claim or daily report and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Submission {
    /// Id.
    pub id: SubmissionId,
    /// Who submitted.
    pub staff: StaffId,
    /// The day it concerns.
    pub date: NaiveDate,
    /// What.
    pub item: SubmissionItem,
    /// Where it stands.
    pub status: Decision,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<StaffId>,
    /// The decider's note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
