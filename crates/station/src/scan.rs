//! The one trait every scanner implements (a SANE scanner and a hot folder in
//! kiemphieu-devices, the simulated feeder of demos in kiemphieu-synth).
//!
//! A [`Scanner`] feeds a batch of sheets and yields each side as an encoded image file
//! ([`ScannedPage`]: PNG for SANE and the simulator, the original bytes for a folder),
//! ready to be stored content-addressed. Faults at the machine come back as a
//! [`ScanError`] with a [`ScanStatus`] (each with a plain instruction in Vietnamese and
//! English) and the sheet to re-feed; the batch then goes on with the next sheet.
//!
//! This module knows nothing of the user interface, the database or the interpreter.
//!
//! ```no_run
//! use kiemphieu_station::scan::{ScanError, Scanner};
//! fn drain(scanner: &mut dyn Scanner) -> Result<(), ScanError> {
//!     scanner.start_batch()?;
//!     while let Some(page) = scanner.next_page()? {
//!         println!("{} ({} bytes)", page.source, page.bytes.len());
//!     }
//!     Ok(())
//! }
//! ```

mod status;

use std::time::Duration;

pub use status::{ScanError, ScanStatus};

/// What kind of source a sheet came from: recorded with every sheet, in the
/// signed result's root and in the CVR, so a simulated sheet can never pass for
/// a scanned one (a real count refuses them; `verify` fails a real bundle with one).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A scanner through its driver (SANE).
    Device,
    /// A file taken from a hot folder that scanner software writes into.
    Folder,
    /// The simulated feeder of demos and tests: machine-made ballots.
    Simulator,
}

impl SourceKind {
    /// Stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Device => "device",
            SourceKind::Folder => "folder",
            SourceKind::Simulator => "simulator",
        }
    }

    /// The kind for a stored name, if it is one.
    pub fn from_code(code: &str) -> Option<SourceKind> {
        [
            SourceKind::Device,
            SourceKind::Folder,
            SourceKind::Simulator,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// Where a driver's batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// No batch started yet.
    Idle,
    /// Sheets are being fed.
    Running,
    /// The feeder ran empty or the batch was cancelled.
    Finished,
}

/// Which side of the sheet a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The side facing the scanner first (the only side in simplex).
    Front,
    /// The other side (duplex only).
    Back,
}

impl Side {
    /// "front" or "back".
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Front => "front",
            Side::Back => "back",
        }
    }
}

/// One scanned side of one sheet, as an image file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedPage {
    /// The encoded image file.
    pub bytes: Vec<u8>,
    /// Its extension: "png" for SANE and sim; the file's own for a folder.
    pub extension: &'static str,
    /// Where it came from, e.g. "sane:test:0 sheet 3 front", "folder:scan-0001.png".
    pub source: String,
    /// 1-based sheet number within the batch.
    pub sheet: u64,
    /// Which side.
    pub side: Side,
    /// The resolution the page was scanned at, when known.
    pub dpi: Option<f64>,
}

/// Where sheets are taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaperSource {
    /// The automatic document feeder (a batch of sheets).
    #[default]
    Adf,
    /// The glass (one sheet per batch).
    Flatbed,
}

/// Colour or grey scanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScanColour {
    /// 8-bit RGB: the red seal can be told from ink.
    #[default]
    Colour,
    /// 8-bit grey.
    Grey,
}

/// How to scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSettings {
    /// Feeder or flatbed.
    pub source: PaperSource,
    /// Both sides of each sheet.
    pub duplex: bool,
    /// Resolution; a SANE device snaps it to the nearest it offers.
    pub dpi: u32,
    /// Colour or grey.
    pub colour: ScanColour,
    /// Hot folder only: the batch ends after this long without a new file.
    pub folder_idle: Duration,
}

impl Default for ScanSettings {
    /// Feeder, one side, 300 dpi colour, folder batches end after 5 s idle.
    fn default() -> Self {
        ScanSettings {
            source: PaperSource::Adf,
            duplex: false,
            dpi: 300,
            colour: ScanColour::Colour,
            folder_idle: Duration::from_secs(5),
        }
    }
}

/// A scanner the station can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The source spec that opens it, e.g. "sane:fujitsu:libusb:001:004".
    pub spec: String,
    /// The driver's device name.
    pub name: String,
    /// Maker.
    pub vendor: String,
    /// Model.
    pub model: String,
    /// Kind, e.g. "sheetfed scanner".
    pub kind: String,
}

/// A sheet-fed scanner (or something that behaves like one).
///
/// `start_batch`, then `next_page` until `Ok(None)`. An `Err` with a status is a fault
/// at the machine: show its instruction, then call `next_page` again — the batch goes
/// on with the next sheet, and `refeed_sheet` says which sheet to put back in the
/// tray. `cancel` ends the batch early.
pub trait Scanner: Send {
    /// One line for the operator and the log: what this scanner is and how it is set.
    fn describe(&self) -> String;
    /// What kind of source this is (a device, a hot folder, the simulator).
    fn source_kind(&self) -> SourceKind;
    /// Starts a batch; sheet numbers restart at 1.
    fn start_batch(&mut self) -> Result<(), ScanError>;
    /// The next page; `Ok(None)` when the batch is over (feeder empty, folder idle,
    /// simulated tray done, or cancelled).
    fn next_page(&mut self) -> Result<Option<ScannedPage>, ScanError>;
    /// Ends the batch; later `next_page` calls return `Ok(None)`.
    fn cancel(&mut self);
}
