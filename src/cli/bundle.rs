//! `kiemphieu export`, `verify` and `aggregate`: the bundle of a count, its
//! independent check, and the commune's summary of many units.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::BadInput;
use kiemphieu_station::bundle::{archive, check_signed, export, verify};

/// Arguments of `kiemphieu export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Station database.
    #[arg(long)]
    db: PathBuf,
    /// Output folder (new or empty), or a new FILE.zip.
    #[arg(long)]
    out: PathBuf,
    /// The session (round) to export [default: the latest].
    #[arg(long)]
    session: Option<i64>,
}

/// Writes the bundle.
pub fn run_export(a: &ExportArgs) -> anyhow::Result<()> {
    if !a.db.exists() {
        return Err(BadInput(format!("{}: no such station database", a.db.display())).into());
    }
    let s = if archive::is_zip(&a.out) {
        if a.out.exists() {
            return Err(BadInput(format!("{}: already exists", a.out.display())).into());
        }
        // Written as a folder beside the zip, packed, then removed.
        let staging = PathBuf::from(format!("{}.partial", a.out.display()));
        let _ = std::fs::remove_dir_all(&staging);
        let s = export(&a.db, a.session, &staging);
        let packed = s.as_ref().ok().map(|_| archive::pack(&staging, &a.out));
        let _ = std::fs::remove_dir_all(&staging);
        if let Some(Err(e)) = packed {
            let _ = std::fs::remove_file(&a.out);
            return Err(e.into());
        }
        s?
    } else {
        export(&a.db, a.session, &a.out)?
    };
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

/// A bundle to read: its folder, or a zip unpacked into a temporary folder
/// that is removed when this is dropped.
struct Opened {
    dir: PathBuf,
    temporary: bool,
}

impl Drop for Opened {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn open_bundle(path: &Path) -> anyhow::Result<Opened> {
    // Numbers the temporary folders of one process.
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    if path.is_dir() {
        return Ok(Opened {
            dir: path.to_path_buf(),
            temporary: false,
        });
    }
    if !(path.is_file() && archive::is_zip(path)) {
        return Err(BadInput(format!(
            "{}: not a bundle folder or .zip file",
            path.display()
        ))
        .into());
    }
    let dir = std::env::temp_dir().join(format!(
        "kiemphieu-bundle-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let opened = Opened {
        dir,
        temporary: true,
    };
    std::fs::create_dir_all(&opened.dir)
        .with_context(|| format!("{}: cannot create", opened.dir.display()))?;
    archive::unpack(path, &opened.dir).map_err(|e| BadInput(e.to_string()))?;
    Ok(opened)
}

/// Arguments of `kiemphieu verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// Bundle written by `kiemphieu export`: its folder or its .zip file.
    bundle: PathBuf,
}

/// Verifies a bundle; any difference fails (exit 1) and is named.
pub fn run_verify(a: &VerifyArgs) -> anyhow::Result<()> {
    let opened = open_bundle(&a.bundle)?;
    let r = verify(&opened.dir)?;
    println!(
        "{}: {} records, {} images re-hashed, {} re-interpreted",
        a.bundle.display(),
        r.records,
        r.images,
        r.reinterpreted
    );
    for n in &r.notes {
        println!("NOTE: {n}");
    }
    if r.problems.is_empty() {
        if let Some(doc) = &r.result {
            println!(
                "OK: signature, audit chain, images, records and re-count agree (session {}, round {}, station {}, {}, {} complaint(s) recorded){}",
                doc.session,
                doc.round,
                doc.station,
                if doc.is_final { "final" } else { "draft" },
                doc.complaints.len(),
                if doc.demo {
                    format!(" — {}", kiemphieu_station::store::DEMO_MARK)
                } else {
                    String::new()
                }
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
    /// Bundles (folders or .zip files), one per unit.
    #[arg(required = true)]
    bundles: Vec<PathBuf>,
    /// Output PDF.
    #[arg(long)]
    out: PathBuf,
}

/// The commune's summary; refuses any bundle whose signature or chain fails.
pub fn run_aggregate(a: &AggregateArgs) -> anyhow::Result<()> {
    let mut docs = Vec::new();
    for b in &a.bundles {
        let opened = open_bundle(b)?;
        match check_signed(&opened.dir) {
            Ok((doc, _)) => docs.push(doc),
            Err(problems) => {
                anyhow::bail!("{}: refused: {}", b.display(), problems.join("; "))
            }
        }
    }
    let pdf = kiemphieu_station::report::ward_pdf(&docs)?;
    std::fs::write(&a.out, pdf).with_context(|| format!("{}: cannot write", a.out.display()))?;
    for d in &docs {
        println!("{}", kiemphieu_station::report::ward_row(d).join(" | "));
    }
    println!("{}: {} units", a.out.display(), docs.len());
    Ok(())
}
