//! Printing commands: `printers`, `print` (CUPS), `tape` (thermal ESC/POS).
#![warn(clippy::as_conversions)]

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use kiemphieu_devices::print::cups::{Cups, PrintError};

use super::BadInput;

/// Arguments of `printers`.
#[derive(Args)]
pub struct PrintersArgs {}

/// Arguments of `print`.
#[derive(Args)]
pub struct PrintArgs {
    /// The CUPS queue (see `kiemphieu printers`).
    #[arg(long)]
    pub printer: String,
    /// Number of copies.
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
    /// Seconds to wait for the job to finish.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// The PDF to print.
    pub file: PathBuf,
}

/// Runs `printers`.
pub fn run_printers(_a: PrintersArgs) -> anyhow::Result<()> {
    let cups = Cups::from_env();
    let printers = cups.printers()?;
    if printers.is_empty() {
        println!("no printer queue in CUPS at {}", cups.server());
    }
    for p in printers {
        println!(
            "{}{:<20} {:<9}{}",
            if p.is_default { "* " } else { "  " },
            p.name,
            p.state,
            if p.message.is_empty() {
                String::new()
            } else {
                format!("  {}", p.message)
            }
        );
    }
    Ok(())
}

/// Runs `print`.
pub fn run_print(a: &PrintArgs) -> anyhow::Result<()> {
    if a.copies == 0 || a.copies > 99 {
        return Err(BadInput(format!("--copies {}: between 1 and 99", a.copies)).into());
    }
    let cups = Cups::from_env();
    let title = a
        .file
        .file_name()
        .map_or_else(|| "kiemphieu".into(), |n| n.to_string_lossy().into_owned());
    match cups.print_pdf(
        &a.printer,
        &a.file,
        a.copies,
        &title,
        Duration::from_secs(a.timeout),
    ) {
        Ok(job) => {
            println!(
                "printed {} on {} (job {}, {} copies)",
                a.file.display(),
                job.queue,
                job.job,
                job.copies
            );
            Ok(())
        }
        Err(
            e @ (PrintError::File { .. }
            | PrintError::NotPdf { .. }
            | PrintError::NoSuchQueue { .. }),
        ) => Err(BadInput(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}

/// Arguments of `tape`.
#[derive(Args)]
pub struct TapeArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// Serial port of the thermal printer (e.g. /dev/ttyUSB0).
    #[arg(long)]
    pub port: String,
    /// Roll width in millimetres: 58 (384 dots) or 80 (576 dots).
    #[arg(long, default_value_t = 58)]
    pub width: u32,
    /// Baud rate.
    #[arg(long, default_value_t = 9600)]
    pub baud: u32,
    /// How long to wait for each status reply, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub timeout_ms: u64,
    /// Also write the tape image to this PNG.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// The printing time shown on the tape, YYYY-MM-DDTHH:MM (default: now; for reprints and tests).
    #[arg(long)]
    pub at: Option<String>,
}

/// Runs `tape`.
pub fn run_tape(a: &TapeArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    use kiemphieu_devices::print::{escpos, tape};

    let width = escpos::TapeWidth::from_mm(a.width)
        .ok_or_else(|| BadInput(format!("--width {}: 58 or 80 (mm)", a.width)))?;
    if a.baud == 0 {
        return Err(BadInput("--baud 0: give the printer's baud rate, e.g. 9600".into()).into());
    }
    let at = match &a.at {
        Some(t) => chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
            .map_err(|e| BadInput(format!("--at {t}: expected YYYY-MM-DDTHH:MM ({e})")))?,
        None => chrono::Local::now().naive_local(),
    };
    let station = kiemphieu_station::station::Station::open(&a.db)?;
    let facts = tape::TapeFacts::from_station(&station)?;
    let content = tape::TapeContent::from_facts(&facts, at);
    let rendered = tape::render_tape(&content, width);
    if let Some(png) = &a.png {
        rendered
            .image
            .save(png)
            .with_context(|| format!("writing {}", png.display()))?;
    }
    let job = escpos::encode_job(&rendered.image);
    let status = tape::print_on_port(&a.port, a.baud, &job, Duration::from_millis(a.timeout_ms))?;
    println!(
        "tally tape sent to {} ({} mm, {} × {} dots, {} bytes){}",
        a.port,
        a.width,
        rendered.image.width(),
        rendered.image.height(),
        job.len(),
        if facts.final_count {
            ""
        } else {
            " — draft: the board has not confirmed the count"
        }
    );
    if status.paper_near_end {
        eprintln!(
            "warning: giấy trong máy in nhiệt sắp hết / the thermal printer's paper roll is nearly used up"
        );
    }
    Ok(())
}
