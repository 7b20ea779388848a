//! Typed records: every row the count rests on is decoded here, once, into
//! typed values. A row that does not decode is an error naming the sheet and
//! the database — never a silent skip, never a string matched later.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::ballot::Serial;
use crate::interpret::{CodeCheck, Reading, Status};
use crate::rules::Verdict;
use crate::scan::SourceKind;

/// A station database is created real or demo, and stays so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationMode {
    /// A real count: the simulator is refused.
    Real,
    /// A demonstration: everything it prints or exports says it has no legal value.
    Demo,
}

impl StationMode {
    /// Stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            StationMode::Real => "real",
            StationMode::Demo => "demo",
        }
    }

    /// The mode for a stored name.
    pub fn from_code(code: &str) -> Option<StationMode> {
        match code {
            "real" => Some(StationMode::Real),
            "demo" => Some(StationMode::Demo),
            _ => None,
        }
    }
}

/// What a demo prints on everything it makes.
pub const DEMO_MARK: &str = "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";

/// An official's decision on a page (rules.md §6): which of the three places it
/// goes to, and for a ballot, its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A ballot of this round, counted with this verdict (valid or invalid); also
    /// a genuine ballot whose code is merely damaged, read by hand.
    Ballot(Verdict),
    /// A paper from the box that is not the issued form (another election or
    /// round, a bad MAC, never printed, no code, a copy): returned and invalid (art. 74 a).
    NotIssuedForm,
    /// Not a ballot (a blank back, a separator sheet, the same paper scanned
    /// twice): listed, never counted.
    NotABallot,
}

/// An official's decision in force on a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The decision row.
    pub id: i64,
    /// What was decided.
    pub decision: Decision,
    /// Who decided.
    pub official: String,
    /// Why, as given.
    pub reason: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// A sheet as recorded at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    /// Sheet id (intake order).
    pub id: i64,
    /// Batch name (ballot box or cluster).
    pub batch: String,
    /// SHA-256 of the image file.
    pub image_sha256: String,
    /// Path of the image file in the image store.
    pub image_path: String,
    /// Where it came from, e.g. "sane:test:0 sheet 3 front", "folder:scan-0001.png".
    pub source: String,
    /// What kind of source that is.
    pub source_kind: SourceKind,
    /// Intake time.
    pub received_at: String,
}

/// A sheet with its reading and the officials' decision in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetRecord {
    /// The sheet.
    pub sheet: SheetRow,
    /// The machine's latest reading (None: not interpreted yet).
    pub reading: Option<Reading>,
    /// The officials' decision in force (None: none, or withdrawn).
    pub decision: Option<DecisionRecord>,
}

impl SheetRecord {
    /// The serial the page's code carries, if one was decoded.
    pub fn serial(&self) -> Option<&str> {
        self.reading.as_ref().and_then(|r| r.serial.as_deref())
    }

    /// The machine's certainty, 0-1 (0 when not read).
    pub fn certainty(&self) -> f64 {
        self.reading.as_ref().map_or(0.0, |r| r.certainty)
    }
}

/// The error for a row of sheet `sheet` that does not decode.
pub(crate) fn corrupt(
    db: &Path,
    sheet: i64,
    what: &str,
    why: impl std::fmt::Display,
) -> StoreError {
    StoreError::Corrupt {
        file: db.to_path_buf(),
        message: format!("sheet {sheet}: {what} does not decode ({why}); the count stops here"),
    }
}

/// Decodes a stored reading: the interpreter's JSON, its status column and its
/// serial column must agree.
pub(crate) fn decode_reading(
    db: &Path,
    sheet: i64,
    json: &str,
    status: &str,
    serial: Option<&str>,
) -> Result<Reading, StoreError> {
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| corrupt(db, sheet, "the machine's reading", e))?;
    // Readings stored before the code check was recorded (schema 3) say it by their status.
    if value.get("code").is_none() {
        if let Some(obj) = value.as_object_mut() {
            obj.insert("code".into(), legacy_code(status, obj).into());
        }
    }
    let reading: Reading = serde_json::from_value(value)
        .map_err(|e| corrupt(db, sheet, "the machine's reading", e))?;
    let stored = serde_json::from_value::<Status>(serde_json::Value::String(status.into()))
        .map_err(|e| corrupt(db, sheet, "the reading's status", e))?;
    // A status of `duplicate` was written by stations before the count placed pages itself.
    if stored != reading.status && stored != Status::Duplicate {
        return Err(corrupt(
            db,
            sheet,
            "the reading's status",
            format!("`{status}` disagrees with the reading"),
        ));
    }
    if let Some(s) = serial {
        if Serial::parse(s).is_none() || reading.serial.as_deref() != Some(s) {
            return Err(corrupt(db, sheet, "the reading's serial", format!("`{s}`")));
        }
    }
    if let Some(s) = &reading.serial {
        if Serial::parse(s).is_none() {
            return Err(corrupt(db, sheet, "the reading's serial", format!("`{s}`")));
        }
    }
    Ok(reading)
}

/// What a reading of schema 3 proved of its code, from its status and reasons.
fn legacy_code(status: &str, reading: &serde_json::Map<String, serde_json::Value>) -> &'static str {
    let has = |r: &str| {
        reading["reasons"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == r))
    };
    match status {
        "valid" | "invalid" | "review" | "duplicate" => CodeCheck::Verified.code(),
        _ if has("wrong_election") => CodeCheck::OtherElection.code(),
        _ if has("forged") => CodeCheck::BadMac.code(),
        _ if has("unsupported_version") => CodeCheck::UnsupportedVersion.code(),
        // A genuine ballot rejected for its geometry had its serial recorded.
        _ if reading.get("serial").is_some_and(|s| !s.is_null()) => CodeCheck::Verified.code(),
        _ => CodeCheck::Unreadable.code(),
    }
}

/// Decodes an official's decision row.
pub(crate) fn decode_decision(
    db: &Path,
    sheet: i64,
    json: Option<&str>,
) -> Result<Decision, StoreError> {
    let json = json.ok_or_else(|| corrupt(db, sheet, "the officials' decision", "it is empty"))?;
    let decision: Decision =
        serde_json::from_str(json).map_err(|e| corrupt(db, sheet, "the officials' decision", e))?;
    if let Decision::Ballot(v) = &decision {
        if !v.is_decided() {
            return Err(corrupt(
                db,
                sheet,
                "the officials' decision",
                "a decision must be valid or invalid",
            ));
        }
    }
    Ok(decision)
}

/// Decodes the machine verdict of a machine row (`null` when there is none).
pub(crate) fn decode_machine_verdict(
    db: &Path,
    sheet: i64,
    json: &str,
) -> Result<Option<Verdict>, StoreError> {
    serde_json::from_str(json).map_err(|e| corrupt(db, sheet, "the machine's verdict", e))
}

/// Decodes a source kind column.
pub(crate) fn decode_kind(db: &Path, sheet: i64, code: &str) -> Result<SourceKind, StoreError> {
    SourceKind::from_code(code)
        .ok_or_else(|| corrupt(db, sheet, "the source kind", format!("`{code}`")))
}
