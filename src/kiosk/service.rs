//! The station service: one thread owns the counting session and takes
//! commands; observers (the kiosk) receive updates. Scanning runs on a thread
//! of its own, so the service keeps answering — pause, review, status — while
//! pages flow, and no observer ever waits on a scanner, the disk or the
//! interpreter. Nothing here knows about any user interface.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::RgbImage;

use kiemphieu_station::station::{Count, Event, RunSummary, Setup, Station, StationError, key_path};
use kiemphieu_core::election::{BallotKey, Election};
use kiemphieu_core::rules::{Check, Counts, Verdict};
use crate::source::open_source;
use kiemphieu_devices::scanner::{ScanError, ScanSettings, ScannedPage, Scanner};
use kiemphieu_synth::scanner::SimContext;
use kiemphieu_station::store::{Reconciliation, SessionState, SheetState};

/// A command to the station service.
#[derive(Debug, Clone)]
pub enum Command {
    /// Read an election file (before a session is open).
    LoadElection(PathBuf),
    /// Open the counting session for the loaded election.
    OpenSession {
        /// The election file.
        election: PathBuf,
        /// Board, witnesses, attendance.
        setup: Setup,
    },
    /// Scan one sheet to test the scanner; it is not counted.
    TestScan {
        /// Source spec (`sane:…`, `folder:…`, `sim:…`).
        source: String,
    },
    /// Start scanning into the current batch, or continue after a pause or fault.
    StartScan {
        /// Source spec.
        source: String,
    },
    /// Hold the feeder before the next sheet.
    Pause,
    /// End the current batch; the next start opens a new one.
    NewBatch,
    /// Record an official's decision on a doubtful ballot.
    Decide {
        /// Sheet id.
        sheet: i64,
        /// The decision.
        verdict: Verdict,
        /// The deciding official.
        official: String,
    },
    /// Withdraw the latest decision (until reconciliation).
    Undo {
        /// Who withdraws it.
        official: String,
    },
    /// Enter issued/returned and check the identities of rules.md §6.
    Reconcile {
        /// Ballots issued.
        issued: u32,
        /// Ballots returned.
        returned: u32,
        /// Spoiled ballots exchanged.
        spoiled: u32,
        /// The board's note when a figure does not reconcile.
        note: Option<String>,
    },
    /// Record a complaint received at the count and how the board handled it.
    RecordComplaint {
        /// Who lodged it.
        lodged_by: String,
        /// What it says.
        content: String,
        /// How the board handled it.
        handling: String,
        /// The board member recording it.
        recorded_by: String,
    },
    /// A board member confirms the reconciled count.
    Confirm {
        /// The member.
        member: String,
    },
    /// Write the biên bản (final when confirmed, else a draft), preview it, and
    /// print it on the CUPS default printer when there is one.
    PrintSheet {
        /// Copies (each labelled Bản số i/N).
        copies: u32,
    },
    /// Write the signed bundle (election, result, records, images, audit log).
    Export {
        /// The folder to write.
        out: PathBuf,
    },
    /// Send a fresh snapshot.
    Refresh,
}

/// The scanner as the operator should see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ScannerState {
    /// Not scanning.
    Idle,
    /// Feeding sheets into a batch.
    Running {
        /// Batch name.
        batch: String,
    },
    /// Held by the operator.
    Paused {
        /// Batch name.
        batch: String,
    },
    /// Held after a fault until the operator continues.
    Fault {
        /// Status code (jammed, no_paper, …).
        status: Option<String>,
        /// What to do, in Vietnamese.
        instruction_vi: String,
        /// What to do, in English.
        instruction_en: String,
    },
    /// The scanner could not be used.
    Failed {
        /// Plain description.
        message: String,
    },
}

/// A doubtful ballot shown to the officials.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    /// The sheet.
    pub sheet: SheetState,
    /// The machine's reading.
    pub reading: Option<kiemphieu_interpret::Reading>,
    /// The whole ballot with the overlay.
    pub picture: Option<RgbImage>,
    /// The doubtful part, enlarged.
    pub zoom: Option<RgbImage>,
}

/// The latest decision still in force (what undo would withdraw).
#[derive(Debug, Clone, PartialEq)]
pub struct LastDecision {
    /// Sheet id.
    pub sheet: i64,
    /// The verdict decided.
    pub verdict: Option<Verdict>,
    /// Who decided.
    pub official: String,
}

/// The state of the counting session.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The election counted.
    pub election: Election,
    /// Session id.
    pub session: i64,
    /// Session state.
    pub state: SessionState,
    /// Board, witnesses, attendance.
    pub setup: Setup,
    /// The count so far.
    pub count: Count,
    /// Sheets stored in the session.
    pub sheets: u32,
    /// Issued/returned, once entered.
    pub reconciliation: Option<Reconciliation>,
    /// The identities of rules.md §6, once issued/returned are entered.
    pub checks: Vec<Check>,
    /// Board members who confirmed.
    pub confirmations: Vec<String>,
    /// Complaints received at the count.
    pub complaints: Vec<kiemphieu_station::store::Complaint>,
    /// The next doubtful ballot (least certain first), if any.
    pub review: Option<ReviewItem>,
    /// The latest decision still in force.
    pub last_decision: Option<LastDecision>,
    /// The current batch's name.
    pub batch: String,
}

/// What the service tells its observer.
#[derive(Debug, Clone)]
pub enum Update {
    /// An election file was read.
    ElectionLoaded {
        /// Its path.
        path: PathBuf,
        /// The election.
        election: Box<Election>,
    },
    /// Election files found in the folders searched (USB sticks, the working folder).
    ElectionFiles(Vec<PathBuf>),
    /// Scanner sources to offer.
    ScannerSources(Vec<String>),
    /// The counting session.
    Snapshot(Box<Snapshot>),
    /// The scanner.
    Scanner(ScannerState),
    /// The last sheet interpreted, with its overlay.
    LastSheet {
        /// Sheet id.
        sheet: i64,
        /// Status code.
        status: String,
        /// Serial, when read.
        serial: Option<String>,
        /// The overlay picture.
        picture: RgbImage,
    },
    /// The test sheet's result.
    TestSheet {
        /// What it showed, in Vietnamese.
        message_vi: String,
        /// What it showed, in English.
        message_en: String,
        /// The overlay picture.
        picture: Option<RgbImage>,
    },
    /// The biên bản was written.
    SheetWritten {
        /// The PDF.
        path: PathBuf,
        /// Final (confirmed session) or draft.
        is_final: bool,
        /// Its first page, when poppler's pdftoppm is installed.
        preview: Option<RgbImage>,
    },
    /// Something the operator should read.
    Notice {
        /// Vietnamese.
        vi: String,
        /// English.
        en: String,
        /// True for a failure.
        error: bool,
    },
}

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The station database.
    pub db: PathBuf,
    /// An election file to load at start (when no session exists yet).
    pub election: Option<PathBuf>,
    /// Folders searched for election files (`*.toml`).
    pub election_dirs: Vec<PathBuf>,
    /// Scanner settings.
    pub scan: ScanSettings,
    /// Shortest time between two snapshots while pages flow.
    pub snapshot_interval: Duration,
}

impl ServiceConfig {
    /// Defaults for a database path.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        ServiceConfig {
            db: db.into(),
            election: None,
            election_dirs: vec![PathBuf::from("/media"), PathBuf::from(".")],
            scan: ScanSettings::default(),
            snapshot_interval: Duration::from_millis(250),
        }
    }
}

enum Msg {
    Command(Command),
    Station(Event),
    ScanDone(Result<RunSummary, String>),
    Shutdown,
}

/// A running station service: send commands, drain updates.
pub struct Service {
    tx: Sender<Msg>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

impl Service {
    /// Starts the service thread.
    pub fn start(config: ServiceConfig) -> Service {
        let (tx, rx) = mpsc::channel();
        let (utx, updates) = mpsc::channel();
        let inner_tx = tx.clone();
        let thread = std::thread::Builder::new()
            .name("kiemphieu-station".into())
            .spawn(move || Worker::new(config, inner_tx, utx).run(rx))
            .ok();
        Service {
            tx,
            updates,
            thread,
        }
    }

    /// Sends a command; never blocks.
    pub fn send(&self, command: Command) {
        let _ = self.tx.send(Msg::Command(command));
    }

    /// Every update waiting, without blocking.
    pub fn drain(&self) -> Vec<Update> {
        self.updates.try_iter().collect()
    }

    /// Waits up to `timeout` for the next update.
    pub fn next_update(&self, timeout: Duration) -> Option<Update> {
        self.updates.recv_timeout(timeout).ok()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A scanner the operator can hold: while held, the feeder waits before the
/// next sheet; a fault holds it until the operator continues.
struct Holdable {
    inner: Box<dyn Scanner>,
    hold: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Scanner for Holdable {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn start_batch(&mut self) -> Result<(), ScanError> {
        self.inner.start_batch()
    }

    fn next_page(&mut self) -> Result<Option<ScannedPage>, ScanError> {
        while self.hold.load(Ordering::SeqCst) {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        if self.stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let page = self.inner.next_page();
        if matches!(&page, Err(e) if e.status.is_some()) {
            self.hold.store(true, Ordering::SeqCst);
        }
        page
    }

    fn cancel(&mut self) {
        self.inner.cancel()
    }
}

struct Scan {
    hold: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    fault: bool,
    thread: JoinHandle<()>,
}

struct Worker {
    config: ServiceConfig,
    tx: Sender<Msg>,
    out: Sender<Update>,
    station: Option<Station>,
    election: Option<(PathBuf, Election)>,
    batch: String,
    scan: Option<Scan>,
    dirty: bool,
    last_snapshot: Instant,
    latest_sheet: Option<i64>,
    shown_sheet: Option<i64>,
    review_cache: Option<(i64, Option<RgbImage>, Option<RgbImage>)>,
}

impl Worker {
    fn new(config: ServiceConfig, tx: Sender<Msg>, out: Sender<Update>) -> Worker {
        Worker {
            config,
            tx,
            out,
            station: None,
            election: None,
            batch: String::new(),
            scan: None,
            dirty: true,
            last_snapshot: Instant::now(),
            latest_sheet: None,
            shown_sheet: None,
            review_cache: None,
        }
    }

    fn send(&self, u: Update) {
        let _ = self.out.send(u);
    }

    fn notice(&self, vi: impl Into<String>, en: impl Into<String>, error: bool) {
        self.send(Update::Notice {
            vi: vi.into(),
            en: en.into(),
            error,
        });
    }

    fn fail(&self, what_vi: &str, what_en: &str, e: impl std::fmt::Display) {
        self.notice(format!("{what_vi}: {e}"), format!("{what_en}: {e}"), true);
    }

    fn run(mut self, rx: Receiver<Msg>) {
        self.start();
        loop {
            let msg = match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            match msg {
                Some(Msg::Shutdown) => break,
                Some(Msg::Command(c)) => self.command(c),
                Some(Msg::Station(e)) => self.station_event(e),
                Some(Msg::ScanDone(r)) => self.scan_done(r),
                None => {}
            }
            if self.dirty && self.last_snapshot.elapsed() >= self.config.snapshot_interval {
                self.snapshot();
            }
        }
        if let Some(scan) = self.scan.take() {
            scan.stop.store(true, Ordering::SeqCst);
            let _ = scan.thread.join();
        }
    }

    fn start(&mut self) {
        // Asking SANE for its devices can take seconds (network backends): not on this thread.
        let out = self.out.clone();
        std::thread::spawn(move || {
            let _ = out.send(Update::ScannerSources(scanner_sources()));
        });
        self.send(Update::ElectionFiles(find_election_files(
            &self.config.election_dirs,
        )));
        if self.config.db.exists() {
            match Station::open(&self.config.db) {
                Ok(st) => {
                    self.batch = current_batch(&st);
                    self.station = Some(st);
                    self.snapshot();
                    self.send(Update::Scanner(ScannerState::Idle));
                    return;
                }
                Err(StationError::State(_)) => {}
                Err(e) => self.fail(
                    &format!("Không mở được {}", self.config.db.display()),
                    &format!("Cannot open {}", self.config.db.display()),
                    e,
                ),
            }
        }
        if let Some(path) = self.config.election.clone() {
            self.load_election(path);
        }
    }

    fn load_election(&mut self, path: PathBuf) {
        match kiemphieu_core::election::load_election(&path) {
            Ok(election) => {
                self.election = Some((path.clone(), election.clone()));
                self.send(Update::ElectionLoaded {
                    path,
                    election: Box::new(election),
                });
            }
            Err(e) => self.fail(
                "Không đọc được tệp bầu cử",
                "Cannot read the election file",
                e,
            ),
        }
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::LoadElection(p) => {
                if self.station.is_some() {
                    self.notice(
                        "Phiên kiểm phiếu đã mở; không đổi được tệp bầu cử.",
                        "The counting session is open; the election file cannot change.",
                        true,
                    );
                } else {
                    self.load_election(p)
                }
            }
            Command::OpenSession { election, setup } => self.open_session(&election, &setup),
            Command::TestScan { source } => self.test_scan(&source),
            Command::StartScan { source } => self.start_scan(&source),
            Command::Pause => {
                if let Some(scan) = &self.scan {
                    scan.hold.store(true, Ordering::SeqCst);
                    self.send(Update::Scanner(ScannerState::Paused {
                        batch: self.batch.clone(),
                    }));
                }
            }
            Command::NewBatch => self.new_batch(),
            Command::Decide {
                sheet,
                verdict,
                official,
            } => {
                let r = self.with_station(|st| {
                    st.decide(sheet, &verdict, "decided at the kiosk", &official)
                });
                if let Err(e) = r {
                    self.fail("Không ghi được quyết định", "Cannot record the decision", e);
                }
                self.snapshot();
            }
            Command::Undo { official } => {
                match self.with_station(|st| st.undo_decision(&official)) {
                    Ok(Some(sheet)) => self.notice(
                        format!("Đã hoàn tác quyết định về tờ {sheet}; phiếu chờ xem xét lại."),
                        format!("Decision on sheet {sheet} withdrawn; the ballot waits for review again."),
                        false,
                    ),
                    Ok(None) => self.notice(
                        "Không có quyết định nào để hoàn tác.",
                        "No decision to undo.",
                        false,
                    ),
                    Err(e) => self.fail("Không hoàn tác được", "Cannot undo", e),
                }
                self.snapshot();
            }
            Command::Reconcile {
                issued,
                returned,
                spoiled,
                note,
            } => {
                if self.scan.is_some() {
                    self.notice(
                        "Hãy dừng quét (Hòm mới) trước khi đối chiếu.",
                        "Stop scanning (New batch) before reconciling.",
                        true,
                    );
                    return;
                }
                let r =
                    self.with_station(|st| st.close(issued, returned, spoiled, note.as_deref()));
                match r {
                    Ok(checks) if checks.iter().all(|c| c.holds) => self.notice(
                        "Số liệu khớp. Từng thành viên Ban kiểm phiếu xác nhận.",
                        "The counts reconcile. Each member of the board confirms.",
                        false,
                    ),
                    Ok(_) => self.notice(
                        "Số liệu không khớp; đã ghi kèm ghi chú của Ban.",
                        "The counts do not reconcile; the board's note is recorded.",
                        true,
                    ),
                    Err(e) => self.fail("Chưa đối chiếu được", "Cannot reconcile yet", e),
                }
                self.snapshot();
            }
            Command::Confirm { member } => {
                match self.with_station(|st| st.confirm(&member)) {
                    Ok(missing) if missing.is_empty() => self.notice(
                        "Ban kiểm phiếu đã xác nhận đủ. Phiên kiểm phiếu đã kết thúc.",
                        "The whole board has confirmed. The counting session is closed.",
                        false,
                    ),
                    Ok(missing) => self.notice(
                        format!("{member} đã xác nhận. Còn: {}", missing.join(", ")),
                        format!(
                            "{member} confirmed. Still to confirm: {}",
                            missing.join(", ")
                        ),
                        false,
                    ),
                    Err(e) => self.fail("Không xác nhận được", "Cannot confirm", e),
                }
                self.snapshot();
            }
            Command::RecordComplaint {
                lodged_by,
                content,
                handling,
                recorded_by,
            } => {
                match self.with_station(|st| {
                    st.record_complaint(&lodged_by, &content, &handling, &recorded_by)
                }) {
                    Ok(_) => self.notice(
                        "Đã ghi khiếu nại; biên bản sẽ ghi nội dung và cách giải quyết.",
                        "Complaint recorded; the tally sheet lists it and how it was handled.",
                        false,
                    ),
                    Err(e) => {
                        self.fail("Không ghi được khiếu nại", "Cannot record the complaint", e)
                    }
                }
                self.snapshot();
            }
            Command::PrintSheet { copies } => self.print_sheet(copies),
            Command::Export { out } => match kiemphieu_station::bundle::export(&self.config.db, &out) {
                Ok(sum) => self.notice(
                    format!(
                        "Đã xuất bộ hồ sơ vào {}: {} tờ, {} ảnh, kết quả {}.",
                        out.display(),
                        sum.records,
                        sum.images,
                        sum.result_fingerprint
                    ),
                    format!(
                        "Bundle written to {}: {} records, {} images, result {}.",
                        out.display(),
                        sum.records,
                        sum.images,
                        sum.result_fingerprint
                    ),
                    false,
                ),
                Err(e) => self.fail("Không xuất được", "Cannot export", e),
            },
            Command::Refresh => self.snapshot(),
        }
    }

    fn print_sheet(&mut self, copies: u32) {
        let db = self.config.db.clone();
        let written = (|| -> Result<(PathBuf, bool), String> {
            let signed = kiemphieu_station::result::sign_session(&db).map_err(|e| e.to_string())?;
            let doc = &signed.result.doc;
            let machine = kiemphieu_station::report::MachinePart::of(&signed.result, &signed.qr_text);
            let pages = kiemphieu_station::report::layout(doc, &signed.data.election, &machine, copies.max(1))
                .map_err(|e| e.to_string())?;
            let watermark = (!doc.is_final).then_some(kiemphieu_station::report::DRAFT_WATERMARK);
            let pdf = kiemphieu_station::report::render_pages(&pages, watermark).map_err(|e| e.to_string())?;
            let path = beside(
                &db,
                if doc.is_final {
                    ".bien-ban.pdf"
                } else {
                    ".bien-ban-nhap.pdf"
                },
            );
            std::fs::write(&path, pdf).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((path, doc.is_final))
        })();
        let (path, is_final) = match written {
            Ok(w) => w,
            Err(e) => {
                return self.fail("Không lập được biên bản", "Cannot write the tally sheet", e);
            }
        };
        self.send(Update::SheetWritten {
            preview: pdf_preview(&path),
            path: path.clone(),
            is_final,
        });
        // Printing waits on the printer: on a thread of its own.
        let out = self.out.clone();
        std::thread::spawn(move || {
            use kiemphieu_devices::print::cups::Cups;
            let cups = Cups::from_env();
            let queue = cups.printers().ok().and_then(|ps| {
                ps.iter()
                    .find(|p| p.is_default && p.enabled)
                    .or_else(|| ps.iter().find(|p| p.enabled))
                    .map(|p| p.name.clone())
            });
            let (vi, en, error) = match queue {
                None => (
                    format!(
                        "Đã lưu biên bản: {}. Chưa có máy in (CUPS).",
                        path.display()
                    ),
                    format!(
                        "Tally sheet saved: {}. No printer is set up (CUPS).",
                        path.display()
                    ),
                    false,
                ),
                Some(q) => match cups.print_pdf(&q, &path, 1, "bien-ban", Duration::from_secs(180))
                {
                    Ok(job) => (
                        format!("Đã in biên bản trên {} (lệnh in {}).", job.queue, job.job),
                        format!("Tally sheet printed on {} (job {}).", job.queue, job.job),
                        false,
                    ),
                    Err(e) => (
                        format!("Không in được: {e}"),
                        format!("Cannot print: {e}"),
                        true,
                    ),
                },
            };
            let _ = out.send(Update::Notice { vi, en, error });
        });
    }

    fn with_station<T>(
        &mut self,
        f: impl FnOnce(&mut Station) -> Result<T, StationError>,
    ) -> Result<T, StationError> {
        match self.station.as_mut() {
            Some(st) => f(st),
            None => Err(StationError::State(
                "no counting session is open (Chuẩn bị / Set-up)".into(),
            )),
        }
    }

    fn open_session(&mut self, election: &Path, setup: &Setup) {
        if self.station.is_some() {
            self.notice(
                "Phiên kiểm phiếu đã mở.",
                "The counting session is already open.",
                false,
            );
            return;
        }
        if setup.leader.trim().is_empty() || setup.attendance == 0 {
            self.notice(
                "Cần nhập Trưởng ban kiểm phiếu và số đại diện hộ dự họp (A).",
                "Enter the head of the counting board and the attendance (A).",
                true,
            );
            return;
        }
        match Station::create(&self.config.db, election, setup, None) {
            Ok(st) => {
                self.batch = current_batch(&st);
                self.station = Some(st);
                self.notice(
                    "Đã mở phiên kiểm phiếu. Đặt phiếu vào máy quét và bấm Bắt đầu.",
                    "Counting session open. Load the ballots and press Start.",
                    false,
                );
                self.send(Update::Scanner(ScannerState::Idle));
                self.snapshot();
            }
            Err(e) => self.fail("Không mở được phiên", "Cannot open the session", e),
        }
    }

    fn sim_context(&self) -> Option<SimContext> {
        let (election, key) = match (&self.station, &self.election) {
            (Some(st), _) => (
                st.election().clone(),
                BallotKey::load(&key_path(&self.config.db)).ok()?,
            ),
            (None, Some((path, e))) => (e.clone(), BallotKey::load_or_create(path).ok()?),
            _ => return None,
        };
        Some(SimContext { election, key })
    }

    fn test_scan(&mut self, source: &str) {
        let result = (|| -> Result<(String, String, Option<RgbImage>), String> {
            let SimContext { election, key } = self
                .sim_context()
                .ok_or("load the election file (and its key) first")?;
            let sim = SimContext {
                election: election.clone(),
                key: key.clone(),
            };
            let mut scanner =
                open_source(source, &self.config.scan, Some(sim)).map_err(|e| e.to_string())?;
            scanner.start_batch().map_err(|e| e.to_string())?;
            let page = scanner.next_page();
            scanner.cancel();
            let page = page
                .map_err(|e| format!("{e}: {}", e.instruction_vi()))?
                .ok_or("the scanner gave no sheet (feeder empty?)")?;
            let pages =
                kiemphieu_interpret::decode_pages(&page.bytes, kiemphieu_interpret::DEFAULT_PIXEL_BUDGET)
                    .map_err(|e| e.to_string())?;
            let p = pages.into_iter().next().ok_or("no page in the image")?;
            let interp = kiemphieu_interpret::Interpreter::new(
                &election,
                key,
                kiemphieu_interpret::Profile::default(),
            )
            .map_err(|e| e.to_string())?;
            let (reading, trace) = interp.interpret_traced(&p);
            let picture =
                kiemphieu_interpret::overlay::draw(&p.image, &reading, &trace, interp.template());
            let status = kiemphieu_station::station::status_code(reading.status);
            Ok((
                format!(
                    "Tờ thử: {status}, {:.0} dpi, lệch {:.1} mm. Tờ thử không được đếm.",
                    reading.dpi, reading.registration_mm
                ),
                format!(
                    "Test sheet: {status}, {:.0} dpi, registration {:.1} mm. A test sheet is not counted.",
                    reading.dpi, reading.registration_mm
                ),
                Some(picture),
            ))
        })();
        match result {
            Ok((vi, en, picture)) => self.send(Update::TestSheet {
                message_vi: vi,
                message_en: en,
                picture,
            }),
            Err(e) => self.send(Update::TestSheet {
                message_vi: format!("Quét thử không được: {e}"),
                message_en: format!("Test scan failed: {e}"),
                picture: None,
            }),
        }
    }

    fn start_scan(&mut self, source: &str) {
        if let Some(scan) = &mut self.scan {
            // Continue after a pause or a fault.
            scan.hold.store(false, Ordering::SeqCst);
            scan.fault = false;
            self.send(Update::Scanner(ScannerState::Running {
                batch: self.batch.clone(),
            }));
            return;
        }
        let Some(st) = &self.station else {
            self.notice(
                "Chưa mở phiên kiểm phiếu.",
                "No counting session is open.",
                true,
            );
            return;
        };
        if !matches!(
            st.state(),
            Ok(SessionState::Counting | SessionState::Setup | SessionState::Review)
        ) {
            self.notice(
                "Phiên đã đối chiếu hoặc kết thúc; không quét thêm được.",
                "The session is reconciled or closed; no more scanning.",
                true,
            );
            return;
        }
        // Each simulated run is a fresh box of ballots, not the same one again.
        let mut spec = source.trim().to_string();
        if spec.starts_with("sim:") && !spec.contains("seed=") {
            let n = st.store().sheet_states(st.session()).map_or(0, |s| s.len());
            spec.push_str(&format!(
                ",seed={}",
                1000 + st.session() * 100_000 + n as i64
            ));
        }
        let scanner = match open_source(&spec, &self.config.scan, self.sim_context()) {
            Ok(s) => s,
            Err(e) => {
                self.send(Update::Scanner(ScannerState::Failed {
                    message: format!("{source}: {e}"),
                }));
                self.fail("Không dùng được máy quét", "Cannot use the scanner", e);
                return;
            }
        };
        let hold = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let scanner = Box::new(Holdable {
            inner: scanner,
            hold: hold.clone(),
            stop: stop.clone(),
        });
        let (db, batch, tx) = (self.config.db.clone(), self.batch.clone(), self.tx.clone());
        let thread = std::thread::spawn(move || {
            let result = scan_batch(&db, scanner, &batch, tx.clone());
            let _ = tx.send(Msg::ScanDone(result));
        });
        self.scan = Some(Scan {
            hold,
            stop,
            fault: false,
            thread,
        });
        self.send(Update::Scanner(ScannerState::Running {
            batch: self.batch.clone(),
        }));
    }

    fn new_batch(&mut self) {
        if let Some(scan) = self.scan.take() {
            scan.stop.store(true, Ordering::SeqCst);
            let _ = scan.thread.join();
        }
        if let Some(st) = &self.station {
            let used = st.batches().map(|b| b.len()).unwrap_or(0);
            self.batch = batch_name(used + 1);
        }
        self.send(Update::Scanner(ScannerState::Idle));
        self.notice(
            format!("Hòm phiếu mới: {}", self.batch),
            format!("New batch: {}", self.batch),
            false,
        );
        self.snapshot();
    }

    fn station_event(&mut self, e: Event) {
        self.dirty = true;
        match e {
            Event::Interpreted { sheet, .. } => self.latest_sheet = Some(sheet),
            Event::ScannerFault {
                status,
                instruction_vi,
                instruction_en,
            } => {
                if let Some(scan) = &mut self.scan {
                    scan.fault = true;
                }
                self.send(Update::Scanner(ScannerState::Fault {
                    status,
                    instruction_vi,
                    instruction_en,
                }));
            }
            Event::Error { message } => {
                self.notice(message.clone(), message, true);
            }
            Event::PageReceived { .. } => {}
        }
    }

    fn scan_done(&mut self, r: Result<RunSummary, String>) {
        if let Some(scan) = self.scan.take() {
            let _ = scan.thread.join();
        }
        match r {
            Ok(s) => {
                self.send(Update::Scanner(ScannerState::Idle));
                self.notice(
                    format!(
                        "Hết phiếu trong máy quét: {} tờ đã lưu và đọc, {} lỗi máy quét.",
                        s.received, s.faults
                    ),
                    format!(
                        "Feeder empty: {} sheets stored and read, {} scanner faults.",
                        s.received, s.faults
                    ),
                    false,
                );
            }
            Err(message) => {
                self.send(Update::Scanner(ScannerState::Failed {
                    message: message.clone(),
                }));
                self.fail("Máy quét dừng", "The scanner stopped", message);
            }
        }
        self.snapshot();
    }

    fn snapshot(&mut self) {
        self.dirty = false;
        self.last_snapshot = Instant::now();
        let Some(st) = &self.station else { return };
        // One read of the sheets serves the snapshot and the last ballot's picture.
        let states = match st.sheets() {
            Ok(s) => s,
            Err(e) => return self.fail("Không đọc được số liệu", "Cannot read the count", e),
        };
        match build_snapshot(st, &states, &self.batch, &mut self.review_cache) {
            Ok(s) => self.send(Update::Snapshot(Box::new(s))),
            Err(e) => self.fail("Không đọc được số liệu", "Cannot read the count", e),
        }
        // The last ballot's picture, at most once a snapshot.
        if let Some(sheet) = self.latest_sheet.filter(|s| Some(*s) != self.shown_sheet) {
            self.shown_sheet = Some(sheet);
            if let Some(state) = states.iter().find(|s| s.sheet.id == sheet) {
                if let Ok((picture, _)) = st.sheet_picture(state) {
                    self.send(Update::LastSheet {
                        sheet,
                        status: state.status.clone().unwrap_or_default(),
                        serial: state.serial.clone(),
                        picture: fit(picture, 640),
                    });
                }
            }
        }
    }
}

/// Runs one batch on its own station connection, forwarding the station's events.
fn scan_batch(
    db: &Path,
    scanner: Box<dyn Scanner>,
    batch: &str,
    tx: Sender<Msg>,
) -> Result<RunSummary, String> {
    let mut station = Station::open(db).map_err(|e| e.to_string())?;
    let events = station.subscribe();
    let forward = std::thread::spawn(move || {
        for e in events {
            if tx.send(Msg::Station(e)).is_err() {
                break;
            }
        }
    });
    let result = station.run(scanner, batch).map_err(|e| e.to_string());
    drop(station);
    let _ = forward.join();
    result
}

fn build_snapshot(
    st: &Station,
    states: &[SheetState],
    batch: &str,
    cache: &mut Option<(i64, Option<RgbImage>, Option<RgbImage>)>,
) -> Result<Snapshot, StationError> {
    let count = kiemphieu_station::station::count_sheets(st.election(), states);
    let setup = st.setup()?;
    let store = st.store();
    let reconciliation = store.reconciliation(st.session())?;
    let checks = reconciliation
        .as_ref()
        .map(|r| {
            kiemphieu_core::rules::reconcile(
                st.election(),
                &Counts {
                    households: st.election().election.households,
                    attendance: setup.attendance,
                    issued: r.issued,
                    returned: r.returned,
                    spoiled: r.spoiled,
                },
                &count.tally,
            )
        })
        .unwrap_or_default();
    let review = kiemphieu_station::station::review_queue_of(states, &count).first().map(|s| {
        let (picture, zoom) = match cache {
            Some((id, p, z)) if *id == s.sheet.id => (p.clone(), z.clone()),
            _ => {
                let (p, z) = match st.sheet_picture(s) {
                    Ok((p, z)) => (Some(fit(p, 900)), z.map(|z| fit(z, 900))),
                    Err(_) => (None, None),
                };
                *cache = Some((s.sheet.id, p.clone(), z.clone()));
                (p, z)
            }
        };
        ReviewItem {
            sheet: (*s).clone(),
            reading: s
                .reading
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            picture,
            zoom,
        }
    });
    let last_decision = store
        .last_decision(st.session())?
        .map(|(sheet, verdict, official)| LastDecision {
            sheet,
            verdict: serde_json::from_str(&verdict).ok(),
            official,
        });
    Ok(Snapshot {
        election: st.election().clone(),
        session: st.session(),
        state: st.state()?,
        setup,
        sheets: states.len() as u32,
        count,
        reconciliation,
        checks,
        confirmations: store.confirmations(st.session())?,
        complaints: store.complaints(st.session())?,
        review,
        last_decision,
        batch: batch.to_string(),
    })
}

/// The batch scanning continues into after a restart: the latest one used.
fn current_batch(st: &Station) -> String {
    let batches: BTreeMap<String, _> = st.batches().unwrap_or_default();
    let latest = st
        .sheets()
        .ok()
        .and_then(|s| s.last().map(|s| s.sheet.batch.clone()));
    latest.unwrap_or_else(|| batch_name(batches.len() + 1))
}

/// A picture no larger than `max_side` on its longer side: scaled here, on the
/// service thread, so the UI thread never copies or scales a full-size overlay.
fn fit(img: RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= max_side {
        return img;
    }
    let s = max_side as f64 / w.max(h) as f64;
    image::imageops::resize(
        &img,
        ((w as f64 * s) as u32).max(1),
        ((h as f64 * s) as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

/// A file beside the database: `DB` + suffix.
fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The first page of a PDF as a picture, through poppler's pdftoppm when installed.
fn pdf_preview(pdf: &Path) -> Option<RgbImage> {
    let stem = pdf.with_extension("preview");
    let ok = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .ok()?
        .success();
    let png = PathBuf::from(format!("{}.png", stem.display()));
    let img = ok
        .then(|| image::open(&png).ok())
        .flatten()
        .map(|i| i.to_rgb8());
    let _ = std::fs::remove_file(&png);
    img
}

/// The name of the n-th batch (ballot box).
pub fn batch_name(n: usize) -> String {
    format!("hòm phiếu {n}")
}

/// Sources to offer: the SANE scanners attached, then the simulated scanner.
fn scanner_sources() -> Vec<String> {
    let mut v: Vec<String> = kiemphieu_devices::scanner::list_devices()
        .map(|d| d.into_iter().map(|d| format!("sane:{}", d.name)).collect())
        .unwrap_or_default();
    v.push("sim:40".into());
    v
}

/// Election files (`*.toml`) in the given folders and one level below (USB sticks
/// mount as /media/USER/LABEL), sorted.
pub fn find_election_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let hidden_or_build = e
                .file_name()
                .to_str()
                .is_none_or(|n| n.starts_with('.') || n == "target");
            if p.is_dir() {
                if depth > 0 && !hidden_or_build {
                    walk(&p, depth - 1, found);
                }
            } else if p.extension().is_some_and(|x| x == "toml") && !hidden_or_build {
                found.push(p);
            }
        }
    }
    let mut found = Vec::new();
    for d in dirs {
        walk(d, 2, &mut found);
    }
    found.sort();
    found.dedup();
    found.truncate(20);
    found
}
