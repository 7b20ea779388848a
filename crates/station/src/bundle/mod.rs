//! The export bundle of a counting session and its independent verification.
//!
//! A bundle is a folder:
//!
//! | file | what |
//! |---|---|
//! | `election.toml` | the election file of the round counted |
//! | `election.key` | the round's ballot key, so the codes' MACs can be re-checked — only once the round is closed (a draft withholds it: it could mint ballots of an open round) |
//! | `print-runs.json` | the serials printed for the round: a code never printed is not the issued form |
//! | `DEMO.txt` | only in a demo bundle: "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" |
//! | `result.json` | the signed result, canonical JSON |
//! | `result.sig`, `station.pub` | Ed25519 signature and the station's public key, hex |
//! | `result-qr.txt` | the signed compact result printed as the sheet's QR code |
//! | `cvr.json` | one record per scanned page (NIST SP 1500-103 Cast Vote Record shape) |
//! | `images/` | every scanned image, named by its SHA-256 |
//! | `audit.jsonl` | the audit log, one row a line, hash-chained |
//!
//! `verify` trusts nothing in it but the public key: it checks the signature
//! and the chain, re-hashes every image, ties every record to the audit log,
//! re-interprets every image and re-counts with the recorded human decisions.

// Everything here reads files from outside the program: no unchecked casts.
#![warn(clippy::as_conversions)]

pub mod archive;
mod cvr;
mod verify;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use cvr::{RecordExt, cvr_report, records_from_report};
pub use verify::{VerifyReport, check_signed, verify};

use crate::result::{ResultError, Signed, sign_session};
use crate::station::{ImageStore, images_dir, round_key_path};
use crate::store::{AuditEntry, SheetRow};

/// Why a bundle could not be written or read at all.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The result or the database.
    #[error(transparent)]
    Result(#[from] ResultError),
    /// A file.
    #[error("{file}: {message}")]
    File {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn file_err(file: &Path, message: impl std::fmt::Display) -> BundleError {
    BundleError::File {
        file: file.to_path_buf(),
        message: message.to_string(),
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// Records (scanned pages).
    pub records: usize,
    /// Distinct images.
    pub images: usize,
    /// Audit rows.
    pub audit_rows: usize,
    /// The result fingerprint.
    pub result_fingerprint: String,
    /// Whether the session was closed.
    pub is_final: bool,
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), BundleError> {
    std::fs::write(path, bytes).map_err(|e| file_err(path, e))
}

/// Writes the bundle of the latest session of `db` (or of `session`) into the folder `out`.
pub fn export(db: &Path, session: Option<i64>, out: &Path) -> Result<ExportSummary, BundleError> {
    if out.exists()
        && std::fs::read_dir(out)
            .map_err(|e| file_err(out, e))?
            .next()
            .is_some()
    {
        return Err(file_err(
            out,
            "exists and is not empty; choose a new folder",
        ));
    }
    let Signed {
        data,
        result,
        qr_text,
    } = sign_session(db, session)?;
    let images = ImageStore::new(images_dir(db));
    std::fs::create_dir_all(out.join("images")).map_err(|e| file_err(out, e))?;
    let store = crate::store::Store::open(db).map_err(ResultError::from)?;
    let definition = store
        .session_definition(data.session)
        .map_err(ResultError::from)?;
    write(&out.join("election.toml"), definition)?;
    // The round's key is disclosed only once the round is closed: until then it
    // could mint ballots that count (rules.md §10).
    if result.doc.is_final {
        let kp = round_key_path(db, data.round);
        let key = crate::election::BallotKey::load(&kp).map_err(|e| file_err(&kp, e))?;
        let dest = out.join("election.key");
        key.write_new(&dest).map_err(|e| file_err(&dest, e))?;
    }
    write(
        &out.join("print-runs.json"),
        serde_json::to_string_pretty(&data.print_runs).map_err(|e| file_err(out, e))?,
    )?;
    if result.doc.demo {
        write(
            &out.join("DEMO.txt"),
            format!("{}\n", crate::store::DEMO_MARK),
        )?;
    }
    write(&out.join("result.json"), &result.canonical)?;
    write(&out.join("result.sig"), format!("{}\n", result.signature))?;
    write(&out.join("station.pub"), format!("{}\n", result.public_key))?;
    write(&out.join("result-qr.txt"), format!("{qr_text}\n"))?;
    let mut copied = HashSet::new();
    for s in &data.sheets {
        let name = image_name(&s.sheet);
        if copied.insert(name.clone()) {
            let bytes = images
                .get(&s.sheet.image_path, &s.sheet.image_sha256)
                .map_err(|e| file_err(&images.dir().join(&s.sheet.image_path), e))?;
            write(&out.join("images").join(&name), bytes)?;
        }
    }
    let report = cvr_report(&data, &result.doc);
    write(
        &out.join("cvr.json"),
        serde_json::to_string_pretty(&report).map_err(|e| file_err(out, e))?,
    )?;
    let mut audit = String::new();
    for e in &data.audit {
        audit.push_str(&serde_json::to_string(e).map_err(|e| file_err(out, e))?);
        audit.push('\n');
    }
    write(&out.join("audit.jsonl"), audit)?;
    Ok(ExportSummary {
        records: data.sheets.len(),
        images: copied.len(),
        audit_rows: data.audit.len(),
        result_fingerprint: result.doc.fingerprint(),
        is_final: result.doc.is_final,
    })
}

/// The image's file name in the bundle: its SHA-256 and its extension.
pub fn image_name(sheet: &SheetRow) -> String {
    let ext = Path::new(&sheet.image_path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin");
    format!("{}.{ext}", sheet.image_sha256)
}

#[derive(Deserialize)]
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Reads `audit.jsonl`.
pub fn read_audit(path: &Path) -> Result<Vec<AuditEntry>, BundleError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let r: AuditRow = serde_json::from_str(l)
                .map_err(|e| file_err(path, format!("line {}: {e}", i + 1)))?;
            Ok(AuditEntry {
                seq: r.seq,
                at: r.at,
                actor: r.actor,
                action: r.action,
                detail: r.detail,
                prev_hash: r.prev_hash,
                hash: r.hash,
            })
        })
        .collect()
}

pub(crate) fn read_text(path: &Path) -> Result<String, BundleError> {
    std::fs::read_to_string(path).map_err(|e| file_err(path, e))
}
