//! The export bundle of a counting session and its independent verification.
//!
//! A bundle is a folder:
//!
//! | file | what |
//! |---|---|
//! | `election.toml` | the election file as bound to the station |
//! | `election.key` | the ballot-code key, so the QR codes' MACs can be re-checked (the count is over) |
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

pub mod archive;
mod cvr;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use cvr::{RecordExt, cvr_report, records_from_report};

use crate::election::{BallotKey, Fingerprint, parse_election};
use crate::interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Page, Profile, decode_pages};
use crate::result::{
    PublicKey, ResultDoc, ResultError, Signed, SignedCompact, images_root, root_hash, sign_session,
    verify_result,
};
use crate::station::{ImageStore, count_sheets, images_dir, key_path, status_code};
use crate::store::{AuditEntry, ChainCheck, Complaint, SheetRow, SheetState, check_chain};

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

fn file_err(file: &Path, message: impl std::fmt::Display) -> BundleError {
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

/// Writes the bundle of the latest session of `db` into the folder `out`.
pub fn export(db: &Path, out: &Path) -> Result<ExportSummary, BundleError> {
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
    } = sign_session(db)?;
    let images = ImageStore::new(images_dir(db));
    std::fs::create_dir_all(out.join("images")).map_err(|e| file_err(out, e))?;
    let store = crate::store::Store::open(db).map_err(ResultError::from)?;
    let definition: String = store
        .connection()
        .query_row("SELECT definition FROM election WHERE id = 1", [], |r| {
            r.get(0)
        })
        .map_err(|e| file_err(db, e))?;
    write(&out.join("election.toml"), definition)?;
    let kp = key_path(db);
    let key = std::fs::read(&kp).map_err(|e| file_err(&kp, e))?;
    write(&out.join("election.key"), key)?;
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

fn read_text(path: &Path) -> Result<String, BundleError> {
    std::fs::read_to_string(path).map_err(|e| file_err(path, e))
}

/// Checks the signature of `result.json` and the audit chain: what `aggregate`
/// needs before it trusts a bundle. Returns the result and the audit rows.
pub fn check_signed(dir: &Path) -> Result<(ResultDoc, Vec<AuditEntry>), Vec<String>> {
    let mut problems = Vec::new();
    let texts = ["result.json", "result.sig", "station.pub"].map(|f| read_text(&dir.join(f)));
    let doc = match texts {
        [Ok(canonical), Ok(sig), Ok(key)] => match verify_result(&canonical, &sig, &key) {
            Ok(doc) => Some(doc),
            Err(e) => {
                problems.push(format!("result.json / result.sig: {e}"));
                None
            }
        },
        other => {
            for e in other.into_iter().filter_map(Result::err) {
                problems.push(e.to_string());
            }
            None
        }
    };
    let audit = match read_audit(&dir.join("audit.jsonl")) {
        Ok(a) => a,
        Err(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    };
    if let ChainCheck::Broken { seq } = check_chain(&audit) {
        problems.push(format!(
            "audit.jsonl: the hash chain is broken at row {seq} (a row was changed, removed or inserted)"
        ));
    }
    if let Some(d) = &doc {
        let covered = audit.get((d.records as usize).wrapping_sub(1));
        if covered.map(|e| e.hash.as_str()) != Some(d.records_head.as_str()) {
            problems.push(format!(
                "audit.jsonl: row {} is not the one the signed result covers (records_head {})",
                d.records, d.records_head
            ));
        }
    }
    match (doc, problems.is_empty()) {
        (Some(d), true) => Ok((d, audit)),
        _ => Err(problems),
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records checked.
    pub records: usize,
    /// Images re-hashed.
    pub images: usize,
    /// Images re-interpreted.
    pub reinterpreted: usize,
    /// Every difference, one sentence each, naming the file and the sheet.
    pub problems: Vec<String>,
    /// The verified result, when its signature holds.
    pub result: Option<ResultDoc>,
}

/// The latest audit detail of an action per sheet id.
fn latest_by_sheet(
    audit: &[AuditEntry],
    action: &str,
) -> HashMap<i64, (String, serde_json::Value)> {
    let mut out = HashMap::new();
    for e in audit.iter().filter(|e| e.action == action) {
        if let Ok(d) = serde_json::from_str::<serde_json::Value>(&e.detail) {
            if let Some(sheet) = d["sheet"].as_i64() {
                out.insert(sheet, (e.actor.clone(), d));
            }
        }
    }
    out
}

/// The complaints of a session as the audit log records them, up to row `records`.
fn complaints_in_log(audit: &[AuditEntry], session: i64, records: u64) -> Vec<Complaint> {
    audit
        .iter()
        .filter(|e| e.action == "session.complaint" && (e.seq as u64) <= records)
        .filter_map(|e| {
            let d: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
            if d["session"].as_i64() != Some(session) {
                return None;
            }
            let text = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            Some(Complaint {
                lodged_by: text("lodged_by"),
                content: text("content"),
                handling: text("handling"),
                recorded_by: e.actor.clone(),
                at: text("at"),
            })
        })
        .collect()
}

/// Verifies a bundle folder.
pub fn verify(dir: &Path) -> Result<VerifyReport, BundleError> {
    if !dir.is_dir() {
        return Err(file_err(dir, "not a bundle folder"));
    }
    let mut report = VerifyReport::default();
    let (doc, audit) = match check_signed(dir) {
        Ok((d, a)) => (Some(d), a),
        Err(p) => {
            report.problems.extend(p);
            // Go on with what can be read, to name every difference.
            let doc = read_text(&dir.join("result.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<ResultDoc>(&t).ok());
            (
                doc,
                read_audit(&dir.join("audit.jsonl")).unwrap_or_default(),
            )
        }
    };
    let Some(doc) = doc else {
        report.problems.push("result.json: unreadable".into());
        return Ok(report);
    };
    // The QR code printed on the sheet must carry this very result, signed by the same key.
    match read_text(&dir.join("result-qr.txt")).map(|t| SignedCompact::decode(&t)) {
        Ok(Ok(qr)) => {
            let key = read_text(&dir.join("station.pub"))
                .ok()
                .and_then(|k| PublicKey::from_hex(&k));
            if !key.is_some_and(|k| qr.verify(&k)) || qr.compact != doc.compact() {
                report.problems.push(
                    "result-qr.txt: the printed QR result does not match the signed result".into(),
                );
            }
        }
        Ok(Err(e)) => report.problems.push(format!("result-qr.txt: {e}")),
        Err(e) => report.problems.push(e.to_string()),
    }
    let source = read_text(&dir.join("election.toml"))?;
    let election = parse_election(&source, &dir.join("election.toml"))
        .map_err(|e| file_err(&dir.join("election.toml"), e))?;
    if Fingerprint::of(&election).to_hex() != doc.election.fingerprint {
        report
            .problems
            .push("election.toml: not the election the result was signed for".into());
    }
    let cvr_path = dir.join("cvr.json");
    let cvr: serde_json::Value =
        serde_json::from_str(&read_text(&cvr_path)?).map_err(|e| file_err(&cvr_path, e))?;
    let records = records_from_report(&cvr).map_err(|e| file_err(&cvr_path, e))?;
    report.records = records.len();

    // Records against the audit log.
    let received = latest_by_sheet(&audit, "sheet.received");
    let read = latest_by_sheet(&audit, "sheet.read");
    let decided = latest_by_sheet(&audit, "sheet.decided");
    let session_sheets: BTreeMap<i64, &serde_json::Value> = received
        .iter()
        .filter(|(_, (_, d))| d["session"].as_i64() == Some(doc.session))
        .map(|(k, (_, d))| (*k, d))
        .collect();
    let ids: HashSet<i64> = records.iter().map(|r| r.sheet).collect();
    for id in session_sheets.keys().filter(|id| !ids.contains(id)) {
        report.problems.push(format!(
            "cvr.json: sheet {id} is in the audit log but has no record"
        ));
    }
    for r in &records {
        let p = &mut report.problems;
        let Some(rec) = session_sheets.get(&r.sheet) else {
            p.push(format!("cvr.json: sheet {}: not in the audit log", r.sheet));
            continue;
        };
        if rec["sha256"] != r.image_sha256.as_str() || rec["batch"] != r.batch.as_str() {
            p.push(format!(
                "cvr.json: sheet {}: image hash or batch differs from the audit log",
                r.sheet
            ));
        }
        match read.get(&r.sheet) {
            Some((_, d))
                if d["status"].as_str() == r.status.as_deref()
                    && d["serial"].as_str() == r.serial.as_deref() => {}
            _ => p.push(format!(
                "cvr.json: sheet {}: machine status or serial differs from the audit log",
                r.sheet
            )),
        }
        match (decided.get(&r.sheet), &r.human_verdict) {
            (None, None) => {}
            (Some((actor, d)), Some(v))
                if d["verdict"].as_str() == Some(v.as_str())
                    && r.official.as_deref() == Some(actor.as_str()) => {}
            _ => p.push(format!(
                "cvr.json: sheet {}: the officials' decision differs from the audit log",
                r.sheet
            )),
        }
    }
    if complaints_in_log(&audit, doc.session, doc.records) != doc.complaints {
        report
            .problems
            .push("result.json: the complaints differ from those recorded in the audit log".into());
    }
    let pairs: Vec<(i64, String)> = session_sheets
        .iter()
        .map(|(id, d)| (*id, d["sha256"].as_str().unwrap_or("").to_string()))
        .collect();
    let images = images_root(&pairs);
    if images != doc.images_root || root_hash(&images, &doc.records_head) != doc.root {
        report.problems.push(
            "result.json: the root hash does not match the images recorded in the audit log".into(),
        );
    }

    // Every image: re-hash, then re-interpret independently.
    let key = BallotKey::load(&dir.join("election.key"))
        .map_err(|e| file_err(&dir.join("election.key"), e))?;
    let interpreter = Interpreter::new(&election, key, Profile::default())
        .map_err(|e| file_err(&dir.join("election.toml"), e))?;
    use rayon::prelude::*;
    let fresh: Vec<(i64, Option<crate::interpret::Reading>, Option<String>)> = records
        .par_iter()
        .map(|r| {
            // Names come from the bundle: only `SHA.ext` inside images/ is read.
        if !r.image.starts_with(&r.image_sha256) || r.image.contains(['/', '\\']) {
            return (r.sheet, None, Some(format!("cvr.json: sheet {}: bad image name `{}`", r.sheet, r.image)));
        }
        let path = dir.join("images").join(&r.image);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => return (r.sheet, None, Some(format!("images/{}: {e}", r.image))),
            };
            if crate::station::sha256_hex(&bytes) != r.image_sha256 {
                return (
                    r.sheet,
                    None,
                    Some(format!(
                        "images/{}: SHA-256 differs from the record of sheet {} (the image was changed)",
                        r.image, r.sheet
                    )),
                );
            }
            let reading = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET)
                .ok()
                .and_then(|pages| pages.into_iter().next())
                .map(|p| interpreter.interpret(&Page { image: p.image, dpi: p.dpi }));
            (r.sheet, reading, None)
        })
        .collect();
    let mut states = Vec::new();
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut by_id: HashMap<i64, &RecordExt> = records.iter().map(|r| (r.sheet, r)).collect();
    let mut fresh = fresh;
    fresh.sort_by_key(|f| f.0);
    for (sheet, reading, problem) in fresh {
        let Some(r) = by_id.remove(&sheet) else {
            continue;
        };
        if let Some(p) = problem {
            report.problems.push(p);
            continue;
        }
        report.images += 1;
        let (status, serial, verdict) = match &reading {
            Some(rd) => (
                status_code(rd.status).to_string(),
                rd.serial.clone(),
                rd.verdict
                    .as_ref()
                    .and_then(|v| serde_json::to_string(v).ok()),
            ),
            None => ("rejected".to_string(), None, None),
        };
        report.reinterpreted += 1;
        // As the station records it: a ballot whose serial an earlier sheet carries is a duplicate.
        let mut status = status;
        if let Some(s) = &serial {
            if status != "rejected" {
                if seen.contains_key(s) && matches!(status.as_str(), "valid" | "invalid" | "review")
                {
                    status = "duplicate".into();
                }
                seen.entry(s.clone()).or_insert(sheet);
            }
        }
        let same_status = r.status.as_deref() == Some(status.as_str())
            || (r.status.as_deref() == Some("duplicate")
                && matches!(status.as_str(), "valid" | "invalid" | "review"));
        if !same_status || r.serial != serial || r.machine_verdict != verdict {
            report.problems.push(format!(
                "images/{}: sheet {} reads as {status} {} now, but the record says {} {}",
                r.image,
                sheet,
                verdict.as_deref().unwrap_or("-"),
                r.status.as_deref().unwrap_or("-"),
                r.machine_verdict.as_deref().unwrap_or("-"),
            ));
        }
        states.push(SheetState {
            sheet: SheetRow {
                id: sheet,
                batch: r.batch.clone(),
                image_sha256: r.image_sha256.clone(),
                image_path: r.image.clone(),
                source: String::new(),
                received_at: String::new(),
            },
            status: Some(status),
            serial,
            reading: None,
            machine_verdict: verdict,
            human_verdict: r.human_verdict.clone(),
            official: r.official.clone(),
            reason: None,
            certainty: 0.0,
            duplicate_of: None,
        });
    }

    // Re-count: fresh readings with the recorded human decisions.
    let count = count_sheets(&election, &states);
    let t = &count.tally;
    let mut diff = |what: &str, signed: String, recount: String| {
        if signed != recount {
            report.problems.push(format!(
                "result.json: {what} is {signed} but the re-count gives {recount}"
            ));
        }
    };
    diff("valid", doc.valid.to_string(), t.valid.to_string());
    diff("invalid", doc.invalid.to_string(), t.invalid.to_string());
    diff("counted", doc.counted.to_string(), t.returned.to_string());
    diff(
        "disapprove",
        doc.disapprove.to_string(),
        t.disapprove.to_string(),
    );
    for c in &doc.candidates {
        diff(
            &format!("the votes of {}", c.id),
            c.votes.to_string(),
            t.votes_for(&c.id).to_string(),
        );
    }
    let reasons: BTreeMap<String, u32> = t
        .invalid_by_reason
        .iter()
        .map(|(r, n)| (r.code().to_string(), *n))
        .collect();
    diff(
        "invalid by reason",
        format!("{:?}", doc.invalid_by_reason),
        format!("{reasons:?}"),
    );
    diff(
        "the winner",
        format!("{:?}", doc.outcome.winner),
        format!("{:?}", count.outcome.winner()),
    );
    diff(
        "the number of sheets",
        doc.sheets.to_string(),
        states.len().to_string(),
    );
    report.result = Some(doc);
    Ok(report)
}
