//! The counting station: one counting session from set-up to close.
//!
//! Pages arrive from a scanner and are kept safely first — image written to the
//! content-addressed store and fsynced, sheet recorded in SQLite — before they
//! are acknowledged or interpreted. Interpretation runs on a worker pool,
//! decoupled from the feeder; readings and decisions are appended, never
//! overwritten. Counting is recomputed from the records: a serial counts once
//! per session (lowest sheet first), doubtful ballots wait for the officials.
//! No UI code: the CLI and the kiosk both observe [`Event`]s and call methods.

mod count;
mod images;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use serde::{Deserialize, Serialize};

pub use count::{Count, SheetOutcome, count as count_sheets};
pub use images::{ImageStore, ImageStoreError, sha256_hex};

use crate::election::{BallotKey, Election, Fingerprint, KeyError};
use crate::interpret::{
    DEFAULT_PIXEL_BUDGET, Interpreter, Page, Profile, Reading, Status, decode_pages,
};
use crate::rules::Verdict;
use crate::scan::{ScanError, ScannedPage, Scanner};
use crate::store::{SessionState, SheetState, Store, StoreError};

/// The sheets of `states` that wait for the officials in `count`, least certain first.
pub fn review_queue_of<'a>(states: &'a [SheetState], count: &Count) -> Vec<&'a SheetState> {
    let mut queue: Vec<&SheetState> = states
        .iter()
        .filter(|s| s.status.as_deref() == Some("review") && s.human_verdict.is_none())
        .filter(|s| count.sheets.get(&s.sheet.id) == Some(&SheetOutcome::AwaitingReview))
        .collect();
    queue.sort_by(|a, b| {
        a.certainty
            .total_cmp(&b.certainty)
            .then(a.sheet.id.cmp(&b.sheet.id))
    });
    queue
}

/// Longest text of one complaint field that the biên bản prints.
pub const MAX_COMPLAINT_CHARS: usize = 500;

/// The counting board and attendance, entered at set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Setup {
    /// Head of the counting board (Tổ trưởng / Trưởng ban kiểm phiếu).
    pub leader: String,
    /// Members (up to 4).
    pub members: Vec<String>,
    /// The two witnessing household representatives.
    pub witnesses: Vec<String>,
    /// A: household representatives present (ballots delivered, in household mode).
    pub attendance: u32,
}

impl Setup {
    /// The counting board: the leader, then the members.
    pub fn board(&self) -> Vec<String> {
        std::iter::once(self.leader.clone())
            .chain(self.members.iter().cloned())
            .collect()
    }
}

/// What the station tells its observers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A page was stored and recorded.
    PageReceived {
        /// Sheet id.
        sheet: i64,
        /// Where it came from.
        source: String,
    },
    /// A page was interpreted.
    Interpreted {
        /// Sheet id.
        sheet: i64,
        /// Status code (valid, invalid, review, …).
        status: String,
        /// Serial, when read.
        serial: Option<String>,
    },
    /// The scanner reported a fault; the operator must act.
    ScannerFault {
        /// Status code (jammed, no_paper, …), if typed.
        status: Option<String>,
        /// Instruction in Vietnamese.
        instruction_vi: String,
        /// Instruction in English.
        instruction_en: String,
    },
    /// Something went wrong that the operator should know.
    Error {
        /// Plain description.
        message: String,
    },
}

/// A station failure, naming what failed.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The image store.
    #[error(transparent)]
    Images(#[from] ImageStoreError),
    /// The election's key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The scanner.
    #[error("scanner: {0}")]
    Scanner(#[from] ScanError),
    /// The ballot layout.
    #[error("ballot layout: {0}")]
    Layout(#[from] crate::ballot::LayoutError),
    /// The operation is not allowed now.
    #[error("{0}")]
    State(String),
}

/// A page taken in: its sheet, whether it is new, and where its image is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// Sheet id.
    pub sheet: i64,
    /// False when the identical image was already stored in this session.
    pub new: bool,
    /// SHA-256 of the stored image.
    pub sha256: String,
    /// Path of the image in the image store.
    pub path: String,
}

/// Summary of one scanning run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Pages stored in this run (new sheets).
    pub received: u64,
    /// Pages that were already stored (identical image).
    pub repeated: u64,
    /// Pages interpreted in this run (including ones left from an earlier run).
    pub interpreted: u64,
    /// Scanner faults met.
    pub faults: u64,
}

/// A counting station bound to one database and its latest session.
pub struct Station {
    store: Store,
    images: ImageStore,
    election: Election,
    interpreter: Arc<Interpreter>,
    session: i64,
    subscribers: Vec<Sender<Event>>,
}

/// Where the station keeps its copy of the election key: `DB.key`.
pub fn key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

/// Where the station keeps its images: `DB.images/`.
pub fn images_dir(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".images");
    PathBuf::from(p)
}

/// Where a station process holds its writer lock: `DB.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// The one-writer lock of a station database, held while scanning or closing.
/// The kernel releases it when the process ends, even by kill -9 or a power cut.
#[derive(Debug)]
pub struct WriterLock {
    _file: std::fs::File,
}

impl WriterLock {
    /// Takes the lock of `db` without waiting; names the holder when it is taken.
    pub fn take(db: &Path) -> Result<WriterLock, StationError> {
        use std::io::{Read, Seek, Write};
        use std::os::fd::AsRawFd;
        let path = lock_path(db);
        let fail = |what: &str, e: std::io::Error| {
            StationError::State(format!("{}: {what}: {e}", path.display()))
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| fail("cannot create the station lock", e))?;
        // SAFETY: flock on a descriptor this function owns; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(StationError::State(format!(
                "{}: another kiemphieu process ({}) is scanning into or closing this session; only one station may write a database — wait for it to finish or stop it",
                db.display(),
                match holder.trim() {
                    "" => "pid unknown".to_string(),
                    pid => format!("pid {pid}"),
                }
            )));
        }
        // The holder's pid, for the message above; the lock itself is the flock.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()));
        Ok(WriterLock { _file: file })
    }
}

impl Station {
    /// Opens a new counting session for an election file (with its key beside it).
    pub fn create(
        db: &Path,
        election_file: &Path,
        setup: &Setup,
        previous: Option<i64>,
    ) -> Result<Station, StationError> {
        // Size-limited like every election file read.
        let source =
            crate::election::read_election_source(election_file).map_err(StoreError::Election)?;
        let mut store = Store::open(db)?;
        let election = store.bind_election(&source, election_file)?;
        let key = BallotKey::load_or_create(election_file)?;
        // The station keeps its own copy of the key, private, beside the database.
        let kp = key_path(db);
        if !kp.exists() {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&kp)
                .map_err(|source| KeyError::Io {
                    file: kp.clone(),
                    source,
                })?;
            f.write_all(format!("{}\n", hex::encode(key.as_bytes())).as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|source| KeyError::Io {
                    file: kp.clone(),
                    source,
                })?;
        }
        // The station's signing key is made at first start, never later at signing time.
        crate::signing::StationKey::load_or_create(db)
            .map_err(|e| StationError::State(e.to_string()))?;
        if let Some(open) = store
            .sessions()?
            .iter()
            .rev()
            .find(|s| s.state != SessionState::Closed)
        {
            return Err(StationError::State(format!(
                "session {} is still {:?}; close it before opening another",
                open.id, open.state
            )));
        }
        let fingerprint = Fingerprint::of(&election);
        let session = store.create_session(&fingerprint, previous)?;
        store.set_session_setup(session, &serde_json::to_value(setup).unwrap_or_default())?;
        store.set_session_state(session, SessionState::Counting, "station")?;
        drop(store);
        Station::open(db)
    }

    /// Opens the station database and its latest session (resuming it).
    pub fn open(db: &Path) -> Result<Station, StationError> {
        let store = Store::open(db)?;
        let (election, _) = store.election()?.ok_or(StoreError::NoElection {
            file: db.to_path_buf(),
        })?;
        let key = BallotKey::load(&key_path(db))?;
        let session = store.sessions()?.last().map(|s| s.id).ok_or_else(|| {
            StationError::State(format!(
                "{}: no counting session (run `kiemphieu session open`)",
                db.display()
            ))
        })?;
        let interpreter = Arc::new(Interpreter::new(&election, key, Profile::default())?);
        Ok(Station {
            store,
            images: ImageStore::new(images_dir(db)),
            election,
            interpreter,
            session,
            subscribers: Vec::new(),
        })
    }

    /// The election counted.
    pub fn election(&self) -> &Election {
        &self.election
    }

    /// The current session id.
    pub fn session(&self) -> i64 {
        self.session
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The image store.
    pub fn images(&self) -> &ImageStore {
        &self.images
    }

    /// The session's state.
    pub fn state(&self) -> Result<SessionState, StationError> {
        Ok(self
            .store
            .sessions()?
            .into_iter()
            .find(|s| s.id == self.session)
            .map(|s| s.state)
            .unwrap_or(SessionState::Setup))
    }

    /// The set-up entered when the session was opened.
    pub fn setup(&self) -> Result<Setup, StationError> {
        Ok(serde_json::from_value(self.store.session_setup(self.session)?).unwrap_or_default())
    }

    /// A new receiver of events.
    pub fn subscribe(&mut self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.push(tx);
        rx
    }

    fn emit(&mut self, event: Event) {
        self.subscribers.retain(|s| s.send(event.clone()).is_ok());
    }

    fn require_open(&self) -> Result<(), StationError> {
        match self.state()? {
            SessionState::Reconciled => Err(StationError::State(format!(
                "session {} is reconciled and waits for the board's confirmation; nothing can change",
                self.session
            ))),
            SessionState::Confirmed | SessionState::Closed => Err(StationError::State(format!(
                "session {} is confirmed or closed; nothing can change",
                self.session
            ))),
            _ => Ok(()),
        }
    }

    /// Stores and records one scanned page; returns the sheets (one per page of a
    /// multi-page file). Only after this returns is the page acknowledged.
    pub fn intake(&mut self, page: &ScannedPage, batch: &str) -> Result<Vec<Intake>, StationError> {
        self.require_open()?;
        // A multi-page file (TIFF) becomes one sheet a page, each stored as PNG;
        // anything else, readable or not, is stored exactly as received.
        // Only TIFF holds several pages; decoding anything else here would stall the feeder.
        let is_tiff = page.bytes.starts_with(b"II*\0") || page.bytes.starts_with(b"MM\0*");
        let pages = match is_tiff.then(|| decode_pages(&page.bytes, DEFAULT_PIXEL_BUDGET)) {
            Some(Ok(p)) if p.len() > 1 => p,
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        if pages.is_empty() {
            let (sha, rel) = self.images.put(&page.bytes, page.extension)?;
            let (id, new) = self
                .store
                .add_sheet(self.session, batch, &sha, &rel, &page.source)?;
            out.push(Intake {
                sheet: id,
                new,
                sha256: sha,
                path: rel,
            });
        } else {
            for (i, p) in pages.iter().enumerate() {
                let mut png = Vec::new();
                p.image
                    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                    .map_err(|e| {
                        StationError::State(format!(
                            "{}: page {}: cannot re-encode: {e}",
                            page.source,
                            i + 1
                        ))
                    })?;
                let (sha, rel) = self.images.put(&png, "png")?;
                let source = format!("{} page {}", page.source, i + 1);
                let (id, new) = self
                    .store
                    .add_sheet(self.session, batch, &sha, &rel, &source)?;
                out.push(Intake {
                    sheet: id,
                    new,
                    sha256: sha,
                    path: rel,
                });
            }
        }
        for i in &out {
            if i.new {
                self.emit(Event::PageReceived {
                    sheet: i.sheet,
                    source: page.source.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Interprets every stored sheet that has no reading yet (on resume, or after intake).
    pub fn interpret_pending(&mut self) -> Result<u64, StationError> {
        use rayon::prelude::*;
        let pending = self.store.pending_sheets(self.session)?;
        let images = self.images.clone();
        let interp = self.interpreter.clone();
        let results: Vec<(i64, Result<Reading, ImageStoreError>)> = pending
            .par_iter()
            .map(|s| {
                let reading = images
                    .get(&s.image_path, &s.image_sha256)
                    .map(|bytes| read_bytes(&interp, &bytes));
                (s.id, reading)
            })
            .collect();
        let mut n = 0;
        for (id, reading) in results {
            match reading {
                Ok(reading) => {
                    self.record(id, &reading)?;
                    n += 1;
                }
                // Left unread, not rejected: scanning the ballot again restores the
                // image (same hash) and the sheet is read then.
                Err(e) => self.emit(Event::Error {
                    message: format!("sheet {id}: {e}; left unread — scan this ballot again"),
                }),
            }
        }
        Ok(n)
    }

    /// Stored images that are missing or no longer match their SHA-256 (a power cut
    /// on a disk that does not keep its promises, or tampering), one line each.
    pub fn damaged_images(&self) -> Result<Vec<String>, StationError> {
        use rayon::prelude::*;
        let sheets = self.store.sheet_states(self.session)?;
        let images = &self.images;
        Ok(sheets
            .par_iter()
            .filter_map(|s| {
                images
                    .get(&s.sheet.image_path, &s.sheet.image_sha256)
                    .err()
                    .map(|e| format!("sheet {} ({}): {e}", s.sheet.id, s.sheet.source))
            })
            .collect())
    }

    /// Records a reading: appended, with the machine verdict.
    fn record(&mut self, sheet: i64, reading: &Reading) -> Result<(), StationError> {
        let status = status_code(reading.status);
        let json = serde_json::to_string(reading).unwrap_or_else(|_| "{}".into());
        let verdict = reading
            .verdict
            .as_ref()
            .and_then(|v| serde_json::to_string(v).ok());
        // Informational: the authoritative duplicate check is made when counting.
        let duplicate_of = match &reading.serial {
            Some(serial) => self
                .store
                .earlier_sheet_with_serial(self.session, serial, sheet)?,
            None => None,
        };
        let status = if duplicate_of.is_some()
            && matches!(
                reading.status,
                Status::Valid | Status::Invalid | Status::Review
            ) {
            "duplicate"
        } else {
            status
        };
        self.store.add_reading(
            sheet,
            reading.serial.as_deref(),
            status,
            &json,
            verdict.as_deref(),
            reading.certainty,
            duplicate_of,
        )?;
        self.emit(Event::Interpreted {
            sheet,
            status: status.to_string(),
            serial: reading.serial.clone(),
        });
        Ok(())
    }

    /// Runs a scanner until it has nothing more: pages are stored as they come and
    /// interpreted on the worker pool, so a slow page never stalls the feeder.
    pub fn run(
        &mut self,
        mut scanner: Box<dyn Scanner>,
        batch: &str,
    ) -> Result<RunSummary, StationError> {
        self.require_open()?;
        let _lock = WriterLock::take(self.store.path())?;
        let mut summary = RunSummary {
            interpreted: self.interpret_pending()?,
            ..Default::default()
        };
        enum Msg {
            Page(ScannedPage),
            Fault(ScanError),
            Done(Option<ScanError>),
            Read(i64, Box<Reading>),
        }
        // Bounded: a fast feeder (a hot folder) waits instead of loading every page into memory.
        let (tx, rx) = mpsc::sync_channel::<Msg>(8);
        let feeder_tx = tx.clone();
        let feeder = std::thread::spawn(move || {
            if let Err(e) = scanner.start_batch() {
                let _ = feeder_tx.send(Msg::Done(Some(e)));
                return;
            }
            loop {
                match scanner.next_page() {
                    Ok(Some(page)) => {
                        if feeder_tx.send(Msg::Page(page)).is_err() {
                            scanner.cancel();
                            return;
                        }
                    }
                    Ok(None) => break,
                    // A typed fault: tell the operator, go on with the next sheet.
                    Err(e) if e.status.is_some() => {
                        if feeder_tx.send(Msg::Fault(e)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = feeder_tx.send(Msg::Done(Some(e)));
                        return;
                    }
                }
            }
            scanner.cancel();
            let _ = feeder_tx.send(Msg::Done(None));
        });
        let mut outstanding = 0u64;
        let mut done = false;
        let mut failure = None;
        while !done || outstanding > 0 {
            let Ok(msg) = rx.recv() else { break };
            match msg {
                Msg::Page(page) => {
                    for got in self.intake(&page, batch)? {
                        if !got.new {
                            summary.repeated += 1;
                            continue;
                        }
                        summary.received += 1;
                        outstanding += 1;
                        let (interp, images, tx) =
                            (self.interpreter.clone(), self.images.clone(), tx.clone());
                        rayon::spawn(move || {
                            let reading = read_sheet(&interp, &images, &got.path, &got.sha256);
                            let _ = tx.send(Msg::Read(got.sheet, Box::new(reading)));
                        });
                    }
                }
                Msg::Read(id, reading) => {
                    outstanding -= 1;
                    summary.interpreted += 1;
                    self.record(id, &reading)?;
                }
                Msg::Fault(e) => {
                    summary.faults += 1;
                    self.emit(Event::ScannerFault {
                        status: e.status.map(|s| s.code().to_string()),
                        instruction_vi: e.instruction_vi(),
                        instruction_en: e.instruction_en(),
                    });
                    // The instruction is generic; the message names the sheet or file.
                    self.emit(Event::Error { message: e.message });
                }
                Msg::Done(err) => {
                    done = true;
                    if let Some(e) = err {
                        self.emit(Event::Error {
                            message: e.to_string(),
                        });
                        failure = Some(e);
                    }
                }
            }
        }
        let _ = feeder.join();
        if let Some(e) = failure {
            return Err(StationError::Scanner(e));
        }
        // Sheets left unread at the start (image damaged) whose ballot was scanned again.
        summary.interpreted += self.interpret_pending()?;
        Ok(summary)
    }

    /// Everything counted so far, recomputed from the records.
    pub fn count(&self) -> Result<Count, StationError> {
        Ok(count::count(
            &self.election,
            &self.store.sheet_states(self.session)?,
        ))
    }

    /// Ballots waiting for the officials, least certain first.
    pub fn review_queue(&self) -> Result<Vec<SheetState>, StationError> {
        let states = self.store.sheet_states(self.session)?;
        let count = count_sheets(&self.election, &states);
        Ok(review_queue_of(&states, &count)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Records the officials' decision on a sheet (revisable until confirmation).
    pub fn decide(
        &mut self,
        sheet: i64,
        verdict: &Verdict,
        reason: &str,
        official: &str,
    ) -> Result<(), StationError> {
        self.require_open()?;
        if !verdict.is_decided() {
            return Err(StationError::State(
                "a decision must be valid or invalid, not review".into(),
            ));
        }
        if official.trim().is_empty() {
            return Err(StationError::State(
                "a decision needs the deciding official's name".into(),
            ));
        }
        let known = self
            .store
            .sheet_states(self.session)?
            .iter()
            .any(|s| s.sheet.id == sheet);
        if !known {
            return Err(StationError::State(format!(
                "sheet {sheet} is not in session {}",
                self.session
            )));
        }
        let json =
            serde_json::to_string(verdict).map_err(|e| StationError::State(e.to_string()))?;
        self.store.add_decision(sheet, &json, reason, official)?;
        Ok(())
    }

    /// Withdraws the latest decision still in force (undo, until the count is
    /// reconciled): its sheet waits for review again. Returns that sheet.
    pub fn undo_decision(&mut self, official: &str) -> Result<Option<i64>, StationError> {
        self.require_open()?;
        let Some((sheet, _, _)) = self.store.last_decision(self.session)? else {
            return Ok(None);
        };
        let official = if official.trim().is_empty() {
            "station"
        } else {
            official
        };
        self.store
            .add_decision(sheet, crate::store::WITHDRAWN, "undo", official)?;
        Ok(Some(sheet))
    }

    /// The picture of a sheet as the interpreter sees it (overlay), with the
    /// part to look at closely (doubtful names, stamp…) cut out and enlarged.
    pub fn sheet_picture(
        &self,
        sheet: &SheetState,
    ) -> Result<(image::RgbImage, Option<image::RgbImage>), StationError> {
        let bytes = self
            .images
            .get(&sheet.sheet.image_path, &sheet.sheet.image_sha256)?;
        let pages = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET).map_err(|e| {
            StationError::State(format!("sheet {}: cannot decode: {e}", sheet.sheet.id))
        })?;
        let page = pages.into_iter().next().ok_or_else(|| {
            StationError::State(format!("sheet {}: no page in the image", sheet.sheet.id))
        })?;
        let (reading, trace) = self.interpreter.interpret_traced(&page);
        let template = self.interpreter.template();
        let picture = crate::interpret::overlay::draw(&page.image, &reading, &trace, template);
        let zoom = crate::interpret::overlay::focus(
            (page.image.width(), page.image.height()),
            &reading,
            &trace,
            template,
        )
        .map(|(x, y, w, h)| {
            let crop = image::imageops::crop_imm(&picture, x, y, w, h).to_image();
            let scale = (900.0 / w.max(1) as f64).clamp(1.0, 4.0);
            image::imageops::resize(
                &crop,
                (w as f64 * scale) as u32,
                (h as f64 * scale) as u32,
                image::imageops::FilterType::Triangle,
            )
        });
        Ok((picture, zoom))
    }

    /// Enters issued/returned and checks the identities of rules.md §6; when they
    /// hold (or a note explains why not) the session is reconciled and waits for
    /// each board member's confirmation.
    pub fn close(
        &mut self,
        issued: u32,
        returned: u32,
        spoiled: u32,
        note: Option<&str>,
    ) -> Result<Vec<crate::rules::Check>, StationError> {
        self.require_open()?;
        // No scan may add a sheet between the count checked here and the reconciliation.
        let _lock = WriterLock::take(self.store.path())?;
        let count = self.count()?;
        if count.awaiting_review > 0 {
            return Err(StationError::State(format!(
                "{} ballots still wait for the officials' decision (kiemphieu review)",
                count.awaiting_review
            )));
        }
        if count.pending > 0 {
            return Err(StationError::State(format!(
                "{} pages are not interpreted yet",
                count.pending
            )));
        }
        // The count rests on the stored images: every one must still be whole.
        let damaged = self.damaged_images()?;
        if !damaged.is_empty() {
            return Err(StationError::State(format!(
                "{} stored images are damaged; scan those ballots again: {}",
                damaged.len(),
                damaged.join("; ")
            )));
        }
        let setup = self.setup()?;
        let counts = crate::rules::Counts {
            households: self.election.election.households,
            attendance: setup.attendance,
            issued,
            returned,
            spoiled,
        };
        let checks = crate::rules::reconcile(&self.election, &counts, &count.tally);
        let broken: Vec<_> = checks.iter().filter(|c| !c.holds).collect();
        if !broken.is_empty() && note.is_none_or(|n| n.trim().is_empty()) {
            return Err(StationError::State(format!(
                "the counts do not reconcile: {}; correct them or explain with --note",
                broken
                    .iter()
                    .map(|c| c.text_en.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        self.store
            .reconcile_session(self.session, issued, returned, spoiled, note)?;
        Ok(checks)
    }

    /// A member of the counting board confirms the reconciled count; when the
    /// leader and every member have confirmed, the session is closed for good.
    /// Returns the board members still to confirm.
    pub fn confirm(&mut self, member: &str) -> Result<Vec<String>, StationError> {
        if self.state()? != SessionState::Reconciled {
            return Err(StationError::State(format!(
                "session {} is not reconciled (kiemphieu close first) or already closed",
                self.session
            )));
        }
        let setup = self.setup()?;
        let board = setup.board();
        let member = member.trim();
        if !board.iter().any(|b| crate::rules::same_name(b, member)) {
            return Err(StationError::State(format!(
                "`{member}` is not on the counting board ({})",
                board.join(", ")
            )));
        }
        self.store.add_confirmation(self.session, member)?;
        let done = self.store.confirmations(self.session)?;
        let missing: Vec<String> = board
            .into_iter()
            .filter(|b| !done.iter().any(|d| crate::rules::same_name(b, d)))
            .collect();
        if missing.is_empty() {
            // One transaction: a crash between the two would leave the session
            // confirmed but never closed, and no command could finish it.
            self.store.set_session_states(
                self.session,
                &[SessionState::Confirmed, SessionState::Closed],
                member,
            )?;
        }
        Ok(missing)
    }

    /// Records a complaint received at the count and how the board handled it.
    /// Only until the first board member confirms: a confirmation covers the
    /// whole biên bản, complaints included.
    pub fn record_complaint(
        &mut self,
        lodged_by: &str,
        content: &str,
        handling: &str,
        recorded_by: &str,
    ) -> Result<crate::store::Complaint, StationError> {
        let state = self.state()?;
        if matches!(state, SessionState::Confirmed | SessionState::Closed)
            || !self.store.confirmations(self.session)?.is_empty()
        {
            return Err(StationError::State(format!(
                "session {}: the board has begun to confirm the count; a complaint can no longer be added",
                self.session
            )));
        }
        let field = |name: &str, text: &str| -> Result<String, StationError> {
            let text = text.trim();
            if text.is_empty() {
                return Err(StationError::State(format!("a complaint needs {name}")));
            }
            // The biên bản prints it whole; a longer text belongs in an annex.
            if text.chars().count() > MAX_COMPLAINT_CHARS {
                return Err(StationError::State(format!(
                    "{name}: at most {MAX_COMPLAINT_CHARS} characters (attach longer texts to the biên bản on paper)"
                )));
            }
            Ok(unicode_normalization::UnicodeNormalization::nfc(text).collect())
        };
        let lodged_by = field("who lodged it", lodged_by)?;
        let content = field("its content", content)?;
        let handling = field("how the board handled it", handling)?;
        let recorded_by = recorded_by.trim();
        let setup = self.setup()?;
        let board = setup.board();
        let Some(member) = board
            .iter()
            .find(|b| crate::rules::same_name(b, recorded_by))
        else {
            return Err(StationError::State(format!(
                "`{recorded_by}` is not on the counting board ({}); a board member records the complaint",
                board.join(", ")
            )));
        };
        Ok(self
            .store
            .add_complaint(self.session, &lodged_by, &content, &handling, member)?)
    }

    /// The session's complaints, in the order they were recorded.
    pub fn complaints(&self) -> Result<Vec<crate::store::Complaint>, StationError> {
        Ok(self.store.complaints(self.session)?)
    }

    /// Every sheet with its outcome in the count.
    pub fn sheets(&self) -> Result<Vec<SheetState>, StationError> {
        Ok(self.store.sheet_states(self.session)?)
    }

    /// Per-batch tallies.
    pub fn batches(&self) -> Result<BTreeMap<String, crate::rules::Tally>, StationError> {
        Ok(self.count()?.by_batch)
    }
}

/// Stable status code of a reading.
pub fn status_code(status: Status) -> &'static str {
    match status {
        Status::Valid => "valid",
        Status::Invalid => "invalid",
        Status::Review => "review",
        Status::Blank => "blank",
        Status::Rejected => "rejected",
        Status::Duplicate => "duplicate",
    }
}

fn unreadable(message: &str) -> Reading {
    let mut r: Reading = serde_json::from_value(serde_json::json!({
        "status": "rejected", "vote": null, "struck": [], "kept": [], "doubtful": [],
        "reasons": ["unreadable"], "serial": null, "scores": {}, "extra_writing": [],
        "rotation": 0, "dpi": 0.0, "scale": 1.0, "registration_mm": 0.0, "certainty": 0.0
    }))
    .expect("static reading parses");
    r.reasons.push(message.to_string());
    r
}

/// Reads a stored sheet's image and interprets it; a damaged file is `rejected`.
fn read_sheet(interp: &Interpreter, images: &ImageStore, rel: &str, sha: &str) -> Reading {
    match images.get(rel, sha) {
        Ok(bytes) => read_bytes(interp, &bytes),
        Err(e) => unreadable(&e.to_string()),
    }
}

/// Interprets an image file's first page; an undecodable file is `rejected`.
fn read_bytes(interp: &Interpreter, bytes: &[u8]) -> Reading {
    match decode_pages(bytes, DEFAULT_PIXEL_BUDGET) {
        Ok(pages) => match pages.first() {
            Some(p) => interp.interpret(&Page {
                image: p.image.clone(),
                dpi: p.dpi,
            }),
            None => unreadable("no page in file"),
        },
        Err(e) => unreadable(&e.to_string()),
    }
}
