//! `kiemphieu export`, `verify` and `aggregate`: the bundle of a count, its
//! independent check, and the commune's summary of many units.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::BadInput;
use kiemphieu_station::bundle::{archive, check_signed, export, verify};
use kiemphieu_station::report::{assemble, sign_summary, ward_pdf, ward_row};
use kiemphieu_station::signing::StationKey;

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
            // verify replayed the draw from the seed and the readings from the log.
            if let Some(h) = &doc.hand_check {
                println!(
                    "OK: hand check replayed from the seed and the readings — {}",
                    h.line
                );
            }
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
    /// Bundles (folders or .zip files), one per unit and round.
    #[arg(required = true)]
    bundles: Vec<PathBuf>,
    /// The commune's roster (TOML): the commune, the term and every unit expected with its H.
    #[arg(long)]
    roster: PathBuf,
    /// Output PDF; the signed summary is written beside it as JSON (same name, .json).
    #[arg(long)]
    out: PathBuf,
    /// Key that signs the summary (created, mode 0600, the first time) [default: ROSTER.key].
    #[arg(long)]
    key: Option<PathBuf>,
}

/// The commune's summary: refuses any bundle whose signature or chain fails, and
/// any draft, duplicate, or unit of another commune, term or H than the roster's;
/// nothing is written then. Lists the units still missing.
pub fn run_aggregate(a: &AggregateArgs) -> anyhow::Result<()> {
    let roster =
        kiemphieu_core::roster::load_roster(&a.roster).map_err(|e| BadInput(e.to_string()))?;
    let mut docs = Vec::new();
    for b in &a.bundles {
        let opened = open_bundle(b)?;
        match check_signed(&opened.dir) {
            Ok((doc, _)) => docs.push((b.display().to_string(), doc)),
            Err(problems) => {
                anyhow::bail!("{}: refused: {}", b.display(), problems.join("; "))
            }
        }
    }
    let summary = assemble(&roster, docs).map_err(|refusals| {
        BadInput(
            refusals
                .iter()
                .map(|r| format!("{}: refused: {}", r.bundle, r.reason))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let key_path = a.key.clone().unwrap_or_else(|| {
        let mut p = a.roster.as_os_str().to_owned();
        p.push(".key");
        PathBuf::from(p)
    });
    let key = StationKey::load_or_create_file(&key_path)?;
    let made_at = kiemphieu_station::report::when_vi(&chrono::Utc::now().to_rfc3339());
    let sig = sign_summary(&summary, &key, &made_at);
    let pdf = ward_pdf(&summary, &sig)?;
    let json_path = a.out.with_extension("json");
    let signed = serde_json::json!({
        "summary": serde_json::from_str::<serde_json::Value>(&summary.canonical(&made_at))?,
        "sha256": sig.fingerprint,
        "public_key": sig.public_key,
        "signature": sig.signature,
    });
    std::fs::write(&a.out, pdf).with_context(|| format!("{}: cannot write", a.out.display()))?;
    std::fs::write(
        &json_path,
        format!("{}\n", serde_json::to_string_pretty(&signed)?),
    )
    .with_context(|| format!("{}: cannot write", json_path.display()))?;
    for r in &summary.rows {
        println!("{}", ward_row(r).join(" | "));
    }
    for u in &summary.missing {
        println!("missing: {} (H = {})", u.name, u.households);
    }
    let t = summary.totals();
    println!(
        "{}: {} of {} units, {} with a winner, {} missing; signed summary {} in {}",
        a.out.display(),
        t.units,
        roster.units.len(),
        t.elected,
        summary.missing.len(),
        sig.fingerprint,
        json_path.display()
    );
    Ok(())
}
