//! `kiemphieu export`, `verify` and `aggregate`: the bundle of a count, its
//! independent check, and the commune's summary of many units.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::BadInput;
use kiemphieu::bundle::{check_signed, export, verify};

/// Arguments of `kiemphieu export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Station database.
    #[arg(long)]
    db: PathBuf,
    /// Output folder (new or empty).
    #[arg(long)]
    out: PathBuf,
}

/// Writes the bundle.
pub fn run_export(a: ExportArgs) -> anyhow::Result<()> {
    if !a.db.exists() {
        return Err(BadInput(format!("{}: no such station database", a.db.display())).into());
    }
    if a.out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return Err(BadInput(format!(
            "{}: zip output is not supported; give a folder",
            a.out.display()
        ))
        .into());
    }
    let s = export(&a.db, &a.out)?;
    println!(
        "{}: {} records, {} images, {} audit rows; {} result {}",
        a.out.display(),
        s.records,
        s.images,
        s.audit_rows,
        if s.is_final { "final" } else { "DRAFT" },
        s.result_fingerprint
    );
    Ok(())
}

/// Arguments of `kiemphieu verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// Bundle folder written by `kiemphieu export`.
    bundle: PathBuf,
}

/// Verifies a bundle; any difference fails (exit 1) and is named.
pub fn run_verify(a: VerifyArgs) -> anyhow::Result<()> {
    if !a.bundle.is_dir() {
        return Err(BadInput(format!("{}: not a bundle folder", a.bundle.display())).into());
    }
    let r = verify(&a.bundle)?;
    println!(
        "{}: {} records, {} images re-hashed, {} re-interpreted",
        a.bundle.display(),
        r.records,
        r.images,
        r.reinterpreted
    );
    if r.problems.is_empty() {
        if let Some(doc) = &r.result {
            println!(
                "OK: signature, audit chain, images, records and re-count agree (session {}, station {}, {})",
                doc.session,
                doc.station,
                if doc.is_final { "final" } else { "draft" }
            );
        }
        return Ok(());
    }
    for p in &r.problems {
        println!("DIFFERS: {p}");
    }
    anyhow::bail!(
        "{}: {} difference(s); the bundle does not match its signed result",
        a.bundle.display(),
        r.problems.len()
    )
}

/// Arguments of `kiemphieu aggregate`.
#[derive(Args)]
pub struct AggregateArgs {
    /// Bundle folders, one per unit.
    #[arg(required = true)]
    bundles: Vec<PathBuf>,
    /// Output PDF.
    #[arg(long)]
    out: PathBuf,
}

/// The commune's summary; refuses any bundle whose signature or chain fails.
pub fn run_aggregate(a: AggregateArgs) -> anyhow::Result<()> {
    let mut docs = Vec::new();
    for b in &a.bundles {
        if !b.is_dir() {
            return Err(BadInput(format!("{}: not a bundle folder", b.display())).into());
        }
        match check_signed(b) {
            Ok((doc, _)) => docs.push(doc),
            Err(problems) => {
                anyhow::bail!("{}: refused: {}", b.display(), problems.join("; "))
            }
        }
    }
    let pdf = kiemphieu::report::ward_pdf(&docs)?;
    std::fs::write(&a.out, pdf).with_context(|| format!("{}: cannot write", a.out.display()))?;
    for d in &docs {
        println!("{}", kiemphieu::report::ward_row(d).join(" | "));
    }
    println!("{}: {} units", a.out.display(), docs.len());
    Ok(())
}
