//! The scanning run: a feeder thread takes pages from the scanner while the
//! station stores them and the worker pool interprets them.

use std::sync::mpsc::{self, SyncSender};

use super::intake::read_sheet;
use super::{Event, RunSummary, Station, StationError, WriterLock};
use crate::interpret::Reading;
use crate::scan::{ScanError, ScannedPage, Scanner};

/// What the feeder and the workers tell the run loop.
enum Msg {
    /// A page from the scanner.
    Page(ScannedPage),
    /// A typed scanner fault; the run goes on.
    Fault(ScanError),
    /// The scanner has nothing more, or failed for good.
    Done(Option<ScanError>),
    /// A worker's reading of a sheet.
    Read(i64, Box<Reading>),
}

impl Station {
    /// Runs a scanner until it has nothing more: pages are stored as they come and
    /// interpreted on the worker pool, so a slow page never stalls the feeder.
    pub fn run(
        &mut self,
        scanner: Box<dyn Scanner>,
        batch: &str,
    ) -> Result<RunSummary, StationError> {
        self.require_open()?;
        let kind = scanner.source_kind();
        // Refused before anything is stored.
        self.require_source(kind)?;
        let _lock = WriterLock::take(self.store.path())?;
        let mut summary = RunSummary {
            interpreted: self.interpret_pending()?,
            ..Default::default()
        };
        // Bounded: a fast feeder (a hot folder) waits instead of loading every page into memory.
        let (tx, rx) = mpsc::sync_channel::<Msg>(8);
        let feeder_tx = tx.clone();
        let feeder = std::thread::spawn(move || feed(scanner, &feeder_tx));
        let mut outstanding = 0u64;
        let mut done = false;
        let mut failure = None;
        while !done || outstanding > 0 {
            let Ok(msg) = rx.recv() else { break };
            match msg {
                Msg::Page(page) => {
                    for got in self.intake(&page, kind, batch)? {
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
                    self.emit(&Event::ScannerFault {
                        status: e.status.map(|s| s.code().to_string()),
                        instruction_vi: e.instruction_vi(),
                        instruction_en: e.instruction_en(),
                    });
                    // The instruction is generic; the message names the sheet or file.
                    self.emit(&Event::Error { message: e.message });
                }
                Msg::Done(err) => {
                    done = true;
                    if let Some(e) = err {
                        self.emit(&Event::Error {
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
}

/// The feeder thread: pages from the scanner until it has none or fails.
fn feed(mut scanner: Box<dyn Scanner>, feeder_tx: &SyncSender<Msg>) {
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
}
