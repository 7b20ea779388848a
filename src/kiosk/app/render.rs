//! Rendering: every property of the window set from the view state, one
//! function per screen (set-up, counting, review, reconcile, tally sheet).

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::{Shared, ViewState};
use crate::kiosk::present::{self, ReviewChoice, TallyLine, tr};
use crate::kiosk::review_input;
use crate::kiosk::service::{ScannerState, Snapshot};
use crate::kiosk::ui;
use kiemphieu_core::election::Election;
use kiemphieu_station::store::{Decision, SessionState};

/// Replaces a list property only when its rows changed: a new model rebuilds
/// every row of the list on screen, and the kiosk renders after each update.
macro_rules! set_model {
    ($k:expr, $get:ident, $set:ident, $rows:expr) => {{
        let rows = $rows;
        let old = $k.$get();
        if old.row_count() != rows.len() || old.iter().zip(rows.iter()).any(|(a, b)| &a != b) {
            $k.$set(ModelRc::new(VecModel::from(rows)));
        }
    }};
}

fn strings(v: impl IntoIterator<Item = String>) -> Vec<SharedString> {
    v.into_iter().map(SharedString::from).collect()
}

/// Sets every property from the view state.
pub(super) fn render(w: &ui::KioskWindow, s: &Shared) {
    let k = w.global::<ui::Kiosk>();
    let mut st = s.state.borrow_mut();
    let en = st.english;
    w.global::<ui::Tr>().set_en(en);
    ui::speak(en);
    if let Some(screen) = st.screen {
        k.set_screen(screen);
    }
    let (notice, is_error) = match &st.notice {
        Some((vi, english, e)) => (if en { english } else { vi }.clone(), *e),
        None => (String::new(), false),
    };
    k.set_notice(notice.into());
    k.set_notice_is_error(is_error);
    let election = st
        .snapshot
        .as_ref()
        .map(|s| s.election.clone())
        .or_else(|| st.election.as_ref().map(|e| e.1.clone()));
    render_setup(&k, &st, election.as_ref(), en);
    render_scanner(&k, &st, en);
    let (options, valid) = match (
        &election,
        st.snapshot.as_ref().and_then(|s| s.review.as_ref()),
    ) {
        (Some(e), Some(r)) => present::review_choices(e, &r.place, en),
        _ => (Vec::new(), 0),
    };
    set_model!(
        k,
        get_verdict_options,
        set_verdict_options,
        strings(options.iter().map(|o| o.1.clone()))
    );
    set_model!(
        k,
        get_verdict_keys,
        set_verdict_keys,
        strings((0..options.len()).map(review_input::verdict_key))
    );
    k.set_valid_options(i32::try_from(valid).unwrap_or(0));
    st.options = options.iter().map(|o| o.0.clone()).collect();
    if !st.sources.is_empty() && k.get_scanner_source().trim().is_empty() {
        // Never a default source: the first one offered (SANE, the hot folder).
        k.set_scanner_source(st.sources[0].as_str().into());
    }
    let Some(snap) = st.snapshot.as_ref() else {
        k.set_session_open(false);
        return;
    };
    if snap.mode == kiemphieu_station::store::StationMode::Demo {
        let i = &snap.election.election;
        k.set_unit_title(
            format!(
                "{} · {} — {}, {}",
                kiemphieu_station::store::DEMO_MARK,
                i.title,
                i.unit,
                i.commune
            )
            .into(),
        );
    }
    k.set_session_open(true);
    k.set_batch(snap.batch.as_str().into());
    let lines = present::tally_lines(&snap.election, &snap.count, en);
    render_counting(&k, snap, &lines, en);
    render_review(&k, snap, &options, en);
    render_reconcile(&k, snap, en);
    let complaint_saved = st
        .complaint_sent
        .is_some_and(|known| snap.complaints.len() > known);
    render_sheet(&k, snap, &lines, en);
    if complaint_saved {
        st.complaint_sent = None;
        k.set_complaint_form(false);
        k.set_complaint_from(SharedString::new());
        k.set_complaint_text(SharedString::new());
        k.set_complaint_handling(SharedString::new());
    }
}

/// Set-up: election files, scanner sources, the test sheet and the election.
fn render_setup(k: &ui::Kiosk<'_>, st: &ViewState, election: Option<&Election>, en: bool) {
    set_model!(
        k,
        get_election_files,
        set_election_files,
        strings(st.election_files.iter().map(|p| p.display().to_string()),)
    );
    set_model!(
        k,
        get_scanner_sources,
        set_scanner_sources,
        strings(st.sources.clone())
    );
    if let Some((vi, english)) = &st.test_message {
        k.set_test_status(if en { english } else { vi }.as_str().into());
    }
    k.set_election_loaded(election.is_some());
    if let Some(e) = election {
        let i = &e.election;
        k.set_unit_title(format!("{} — {}, {}", i.title, i.unit, i.commune).into());
        k.set_households(i.households as i32);
        k.set_election_summary(election_summary(e, en).into());
        let (file, clock) = count_dates(e);
        let differ = file != clock;
        let shown = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        k.set_file_date(if differ { shown(file) } else { String::new() }.into());
        k.set_clock_date(if differ { shown(clock) } else { String::new() }.into());
        k.set_needed_text(present::needed_text(e, en).into());
    }
}

/// The election file's day of the meeting and the station's day (Vietnam time).
pub(super) fn count_dates(e: &Election) -> (chrono::NaiveDate, chrono::NaiveDate) {
    (
        kiemphieu_station::station::expected_count_date(e),
        kiemphieu_station::station::today_in_vietnam(),
    )
}

/// The election as the set-up screen summarises it.
fn election_summary(e: &Election, en: bool) -> String {
    let i = &e.election;
    let names: Vec<String> = e.candidates.iter().map(|c| c.name.clone()).collect();
    if en {
        format!(
            "{}\nUnit: {}, {}, {}\nTerm: {}; meeting {}\nHouseholds H = {}\nCandidates: {}",
            i.title,
            i.unit,
            i.commune,
            i.province,
            i.term,
            i.date,
            i.households,
            names.join(", ")
        )
    } else {
        format!(
            "{}\nĐơn vị: {}, {}, {}\nNhiệm kỳ: {}; họp ngày {}\nTổng số hộ H = {}\nNgười ứng cử: {}",
            i.title,
            i.unit,
            i.commune,
            i.province,
            i.term,
            kiemphieu_core::rules::date_vi(i.date),
            i.households,
            names.join(", ")
        )
    }
}

/// Counting: the scanner's state and the last ballot's caption.
fn render_scanner(k: &ui::Kiosk<'_>, st: &ViewState, en: bool) {
    let (level, text) = scanner_text(st.scanner.as_ref(), en);
    k.set_scanner_level(level);
    k.set_scanner_status(text.into());
    let scanning = matches!(
        st.scanner,
        Some(
            ScannerState::Running { .. } | ScannerState::Paused { .. } | ScannerState::Fault { .. }
        )
    );
    k.set_scanning(scanning);
    k.set_paused(matches!(
        st.scanner,
        Some(ScannerState::Paused { .. } | ScannerState::Fault { .. })
    ));
    if let Some((sheet, status, serial)) = &st.last_caption {
        k.set_last_caption(
            format!(
                "{} {sheet}: {}{}",
                tr(en, "Tờ", "Sheet"),
                present::status_label(status, en),
                serial
                    .as_ref()
                    .map(|s| format!(" · {s}"))
                    .unwrap_or_default()
            )
            .into(),
        );
    }
}

/// The scanner's level (0 ready, 1 running, 2 fault, 3 paused) and what to say.
fn scanner_text(scanner: Option<&ScannerState>, en: bool) -> (i32, String) {
    match scanner {
        None | Some(ScannerState::Idle) => (
            0,
            tr(
                en,
                "Máy quét sẵn sàng. Đặt phiếu vào khay và bấm Bắt đầu.",
                "Scanner ready. Load the ballots and press Start.",
            )
            .to_string(),
        ),
        Some(ScannerState::Running { batch }) => (
            1,
            if en {
                format!("Scanning {batch}…")
            } else {
                format!("Đang quét {batch}…")
            },
        ),
        Some(ScannerState::Paused { .. }) => (
            3,
            tr(
                en,
                "Tạm dừng. Bấm Tiếp tục để quét tiếp.",
                "Paused. Press Continue to go on.",
            )
            .to_string(),
        ),
        Some(ScannerState::Fault {
            instruction_vi,
            instruction_en,
            ..
        }) => {
            let instruction = if en { instruction_en } else { instruction_vi };
            let then = tr(en, "Rồi bấm Tiếp tục.", "Then press Continue.");
            // Said once, whether or not the instruction ends with it already.
            let text = if instruction.contains(then) {
                instruction.clone()
            } else {
                format!("{instruction} {then}")
            };
            (2, text)
        }
        Some(ScannerState::Failed { message }) => (
            2,
            format!(
                "{} {message}",
                tr(
                    en,
                    "Máy quét không dùng được:",
                    "The scanner cannot be used:"
                )
            ),
        ),
    }
}

/// Counting: the live tally, the sheets by status and the progress.
fn render_counting(k: &ui::Kiosk<'_>, snap: &Snapshot, lines: &[TallyLine], en: bool) {
    let count = &snap.count;
    set_model!(
        k,
        get_tally,
        set_tally,
        lines
            .iter()
            .map(|l| ui::TallyRow {
                label: l.label.as_str().into(),
                votes: l.votes as i32,
                share: l.share.as_str().into(),
                needed: l.needed.as_str().into(),
                passing: l.passing,
            })
            .collect::<Vec<_>>()
    );
    k.set_valid(count.tally.valid as i32);
    k.set_invalid(count.tally.invalid as i32);
    set_model!(
        k,
        get_invalid_reasons,
        set_invalid_reasons,
        count
            .tally
            .invalid_by_reason
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| ui::LabelValue {
                label: if en { r.label_en() } else { r.label_vi() }.into(),
                value: n.to_string().into(),
            })
            .collect::<Vec<_>>()
    );
    let aside = |kind| count.set_aside.get(&kind).copied().unwrap_or(0) as i32;
    k.set_awaiting_review(count.awaiting_review as i32);
    k.set_duplicates(aside(kiemphieu_station::station::NotBallot::SecondScan));
    k.set_blank(aside(kiemphieu_station::station::NotBallot::Blank));
    k.set_rejected(count.not_issued.values().sum::<u32>() as i32);
    k.set_pending(count.pending as i32);
    k.set_scanned(snap.sheets as i32);
    let returned = k
        .get_returned()
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|r| *r > 0);
    let counted = count.tally.returned;
    if let Some(r) = returned {
        k.set_progress(counted as f32 / r as f32);
        k.set_progress_text(
            if en {
                format!(
                    "{counted} of {r} ballots returned counted; {} sheets scanned",
                    snap.sheets
                )
            } else {
                format!(
                    "Đã đếm {counted}/{r} phiếu thu vào; đã quét {} tờ",
                    snap.sheets
                )
            }
            .into(),
        );
    } else {
        k.set_progress(0.0);
        k.set_progress_text(
            if en {
                format!(
                    "{counted} ballots counted; {} sheets scanned; {} being read",
                    snap.sheets, count.pending
                )
            } else {
                format!(
                    "Đã đếm {counted} phiếu; đã quét {} tờ; đang đọc {}",
                    snap.sheets, count.pending
                )
            }
            .into(),
        );
    }
}

/// Review: the officials, the waiting page's reading and the last decision.
fn render_review(k: &ui::Kiosk<'_>, snap: &Snapshot, options: &[(ReviewChoice, String)], en: bool) {
    let e = &snap.election;
    let board = snap.setup.board();
    set_model!(k, get_officials, set_officials, strings(board.clone()));
    if k.get_official_index() >= board.len() as i32 {
        k.set_official_index(-1);
    }
    if let Some(r) = &snap.review {
        let reading = r
            .reading
            .as_ref()
            .filter(|_| {
                r.place.destination() == Some(kiemphieu_station::station::Destination::Ballot)
            })
            .map(|rd| {
                format!(
                    " · {}",
                    present::reading_text(e, rd, r.sheet.certainty(), en)
                )
            })
            .unwrap_or_default();
        k.set_review_reading(
            format!(
                "{} {}: {}{reading}",
                tr(en, "Tờ", "Sheet"),
                r.sheet.sheet.id,
                r.place.words(en)
            )
            .into(),
        );
        let suggestion = r.reading.as_ref().and_then(|rd| rd.suggestion.as_ref());
        // Worded as its button is, and that button is framed.
        let index = suggestion.and_then(|v| {
            options
                .iter()
                .position(|o| matches!(&o.0, ReviewChoice::Decide(Decision::Ballot(d)) if d == v))
        });
        k.set_suggested_index(index.and_then(|i| i32::try_from(i).ok()).unwrap_or(-1));
        let says = tr(en, "Máy đề xuất:", "The machine suggests:");
        k.set_review_suggestion(
            match (suggestion, index) {
                (_, Some(i)) => {
                    format!("{says} {}. {}", review_input::verdict_key(i), options[i].1)
                }
                (Some(v), None) => format!("{says} {}", present::verdict_text(e, v, en)),
                (None, None) => tr(en, "Máy không có đề xuất.", "No suggestion.").to_string(),
            }
            .into(),
        );
    } else {
        k.set_suggested_index(-1);
        k.set_review_reading(SharedString::new());
        k.set_review_suggestion(SharedString::new());
    }
    let open = matches!(
        snap.state,
        SessionState::Setup | SessionState::Counting | SessionState::Review
    );
    k.set_can_undo(open && snap.last_decision.is_some());
    if let Some(d) = &snap.last_decision {
        k.set_undo_text(
            format!(
                "{} {} — {} ({})",
                tr(en, "tờ", "sheet"),
                d.sheet,
                present::decision_text(e, &d.decision, en),
                d.official
            )
            .into(),
        );
    }
}

/// Reconcile and confirm: the checks, the result, complaints and the board.
fn render_reconcile(k: &ui::Kiosk<'_>, snap: &Snapshot, en: bool) {
    k.set_reconciled(snap.state == SessionState::Reconciled);
    k.set_closed(matches!(
        snap.state,
        SessionState::Confirmed | SessionState::Closed
    ));
    set_model!(
        k,
        get_checks,
        set_checks,
        snap.checks
            .iter()
            .map(|c| ui::CheckRow {
                text: if en { &c.text_en } else { &c.text_vi }.as_str().into(),
                holds: c.holds,
            })
            .collect::<Vec<_>>()
    );
    k.set_result_sentence(
        present::outcome_sentence(&snap.election, &snap.count.outcome, en).into(),
    );
    set_model!(
        k,
        get_complaints,
        set_complaints,
        present::complaint_lines(&snap.complaints, en)
            .into_iter()
            .map(SharedString::from)
            .collect::<Vec<_>>()
    );
    // A confirmation covers the whole biên bản, complaints included.
    k.set_can_complain(
        !matches!(snap.state, SessionState::Confirmed | SessionState::Closed)
            && snap.confirmations.is_empty(),
    );
    set_model!(
        k,
        get_board,
        set_board,
        snap.setup
            .board()
            .iter()
            .map(|b| ui::BoardMember {
                name: b.as_str().into(),
                confirmed: snap
                    .confirmations
                    .iter()
                    .any(|c| kiemphieu_core::rules::same_name(b, c)),
            })
            .collect::<Vec<_>>()
    );
}

/// Tally sheet: the result table (until the biên bản is printed from here).
fn render_sheet(k: &ui::Kiosk<'_>, snap: &Snapshot, lines: &[TallyLine], en: bool) {
    let count = &snap.count;
    let h = snap.election.election.households;
    let mut rows = vec![
        (tr(en, "Tổng số hộ (H)", "Households (H)"), h.to_string()),
        (
            tr(en, "Số đại diện hộ dự họp (A)", "Attendance (A)"),
            snap.setup.attendance.to_string(),
        ),
    ];
    if let Some(r) = &snap.reconciliation {
        rows.push((
            tr(en, "Số phiếu phát ra", "Ballots issued"),
            r.issued.to_string(),
        ));
        rows.push((
            tr(en, "Số phiếu thu vào", "Ballots returned"),
            r.returned.to_string(),
        ));
    }
    rows.push((
        tr(en, "Số phiếu hợp lệ", "Valid ballots"),
        count.tally.valid.to_string(),
    ));
    rows.push((
        tr(en, "Số phiếu không hợp lệ", "Invalid ballots"),
        count.tally.invalid.to_string(),
    ));
    let mut table: Vec<ui::LabelValue> = rows
        .into_iter()
        .map(|(l, v)| ui::LabelValue {
            label: l.into(),
            value: v.into(),
        })
        .collect();
    for l in lines {
        table.push(ui::LabelValue {
            label: l.label.as_str().into(),
            value: format!("{} ({})", l.votes, l.share).into(),
        });
    }
    set_model!(k, get_result_rows, set_result_rows, table);
}
