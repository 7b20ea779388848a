//! Reading and validating the election TOML file.
//!
//! Every error names the file, the line and the field, so that the person who
//! typed the file can fix it without reading code.

// Reads a file typed by people: no unchecked conversion of what it holds.
#![warn(clippy::as_conversions)]

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use super::definition::{
    Candidate, CollectionDeadline, CountingBody, Election, ElectionInfo, Honorific, Marking, Mode,
    Paper, Settings, SingleStruck,
};

/// Most candidates a ballot can show legibly (research-notes §9: 1–3, ~5 with floor nominations).
pub const MAX_CANDIDATES: usize = 10;
/// Longest accepted text field, in characters.
pub const MAX_TEXT_CHARS: usize = 120;
/// Highest round a ballot code can carry (one byte).
pub const MAX_ROUND: u32 = 255;
/// Largest accepted election file, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// An annotated example election file, written by `election init`.
pub const EXAMPLE_ELECTION: &str = include_str!("example.toml");

/// A problem with an election file, located by file, line and field.
#[derive(Debug, thiserror::Error)]
pub enum ElectionFileError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The content is not a valid election.
    #[error("{file}:{line}: {field}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// Field path, e.g. `candidates[2].name`.
        field: String,
        /// What is wrong, in plain words.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    election: Spanned<RawInfo>,
    candidates: Option<Spanned<Vec<Spanned<RawCandidate>>>>,
    settings: Option<RawSettings>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    title: Spanned<String>,
    office: Spanned<String>,
    unit: Spanned<String>,
    commune: Spanned<String>,
    district: Option<Spanned<String>>,
    province: Spanned<String>,
    term: Spanned<String>,
    date: Spanned<RawDate>,
    households: Spanned<i64>,
    mode: Option<Mode>,
    marking: Option<Marking>,
    paper: Option<Paper>,
    round: Option<Spanned<i64>>,
    venue: Option<Spanned<String>>,
    collection_deadline: Option<Spanned<RawDate>>,
    counting_body: Option<Spanned<CountingBody>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCandidate {
    id: Spanned<String>,
    name: Spanned<String>,
    honorific: Option<Honorific>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    require_stamp: Option<bool>,
    single_struck: Option<SingleStruck>,
    auto_invalidate_flags: Option<bool>,
    holidays: Option<Vec<Spanned<RawDate>>>,
}

/// A date written either as a TOML date (2024-10-13) or a string ("2024-10-13").
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

impl RawDate {
    fn to_date(&self) -> Option<NaiveDate> {
        let text = match self {
            RawDate::Toml(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    return None;
                }
                dt.to_string()
            }
            RawDate::Text(s) => s.trim().to_string(),
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
    }

    /// A date with an optional local time: 2024-10-20, 2024-10-20T17:00:00 or "2024-10-20 17:00".
    fn to_deadline(&self) -> Option<CollectionDeadline> {
        let text = match self {
            RawDate::Toml(dt) => {
                if dt.offset.is_some() {
                    return None;
                }
                dt.to_string()
            }
            RawDate::Text(s) => s.trim().to_string(),
        };
        let (day, time) = match text.split_once(['T', ' ']) {
            Some((d, t)) => (d, Some(t.trim())),
            None => (text.as_str(), None),
        };
        let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
        let time = match time {
            None => None,
            Some(t) => Some(
                NaiveTime::parse_from_str(t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                    .ok()?,
            ),
        };
        Some(CollectionDeadline { date, time })
    }
}

/// Reads and validates an election file.
pub fn load_election(path: &Path) -> Result<Election, ElectionFileError> {
    let source = read_election_source(path)?;
    parse_election(&source, path)
}

/// Reads an election file's text, refusing a file over [`MAX_FILE_BYTES`] before reading it.
pub fn read_election_source(path: &Path) -> Result<String, ElectionFileError> {
    let io = |source| ElectionFileError::Io {
        file: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ElectionFileError::Invalid {
            file: path.to_path_buf(),
            line: 1,
            field: "(file)".into(),
            message: format!(
                "file is {} bytes; an election file is at most {MAX_FILE_BYTES} bytes",
                meta.len()
            ),
        });
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Parses and validates election TOML; `file` is only used in error messages.
pub fn parse_election(source: &str, file: &Path) -> Result<Election, ElectionFileError> {
    let src = Source { text: source, file };
    let raw: RawFile = toml::from_str(source).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let field = if message.starts_with("missing field") || message.starts_with("unknown field")
        {
            backticked(&message)
        } else {
            key_at(source, span.start)
        }
        .unwrap_or_else(|| "(syntax)".to_string());
        src.err(span, &field, message)
    })?;
    let info_span = raw.election.span();
    let election = src.info(raw.election.into_inner())?;
    let candidates = src.candidates(raw.candidates, info_span, election.marking)?;
    let settings = src.settings(raw.settings)?;
    Ok(Election {
        election,
        candidates,
        settings,
    })
}

/// The file being parsed, for error messages that name its line and field.
struct Source<'a> {
    text: &'a str,
    file: &'a Path,
}

impl Source<'_> {
    fn err(&self, span: Range<usize>, field: &str, message: String) -> ElectionFileError {
        ElectionFileError::Invalid {
            file: self.file.to_path_buf(),
            line: line_of(self.text, span.start),
            field: field.to_string(),
            message,
        }
    }

    /// A text field: trimmed, NFC, not empty, not too long, no control characters.
    fn text(&self, value: Spanned<String>, field: &str) -> Result<String, ElectionFileError> {
        let span = value.span();
        let s: String = value.into_inner().trim().nfc().collect();
        if s.is_empty() {
            return Err(self.err(span, field, "must not be empty".into()));
        }
        if s.chars().count() > MAX_TEXT_CHARS {
            return Err(self.err(
                span,
                field,
                format!("is longer than {MAX_TEXT_CHARS} characters"),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(self.err(span, field, "contains a control character".into()));
        }
        Ok(s)
    }

    /// The `[election]` table.
    fn info(&self, info: RawInfo) -> Result<ElectionInfo, ElectionFileError> {
        let households_span = info.households.span();
        let households = *info.households.get_ref();
        let out_of_range = || {
            self.err(
                households_span.clone(),
                "election.households",
                format!("must be a whole number from 1 to 1000000 (got {households})"),
            )
        };
        if !(1..=1_000_000).contains(&households) {
            return Err(out_of_range());
        }
        let households = u32::try_from(households).map_err(|_| out_of_range())?;
        let date_span = info.date.span();
        let date = info.date.get_ref().to_date().ok_or_else(|| {
            self.err(
                date_span,
                "election.date",
                "must be a date written YYYY-MM-DD".into(),
            )
        })?;
        let term = self.text(info.term, "election.term")?;
        let round = match info.round {
            None => 1,
            Some(r) => {
                let span = r.span();
                u32::try_from(*r.get_ref())
                    .ok()
                    .filter(|n| (1..=MAX_ROUND).contains(n))
                    .ok_or_else(|| {
                        self.err(
                            span,
                            "election.round",
                            format!(
                                "must be a whole number from 1 (the first count) to {MAX_ROUND} (got {})",
                                r.get_ref()
                            ),
                        )
                    })?
            }
        };
        let mode = info.mode.unwrap_or(Mode::Meeting);
        let collection_deadline =
            self.deadline(info.collection_deadline, mode, date, &info.title)?;
        let counting_body = match info.counting_body {
            None => CountingBody::default_for(mode),
            Some(body) => {
                let span = body.span();
                let body = body.into_inner();
                if !body.fits(mode) {
                    return Err(self.err(span, "election.counting_body", body_misfit(mode)));
                }
                body
            }
        };
        Ok(ElectionInfo {
            title: self.text(info.title, "election.title")?,
            office: self.text(info.office, "election.office")?,
            unit: self.text(info.unit, "election.unit")?,
            commune: self.text(info.commune, "election.commune")?,
            district: info
                .district
                .map(|d| self.text(d, "election.district"))
                .transpose()?,
            province: self.text(info.province, "election.province")?,
            term,
            date,
            households,
            mode,
            marking: info.marking.unwrap_or(Marking::Strike),
            paper: info.paper.unwrap_or_default(),
            round,
            venue: info
                .venue
                .map(|v| self.text(v, "election.venue"))
                .transpose()?,
            collection_deadline,
            counting_body,
        })
    }

    /// The collection deadline: required in household mode, refused in meeting mode,
    /// never before the day the ballots are delivered. `title` only locates the error.
    fn deadline(
        &self,
        raw: Option<Spanned<RawDate>>,
        mode: Mode,
        delivered: NaiveDate,
        title: &Spanned<String>,
    ) -> Result<Option<CollectionDeadline>, ElectionFileError> {
        let field = "election.collection_deadline";
        let Some(raw) = raw else {
            return match mode {
                Mode::Meeting => Ok(None),
                Mode::Household => Err(self.err(
                    title.span(),
                    field,
                    "household mode prints the collection deadline on every ballot (Decree 59 art. 4(5)(b)): add e.g. collection_deadline = 2024-10-20T17:00:00".into(),
                )),
            };
        };
        let span = raw.span();
        if mode == Mode::Meeting {
            return Err(self.err(
                span,
                field,
                "only household-ballot mode (mode = \"household\") has a collection deadline"
                    .into(),
            ));
        }
        let deadline = raw.get_ref().to_deadline().ok_or_else(|| {
            self.err(
                span.clone(),
                field,
                "must be a date YYYY-MM-DD, or a local date and time YYYY-MM-DDTHH:MM:SS".into(),
            )
        })?;
        if deadline.date < delivered {
            return Err(self.err(
                span,
                field,
                format!(
                    "{} is before election.date {} (the day the ballots are delivered)",
                    deadline.date, delivered
                ),
            ));
        }
        Ok(Some(deadline))
    }

    /// The `[[candidates]]` list: one to [`MAX_CANDIDATES`], ids and names unique.
    fn candidates(
        &self,
        raw: Option<Spanned<Vec<Spanned<RawCandidate>>>>,
        info_span: Range<usize>,
        marking: Marking,
    ) -> Result<Vec<Candidate>, ElectionFileError> {
        let Some(raw_candidates) = raw else {
            return Err(self.err(
                info_span,
                "candidates",
                "at least one [[candidates]] entry is required".into(),
            ));
        };
        let list_span = raw_candidates.span();
        let raw_candidates = raw_candidates.into_inner();
        if raw_candidates.is_empty() {
            return Err(self.err(
                list_span,
                "candidates",
                "at least one candidate is required".into(),
            ));
        }
        if raw_candidates.len() > MAX_CANDIDATES {
            return Err(self.err(
                list_span,
                "candidates",
                format!(
                    "{} candidates; a ballot holds at most {MAX_CANDIDATES}",
                    raw_candidates.len()
                ),
            ));
        }
        let mut candidates = Vec::with_capacity(raw_candidates.len());
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for (i, c) in raw_candidates.into_iter().enumerate() {
            let c = c.into_inner();
            let id_span = c.id.span();
            let id_field = format!("candidates[{}].id", i + 1);
            let id = self.text(c.id, &id_field)?;
            if !id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
                || id.len() > 16
            {
                return Err(self.err(
                    id_span,
                    &id_field,
                    format!("`{id}`: use 1-16 ASCII letters, digits, '-' or '_'"),
                ));
            }
            if !ids.insert(id.clone()) {
                return Err(self.err(id_span, &id_field, format!("duplicate id `{id}`")));
            }
            let name_span = c.name.span();
            let name_field = format!("candidates[{}].name", i + 1);
            let name = self.text(c.name, &name_field)?;
            if !names.insert(name.to_lowercase()) {
                return Err(self.err(name_span, &name_field, format!("duplicate name `{name}`")));
            }
            candidates.push(Candidate {
                id,
                name,
                honorific: c.honorific,
            });
        }
        if marking == Marking::ApproveBoxes && candidates.len() != 1 {
            return Err(self.err(
                list_span,
                "election.marking",
                format!(
                    "approve_boxes needs exactly one candidate (the file has {})",
                    candidates.len()
                ),
            ));
        }
        Ok(candidates)
    }

    /// The optional `[settings]` table; holidays sorted, without repeats.
    fn settings(&self, raw: Option<RawSettings>) -> Result<Settings, ElectionFileError> {
        let mut settings = Settings::default();
        let Some(s) = raw else {
            return Ok(settings);
        };
        if let Some(v) = s.require_stamp {
            settings.require_stamp = v;
        }
        if let Some(v) = s.single_struck {
            settings.single_struck = v;
        }
        if let Some(v) = s.auto_invalidate_flags {
            settings.auto_invalidate_flags = v;
        }
        for (i, h) in s.holidays.unwrap_or_default().into_iter().enumerate() {
            let span = h.span();
            let day = h.get_ref().to_date().ok_or_else(|| {
                self.err(
                    span,
                    &format!("settings.holidays[{}]", i + 1),
                    "must be a date written YYYY-MM-DD".into(),
                )
            })?;
            settings.holidays.push(day);
        }
        settings.holidays.sort();
        settings.holidays.dedup();
        Ok(settings)
    }
}

/// Why `counting_body` does not fit `mode`.
fn body_misfit(mode: Mode) -> String {
    match mode {
        Mode::Meeting => "to_phat_phieu counts household ballots only; a meeting is counted by ban_kiem_phieu (default) or to_bau_cu".into(),
        Mode::Household => "in household mode the Tổ phát phiếu lấy ý kiến counts (Decree 59 art. 4(6)(a)): write to_phat_phieu or leave counting_body out".into(),
    }
}

/// 1-based line number of a byte offset.
#[allow(clippy::naive_bytecount)] // once per error message: not worth a crate
fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key written on the line holding `offset` (`key = value`), if any.
fn key_at(source: &str, offset: usize) -> Option<String> {
    let offset = offset.min(source.len());
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = source[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('#') && !key.contains(['[', '"'])).then(|| key.to_string())
}

/// The first `quoted` word of a serde message, which names the field.
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}
