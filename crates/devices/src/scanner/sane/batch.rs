//! The ADF batch on a SANE device: a `sane_start` per page and `sane_cancel` only at
//! batch end or after a fault; sheets numbered from 1; the back of a duplex sheet held
//! until both sides have arrived, so a sheet is delivered whole or not at all.

use crate::scanner::{PaperSource, Phase, ScanError, ScanStatus, ScannedPage, Side};

use super::encode::to_png;
use super::ffi::{self, Status};
use super::frame::{Fault, FrameDevice, acquire};

/// Sheet counting and fault handling for one device, independent of libsane.
#[derive(Debug)]
pub(crate) struct Feeder {
    phase: Phase,
    /// Last sheet number used (delivered or faulted).
    sheet: u64,
    /// Sheets delivered in this batch.
    delivered: u64,
    /// The back of the last sheet, delivered on the next call.
    pending: Option<ScannedPage>,
    /// Label for page sources and messages, e.g. "sane:test:0".
    label: String,
    source: PaperSource,
    duplex: bool,
}

impl Feeder {
    /// A feeder for the device labelled `label`.
    pub fn new(label: String, source: PaperSource, duplex: bool) -> Self {
        Feeder {
            phase: Phase::Idle,
            sheet: 0,
            delivered: 0,
            pending: None,
            label,
            source,
            duplex,
        }
    }

    /// Starts a new batch (sheet numbers restart at 1).
    pub fn start(&mut self) {
        self.phase = Phase::Running;
        self.sheet = 0;
        self.delivered = 0;
        self.pending = None;
    }

    /// Whether a batch is running (pages may still come).
    pub fn running(&self) -> bool {
        self.phase == Phase::Running
    }

    /// Ends the batch; the device's scan is cancelled.
    pub fn finish(&mut self, dev: &mut dyn FrameDevice) {
        if self.phase == Phase::Running {
            dev.cancel();
        }
        self.phase = Phase::Finished;
        self.pending = None;
    }

    /// Ends the batch without a device to cancel (it was closed after a fault).
    pub fn abandon(&mut self) {
        self.phase = Phase::Finished;
        self.pending = None;
    }

    /// The next page; `Ok(None)` when the feeder is empty after at least one sheet.
    pub fn next(
        &mut self,
        dev: &mut dyn FrameDevice,
        dpi: Option<f64>,
    ) -> Result<Option<ScannedPage>, ScanError> {
        if let Some(back) = self.pending.take() {
            return Ok(Some(back));
        }
        match self.phase {
            Phase::Idle => {
                return Err(ScanError::other(format!(
                    "{}: no batch started (call start_batch first)",
                    self.label
                )));
            }
            Phase::Finished => return Ok(None),
            Phase::Running => {}
        }
        if self.source == PaperSource::Flatbed && self.delivered > 0 {
            // A flatbed holds one sheet: the batch is that sheet.
            self.finish(dev);
            return Ok(None);
        }
        let s = self.sheet + 1;
        let front = match acquire(dev) {
            Ok(img) => img,
            Err(Fault::NoDocs) if self.delivered > 0 => {
                // The normal end of an ADF batch.
                self.finish(dev);
                return Ok(None);
            }
            Err(fault) => return Err(self.fault(dev, s, Side::Front, &fault)),
        };
        let back = if self.duplex {
            match acquire(dev) {
                Ok(img) => Some(img),
                // The front came but the back did not: the sheet is stuck or lost.
                Err(Fault::NoDocs) => {
                    return Err(self.fault(dev, s, Side::Back, &Fault::Read(ffi::STATUS_IO_ERROR)));
                }
                Err(fault) => return Err(self.fault(dev, s, Side::Back, &fault)),
            }
        } else {
            None
        };
        let page = |img, side: Side| -> Result<ScannedPage, ScanError> {
            let bytes = to_png(&img, dpi).map_err(|e| {
                ScanError::other(format!(
                    "{}: cannot encode sheet {s} as PNG: {e}",
                    self.label
                ))
                .with_refeed(s)
            })?;
            Ok(ScannedPage {
                bytes,
                extension: "png",
                source: format!("{} sheet {s} {}", self.label, side.as_str()),
                sheet: s,
                side,
                dpi,
            })
        };
        let front = page(front, Side::Front);
        let back = back.map(|b| page(b, Side::Back)).transpose();
        // Numbered even if encoding failed: the sheet went through the scanner.
        self.sheet = s;
        let (front, back) = (front?, back?);
        self.pending = back;
        self.delivered += 1;
        Ok(Some(front))
    }

    /// Turns a fault on sheet `s` into the error, cancels the aborted scan, and numbers
    /// the sheet if it was pulled in (it is then the one to re-feed).
    fn fault(&mut self, dev: &mut dyn FrameDevice, s: u64, side: Side, fault: &Fault) -> ScanError {
        let (status, pulled, what) = match fault {
            Fault::NoDocs => (
                Some(ScanStatus::NoPaper),
                false,
                "the feeder is empty".into(),
            ),
            Fault::Start(st) => {
                let status = Self::status_of(dev, *st);
                // A jam at pick-up leaves the sheet in the path; the other start faults
                // (cover, busy, …) happen before any sheet moves.
                let pulled = matches!(status, ScanStatus::Jammed | ScanStatus::DoubleFeed);
                (
                    Some(status),
                    pulled,
                    format!("sane_start: {}", status_text(*st)),
                )
            }
            Fault::Read(st) => (
                Some(Self::status_of(dev, *st)),
                true,
                format!("sane_read: {}", status_text(*st)),
            ),
            Fault::Truncated { got, expected } => (
                Some(ScanStatus::IoError),
                true,
                format!("the image ended after {got} of {expected} bytes"),
            ),
            Fault::Unsupported(why) => (None, true, format!("unusable image: {why}")),
        };
        // The backend's reader may still be starting or finishing (frame::READER_SETTLE).
        std::thread::sleep(super::frame::READER_SETTLE);
        dev.cancel();
        let at = if self.duplex {
            format!("sheet {s} {}", side.as_str())
        } else {
            format!("sheet {s}")
        };
        let message = format!("{}: {at}: {what}", self.label);
        let err = ScanError {
            status,
            message,
            refeed_sheet: None,
        };
        if pulled {
            self.sheet = s;
            err.with_refeed(s)
        } else {
            err
        }
    }

    fn status_of(dev: &mut dyn FrameDevice, st: Status) -> ScanStatus {
        match st {
            ffi::STATUS_JAMMED if dev.double_feed_sensor() => ScanStatus::DoubleFeed,
            ffi::STATUS_JAMMED => ScanStatus::Jammed,
            ffi::STATUS_NO_DOCS => ScanStatus::NoPaper,
            ffi::STATUS_COVER_OPEN => ScanStatus::CoverOpen,
            ffi::STATUS_DEVICE_BUSY => ScanStatus::DeviceBusy,
            // I/O, memory, EOF too early, cancelled at the device, invalid, denied:
            // all mean "this sheet did not come through; check the cable, re-feed".
            _ => ScanStatus::IoError,
        }
    }
}

/// SANE's names for the statuses, independent of the loaded library (and its locale).
fn status_text(st: Status) -> String {
    let name = match st {
        ffi::STATUS_GOOD => "SANE_STATUS_GOOD",
        ffi::STATUS_UNSUPPORTED => "SANE_STATUS_UNSUPPORTED",
        ffi::STATUS_CANCELLED => "SANE_STATUS_CANCELLED",
        ffi::STATUS_DEVICE_BUSY => "SANE_STATUS_DEVICE_BUSY",
        ffi::STATUS_INVAL => "SANE_STATUS_INVAL",
        ffi::STATUS_EOF => "SANE_STATUS_EOF",
        ffi::STATUS_JAMMED => "SANE_STATUS_JAMMED",
        ffi::STATUS_NO_DOCS => "SANE_STATUS_NO_DOCS",
        ffi::STATUS_COVER_OPEN => "SANE_STATUS_COVER_OPEN",
        ffi::STATUS_IO_ERROR => "SANE_STATUS_IO_ERROR",
        ffi::STATUS_NO_MEM => "SANE_STATUS_NO_MEM",
        ffi::STATUS_ACCESS_DENIED => "SANE_STATUS_ACCESS_DENIED",
        other => return format!("SANE status {other}"),
    };
    name.to_string()
}
