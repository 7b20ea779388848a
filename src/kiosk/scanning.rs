//! Scanning into a batch: the scan runs on a thread of its own with its own
//! station connection, forwarding the station's events to the service; the
//! operator can hold the feeder (pause), and a fault holds it until the
//! operator continues.
#![warn(clippy::as_conversions)]

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use kiemphieu_devices::scanner::{ScanError, ScannedPage, Scanner, SourceKind};
use kiemphieu_station::station::{Event, RunSummary, Station};
use kiemphieu_station::store::SessionState;

use super::messages::{Notice, ScannerState, Update};
use super::scan_thread::{Scan, batch_name};
use super::service::{Msg, Worker};
use crate::source::open_for_station;

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

    fn source_kind(&self) -> SourceKind {
        self.inner.source_kind()
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
        self.inner.cancel();
    }
}

impl Worker {
    /// Starts scanning into the current batch, or continues after a pause or fault.
    pub(super) fn start_scan(&mut self, source: &str) {
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
            self.notice(Notice::NoSession);
            return;
        };
        if !matches!(
            st.state(),
            Ok(SessionState::Counting | SessionState::Setup | SessionState::Review)
        ) {
            self.notice(Notice::ScanningClosed);
            return;
        }
        // Each simulated run is a fresh box of ballots, not the same one again.
        let mut spec = source.trim().to_string();
        if spec.starts_with("sim:") && !spec.contains("seed=") {
            let n = st
                .store()
                .sheet_records(st.session())
                .map_or(0, |s| s.len());
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            let _ = write!(spec, ",seed={}", 1000 + st.session() * 100_000 + n);
        }
        let opened = match self.station.as_mut() {
            Some(st) => open_for_station(&spec, &self.config.scan, st, &self.config.db),
            None => return,
        };
        let scanner = match opened {
            Ok(s) => s.scanner,
            Err(e) => {
                self.send(Update::Scanner(ScannerState::Failed {
                    message: format!("{source}: {e}"),
                }));
                self.notice(Notice::CannotUseScanner {
                    reason: e.to_string(),
                });
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

    /// Holds the feeder before the next sheet.
    pub(super) fn pause(&self) {
        if let Some(scan) = &self.scan {
            scan.hold.store(true, Ordering::SeqCst);
            self.send(Update::Scanner(ScannerState::Paused {
                batch: self.batch.clone(),
            }));
        }
    }

    /// Ends the current batch; the next start opens a new one.
    pub(super) fn new_batch(&mut self) {
        if let Some(scan) = self.scan.take() {
            scan.stop();
        }
        if let Some(st) = &self.station {
            let used = st.batches().map_or(0, |b| b.len());
            self.batch = batch_name(used + 1);
        }
        self.send(Update::Scanner(ScannerState::Idle));
        self.notice(Notice::NewBatch {
            batch: self.batch.clone(),
        });
        self.snapshot();
    }

    /// An event of the scanning station.
    pub(super) fn station_event(&mut self, e: Event) {
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
            Event::Error { message } => self.notice(Notice::StationError { message }),
            Event::PageReceived { .. } => {}
        }
    }

    /// The scan thread ended: the feeder ran empty, or the scanner failed.
    pub(super) fn scan_done(&mut self, r: Result<RunSummary, String>) {
        if let Some(scan) = self.scan.take() {
            let _ = scan.thread.join();
        }
        match r {
            Ok(s) => {
                self.send(Update::Scanner(ScannerState::Idle));
                self.notice(Notice::FeederEmpty {
                    received: s.received,
                    faults: s.faults,
                });
            }
            Err(message) => {
                self.send(Update::Scanner(ScannerState::Failed {
                    message: message.clone(),
                }));
                self.notice(Notice::ScannerStopped { reason: message });
            }
        }
        self.snapshot();
    }
}

/// Runs one batch on its own station connection, forwarding the station's events.
#[allow(clippy::needless_pass_by_value)] // the sender moves into the forwarding thread's closure
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
