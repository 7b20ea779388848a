//! What the station service and its observer say to each other: commands in,
//! updates out. Updates are typed events; their wording lives with the UI's
//! text (`kiosk::wording`), so nothing here knows a language or a screen.

use std::path::PathBuf;

use image::RgbImage;

use kiemphieu_core::election::Election;
use kiemphieu_station::station::Setup;
use kiemphieu_station::store::Decision;

use super::snapshot::Snapshot;

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
    /// Record an official's decision on a page waiting for the officials.
    Decide {
        /// Sheet id.
        sheet: i64,
        /// The decision.
        decision: Decision,
        /// The deciding official.
        official: String,
    },
    /// Confirm every blank page waiting as not a ballot, together.
    ConfirmBlankPages {
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
    /// Write the biên bản (final when confirmed, else a draft) or the community's
    /// decision (Mẫu 03), preview it, and print it on the CUPS default printer when
    /// there is one.
    PrintSheet {
        /// Copies (each labelled Bản số i/N).
        copies: u32,
        /// The community's decision (Mẫu 03) instead of the biên bản.
        decision: bool,
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
        /// What it showed.
        result: TestResult,
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
    /// Something the operator should read (worded by the kiosk: `wording`).
    Notice(Notice),
}

/// What a test sheet showed.
#[derive(Debug, Clone, PartialEq)]
pub enum TestResult {
    /// The sheet was read (it is not counted).
    Read {
        /// Status code.
        status: String,
        /// Resolution found.
        dpi: f64,
        /// Registration error, in millimetres.
        registration_mm: f64,
    },
    /// The test scan failed.
    Failed {
        /// Plain description.
        reason: String,
    },
}

/// Something the operator should read, as a typed event.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The station database could not be opened.
    CannotOpenDatabase {
        /// The database.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The election file could not be read.
    CannotReadElection {
        /// Why.
        reason: String,
    },
    /// The session is open, so the election file cannot change.
    ElectionFixed,
    /// The session is open already.
    SessionAlreadyOpen,
    /// The head of the board or the attendance is missing.
    SetupIncomplete,
    /// The counting session was opened.
    SessionOpened,
    /// The counting session could not be opened.
    CannotOpenSession {
        /// Why.
        reason: String,
    },
    /// No counting session is open.
    NoSession,
    /// The session is reconciled or closed: no more scanning.
    ScanningClosed,
    /// The scanner could not be used.
    CannotUseScanner {
        /// Why.
        reason: String,
    },
    /// The scanner stopped with an error.
    ScannerStopped {
        /// Why.
        reason: String,
    },
    /// The feeder ran empty: the run's summary.
    FeederEmpty {
        /// Sheets stored and read.
        received: u64,
        /// Scanner faults met.
        faults: u64,
    },
    /// A new batch was started.
    NewBatch {
        /// Its name.
        batch: String,
    },
    /// The station reported an error.
    StationError {
        /// The station's message.
        message: String,
    },
    /// The count could not be read.
    CannotReadCount {
        /// Why.
        reason: String,
    },
    /// A decision could not be recorded.
    CannotDecide {
        /// Why.
        reason: String,
    },
    /// The latest decision was withdrawn.
    DecisionWithdrawn {
        /// Its sheet.
        sheet: i64,
    },
    /// There was no decision to undo.
    NothingToUndo,
    /// The undo failed.
    CannotUndo {
        /// Why.
        reason: String,
    },
    /// Scanning must stop before reconciling.
    StopScanningFirst,
    /// The counts reconcile.
    Reconciled,
    /// The counts do not reconcile; the board's note is recorded.
    NotReconciled,
    /// Reconciling failed.
    CannotReconcile {
        /// Why.
        reason: String,
    },
    /// The whole board has confirmed: the session is closed.
    BoardConfirmed,
    /// A member confirmed; others still have to.
    MemberConfirmed {
        /// Who confirmed.
        member: String,
        /// Who has still to confirm.
        missing: Vec<String>,
    },
    /// A confirmation failed.
    CannotConfirm {
        /// Why.
        reason: String,
    },
    /// A complaint was recorded.
    ComplaintRecorded,
    /// A complaint could not be recorded.
    CannotRecordComplaint {
        /// Why.
        reason: String,
    },
    /// The bundle was written.
    ExportDone {
        /// The folder.
        path: PathBuf,
        /// Records (scanned pages).
        records: usize,
        /// Distinct images.
        images: usize,
        /// The result fingerprint.
        fingerprint: String,
    },
    /// The export failed.
    CannotExport {
        /// Why.
        reason: String,
    },
    /// The biên bản could not be written.
    CannotWriteSheet {
        /// Why.
        reason: String,
    },
    /// The biên bản was saved; there is no printer to print it on.
    SheetSavedNoPrinter {
        /// The PDF.
        path: PathBuf,
    },
    /// The biên bản was printed.
    SheetPrinted {
        /// The CUPS queue.
        queue: String,
        /// The CUPS job id.
        job: u32,
    },
    /// Printing failed.
    PrintFailed {
        /// Why.
        reason: String,
    },
}

impl Notice {
    /// True for a failure (shown as an error).
    pub fn is_error(&self) -> bool {
        match self {
            Notice::CannotOpenDatabase { .. }
            | Notice::CannotReadElection { .. }
            | Notice::ElectionFixed
            | Notice::SetupIncomplete
            | Notice::CannotOpenSession { .. }
            | Notice::NoSession
            | Notice::ScanningClosed
            | Notice::CannotUseScanner { .. }
            | Notice::ScannerStopped { .. }
            | Notice::StationError { .. }
            | Notice::CannotReadCount { .. }
            | Notice::CannotDecide { .. }
            | Notice::CannotUndo { .. }
            | Notice::StopScanningFirst
            | Notice::NotReconciled
            | Notice::CannotReconcile { .. }
            | Notice::CannotConfirm { .. }
            | Notice::CannotRecordComplaint { .. }
            | Notice::CannotExport { .. }
            | Notice::CannotWriteSheet { .. }
            | Notice::PrintFailed { .. } => true,
            Notice::SessionAlreadyOpen
            | Notice::SessionOpened
            | Notice::FeederEmpty { .. }
            | Notice::NewBatch { .. }
            | Notice::DecisionWithdrawn { .. }
            | Notice::NothingToUndo
            | Notice::Reconciled
            | Notice::BoardConfirmed
            | Notice::MemberConfirmed { .. }
            | Notice::ComplaintRecorded
            | Notice::ExportDone { .. }
            | Notice::SheetSavedNoPrinter { .. }
            | Notice::SheetPrinted { .. } => false,
        }
    }
}
