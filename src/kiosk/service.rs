//! The station service: one thread owns the counting session and takes
//! commands; observers (the kiosk) receive updates. Scanning runs on a thread
//! of its own, so the service keeps answering — pause, review, status — while
//! pages flow, and no observer ever waits on a scanner, the disk or the
//! interpreter. Nothing here knows about any user interface.
//!
//! This module is the actor: its message loop and the dispatch of commands.
//! The use cases live beside it: `board` (the board's decisions), `scanning`,
//! `test_scan`, `print_sheet`, `export`, `election_files` and `snapshot`.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kiemphieu_core::election::{BallotKey, Election};
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{Event, RunSummary, Station, StationError, round_key_path};
use kiemphieu_station::store::StationMode;
use kiemphieu_synth::scanner::SimContext;

use super::scan_thread::{Scan, current_batch, scanner_sources};
use super::snapshot::{ReviewCache, build_snapshot, fit};
use super::{export, print_sheet, test_scan};

pub use super::election_files::find_election_files;
pub use super::messages::{Command, Notice, ScannerState, TestResult, Update};
pub use super::scan_thread::batch_name;
pub use super::snapshot::{LastDecision, ReviewItem, Snapshot};

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
    /// A demo: a new database is made a demo station, and the simulator is offered.
    pub demo: bool,
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
            demo: false,
        }
    }
}

/// What the service thread receives: commands, and its scan thread's news.
pub(super) enum Msg {
    Command(Command),
    Station(Event),
    ScanDone(Result<RunSummary, String>),
    Shutdown,
}

/// A running station service: send commands, drain updates.
pub struct Service {
    tx: Sender<Msg>,
    updates: Receiver<Update>,
    thread: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Service {
    /// Starts the service thread.
    pub fn start(config: ServiceConfig) -> Service {
        let (tx, rx) = mpsc::channel();
        let (utx, updates) = mpsc::channel();
        let inner_tx = tx.clone();
        let thread = std::thread::Builder::new()
            .name("kiemphieu-station".into())
            .spawn(move || Worker::new(config, inner_tx, utx).run(&rx))
            .ok();
        Service {
            tx,
            updates,
            thread: std::sync::Mutex::new(thread),
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

impl Service {
    /// Stops the service and waits for it: a running scan stops before its
    /// next sheet (the one in flight is stored) and the station is released.
    pub fn stop(&self) {
        let _ = self.tx.send(Msg::Shutdown);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The service thread's state.
pub(super) struct Worker {
    pub(super) config: ServiceConfig,
    pub(super) tx: Sender<Msg>,
    out: Sender<Update>,
    pub(super) station: Option<Station>,
    pub(super) election: Option<(PathBuf, Election)>,
    pub(super) batch: String,
    pub(super) scan: Option<Scan>,
    pub(super) dirty: bool,
    last_snapshot: Instant,
    pub(super) latest_sheet: Option<i64>,
    shown_sheet: Option<i64>,
    review_cache: ReviewCache,
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

    pub(super) fn send(&self, u: Update) {
        let _ = self.out.send(u);
    }

    pub(super) fn notice(&self, notice: Notice) {
        self.send(Update::Notice(notice));
    }

    fn run(mut self, rx: &Receiver<Msg>) {
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
            scan.stop();
        }
    }

    fn start(&mut self) {
        // Asking SANE for its devices can take seconds (network backends): not on this thread.
        let out = self.out.clone();
        let (db, demo) = (self.config.db.clone(), self.demo());
        std::thread::spawn(move || {
            let _ = out.send(Update::ScannerSources(scanner_sources(&db, demo)));
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
                Err(e) => self.notice(Notice::CannotOpenDatabase {
                    path: self.config.db.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        if let Some(path) = self.config.election.clone() {
            self.load_election(path);
        }
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::LoadElection(p) => {
                if self.station.is_some() {
                    self.notice(Notice::ElectionFixed);
                } else {
                    self.load_election(p);
                }
            }
            Command::OpenSession { election, setup } => self.open_session(&election, &setup),
            Command::TestScan { source } => {
                let sim = self.sim_context();
                let demo = self.demo();
                self.send(test_scan::test_scan(&source, &self.config.scan, sim, demo));
            }
            Command::StartScan { source } => self.start_scan(&source),
            Command::Pause => self.pause(),
            Command::NewBatch => self.new_batch(),
            Command::Decide {
                sheet,
                decision,
                official,
            } => self.decide(sheet, &decision, &official),
            Command::ConfirmBlankPages { official } => self.confirm_blank_pages(&official),
            Command::Undo { official } => self.undo(&official),
            Command::Reconcile {
                issued,
                returned,
                spoiled,
                note,
            } => self.reconcile(issued, returned, spoiled, note.as_deref()),
            Command::Confirm { member } => self.confirm(&member),
            Command::RecordComplaint {
                lodged_by,
                content,
                handling,
                recorded_by,
            } => self.record_complaint(&lodged_by, &content, &handling, &recorded_by),
            Command::PrintSheet { copies, decision } => {
                if let Err(notice) =
                    print_sheet::print_sheet(&self.config.db, copies, decision, &self.out)
                {
                    self.notice(notice);
                }
            }
            Command::Export { out } => self.notice(export::export(&self.config.db, out)),
            Command::Refresh => self.snapshot(),
        }
    }

    /// Runs `f` on the open session, or fails when none is open.
    pub(super) fn with_station<T>(
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

    /// Whether this kiosk runs a demo: a demo database, or a new one the demo
    /// will make. A real database never offers the simulator.
    pub(super) fn demo(&self) -> bool {
        match &self.station {
            Some(st) => st.mode() == StationMode::Demo,
            None => {
                self.config.demo
                    || (self.config.db.exists()
                        && kiemphieu_station::store::Store::open(&self.config.db)
                            .and_then(|s| s.mode())
                            .is_ok_and(|m| m == StationMode::Demo))
            }
        }
    }

    /// The election and the round's key the test sheet is read with (and, in a
    /// demo, that the simulated scanner prints ballots for).
    pub(super) fn sim_context(&self) -> Option<SimContext> {
        let (election, key) = match (&self.station, &self.election) {
            (Some(st), _) => (
                st.election().clone(),
                BallotKey::load(&round_key_path(&self.config.db, st.round())).ok()?,
            ),
            (None, Some((path, e))) => (
                e.clone(),
                BallotKey::load_or_create_at(&BallotKey::path_for_round(path, e.election.round))
                    .ok()?,
            ),
            _ => return None,
        };
        Some(SimContext { election, key })
    }

    /// Sends a fresh snapshot, and the last ballot's picture when it is new.
    pub(super) fn snapshot(&mut self) {
        self.dirty = false;
        self.last_snapshot = Instant::now();
        let Some(st) = &self.station else { return };
        // One read of the sheets serves the snapshot and the last ballot's picture.
        let states = match st.sheets() {
            Ok(s) => s,
            Err(e) => {
                return self.notice(Notice::CannotReadCount {
                    reason: e.to_string(),
                });
            }
        };
        match build_snapshot(st, &states, &self.batch, &mut self.review_cache) {
            Ok(s) => self.send(Update::Snapshot(Box::new(s))),
            Err(e) => self.notice(Notice::CannotReadCount {
                reason: e.to_string(),
            }),
        }
        // The last ballot's picture, at most once a snapshot.
        if let Some(sheet) = self.latest_sheet.filter(|s| Some(*s) != self.shown_sheet) {
            self.shown_sheet = Some(sheet);
            if let Some(state) = states.iter().find(|s| s.sheet.id == sheet) {
                if let Ok((picture, _)) = st.sheet_picture(state) {
                    self.send(Update::LastSheet {
                        sheet,
                        status: state
                            .reading
                            .as_ref()
                            .map(|r| kiemphieu_station::station::status_code(r.status).to_string())
                            .unwrap_or_default(),
                        serial: state.serial().map(str::to_string),
                        picture: fit(picture, 640),
                    });
                }
            }
        }
    }
}
