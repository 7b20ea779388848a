//! Taking pages in (stored and recorded before anything else), interpreting
//! them, and recording the readings.

use rayon::prelude::*;

use super::{Event, ImageStore, ImageStoreError, Intake, Station, StationError, status_code};
use crate::interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Page, Reading, decode_pages};
use crate::scan::{ScannedPage, SourceKind};
use crate::store::StationMode;

impl Station {
    /// Stores and records one scanned page from a source of `kind`; returns the
    /// sheets (one per page of a multi-page file). Only after this returns is
    /// the page acknowledged. A simulated page is refused in a real count.
    pub fn intake(
        &mut self,
        page: &ScannedPage,
        kind: SourceKind,
        batch: &str,
    ) -> Result<Vec<Intake>, StationError> {
        self.require_open()?;
        self.require_source(kind)?;
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
            let (id, new) =
                self.store
                    .add_sheet(self.session, batch, &sha, &rel, &page.source, kind)?;
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
                let (id, new) =
                    self.store
                        .add_sheet(self.session, batch, &sha, &rel, &source, kind)?;
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
                self.emit(&Event::PageReceived {
                    sheet: i.sheet,
                    source: page.source.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Interprets every stored sheet that has no reading yet (on resume, or after intake).
    pub fn interpret_pending(&mut self) -> Result<u64, StationError> {
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
                Err(e) => self.emit(&Event::Error {
                    message: format!("sheet {id}: {e}; left unread — scan this ballot again"),
                }),
            }
        }
        Ok(n)
    }

    /// Stored images that are missing or no longer match their SHA-256 (a power cut
    /// on a disk that does not keep its promises, or tampering), one line each.
    pub fn damaged_images(&self) -> Result<Vec<String>, StationError> {
        let sheets = self.store.sheet_records(self.session)?;
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

    /// Refuses a simulated source in a real count (rules: no machine-made
    /// ballot enters a real count; a demo database is made for it).
    pub fn require_source(&self, kind: SourceKind) -> Result<(), StationError> {
        if kind == SourceKind::Simulator && self.mode == StationMode::Real {
            return Err(StationError::Simulated(format!(
                "{}: a real station database never takes simulated ballots; the simulator runs only in a demo database (`kiemphieu demo`, or `session open --demo` on a new database)",
                self.store.path().display()
            )));
        }
        Ok(())
    }

    /// Records a reading: appended, with the machine verdict.
    pub(super) fn record(&mut self, sheet: i64, reading: &Reading) -> Result<(), StationError> {
        self.store.add_reading(sheet, reading)?;
        self.emit(&Event::Interpreted {
            sheet,
            status: status_code(reading.status).to_string(),
            code: reading.code.code().to_string(),
            serial: reading.serial.clone(),
        });
        Ok(())
    }
}

/// A `rejected` reading for a page that cannot be read, saying why.
#[allow(clippy::expect_used)] // parses a constant, the same every run; tests go through it
fn unreadable(message: &str) -> Reading {
    let mut r: Reading = serde_json::from_value(serde_json::json!({
        "status": "rejected", "vote": null, "struck": [], "kept": [], "doubtful": [],
        "reasons": ["unreadable"], "serial": null, "code": "unreadable", "scores": {}, "extra_writing": [],
        "rotation": 0, "dpi": 0.0, "scale": 1.0, "registration_mm": 0.0, "certainty": 0.0
    }))
    .expect("static reading parses");
    r.reasons.push(message.to_string());
    r
}

/// Reads a stored sheet's image and interprets it; a damaged file is `rejected`.
pub(super) fn read_sheet(
    interp: &Interpreter,
    images: &ImageStore,
    rel: &str,
    sha: &str,
) -> Reading {
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
