//! The commune's roster: the units whose results the commune expects, each with
//! its H, for the summary of a term (`kiemphieu aggregate --roster`).
//!
//! ```toml
//! [commune]
//! name = "Phường Đồng Kỵ"
//! term = "2024-2027"
//! office = "Trưởng khu phố"     # optional: every unit's result must elect this office
//!
//! [[units]]
//! name = "Khu phố Đông Sơn"
//! households = 412
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::rules::person_key;

/// Largest accepted roster, in bytes.
pub const MAX_ROSTER_BYTES: u64 = 256 * 1024;

/// A validated roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// The commune, as the units' election files write it.
    pub commune: String,
    /// The term.
    pub term: String,
    /// The office elected in every unit, when the roster names it.
    pub office: Option<String>,
    /// The units expected, in the roster's order.
    pub units: Vec<RosterUnit>,
}

/// One unit the commune expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterUnit {
    /// The unit's name, as its election file writes it.
    pub name: String,
    /// H: its households.
    pub households: u32,
}

impl Roster {
    /// The roster's unit of this name (compared like people's names: NFC, case, spacing).
    pub fn unit(&self, name: &str) -> Option<&RosterUnit> {
        self.units
            .iter()
            .find(|u| person_key(&u.name) == person_key(name))
    }
}

/// A problem with a roster file, located by line and field.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The content is not a valid roster.
    #[error("{file}:{line}: {field}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// Field path, e.g. `units[2].households`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    commune: Spanned<RawCommune>,
    units: Option<Vec<Spanned<RawUnit>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommune {
    name: Spanned<String>,
    term: Spanned<String>,
    office: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    name: Spanned<String>,
    households: Spanned<i64>,
}

/// Reads and validates a roster file.
pub fn load_roster(path: &Path) -> Result<Roster, RosterError> {
    let io = |source| RosterError::Io {
        file: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_ROSTER_BYTES {
        return Err(RosterError::Invalid {
            file: path.to_path_buf(),
            line: 1,
            field: "(file)".into(),
            message: format!("{len} bytes; a roster is at most {MAX_ROSTER_BYTES} bytes"),
        });
    }
    parse_roster(&std::fs::read_to_string(path).map_err(io)?, path)
}

/// Parses and validates roster TOML; `file` names it in errors.
pub fn parse_roster(text: &str, file: &Path) -> Result<Roster, RosterError> {
    let err = |span: std::ops::Range<usize>, field: &str, message: String| RosterError::Invalid {
        file: file.to_path_buf(),
        line: text[..span.start.min(text.len())].matches('\n').count() + 1,
        field: field.to_string(),
        message,
    };
    let raw: RawRoster = toml::from_str(text).map_err(|e| {
        err(
            e.span().unwrap_or(0..0),
            "(syntax)",
            e.message().trim().to_string(),
        )
    })?;
    let field = |value: Spanned<String>, name: &str| {
        let span = value.span();
        let s = value.into_inner().trim().to_string();
        if s.is_empty() || s.chars().any(char::is_control) {
            return Err(err(
                span,
                name,
                "must be a name without control characters".into(),
            ));
        }
        Ok(s)
    };
    let commune_span = raw.commune.span();
    let c = raw.commune.into_inner();
    let units_raw = raw.units.unwrap_or_default();
    if units_raw.is_empty() {
        return Err(err(
            commune_span,
            "units",
            "at least one [[units]] entry is required".into(),
        ));
    }
    let mut units = Vec::with_capacity(units_raw.len());
    let mut seen = HashSet::new();
    for (i, u) in units_raw.into_iter().enumerate() {
        let u = u.into_inner();
        let name_span = u.name.span();
        let name = field(u.name, &format!("units[{}].name", i + 1))?;
        if !seen.insert(person_key(&name)) {
            return Err(err(
                name_span,
                &format!("units[{}].name", i + 1),
                format!("`{name}` is listed twice"),
            ));
        }
        let h_span = u.households.span();
        let households = u32::try_from(*u.households.get_ref())
            .ok()
            .filter(|h| (1..=1_000_000).contains(h))
            .ok_or_else(|| {
                err(
                    h_span,
                    &format!("units[{}].households", i + 1),
                    "must be a whole number from 1 to 1000000".into(),
                )
            })?;
        units.push(RosterUnit { name, households });
    }
    Ok(Roster {
        commune: field(c.name, "commune.name")?,
        term: field(c.term, "commune.term")?,
        office: c.office.map(|o| field(o, "commune.office")).transpose()?,
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: &str = r#"
[commune]
name = "Phường Đồng Kỵ"
term = "2024-2027"

[[units]]
name = "Khu phố Đông Sơn"
households = 412

[[units]]
name = "Khu phố Tây Sơn"
households = 380
"#;

    fn located(text: &str) -> (usize, String) {
        match parse_roster(text, Path::new("r.toml")) {
            Err(RosterError::Invalid { line, field, .. }) => (line, field),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_roster_lists_units_with_their_households() {
        let r = parse_roster(ROSTER, Path::new("r.toml")).unwrap();
        assert_eq!(r.commune, "Phường Đồng Kỵ");
        assert_eq!(r.units.len(), 2);
        assert_eq!(r.unit("khu phố  tây sơn").map(|u| u.households), Some(380));
        assert_eq!(r.office, None);
    }

    #[test]
    fn bad_rosters_name_line_and_field() {
        let twice = ROSTER.replace("Tây Sơn", "Đông Sơn");
        assert_eq!(located(&twice), (11, "units[2].name".into()));
        let zero = ROSTER.replace("380", "0");
        assert_eq!(located(&zero), (12, "units[2].households".into()));
        let none = ROSTER.split("[[units]]").next().unwrap().to_string();
        assert_eq!(located(&none).1, "units");
        assert_eq!(located("[commune]\nname = 1").1, "(syntax)");
    }
}
