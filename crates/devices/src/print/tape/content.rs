//! What the tape says: the facts of the count, line by line.

use chrono::{NaiveDateTime, Timelike};

use crate::election::{Election, Mode};
use crate::rules::{self, Outcome, Tally};
use crate::station::{Setup, Station, StationError};
use crate::store::{Reconciliation, SessionState};

/// How a line of text is placed across the tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
}

/// One line (or block) of the tape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapeLine {
    /// Text, wrapped at word boundaries when too wide.
    Text {
        /// The text.
        text: String,
        /// Bold face.
        bold: bool,
        /// Larger type (the title).
        large: bool,
        /// Placement.
        align: Align,
    },
    /// A label on the left and its number on the right.
    Pair {
        /// The label.
        label: String,
        /// The value.
        value: String,
        /// Bold face.
        bold: bool,
    },
    /// A ruled line across the tape.
    Rule,
    /// A signature: the role, room to sign, a dotted line and the name.
    Signature {
        /// The role (Tổ trưởng, thành viên, …).
        role: String,
        /// The person's name.
        name: String,
    },
}

/// What the tape says, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TapeContent {
    /// The lines, top to bottom.
    pub lines: Vec<TapeLine>,
}

/// Everything the tape reports, read from the station database.
#[derive(Debug, Clone, PartialEq)]
pub struct TapeFacts {
    /// The election.
    pub election: Election,
    /// Board, witnesses and attendance.
    pub setup: Setup,
    /// The counted ballots.
    pub tally: Tally,
    /// Who wins.
    pub outcome: Outcome,
    /// Issued/returned entered at the close, if done.
    pub reconciliation: Option<Reconciliation>,
    /// The counting session.
    pub session: i64,
    /// True once the whole board has confirmed (a final tape, not a draft).
    pub final_count: bool,
    /// Complaints received at the count (the biên bản lists each one).
    pub complaints: usize,
    /// A demo count: the tape says it has no legal value.
    pub demo: bool,
}

impl TapeFacts {
    /// Reads the facts of the station's current session.
    pub fn from_station(station: &Station) -> Result<TapeFacts, StationError> {
        let count = station.count()?;
        let session = station.session();
        Ok(TapeFacts {
            election: station.election().clone(),
            setup: station.setup()?,
            tally: count.tally,
            outcome: count.outcome,
            reconciliation: station.store().reconciliation(session)?,
            session,
            complaints: station.complaints()?.len(),
            demo: station.mode() == crate::store::StationMode::Demo,
            final_count: matches!(
                station.state()?,
                SessionState::Confirmed | SessionState::Closed
            ),
        })
    }
}

fn text(s: impl Into<String>, bold: bool, align: Align) -> TapeLine {
    TapeLine::Text {
        text: s.into(),
        bold,
        large: false,
        align,
    }
}

fn pair(label: impl Into<String>, value: impl Into<String>, bold: bool) -> TapeLine {
    TapeLine::Pair {
        label: label.into(),
        value: value.into(),
        bold,
    }
}

/// The watermark line of a tape printed before the board confirmed the count.
pub const DRAFT_VI: &str = "BẢN NHÁP — CHƯA XÁC NHẬN";

impl TapeContent {
    /// The tape for these facts, printed at `printed_at` (numbers per rules.md §7, outcome per §5).
    pub fn from_facts(f: &TapeFacts, printed_at: NaiveDateTime) -> TapeContent {
        let mut l = Vec::new();
        header(f, &mut l);
        ballots(f, &mut l);
        votes(f, &mut l);
        outcome(f, &mut l);
        signatures(f, printed_at, &mut l);
        TapeContent { lines: l }
    }

    /// All the text on the tape, one string per line or block, for checks.
    pub fn texts(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                TapeLine::Text { text, .. } => Some(text.clone()),
                TapeLine::Pair { label, value, .. } => Some(format!("{label}: {value}")),
                TapeLine::Rule => None,
                TapeLine::Signature { role, name } => Some(format!("{role}: {name}")),
            })
            .collect()
    }
}

/// The heading: draft mark, unit, title, office and date.
fn header(f: &TapeFacts, l: &mut Vec<TapeLine>) {
    let e = &f.election.election;
    if f.demo {
        l.push(text(crate::store::DEMO_MARK, true, Align::Center));
    }
    if !f.final_count {
        l.push(text(DRAFT_VI, true, Align::Center));
    }
    l.push(text(format!("UBND {}", e.commune), false, Align::Center));
    l.push(text(e.unit.clone(), true, Align::Center));
    l.push(TapeLine::Text {
        text: "KẾT QUẢ KIỂM PHIẾU".into(),
        bold: true,
        large: true,
        align: Align::Center,
    });
    l.push(text(
        format!("Bầu {} nhiệm kỳ {}", e.office, e.term),
        false,
        Align::Center,
    ));
    l.push(text(
        format!("Ngày {}", rules::date_vi(e.date)),
        false,
        Align::Center,
    ));
    l.push(TapeLine::Rule);
}

/// Households, attendance and the ballots issued, returned, valid and invalid (rules.md §7).
fn ballots(f: &TapeFacts, l: &mut Vec<TapeLine>) {
    let e = &f.election.election;
    let h = e.households;
    let a = f.setup.attendance;
    l.push(pair("Tổng số hộ gia đình (H)", h.to_string(), false));
    let a_label = match e.mode {
        Mode::Meeting => "Số đại diện hộ dự họp (A)",
        Mode::Household => "Số hộ được phát phiếu (A)",
    };
    l.push(pair(
        a_label,
        format!("{a} ({}%)", rules::percent(a.into(), h.into())),
        false,
    ));
    l.push(pair(
        "Số hộ không dự (H – A)",
        h.saturating_sub(a).to_string(),
        false,
    ));
    let returned = f
        .reconciliation
        .as_ref()
        .map_or(f.tally.returned, |r| r.returned);
    match &f.reconciliation {
        Some(r) => {
            l.push(pair("Số phiếu phát ra", r.issued.to_string(), false));
            l.push(pair("Số phiếu thu vào", r.returned.to_string(), false));
            if r.spoiled > 0 {
                l.push(pair("Số phiếu hỏng đã đổi", r.spoiled.to_string(), false));
            }
        }
        None => l.push(pair(
            "Số phiếu đã kiểm",
            f.tally.returned.to_string(),
            false,
        )),
    }
    let t = &f.tally;
    l.push(pair(
        "Số phiếu hợp lệ",
        format!(
            "{} ({}%)",
            t.valid,
            rules::percent(t.valid.into(), returned.into())
        ),
        true,
    ));
    l.push(pair(
        "Số phiếu không hợp lệ",
        format!(
            "{} ({}%)",
            t.invalid,
            rules::percent(t.invalid.into(), returned.into())
        ),
        false,
    ));
    for (reason, n) in &t.invalid_by_reason {
        l.push(pair(
            format!("– {}", reason.label_vi()),
            n.to_string(),
            false,
        ));
    }
}

/// The votes of each candidate (and Không đồng ý for a single one), as a share of the households.
fn votes(f: &TapeFacts, l: &mut Vec<TapeLine>) {
    let h = f.election.election.households;
    let t = &f.tally;
    l.push(TapeLine::Rule);
    l.push(text("SỐ PHIẾU BẦU CHO MỖI NGƯỜI", true, Align::Center));
    l.push(text(
        "(tỷ lệ % trên tổng số hộ gia đình)",
        false,
        Align::Center,
    ));
    let single = f.election.is_single_candidate();
    for (i, c) in f.election.candidates.iter().enumerate() {
        let v = t.votes_for(&c.id);
        let label = if single {
            format!("Đồng ý: {}", c.name)
        } else {
            format!("{}. {}", i + 1, c.name)
        };
        l.push(pair(
            label,
            format!("{v} – {}%", rules::percent(v.into(), h.into())),
            true,
        ));
    }
    if single {
        l.push(pair(
            "Không đồng ý",
            format!(
                "{} – {}%",
                t.disapprove,
                rules::percent(t.disapprove.into(), h.into())
            ),
            false,
        ));
    }
}

/// Who is elected, or why nobody is (rules.md §5), the note and the complaints.
fn outcome(f: &TapeFacts, l: &mut Vec<TapeLine>) {
    let h = f.election.election.households;
    l.push(TapeLine::Rule);
    match &f.outcome {
        Outcome::Elected { candidate, votes } => {
            let name = f
                .election
                .candidate(candidate)
                .map_or(candidate.as_str(), |c| c.name.as_str());
            l.push(text(format!("Người trúng cử: {name}"), true, Align::Left));
            l.push(text(
                format!(
                    "{votes}/{h} hộ = {}%, trên 50% tổng số hộ gia đình",
                    rules::percent((*votes).into(), h.into())
                ),
                false,
                Align::Left,
            ));
        }
        Outcome::NoneElected { reason } => {
            l.push(text(rules::NONE_ELECTED_VI, true, Align::Left));
            l.push(text(
                format!("Lý do: {}.", reason.label_vi()),
                false,
                Align::Left,
            ));
            l.push(text(
                format!("{}.", rules::RE_ELECTION_NOTE_VI),
                false,
                Align::Left,
            ));
        }
    }
    if let Some(note) = f.reconciliation.as_ref().and_then(|r| r.note.as_deref()) {
        l.push(text(format!("Ghi chú: {note}"), false, Align::Left));
    }
    l.push(pair(
        "Khiếu nại, tố cáo (xem biên bản)",
        f.complaints.to_string(),
        false,
    ));
}

/// When it was printed, and room for the board and the witnesses to sign.
fn signatures(f: &TapeFacts, printed_at: NaiveDateTime, l: &mut Vec<TapeLine>) {
    l.push(TapeLine::Rule);
    l.push(text(
        format!(
            "Phiên kiểm phiếu {} · in lúc {}, ngày {}",
            f.session,
            rules::time_vi(printed_at.hour(), printed_at.minute()),
            rules::date_vi(printed_at.date())
        ),
        false,
        Align::Left,
    ));
    l.push(TapeLine::Signature {
        role: "TỔ TRƯỞNG".into(),
        name: f.setup.leader.clone(),
    });
    for m in &f.setup.members {
        l.push(TapeLine::Signature {
            role: "THÀNH VIÊN".into(),
            name: m.clone(),
        });
    }
    for w in &f.setup.witnesses {
        l.push(TapeLine::Signature {
            role: "ĐẠI DIỆN HỘ GIA ĐÌNH CHỨNG KIẾN".into(),
            name: w.clone(),
        });
    }
}
