//! Printing the papers of the count — the biên bản (Mẫu 02 / 04) or the
//! community's decision (Mẫu 03): sign the session, lay out and render the PDF
//! beside the database, preview its first page, and print it on the CUPS
//! default printer on a thread of its own (printing waits on the printer).
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use image::RgbImage;

use kiemphieu_devices::print::cups::Cups;
use kiemphieu_station::report;

use super::beside;
use super::messages::{Notice, Update};

/// How long the print thread waits on the printer.
const PRINT_TIMEOUT: Duration = Duration::from_secs(180);

/// Writes the biên bản of `db`, or with `decision` the community's decision
/// (`copies` copies, each labelled Bản số i/N), sends it with its preview, then
/// prints it on a thread that reports to `out`.
pub(super) fn print_sheet(
    db: &Path,
    copies: u32,
    decision: bool,
    out: &Sender<Update>,
) -> Result<(), Notice> {
    let (path, is_final) =
        write_sheet(db, copies, decision).map_err(|reason| Notice::CannotWriteSheet { reason })?;
    let _ = out.send(Update::SheetWritten {
        preview: pdf_preview(&path),
        path: path.clone(),
        is_final,
    });
    let out = out.clone();
    std::thread::spawn(move || {
        let _ = out.send(Update::Notice(print_on_default_printer(&path)));
    });
    Ok(())
}

/// Signs the session and writes its biên bản or decision (final when confirmed, else a draft).
fn write_sheet(db: &Path, copies: u32, decision: bool) -> Result<(PathBuf, bool), String> {
    let signed = kiemphieu_station::result::sign_session(db, None).map_err(|e| e.to_string())?;
    let doc = &signed.result.doc;
    let machine = report::MachinePart::of(&signed.result, &signed.qr_text);
    let lay_out = if decision {
        report::layout_decision
    } else {
        report::layout
    };
    let pages =
        lay_out(doc, &signed.data.election, &machine, copies.max(1)).map_err(|e| e.to_string())?;
    let watermark = (!doc.is_final).then_some(report::DRAFT_WATERMARK);
    let pdf = report::render_pages(&pages, watermark).map_err(|e| e.to_string())?;
    let name = match (decision, doc.is_final) {
        (false, true) => ".bien-ban.pdf",
        (false, false) => ".bien-ban-nhap.pdf",
        (true, true) => ".quyet-dinh.pdf",
        (true, false) => ".quyet-dinh-nhap.pdf",
    };
    let path = beside(db, name);
    std::fs::write(&path, pdf).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, doc.is_final))
}

/// Prints the PDF on the default (else the first) enabled CUPS printer.
fn print_on_default_printer(path: &Path) -> Notice {
    let cups = Cups::from_env();
    let queue = cups.printers().ok().and_then(|ps| {
        ps.iter()
            .find(|p| p.is_default && p.enabled)
            .or_else(|| ps.iter().find(|p| p.enabled))
            .map(|p| p.name.clone())
    });
    match queue {
        None => Notice::SheetSavedNoPrinter {
            path: path.to_path_buf(),
        },
        Some(q) => match cups.print_pdf(&q, path, 1, "bien-ban", PRINT_TIMEOUT) {
            Ok(job) => Notice::SheetPrinted {
                queue: job.queue,
                job: job.job,
            },
            Err(e) => Notice::PrintFailed {
                reason: e.to_string(),
            },
        },
    }
}

/// The first page of a PDF as a picture, through poppler's pdftoppm when installed.
fn pdf_preview(pdf: &Path) -> Option<RgbImage> {
    let stem = pdf.with_extension("preview");
    let ok = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .ok()?
        .success();
    let png = PathBuf::from(format!("{}.png", stem.display()));
    let img = ok
        .then(|| image::open(&png).ok())
        .flatten()
        .map(|i| i.to_rgb8());
    let _ = std::fs::remove_file(&png);
    img
}
