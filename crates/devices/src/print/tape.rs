//! The tally tape: the numbers of the tally sheet on a thermal roll, drawn as
//! an image (Vietnamese needs no code page that way) and sent as ESC/POS
//! raster over a serial port.
//!
//! Three pure steps — [`TapeContent`] from the count, [`render_tape`] to a
//! 1-bit image, [`escpos::encode_job`](super::escpos::encode_job) to bytes —
//! and one that touches the device, [`send_job`], which asks the printer for
//! its status first so a printer out of paper prints nothing.

use std::io::{Read, Write};
use std::time::Duration;

use ab_glyph::{Glyph, GlyphId, OutlinedGlyph, PxScale, PxScaleFactor, point};
use chrono::{NaiveDateTime, Timelike};
use image::{GrayImage, Luma};

use super::escpos::{self, PrinterStatus, StatusByteError, StatusKind, TapeProblem, TapeWidth};
use crate::ballot::fonts::{self, FontStyle};
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
        let e = &f.election.election;
        let h = e.households;
        let mut l = Vec::new();
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

/// Type size of body text in dots (≈ 2.8 mm at 203 dpi).
const BODY_PX: f32 = 22.0;
/// Type size of the title.
const LARGE_PX: f32 = 30.0;
/// Side margin in dots.
const MARGIN: u32 = 6;
/// Room left for a handwritten signature, in dots (≈ 8 mm).
const SIGN_ROOM: u32 = 64;

/// A rendered tape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeImage {
    /// The dots: 0 black, 255 white, width = the roll's dots.
    pub image: GrayImage,
    /// Lines of text drawn (after wrapping).
    pub text_lines: u32,
}

/// Grows downwards as lines are drawn; coverage 0..1 per dot.
struct Canvas {
    w: u32,
    cov: Vec<f32>,
    y: u32,
    text_lines: u32,
}

impl Canvas {
    fn ensure(&mut self, rows: u32) {
        let need = (rows * self.w) as usize;
        if self.cov.len() < need {
            self.cov.resize(need, 0.0);
        }
    }

    fn add(&mut self, x: i64, y: i64, c: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.w) {
            return;
        }
        self.ensure(y as u32 + 1);
        let i = y as usize * self.w as usize + x as usize;
        self.cov[i] = (self.cov[i] + c).min(1.0);
    }

    fn hline(&mut self, x0: u32, x1: u32, y: u32, dotted: bool) {
        for x in x0..x1 {
            if !dotted || (x / 3) % 2 == 0 {
                self.add(i64::from(x), i64::from(y), 1.0);
            }
        }
    }

    /// Draws one line of text at the current row and moves down a line.
    fn text_line(&mut self, s: &str, style: FontStyle, px: f32, x: f32) {
        let shaped = shape_lossy(style, s);
        let upem = style.units_per_em() as f32;
        let factor = PxScaleFactor {
            horizontal: px / upem,
            vertical: px / upem,
        };
        let line_h = (px * 1.3).ceil() as u32;
        let baseline = self.y as f32 + px * 1.0;
        self.ensure(self.y + line_h);
        for g in &shaped.glyphs {
            let Some(outline) = style.outline(g.id) else {
                continue;
            };
            let glyph = Glyph {
                id: GlyphId(g.id),
                scale: PxScale::from(px),
                position: point(x + g.x_em as f32 * px, baseline),
            };
            let outlined = OutlinedGlyph::new(glyph, outline, factor);
            let b = outlined.px_bounds();
            let (ox, oy) = (b.min.x as i64, b.min.y as i64);
            outlined.draw(|gx, gy, c| self.add(ox + i64::from(gx), oy + i64::from(gy), c));
        }
        self.y += line_h;
        self.text_lines += 1;
    }
}

/// Shapes text, drawing any character the bundled font lacks as '?'.
fn shape_lossy(style: FontStyle, s: &str) -> fonts::ShapedText {
    let mut s = s.to_string();
    loop {
        match fonts::shape(style, &s) {
            Ok(t) => return t,
            Err(c) => s = s.replace(c, "?"),
        }
    }
}

fn width_px(style: FontStyle, s: &str, px: f32) -> f32 {
    shape_lossy(style, s).advance_em as f32 * px
}

/// Splits text into lines no wider than `max` dots (a word wider than a line is split by characters).
fn wrap(style: FontStyle, s: &str, px: f32, max: f32) -> Vec<String> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    let measured = kiemphieu_core::text::wrap(
        s,
        f64::from(max),
        kiemphieu_core::text::LongWords::Split,
        |line| Ok::<_, std::convert::Infallible>(f64::from(width_px(style, line, px))),
    );
    match measured {
        Ok(lines) => lines,
        Err(never) => match never {},
    }
}

/// Draws the tape across `width` (pure: same content, same dots).
pub fn render_tape(content: &TapeContent, width: TapeWidth) -> TapeImage {
    let w = width.dots();
    let mut cv = Canvas {
        w,
        cov: Vec::new(),
        y: 8,
        text_lines: 0,
    };
    let left = MARGIN as f32;
    let avail = (w - 2 * MARGIN) as f32;
    let style_of = |bold: bool| {
        if bold {
            FontStyle::Bold
        } else {
            FontStyle::Regular
        }
    };
    for line in &content.lines {
        match line {
            TapeLine::Text {
                text,
                bold,
                large,
                align,
            } => {
                let px = if *large { LARGE_PX } else { BODY_PX };
                let style = style_of(*bold);
                for part in wrap(style, text, px, avail) {
                    let x = match align {
                        Align::Left => left,
                        Align::Center => {
                            left + ((avail - width_px(style, &part, px)) / 2.0).floor()
                        }
                    };
                    cv.text_line(&part, style, px, x);
                }
            }
            TapeLine::Pair { label, value, bold } => {
                let style = style_of(*bold);
                let vw = width_px(style, value, BODY_PX);
                let gap = BODY_PX * 0.6;
                let mut parts = wrap(style, label, BODY_PX, avail - vw - gap);
                if parts.is_empty() {
                    parts.push(String::new());
                }
                let last = parts.len() - 1;
                for (i, part) in parts.iter().enumerate() {
                    if i == last {
                        // Value on the label's last line, right-aligned.
                        let row = cv.y;
                        cv.text_line(part, style, BODY_PX, left);
                        let saved = cv.y;
                        cv.y = row;
                        cv.text_line(value, style, BODY_PX, left + avail - vw);
                        cv.text_lines -= 1;
                        cv.y = saved;
                    } else {
                        cv.text_line(part, style, BODY_PX, left);
                    }
                }
            }
            TapeLine::Rule => {
                cv.y += 6;
                cv.hline(MARGIN, w - MARGIN, cv.y, false);
                cv.hline(MARGIN, w - MARGIN, cv.y + 1, false);
                cv.y += 8;
            }
            TapeLine::Signature { role, name } => {
                cv.y += 10;
                for part in wrap(FontStyle::Bold, role, BODY_PX, avail) {
                    let x =
                        left + ((avail - width_px(FontStyle::Bold, &part, BODY_PX)) / 2.0).floor();
                    cv.text_line(&part, FontStyle::Bold, BODY_PX, x);
                }
                cv.y += SIGN_ROOM;
                let inset = w / 6;
                cv.hline(inset, w - inset, cv.y, true);
                cv.y += 4;
                for part in wrap(FontStyle::Regular, name, BODY_PX, avail) {
                    let x = left
                        + ((avail - width_px(FontStyle::Regular, &part, BODY_PX)) / 2.0).floor();
                    cv.text_line(&part, FontStyle::Regular, BODY_PX, x);
                }
            }
        }
    }
    let h = cv.y + 16;
    cv.ensure(h);
    let image = GrayImage::from_fn(w, h, |x, y| {
        let c = cv.cov[(y * w + x) as usize];
        Luma([if c >= 0.5 { 0 } else { 255 }])
    });
    TapeImage {
        image,
        text_lines: cv.text_lines,
    }
}

/// A tape printer failure, naming the port; `Display` gives Vietnamese then English.
#[derive(Debug, thiserror::Error)]
pub enum TapeError {
    /// The serial port cannot be opened.
    #[error("không mở được cổng {port} / cannot open serial port {port}: {source}")]
    Open {
        /// The port.
        port: String,
        /// Why.
        source: serialport::Error,
    },
    /// No status reply within the time limit.
    #[error(
        "máy in không trả lời trên cổng {port} sau {ms} ms — kiểm tra dây cáp, nguồn và tốc độ baud / printer not answering on {port} after {ms} ms — check the cable, power and baud rate"
    )]
    NotAnswering {
        /// The port.
        port: String,
        /// Milliseconds waited.
        ms: u128,
    },
    /// The printer reports a problem; nothing was printed.
    #[error("{port}: {vi}; chưa in gì / {port}: {en}; nothing was printed", vi = .problem.message_vi(), en = .problem.message_en())]
    Problem {
        /// The port.
        port: String,
        /// What is wrong.
        problem: TapeProblem,
    },
    /// The reply is not a status byte (wrong baud rate, or not an ESC/POS printer).
    #[error(
        "máy in trên cổng {port} trả lời sai — kiểm tra tốc độ baud / the printer on {port} answers garbage — check the baud rate: {source}"
    )]
    BadStatus {
        /// The port.
        port: String,
        /// The byte.
        source: StatusByteError,
    },
    /// The paper ran out while the tape was printing.
    #[error(
        "{port}: máy in nhiệt hết giấy trong khi in — lắp cuộn giấy mới rồi in lại cả băng / {port}: the thermal printer ran out of paper while printing — load a new roll and print the whole tape again"
    )]
    RanOut {
        /// The port.
        port: String,
    },
    /// Reading or writing the port failed.
    #[error("lỗi cổng {port} / serial port {port} failed: {source}")]
    Io {
        /// The port.
        port: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The statuses asked before printing: printer, offline cause, paper sensor.
pub const STATUS_QUERIES: [StatusKind; 3] =
    [StatusKind::Printer, StatusKind::Offline, StatusKind::Paper];

/// Asks the printer for its status (DLE EOT 1, 2, 4), sends the job if nothing stops it, then asks for the paper sensor again.
///
/// `port` names the device in errors; reads must time out (the serial port's
/// own timeout) — a read that times out is "printer not answering".
/// Returns the status seen (e.g. paper near its end).
pub fn send_job<P: Read + Write + ?Sized>(
    dev: &mut P,
    port: &str,
    job: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let io = |source: std::io::Error| TapeError::Io {
        port: port.to_string(),
        source,
    };
    let mut status = PrinterStatus::default();
    for kind in STATUS_QUERIES {
        status = status.merge(query(dev, port, kind, timeout)?);
    }
    if let Some(problem) = status.problem() {
        return Err(TapeError::Problem {
            port: port.to_string(),
            problem,
        });
    }
    dev.write_all(job).map_err(io)?;
    dev.flush().map_err(io)?;
    // Asked after the job, the paper sensor also tells that the printer got every byte.
    let after = query(dev, port, StatusKind::Paper, timeout)?;
    if after.paper_end {
        return Err(TapeError::RanOut {
            port: port.to_string(),
        });
    }
    Ok(status.merge(after))
}

/// Sends one DLE EOT query and reads its one-byte reply.
fn query<P: Read + Write + ?Sized>(
    dev: &mut P,
    port: &str,
    kind: StatusKind,
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let io = |source: std::io::Error| TapeError::Io {
        port: port.to_string(),
        source,
    };
    let not_answering = || TapeError::NotAnswering {
        port: port.to_string(),
        ms: timeout.as_millis(),
    };
    dev.write_all(&kind.query()).map_err(io)?;
    dev.flush().map_err(io)?;
    let mut b = [0u8; 1];
    match dev.read(&mut b) {
        Ok(1) => {}
        Ok(_) => return Err(not_answering()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            return Err(not_answering());
        }
        Err(e) => return Err(io(e)),
    }
    escpos::parse_status(kind, b[0]).map_err(|source| TapeError::BadStatus {
        port: port.to_string(),
        source,
    })
}

/// Opens a serial port (8N1, no flow control) and sends the job with [`send_job`].
pub fn print_on_port(
    port: &str,
    baud: u32,
    job: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let mut dev = serialport::new(port, baud)
        .timeout(timeout)
        .open_native()
        .map_err(|source| TapeError::Open {
            port: port.to_string(),
            source,
        })?;
    // Stale bytes (an earlier reply) would be read as this status.
    let _ = serialport::SerialPort::clear(&dev, serialport::ClearBuffer::Input);
    send_job(&mut dev, port, job, timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::Marking;
    use crate::rules::InvalidReason;
    use crate::rules::test_util::election_with;

    fn facts(votes: &[u32], h: u32, final_count: bool) -> TapeFacts {
        let names: Vec<&str> =
            ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"][..votes.len()].to_vec();
        let election = election_with(&names, Marking::Strike, h);
        let mut tally = Tally::new(&election);
        for (c, v) in election.candidates.iter().zip(votes) {
            tally.votes.insert(c.id.clone(), *v);
        }
        tally.valid = votes.iter().sum();
        tally.invalid = 3;
        tally.invalid_by_reason.insert(InvalidReason::NoStamp, 2);
        tally.invalid_by_reason.insert(InvalidReason::AllStruck, 1);
        tally.returned = tally.valid + tally.invalid;
        let outcome = rules::outcome(&election, &tally);
        TapeFacts {
            election,
            setup: Setup {
                leader: "Nguyễn Thị Hoa".into(),
                members: vec!["Lê Văn Ba".into()],
                witnesses: vec!["Trần Văn Hùng".into(), "Đỗ Thị Mai".into()],
                attendance: 20,
            },
            reconciliation: Some(Reconciliation {
                issued: tally.returned + 1,
                returned: tally.returned,
                spoiled: 0,
                note: None,
            }),
            tally,
            outcome,
            complaints: 0,
            session: 1,
            final_count,
        }
    }

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 10, 13)
            .unwrap()
            .and_hms_opt(10, 5, 0)
            .unwrap()
    }

    #[test]
    fn content_carries_the_numbers_and_the_outcome() {
        let f = facts(&[12, 5], 22, true);
        let t = TapeContent::from_facts(&f, at()).texts();
        let has = |s: &str| t.iter().any(|l| l.contains(s));
        assert!(!has(DRAFT_VI));
        assert!(has("Tổng số hộ gia đình (H): 22"), "{t:#?}");
        assert!(has("Số đại diện hộ dự họp (A): 20 (90,91%)"), "{t:#?}");
        assert!(has("Số hộ không dự (H – A): 2"), "{t:#?}");
        assert!(has("Số phiếu phát ra: 21"), "{t:#?}");
        assert!(has("Số phiếu thu vào: 20"), "{t:#?}");
        assert!(has("Khiếu nại, tố cáo (xem biên bản): 0"), "{t:#?}");
        assert!(has("Số phiếu hợp lệ: 17 (85,00%)"), "{t:#?}");
        assert!(has("Số phiếu không hợp lệ: 3 (15,00%)"), "{t:#?}");
        assert!(has("– Phiếu không có dấu của Tổ bầu cử: 2"), "{t:#?}");
        assert!(has("1. Nguyễn Văn An: 12 – 54,55%"), "{t:#?}");
        assert!(has("2. Trần Thị Bình: 5 – 22,73%"), "{t:#?}");
        assert!(has("Người trúng cử: Nguyễn Văn An"), "{t:#?}");
        assert!(has("in lúc 10 giờ 05 phút, ngày 13/10/2024"), "{t:#?}");
        assert!(has("TỔ TRƯỞNG: Nguyễn Thị Hoa"));
        assert!(has("THÀNH VIÊN: Lê Văn Ba"));
        assert!(has("ĐẠI DIỆN HỘ GIA ĐÌNH CHỨNG KIẾN: Đỗ Thị Mai"));
        // Every character is in the bundled fonts: nothing is drawn as '?'.
        for line in &t {
            for style in [FontStyle::Regular, FontStyle::Bold] {
                assert!(fonts::shape(style, line).is_ok(), "{line}");
            }
        }
    }

    #[test]
    fn exactly_half_elects_nobody_and_drafts_say_so() {
        // 11 of 22 households is exactly 50%: not more than half.
        let f = facts(&[11, 6], 22, false);
        let t = TapeContent::from_facts(&f, at()).texts();
        assert_eq!(t[0], DRAFT_VI);
        assert!(t.contains(&rules::NONE_ELECTED_VI.to_string()), "{t:#?}");
        assert!(t.iter().any(|l| l.contains("bầu lại")), "{t:#?}");
        assert!(t.iter().any(|l| l.contains("11 – 50,00%")), "{t:#?}");
    }

    #[test]
    fn render_fits_both_widths_and_is_deterministic() {
        let c = TapeContent::from_facts(&facts(&[12, 5, 0], 22, true), at());
        for w in [TapeWidth::Mm58, TapeWidth::Mm80] {
            let a = render_tape(&c, w);
            assert_eq!(a.image.width(), w.dots());
            assert!(a.text_lines >= c.texts().len() as u32);
            assert_eq!(a, render_tape(&c, w));
            let black = a.image.pixels().filter(|p| p.0[0] == 0).count();
            assert!(black > 5000, "{black}");
            // Nothing drawn into the side margins but the rules and dotted lines (≤ 2 px off).
            for y in 0..a.image.height() {
                assert_eq!(a.image.get_pixel(0, y).0[0], 255);
                assert_eq!(a.image.get_pixel(w.dots() - 1, y).0[0], 255);
            }
        }
        // The narrow roll wraps more.
        assert!(
            render_tape(&c, TapeWidth::Mm58).text_lines
                > render_tape(&c, TapeWidth::Mm80).text_lines
        );
    }

    #[test]
    fn wrapping_respects_the_width() {
        for max in [60.0f32, 150.0, 372.0] {
            let text = "Báo cáo Ủy ban nhân dân cấp xã xem xét, quyết định việc tổ chức bầu lại Mộtchữrấtdàikhôngcókhoảngtrắng";
            let lines = wrap(FontStyle::Regular, text, BODY_PX, max);
            assert!(lines.len() > 1);
            for l in &lines {
                assert!(
                    width_px(FontStyle::Regular, l, BODY_PX) <= max || l.chars().count() == 1,
                    "{l}"
                );
            }
            let joined: String = lines
                .concat()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(joined, want);
        }
    }
}
