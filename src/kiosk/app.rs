//! The kiosk app: the window bound to a running station service.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::ui;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::present::{self, tr};
use kiemphieu_core::election::Election;
use kiemphieu_core::rules::Verdict;
use kiemphieu_station::station::Setup;
use crate::kiosk::service::{Command, ScannerState, Service, ServiceConfig, Snapshot, Update};
use kiemphieu_station::store::SessionState;

/// How the kiosk is started.
#[derive(Debug, Clone, Default)]
pub struct KioskOptions {
    /// The station database.
    pub db: PathBuf,
    /// An election file to load at start.
    pub election: Option<PathBuf>,
    /// The scanner source to offer first.
    pub scanner: Option<String>,
    /// Board and attendance to prefill (the demo).
    pub prefill: Option<Setup>,
    /// Start in English.
    pub english: bool,
    /// Folders searched for election files; empty: /media and the working folder.
    pub election_dirs: Vec<PathBuf>,
}

/// A kiosk failure.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    /// No windowing system could be used.
    #[error("cannot open the kiosk window: {0}")]
    Platform(#[from] slint::PlatformError),
    /// The event loop failed.
    #[error("kiosk event loop: {0}")]
    EventLoop(#[from] slint::EventLoopError),
}

/// Where the kiosk remembers its screen and language: `DB.kiosk.json`.
pub fn view_state_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".kiosk.json");
    PathBuf::from(p)
}

#[derive(Default)]
struct ViewState {
    english: bool,
    screen: Option<i32>,
    snapshot: Option<Box<Snapshot>>,
    election: Option<(PathBuf, Election)>,
    election_files: Vec<PathBuf>,
    sources: Vec<String>,
    scanner: Option<ScannerState>,
    notice: Option<(String, String, bool)>,
    test_message: Option<(String, String)>,
    last_caption: Option<(i64, String, Option<String>)>,
    options: Vec<Verdict>,
    review_sheet: Option<i64>,
    board_filled: bool,
    /// Complaints known when one was sent: the form closes once the count grows.
    complaint_sent: Option<usize>,
}

struct Shared {
    service: Service,
    state: RefCell<ViewState>,
    db: PathBuf,
}

/// The kiosk window bound to a running station service.
pub struct KioskApp {
    window: ui::KioskWindow,
    shared: Rc<Shared>,
}

impl KioskApp {
    /// Creates the window (on the current Slint platform) and starts the service.
    pub fn new(options: &KioskOptions) -> Result<KioskApp, KioskError> {
        let window = ui::KioskWindow::new()?;
        let mut config = ServiceConfig::new(&options.db);
        config.election = options.election.clone();
        if !options.election_dirs.is_empty() {
            config.election_dirs = options.election_dirs.clone();
        }
        let saved = load_view_state(&options.db);
        let state = ViewState {
            english: saved.map_or(options.english, |s| s.1),
            screen: saved.map(|s| s.0),
            ..Default::default()
        };
        let shared = Rc::new(Shared {
            service: Service::start(config),
            state: RefCell::new(state),
            db: options.db.clone(),
        });
        let k = window.global::<ui::Kiosk>();
        if let Some(s) = &options.scanner {
            k.set_scanner_source(s.into());
        }
        let mut export = options.db.as_os_str().to_owned();
        export.push(".export");
        k.set_export_path(PathBuf::from(export).display().to_string().into());
        if let Some(p) = &options.election {
            k.set_election_path(p.display().to_string().into());
        }
        if let Some(setup) = &options.prefill {
            fill_board(&window, setup);
        }
        let app = KioskApp { window, shared };
        app.wire();
        app.render();
        Ok(app)
    }

    /// The Slint window.
    pub fn window(&self) -> &ui::KioskWindow {
        &self.window
    }

    /// Applies every update the service has sent; returns how many.
    pub fn pump(&self) -> usize {
        let updates = self.shared.service.drain();
        let n = updates.len();
        if n > 0 {
            for u in updates {
                apply(&self.window, &self.shared, u);
            }
            self.render();
        }
        n
    }

    /// Pumps until `done` holds or `timeout` passes (tests, scripted runs).
    pub fn pump_until(&self, timeout: Duration, done: impl Fn(&ui::KioskWindow) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.pump();
            if done(&self.window) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks the service for a fresh snapshot.
    pub fn refresh(&self) {
        self.shared.service.send(Command::Refresh);
    }

    fn render(&self) {
        render(&self.window, &self.shared);
    }

    fn wire(&self) {
        let k = self.window.global::<ui::Kiosk>();
        let weak = self.window.as_weak();
        let sh = self.shared.clone();
        let with = move |f: &dyn Fn(&ui::KioskWindow, &Shared)| {
            if let Some(w) = weak.upgrade() {
                f(&w, &sh);
            }
        };
        let with = Rc::new(with);
        macro_rules! on {
            ($setter:ident, |$w:ident, $s:ident $(, $arg:ident : $ty:ty)*| $body:block) => {{
                let with = with.clone();
                k.$setter(move |$($arg: $ty),*| with(&|$w: &ui::KioskWindow, $s: &Shared| $body));
            }};
        }
        on!(on_go, |w, s, n: i32| {
            s.state.borrow_mut().screen = Some(n);
            save_view_state(&s.db, n, s.state.borrow().english);
            render(w, s);
        });
        on!(on_set_english, |w, s, en: bool| {
            s.state.borrow_mut().english = en;
            let screen = w.global::<ui::Kiosk>().get_screen();
            save_view_state(&s.db, screen, en);
            render(w, s);
        });
        on!(on_load_election, |w, s| {
            let path = w.global::<ui::Kiosk>().get_election_path().to_string();
            if !path.trim().is_empty() {
                s.service
                    .send(Command::LoadElection(PathBuf::from(path.trim())));
            }
        });
        on!(on_choose_election, |w, s, i: i32| {
            let path = s.state.borrow().election_files.get(i as usize).cloned();
            if let Some(p) = path {
                w.global::<ui::Kiosk>()
                    .set_election_path(p.display().to_string().into());
                s.service.send(Command::LoadElection(p));
            }
        });
        on!(on_choose_source, |w, s, i: i32| {
            let source = s.state.borrow().sources.get(i as usize).cloned();
            if let Some(src) = source {
                w.global::<ui::Kiosk>().set_scanner_source(src.into());
            }
        });
        on!(on_open_session, |w, s| {
            let k = w.global::<ui::Kiosk>();
            let election = s.state.borrow().election.as_ref().map(|e| e.0.clone());
            let Some(election) = election else { return };
            let list = |t: SharedString| -> Vec<String> {
                t.split([',', ';'])
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            };
            let attendance = k.get_attendance().trim().parse::<u32>().unwrap_or(0);
            let setup = Setup {
                leader: k.get_leader().trim().to_string(),
                members: list(k.get_members()),
                witnesses: list(k.get_witnesses()),
                attendance,
            };
            s.service.send(Command::OpenSession { election, setup });
        });
        on!(on_test_scanner, |w, s| {
            let source = w.global::<ui::Kiosk>().get_scanner_source().to_string();
            s.state.borrow_mut().test_message =
                Some(("Đang quét thử…".into(), "Scanning a test sheet…".into()));
            s.service.send(Command::TestScan { source });
            render(w, s);
        });
        on!(on_start_scan, |w, s| {
            let source = w.global::<ui::Kiosk>().get_scanner_source().to_string();
            s.service.send(Command::StartScan { source });
        });
        on!(on_pause_scan, |_w, s| {
            s.service.send(Command::Pause);
        });
        on!(on_new_batch, |_w, s| {
            s.service.send(Command::NewBatch);
        });
        on!(on_decide, |w, s, i: i32| {
            let k = w.global::<ui::Kiosk>();
            let official = k.get_officials().row_data(k.get_official_index() as usize);
            let (sheet, verdict) = {
                let st = s.state.borrow();
                (st.review_sheet, st.options.get(i as usize).cloned())
            };
            if let (Some(sheet), Some(verdict), Some(official)) = (sheet, verdict, official) {
                s.service.send(Command::Decide {
                    sheet,
                    verdict,
                    official: official.to_string(),
                });
            }
        });
        on!(on_undo, |w, s| {
            let k = w.global::<ui::Kiosk>();
            s.service.send(Command::Undo {
                official: chosen_official(&k),
            });
        });
        on!(on_reconcile, |w, s| {
            let k = w.global::<ui::Kiosk>();
            let num = |t: SharedString| t.trim().parse::<u32>().ok();
            match (num(k.get_issued()), num(k.get_returned())) {
                (Some(issued), Some(returned)) => {
                    let note = k.get_reconcile_note().trim().to_string();
                    s.service.send(Command::Reconcile {
                        issued,
                        returned,
                        spoiled: num(k.get_spoiled()).unwrap_or(0),
                        note: (!note.is_empty()).then_some(note),
                    });
                }
                _ => {
                    s.state.borrow_mut().notice = Some((
                        "Hãy nhập số phiếu phát ra và số phiếu thu vào (số nguyên).".into(),
                        "Enter the ballots issued and returned (whole numbers).".into(),
                        true,
                    ));
                    render(w, s);
                }
            }
        });
        on!(on_confirm, |_w, s, i: i32| {
            let member = s
                .state
                .borrow()
                .snapshot
                .as_ref()
                .and_then(|snap| snap.setup.board().get(i as usize).cloned());
            if let Some(member) = member {
                s.service.send(Command::Confirm { member });
            }
        });
        on!(on_record_complaint, |w, s| {
            let k = w.global::<ui::Kiosk>();
            let recorded_by = chosen_official(&k);
            let known = s
                .state
                .borrow()
                .snapshot
                .as_ref()
                .map_or(0, |snap| snap.complaints.len());
            s.state.borrow_mut().complaint_sent = Some(known);
            s.service.send(Command::RecordComplaint {
                lodged_by: k.get_complaint_from().to_string(),
                content: k.get_complaint_text().to_string(),
                handling: k.get_complaint_handling().to_string(),
                recorded_by,
            });
        });
        on!(on_print_sheet, |w, s| {
            let k = w.global::<ui::Kiosk>();
            let copies = k
                .get_copies()
                .trim()
                .parse::<u32>()
                .unwrap_or(1)
                .clamp(1, 20);
            k.set_report_status(
                tr(
                    s.state.borrow().english,
                    "Đang lập biên bản…",
                    "Writing the tally sheet…",
                )
                .into(),
            );
            s.service.send(Command::PrintSheet { copies });
        });
        on!(on_export_bundle, |w, s| {
            let out = w.global::<ui::Kiosk>().get_export_path().trim().to_string();
            if !out.is_empty() {
                s.service.send(Command::Export {
                    out: PathBuf::from(out),
                });
            }
        });
    }
}

/// The official chosen on screen (the first one when none is).
fn chosen_official(k: &ui::Kiosk<'_>) -> String {
    k.get_officials()
        .row_data(k.get_official_index().max(0) as usize)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

fn fill_board(w: &ui::KioskWindow, setup: &Setup) {
    let k = w.global::<ui::Kiosk>();
    k.set_leader(setup.leader.as_str().into());
    k.set_members(setup.members.join(", ").into());
    k.set_witnesses(setup.witnesses.join(", ").into());
    k.set_attendance(setup.attendance.to_string().into());
}

fn load_view_state(db: &Path) -> Option<(i32, bool)> {
    let text = std::fs::read_to_string(view_state_path(db)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let screen = v["screen"].as_i64().filter(|s| (0..=4).contains(s))? as i32;
    Some((screen, v["english"].as_bool().unwrap_or(false)))
}

fn save_view_state(db: &Path, screen: i32, english: bool) {
    // Written aside and renamed, so a power cut leaves the old or the new file.
    let path = view_state_path(db);
    let tmp = path.with_extension("json.tmp");
    let body = serde_json::json!({"screen": screen, "english": english}).to_string();
    if std::fs::write(&tmp, body).is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
}

fn to_image(img: &image::RgbImage) -> slint::Image {
    slint::Image::from_rgb8(
        slint::SharedPixelBuffer::<slint::Rgb8Pixel>::clone_from_slice(
            img.as_raw(),
            img.width(),
            img.height(),
        ),
    )
}

fn apply(w: &ui::KioskWindow, s: &Shared, u: Update) {
    let k = w.global::<ui::Kiosk>();
    let mut st = s.state.borrow_mut();
    match u {
        Update::ElectionLoaded { path, election } => {
            k.set_election_path(path.display().to_string().into());
            st.election = Some((path, *election));
            st.notice = None;
        }
        Update::ElectionFiles(files) => st.election_files = files,
        Update::ScannerSources(v) => st.sources = v,
        Update::Snapshot(snap) => {
            if !st.board_filled {
                st.board_filled = true;
                fill_board(w, &snap.setup);
                if let Some(r) = &snap.reconciliation {
                    k.set_issued(r.issued.to_string().into());
                    k.set_returned(r.returned.to_string().into());
                    k.set_spoiled(r.spoiled.to_string().into());
                }
            }
            let review = snap.review.as_ref();
            if review.map(|r| r.sheet.sheet.id) != st.review_sheet {
                st.review_sheet = review.map(|r| r.sheet.sheet.id);
                let blank = slint::Image::default();
                k.set_review_image(
                    review
                        .and_then(|r| r.picture.as_ref())
                        .map_or(blank.clone(), to_image),
                );
                k.set_review_zoom(review.and_then(|r| r.zoom.as_ref()).map_or(blank, to_image));
            }
            if st.screen.is_none() {
                st.screen = Some(match snap.state {
                    SessionState::Setup | SessionState::Counting | SessionState::Review => 1,
                    SessionState::Reconciled => 3,
                    SessionState::Confirmed | SessionState::Closed => 4,
                });
            }
            st.snapshot = Some(snap);
        }
        Update::Scanner(state) => st.scanner = Some(state),
        Update::LastSheet {
            sheet,
            status,
            serial,
            picture,
        } => {
            k.set_last_image(to_image(&picture));
            st.last_caption = Some((sheet, status, serial));
        }
        Update::TestSheet {
            message_vi,
            message_en,
            picture,
        } => {
            if let Some(p) = picture {
                k.set_test_image(to_image(&p));
            }
            st.test_message = Some((message_vi, message_en));
        }
        Update::SheetWritten {
            path,
            is_final,
            preview,
        } => {
            if let Some(p) = preview {
                k.set_sheet_preview(to_image(&p));
            }
            st.notice = Some((
                format!(
                    "Đã lập {}: {}",
                    if is_final {
                        "biên bản"
                    } else {
                        "bản nháp"
                    },
                    path.display()
                ),
                format!(
                    "{} written: {}",
                    if is_final { "Tally sheet" } else { "Draft" },
                    path.display()
                ),
                false,
            ));
            k.set_report_status(path.display().to_string().into());
        }
        Update::Notice { vi, en, error } => {
            if !error && vi.starts_with("Đã mở phiên") {
                st.screen = Some(1);
            }
            st.notice = Some((vi, en, error));
        }
    }
}

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
fn render(w: &ui::KioskWindow, s: &Shared) {
    let k = w.global::<ui::Kiosk>();
    let mut st = s.state.borrow_mut();
    let en = st.english;
    w.global::<ui::Tr>().set_en(en);
    if let Some(screen) = st.screen {
        k.set_screen(screen);
    }
    let (notice, is_error) = match &st.notice {
        Some((vi, english, e)) => (if en { english } else { vi }.clone(), *e),
        None => (String::new(), false),
    };
    k.set_notice(notice.into());
    k.set_notice_is_error(is_error);
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
    let election = st
        .snapshot
        .as_ref()
        .map(|s| s.election.clone())
        .or_else(|| st.election.as_ref().map(|e| e.1.clone()));
    k.set_election_loaded(election.is_some());
    if let Some(e) = &election {
        let i = &e.election;
        k.set_unit_title(format!("{} — {}, {}", i.title, i.unit, i.commune).into());
        k.set_households(i.households as i32);
        let names: Vec<String> = e.candidates.iter().map(|c| c.name.clone()).collect();
        k.set_election_summary(
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
            .into(),
        );
        k.set_needed_text(present::needed_text(e, en).into());
    }
    let scanner_text = match &st.scanner {
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
        }) => (
            2,
            format!(
                "{} {}",
                if en { instruction_en } else { instruction_vi },
                tr(en, "Rồi bấm Tiếp tục.", "Then press Continue.")
            ),
        ),
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
    };
    k.set_scanner_level(scanner_text.0);
    k.set_scanner_status(scanner_text.1.into());
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
    let options = election
        .as_ref()
        .map(|e| present::verdict_options(e, en))
        .unwrap_or_default();
    set_model!(
        k,
        get_verdict_options,
        set_verdict_options,
        strings(options.iter().map(|o| o.1.clone()))
    );
    st.options = options.into_iter().map(|o| o.0).collect();
    let Some(snap) = st.snapshot.as_ref() else {
        k.set_session_open(false);
        return;
    };
    let e = &snap.election;
    let count = &snap.count;
    k.set_session_open(true);
    k.set_batch(snap.batch.as_str().into());
    let lines = present::tally_lines(e, count, en);
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
    let status = |key: &str| count.by_status.get(key).copied().unwrap_or(0) as i32;
    k.set_awaiting_review(count.awaiting_review as i32);
    k.set_duplicates(status("duplicate"));
    k.set_blank(status("blank"));
    k.set_rejected(status("rejected"));
    k.set_pending(count.pending as i32);
    k.set_scanned(snap.sheets as i32);
    let returned = k
        .get_returned()
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|r| *r > 0);
    let counted = count.tally.returned;
    match returned {
        Some(r) => {
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
        }
        None => {
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
    // Review.
    let board = snap.setup.board();
    set_model!(k, get_officials, set_officials, strings(board.clone()));
    if k.get_official_index() >= board.len() as i32 {
        k.set_official_index(-1);
    }
    match &snap.review {
        Some(r) => {
            let reading = r
                .reading
                .as_ref()
                .map(|rd| present::reading_text(e, rd, r.sheet.certainty, en))
                .unwrap_or_default();
            k.set_review_reading(
                format!("{} {}: {reading}", tr(en, "Tờ", "Sheet"), r.sheet.sheet.id).into(),
            );
            let suggestion = r.reading.as_ref().and_then(|rd| rd.suggestion.as_ref());
            k.set_review_suggestion(
                match suggestion {
                    Some(v) => format!(
                        "{} {}",
                        tr(en, "Máy đề xuất:", "The machine suggests:"),
                        present::verdict_text(e, v, en)
                    ),
                    None => tr(en, "Máy không có đề xuất.", "No suggestion.").to_string(),
                }
                .into(),
            );
        }
        None => {
            k.set_review_reading(SharedString::new());
            k.set_review_suggestion(SharedString::new());
        }
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
                d.verdict
                    .as_ref()
                    .map(|v| present::verdict_text(e, v, en))
                    .unwrap_or_default(),
                d.official
            )
            .into(),
        );
    }
    // Reconcile and confirm.
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
    k.set_result_sentence(present::outcome_sentence(e, &count.outcome, en).into());
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
    let complaint_saved = st
        .complaint_sent
        .is_some_and(|known| snap.complaints.len() > known);
    set_model!(
        k,
        get_board,
        set_board,
        board
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
    // Tally sheet (result table until the biên bản is printed from here).
    let h = e.election.households;
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
    for l in &lines {
        table.push(ui::LabelValue {
            label: l.label.as_str().into(),
            value: format!("{} ({})", l.votes, l.share).into(),
        });
    }
    set_model!(k, get_result_rows, set_result_rows, table);
    if complaint_saved {
        st.complaint_sent = None;
        k.set_complaint_form(false);
        k.set_complaint_from(SharedString::new());
        k.set_complaint_text(SharedString::new());
        k.set_complaint_handling(SharedString::new());
    }
}

/// True when a window can be opened here: a windowing backend is built in and
/// a display (X11 or Wayland) is set in the environment.
pub fn display_available() -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    cfg!(feature = "desktop") && (set("DISPLAY") || set("WAYLAND_DISPLAY"))
}

/// Runs the kiosk on the platform's window system until the window is closed;
/// full screen unless `windowed`.
pub fn run(options: &KioskOptions, windowed: bool) -> Result<(), KioskError> {
    let app = Rc::new(KioskApp::new(options)?);
    if !windowed {
        app.window().window().set_fullscreen(true);
    }
    let timer = slint::Timer::default();
    let pumped = app.clone();
    // The only periodic work on the UI thread: apply what the service has sent.
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(40),
        move || {
            pumped.pump();
        },
    );
    app.window().run()?;
    Ok(())
}
