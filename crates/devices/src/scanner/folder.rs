//! `folder:DIR` — a hot folder that scanner software writes into, or a stored batch to
//! replay.
//!
//! The folder is polled (every 200 ms; portable, and plenty for a scanner's pace). A
//! file counts as written when its size and modification time have not changed for two
//! polls *and* it is a whole image (PNG/JPEG: the end marker is there; TIFF/PNM: it
//! decodes). Files come in name order, each once per scanner; hidden files and other
//! extensions (".tmp", ".part") are ignored, so software that writes then renames is
//! handled too. The batch ends after `idle` with nothing new.

// Files written by other programs are outside data: no silent numeric casts on it.
#![warn(clippy::as_conversions)]

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::{ScanError, ScanStatus, ScannedPage, Scanner, Side, SourceKind};

/// How often the folder is looked at.
pub const POLL: Duration = Duration::from_millis(200);

/// Unchanged polls after which a file may be complete.
const STABLE_POLLS: u32 = 2;

/// A file seen but not delivered yet.
#[derive(Debug, Clone)]
struct Watch {
    size: u64,
    modified: Option<SystemTime>,
    /// Consecutive polls without change.
    stable: u32,
    /// When it last changed.
    changed: Instant,
}

/// A hot-folder source.
#[derive(Debug)]
pub struct FolderScanner {
    dir: PathBuf,
    idle: Duration,
    poll: Duration,
    duplex: bool,
    delivered: HashSet<OsString>,
    watching: BTreeMap<OsString, Watch>,
    /// Documents the station cannot read (PDF), to name once to the operator.
    refused: Vec<OsString>,
    running: Option<bool>,
    /// Files delivered in this batch.
    count: u64,
    last_activity: Instant,
}

impl FolderScanner {
    /// Watches `dir`; the batch ends after `idle` without new files. With `duplex`,
    /// files alternate front and back of each sheet.
    pub fn new(dir: impl Into<PathBuf>, idle: Duration, duplex: bool) -> FolderScanner {
        FolderScanner {
            dir: dir.into(),
            idle,
            poll: POLL,
            duplex,
            delivered: HashSet::new(),
            watching: BTreeMap::new(),
            refused: Vec::new(),
            running: None,
            count: 0,
            last_activity: Instant::now(),
        }
    }

    /// The same scanner polling every `poll` instead of 200 ms.
    #[must_use]
    pub fn with_poll(mut self, poll: Duration) -> FolderScanner {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// The watched folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn label(&self) -> String {
        format!("folder:{}", self.dir.display())
    }

    /// Looks at the folder once: new files, changed sizes, unchanged polls.
    fn poll_once(&mut self) -> Result<(), ScanError> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| {
            ScanError::other(format!("{}: cannot read the folder: {e}", self.label()))
        })?;
        let mut present = HashSet::new();
        let now = Instant::now();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if self.delivered.contains(&name) {
                continue;
            }
            if extension_of(Path::new(&name)).is_none() {
                // Many office scanners write PDF by default: say so rather than ignore it.
                let pdf = Path::new(&name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
                if pdf && !name.to_string_lossy().starts_with('.') {
                    self.delivered.insert(name.clone());
                    self.refused.push(name);
                    self.last_activity = now;
                }
                continue;
            }
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            // Vanished between listing and stat, or not a file: look again next poll.
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let (size, modified) = (meta.len(), meta.modified().ok());
            present.insert(name.clone());
            match self.watching.get_mut(&name) {
                Some(w) if w.size == size && w.modified == modified => {
                    w.stable = w.stable.saturating_add(1);
                }
                Some(w) => {
                    *w = Watch {
                        size,
                        modified,
                        stable: 0,
                        changed: now,
                    };
                    self.last_activity = now;
                }
                None => {
                    self.watching.insert(
                        name,
                        Watch {
                            size,
                            modified,
                            stable: 0,
                            changed: now,
                        },
                    );
                    self.last_activity = now;
                }
            }
        }
        // Files removed (or renamed away) before they were complete.
        self.watching.retain(|name, _| present.contains(name));
        Ok(())
    }

    /// The first file in name order, if it is ready: `Some(Ok)` to deliver, `Some(Err)`
    /// to report and skip, `None` to wait.
    fn take_ready(&mut self) -> Option<Result<ScannedPage, ScanError>> {
        let (name, w) = self
            .watching
            .iter()
            .next()
            .map(|(n, w)| (n.clone(), w.clone()))?;
        if w.stable < STABLE_POLLS {
            return None;
        }
        let path = self.dir.join(&name);
        let display = name.to_string_lossy().into_owned();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                self.watching.remove(&name);
                self.delivered.insert(name);
                let (sheet, _) = self.number_next();
                return Some(Err(ScanError::fault(
                    ScanStatus::IoError,
                    format!("folder:{display}: cannot read: {e}"),
                )
                .with_refeed(sheet)));
            }
        };
        let extension = extension_of(Path::new(&name)).unwrap_or("png");
        // A usize always fits a u64 on the platforms we build for.
        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if len != w.size {
            // Still being written after all: watch it again.
            if let Some(w) = self.watching.get_mut(&name) {
                w.stable = 0;
                w.size = len;
            }
            return None;
        }
        if !is_complete(&bytes, extension) {
            if w.changed.elapsed() < self.idle {
                return None;
            }
            // Unchanged for the whole idle time and still not an image: the scanner
            // software gave up on this sheet. Report it once (that sheet must be scanned
            // again) and go on with the next file.
            self.watching.remove(&name);
            self.delivered.insert(name);
            let (sheet, _) = self.number_next();
            return Some(Err(ScanError::fault(
                ScanStatus::IoError,
                format!(
                    "folder:{display}: not a complete {extension} image ({} bytes); skipped",
                    bytes.len()
                ),
            )
            .with_refeed(sheet)));
        }
        self.watching.remove(&name);
        self.delivered.insert(name);
        let (sheet, side) = self.number_next();
        let dpi = file_dpi(&bytes, extension);
        Some(Ok(ScannedPage {
            bytes,
            extension,
            source: format!("folder:{display}"),
            sheet,
            side,
            dpi,
        }))
    }
}

impl FolderScanner {
    /// Numbers the next file of the batch: its sheet and side.
    fn number_next(&mut self) -> (u64, Side) {
        let n = self.count;
        self.count += 1;
        if self.duplex {
            (n / 2 + 1, if n % 2 == 0 { Side::Front } else { Side::Back })
        } else {
            (n + 1, Side::Front)
        }
    }
}

impl Scanner for FolderScanner {
    fn source_kind(&self) -> SourceKind {
        SourceKind::Folder
    }

    fn describe(&self) -> String {
        format!(
            "hot folder {} (batch ends after {:.1} s without new files)",
            self.dir.display(),
            self.idle.as_secs_f64()
        )
    }

    fn start_batch(&mut self) -> Result<(), ScanError> {
        if !self.dir.is_dir() {
            return Err(ScanError::other(format!(
                "{}: not a folder (or not readable)",
                self.label()
            )));
        }
        self.running = Some(true);
        self.count = 0;
        self.last_activity = Instant::now();
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ScannedPage>, ScanError> {
        match self.running {
            None => {
                return Err(ScanError::other(format!(
                    "{}: no batch started (call start_batch first)",
                    self.label()
                )));
            }
            Some(false) => return Ok(None),
            Some(true) => {}
        }
        loop {
            self.poll_once()?;
            if let Some(name) = self.refused.pop() {
                self.last_activity = Instant::now();
                return Err(ScanError::fault(
                    ScanStatus::IoError,
                    format!(
                        "folder:{}: a PDF document, not a scanned image; set the scanner to write PNG, JPEG or TIFF and scan this sheet again",
                        name.to_string_lossy()
                    ),
                ));
            }
            if let Some(ready) = self.take_ready() {
                self.last_activity = Instant::now();
                return ready.map(Some);
            }
            if self.last_activity.elapsed() >= self.idle {
                self.running = Some(false);
                return Ok(None);
            }
            std::thread::sleep(self.poll);
        }
    }

    fn cancel(&mut self) {
        if self.running.is_some() {
            self.running = Some(false);
        }
    }
}

/// The page extension for an image file name; `None` for anything else.
pub(crate) fn extension_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "png",
        "jpg" | "jpeg" => "jpg",
        "tif" | "tiff" => "tif",
        "pgm" => "pgm",
        "ppm" => "ppm",
        "pbm" => "pbm",
        "pnm" => "pnm",
        _ => return None,
    })
}

/// Whether the bytes are a whole file, ready to be stored. A file that is not the
/// image its name says (a PDF named `.png`) or a page over the pixel budget is whole
/// too: it is stored as received and the interpreter rejects it, naming why.
pub(crate) fn is_complete(bytes: &[u8], extension: &str) -> bool {
    use kiemphieu_interpret::{DEFAULT_PIXEL_BUDGET, DecodeError, decode_pages};
    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
    const PNG_IEND: &[u8] = b"\0\0\0\0IEND\xae\x42\x60\x82";
    // Long enough to hold any image signature: a shorter file may still be growing.
    let foreign = |magic: &[u8]| bytes.len() >= 16 && !bytes.starts_with(magic);
    match extension {
        "png" => foreign(PNG_MAGIC) || bytes.starts_with(PNG_MAGIC) && bytes.ends_with(PNG_IEND),
        "jpg" => {
            // Some writers pad after the End Of Image marker.
            let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            foreign(&[0xFF, 0xD8])
                || bytes.starts_with(&[0xFF, 0xD8]) && bytes[..end].ends_with(&[0xFF, 0xD9])
        }
        // TIFF and PNM have no end marker: decode, within the pixel budget (a bomb is
        // refused from its header, not decoded here).
        _ => matches!(
            decode_pages(bytes, DEFAULT_PIXEL_BUDGET),
            Ok(_) | Err(DecodeError::TooLarge { .. } | DecodeError::Unsupported(_))
        ),
    }
}

/// The resolution a PNG (pHYs in metres) or JPEG (JFIF density) file records.
pub(crate) fn file_dpi(bytes: &[u8], extension: &str) -> Option<f64> {
    match extension {
        "png" => {
            // Chunks after the 8-byte signature: length, type, data, CRC.
            let mut at = 8usize;
            while at + 8 <= bytes.len() {
                let len =
                    usize::try_from(u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?)).ok()?;
                let kind = &bytes[at + 4..at + 8];
                let data = bytes.get(at + 8..at.checked_add(8 + len)?)?;
                match kind {
                    b"pHYs" if len == 9 && data[8] == 1 => {
                        let ppm = u32::from_be_bytes(data[0..4].try_into().ok()?);
                        return (ppm > 0).then(|| (f64::from(ppm) * 0.0254 * 10.0).round() / 10.0);
                    }
                    b"IDAT" | b"IEND" => return None,
                    _ => at += 12 + len,
                }
            }
            None
        }
        "jpg" => {
            // JFIF APP0 right after SOI: "JFIF\0", version, units, Xdensity, Ydensity.
            let app0 = bytes.get(2..20)?;
            if app0[0..2] != [0xFF, 0xE0] || &app0[4..9] != b"JFIF\0" {
                return None;
            }
            let (units, x) = (app0[11], u16::from_be_bytes([app0[12], app0[13]]));
            match units {
                1 if x > 0 => Some(f64::from(x)),
                2 if x > 0 => Some((f64::from(x) * 2.54 * 10.0).round() / 10.0),
                _ => None,
            }
        }
        _ => None,
    }
}
