//! The counting station: one counting session from set-up to close.
//!
//! Pages arrive from a scanner and are kept safely first — image written to the
//! content-addressed store and fsynced, sheet recorded in SQLite — before they
//! are acknowledged or interpreted. Interpretation runs on a worker pool,
//! decoupled from the feeder; readings and decisions are appended, never
//! overwritten. Counting is recomputed from the records: a serial counts once
//! per session (lowest sheet first), doubtful ballots wait for the officials.
//! No UI code: the CLI and the kiosk both observe [`Event`]s and call methods.

mod board;
mod close;
mod complaints;
mod count;
mod hand_check;
mod images;
mod intake;
mod lock;
mod places;
mod review;
mod run;
mod session;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use serde::{Deserialize, Serialize};

pub use board::{
    BoardError, CountDateError, DateMismatch, UnknownCountDate, check_board, count_date,
    counting_body, expected_count_date,
};
pub use complaints::MAX_COMPLAINT_CHARS;
pub use count::{Count, ballot_allowed, count as count_sheets, machine_place};
pub use images::{ImageStore, ImageStoreError, sha256_hex};
pub use lock::WriterLock;
pub use places::{Destination, NotBallot, NotIssued, Place, reason_words};
pub use review::review_queue_of;
pub use session::{Opening, earlier_fingerprints, round_key_path, today_in_vietnam};

use crate::election::{CountingBody, Election, Fingerprint, KeyError};
use crate::interpret::Interpreter;
use crate::scan::ScanError;
use crate::store::{SessionState, SheetRecord, StationMode, Store, StoreError};

/// The counting board and attendance, entered at set-up.
///
/// Fields added later are optional in the stored JSON, so sessions opened before
/// them still load (and their results still verify).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Setup {
    /// Head of the counting body (Trưởng ban kiểm phiếu / Tổ trưởng).
    pub leader: String,
    /// Members (2–4 for a Ban kiểm phiếu, rules.md §11).
    pub members: Vec<String>,
    /// The two witnessing household representatives.
    pub witnesses: Vec<String>,
    /// A: household representatives present (ballots delivered, in household mode).
    pub attendance: u32,
    /// The body that counted, when the meeting chose another than the election file names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counting_body: Option<CountingBody>,
    /// The day of the count, as settled when the session opened (rules.md §12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_date: Option<chrono::NaiveDate>,
    /// Chair of the meeting (chủ trì cuộc họp), who signs Mẫu 03.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    /// Head of the village Front working committee (Trưởng ban công tác Mặt trận), who signs Mẫu 03.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front_head: Option<String>,
    /// The two household representatives who sign Mẫu 03 (the witnesses when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub representatives: Vec<String>,
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
        /// The interpreter's status code (valid, invalid, review, blank, rejected).
        status: String,
        /// What its code proved (verified, other_election, …).
        code: String,
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
    /// A print-run file.
    #[error(transparent)]
    PrintRun(#[from] crate::print_run::PrintRunError),
    /// The ballot layout.
    #[error("ballot layout: {0}")]
    Layout(#[from] crate::ballot::LayoutError),
    /// The counting body, its witnesses or Mẫu 03's signers break rules.md §11.
    #[error(transparent)]
    Board(#[from] BoardError),
    /// The day of the count is not settled (rules.md §12).
    #[error(transparent)]
    CountDate(#[from] CountDateError),
    /// The operation is not allowed now.
    #[error("{0}")]
    State(String),
    /// The hand check.
    #[error("hand check: {0}")]
    HandCheck(#[from] crate::hand_check::HandCheckError),
    /// A simulated source offered to a real count (bad input: exit 2 at the CLI).
    #[error("{0}")]
    Simulated(String),
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
    fingerprint: Fingerprint,
    mode: StationMode,
    interpreter: Arc<Interpreter>,
    session: i64,
    subscribers: Vec<Sender<Event>>,
}

/// Where the station keeps its copy of the first round's ballot key: `DB.key`
/// (a later round's is [`round_key_path`]).
pub fn key_path(db: &Path) -> PathBuf {
    round_key_path(db, 1)
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

impl Station {
    /// The election counted.
    pub fn election(&self) -> &Election {
        &self.election
    }

    /// The round counted (the election's).
    pub fn round(&self) -> u32 {
        self.election.election.round
    }

    /// Whether this is a real or a demo station.
    pub fn mode(&self) -> StationMode {
        self.mode
    }

    /// The serials printed for this round: the only issued forms.
    pub fn printed(&self) -> Result<std::collections::HashSet<String>, StationError> {
        Ok(self
            .store
            .printed_serials(&self.fingerprint, self.round())?)
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
            .map_or(SessionState::Setup, |s| s.state))
    }

    /// The set-up entered when the session was opened.
    pub fn setup(&self) -> Result<Setup, StationError> {
        serde_json::from_value(self.store.session_setup(self.session)?).map_err(|e| {
            StationError::Store(StoreError::Corrupt {
                file: self.store.path().to_path_buf(),
                message: format!("session {} set-up: {e}", self.session),
            })
        })
    }

    /// A new receiver of events.
    pub fn subscribe(&mut self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.push(tx);
        rx
    }

    fn emit(&mut self, event: &Event) {
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

    /// Everything counted so far, recomputed from the records.
    pub fn count(&self) -> Result<Count, StationError> {
        self.count_of(&self.sheets()?)
    }

    /// The count of these sheets of the session (read once by the caller).
    pub fn count_of(&self, sheets: &[SheetRecord]) -> Result<Count, StationError> {
        Ok(count::count(&self.election, sheets, &self.printed()?))
    }

    /// Every sheet of the session with its reading and decision in force.
    pub fn sheets(&self) -> Result<Vec<SheetRecord>, StationError> {
        Ok(self.store.sheet_records(self.session)?)
    }

    /// Per-batch tallies.
    pub fn batches(&self) -> Result<BTreeMap<String, crate::rules::Tally>, StationError> {
        Ok(self.count()?.by_batch)
    }
}

/// Stable status code of a reading.
pub fn status_code(status: crate::interpret::Status) -> &'static str {
    use crate::interpret::Status;
    match status {
        Status::Valid => "valid",
        Status::Invalid => "invalid",
        Status::Review => "review",
        Status::Blank => "blank",
        Status::Rejected => "rejected",
        Status::Duplicate => "duplicate",
    }
}
