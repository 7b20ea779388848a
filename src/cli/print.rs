//! Printing commands: `printers`, `print` (CUPS).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use kiemphieu::print::cups::{Cups, PrintError};

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
pub fn run_print(a: PrintArgs) -> anyhow::Result<()> {
    if a.copies == 0 || a.copies > 99 {
        return Err(BadInput(format!("--copies {}: between 1 and 99", a.copies)).into());
    }
    let cups = Cups::from_env();
    let title = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kiemphieu".into());
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
