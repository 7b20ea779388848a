//! `verify`: a bundle checked step by step against nothing but its public key —
//! the signature and the printed QR, the election, the records against the
//! audit log, the complaints, the root hash, every image re-hashed and
//! re-interpreted, and the count redone.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::{BundleError, RecordExt, file_err, read_audit, read_text, records_from_report};
use crate::election::{BallotKey, Election, Fingerprint, parse_election};
use crate::interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Page, Profile, Reading, decode_pages};
use crate::result::{PublicKey, ResultDoc, SignedCompact, images_root, root_hash, verify_result};
use crate::station::{count_sheets, sha256_hex, status_code};
use crate::store::{AuditEntry, ChainCheck, Complaint, SheetRow, SheetState, check_chain};

/// One image read again: its sheet, the fresh reading (none if undecodable),
/// or the problem that kept it from being read.
type Reread = (i64, Option<Reading>, Option<String>);

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
        let covered = usize::try_from(d.records)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| audit.get(i));
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
        .filter(|e| {
            e.action == "session.complaint" && u64::try_from(e.seq).is_ok_and(|s| s <= records)
        })
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
    let (doc, audit) = signed_or_salvaged(dir, &mut report.problems);
    let Some(doc) = doc else {
        report.problems.push("result.json: unreadable".into());
        return Ok(report);
    };
    check_qr(dir, &doc, &mut report.problems);
    let election = read_election(dir, &doc, &mut report.problems)?;
    let cvr_path = dir.join("cvr.json");
    let cvr: serde_json::Value =
        serde_json::from_str(&read_text(&cvr_path)?).map_err(|e| file_err(&cvr_path, e))?;
    let records = records_from_report(&cvr).map_err(|e| file_err(&cvr_path, e))?;
    report.records = records.len();

    let session_sheets = received_in_session(&audit, doc.session);
    check_records(&records, &audit, &session_sheets, &mut report.problems);
    if complaints_in_log(&audit, doc.session, doc.records) != doc.complaints {
        report
            .problems
            .push("result.json: the complaints differ from those recorded in the audit log".into());
    }
    check_root(&session_sheets, &doc, &mut report.problems);

    // Every image: re-hash, then re-interpret independently.
    let fresh = reread_images(dir, &records, &election)?;
    let states = replay(fresh, &records, &mut report);
    recount(&election, &doc, &states, &mut report.problems);
    report.result = Some(doc);
    Ok(report)
}

/// The signed result and the audit rows; when the signature or the chain fails,
/// what can still be read, to name every difference.
fn signed_or_salvaged(
    dir: &Path,
    problems: &mut Vec<String>,
) -> (Option<ResultDoc>, Vec<AuditEntry>) {
    match check_signed(dir) {
        Ok((d, a)) => (Some(d), a),
        Err(p) => {
            problems.extend(p);
            // Go on with what can be read, to name every difference.
            let doc = read_text(&dir.join("result.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<ResultDoc>(&t).ok());
            (
                doc,
                read_audit(&dir.join("audit.jsonl")).unwrap_or_default(),
            )
        }
    }
}

/// The QR code printed on the sheet must carry this very result, signed by the same key.
fn check_qr(dir: &Path, doc: &ResultDoc, problems: &mut Vec<String>) {
    match read_text(&dir.join("result-qr.txt")).map(|t| SignedCompact::decode(&t)) {
        Ok(Ok(qr)) => {
            let key = read_text(&dir.join("station.pub"))
                .ok()
                .and_then(|k| PublicKey::from_hex(&k));
            if !key.is_some_and(|k| qr.verify(&k)) || qr.compact != doc.compact() {
                problems.push(
                    "result-qr.txt: the printed QR result does not match the signed result".into(),
                );
            }
        }
        Ok(Err(e)) => problems.push(format!("result-qr.txt: {e}")),
        Err(e) => problems.push(e.to_string()),
    }
}

/// `election.toml`, which must be the election the result was signed for.
fn read_election(
    dir: &Path,
    doc: &ResultDoc,
    problems: &mut Vec<String>,
) -> Result<Election, BundleError> {
    let source = read_text(&dir.join("election.toml"))?;
    let election = parse_election(&source, &dir.join("election.toml"))
        .map_err(|e| file_err(&dir.join("election.toml"), e))?;
    if Fingerprint::of(&election).to_hex() != doc.election.fingerprint {
        problems.push("election.toml: not the election the result was signed for".into());
    }
    Ok(election)
}

/// The `sheet.received` details of the session's sheets, by sheet id.
fn received_in_session(audit: &[AuditEntry], session: i64) -> BTreeMap<i64, serde_json::Value> {
    latest_by_sheet(audit, "sheet.received")
        .into_iter()
        .filter(|(_, (_, d))| d["session"].as_i64() == Some(session))
        .map(|(k, (_, d))| (k, d))
        .collect()
}

/// Each record against the audit log: received, read and decided as logged.
fn check_records(
    records: &[RecordExt],
    audit: &[AuditEntry],
    session_sheets: &BTreeMap<i64, serde_json::Value>,
    p: &mut Vec<String>,
) {
    let read = latest_by_sheet(audit, "sheet.read");
    let decided = latest_by_sheet(audit, "sheet.decided");
    let ids: HashSet<i64> = records.iter().map(|r| r.sheet).collect();
    for id in session_sheets.keys().filter(|id| !ids.contains(id)) {
        p.push(format!(
            "cvr.json: sheet {id} is in the audit log but has no record"
        ));
    }
    for r in records {
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
}

/// The root hash over the images the audit log records and the records' head.
fn check_root(
    session_sheets: &BTreeMap<i64, serde_json::Value>,
    doc: &ResultDoc,
    problems: &mut Vec<String>,
) {
    let pairs: Vec<(i64, String)> = session_sheets
        .iter()
        .map(|(id, d)| (*id, d["sha256"].as_str().unwrap_or("").to_string()))
        .collect();
    let images = images_root(&pairs);
    if images != doc.images_root || root_hash(&images, &doc.records_head) != doc.root {
        problems.push(
            "result.json: the root hash does not match the images recorded in the audit log".into(),
        );
    }
}

/// Every record's image re-hashed and re-interpreted with the bundle's key, in
/// parallel, in sheet order.
fn reread_images(
    dir: &Path,
    records: &[RecordExt],
    election: &Election,
) -> Result<Vec<Reread>, BundleError> {
    let key = BallotKey::load(&dir.join("election.key"))
        .map_err(|e| file_err(&dir.join("election.key"), e))?;
    let interpreter = Interpreter::new(election, key, Profile::default())
        .map_err(|e| file_err(&dir.join("election.toml"), e))?;
    let mut fresh: Vec<Reread> = records
        .par_iter()
        .map(|r| reread_image(dir, r, &interpreter))
        .collect();
    fresh.sort_by_key(|f| f.0);
    Ok(fresh)
}

/// One record's image: re-hashed, then re-interpreted.
fn reread_image(dir: &Path, r: &RecordExt, interpreter: &Interpreter) -> Reread {
    // Names come from the bundle: only `SHA.ext` inside images/ is read.
    if !r.image.starts_with(&r.image_sha256) || r.image.contains(['/', '\\']) {
        return (
            r.sheet,
            None,
            Some(format!(
                "cvr.json: sheet {}: bad image name `{}`",
                r.sheet, r.image
            )),
        );
    }
    let path = dir.join("images").join(&r.image);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return (r.sheet, None, Some(format!("images/{}: {e}", r.image))),
    };
    if sha256_hex(&bytes) != r.image_sha256 {
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
        .map(|p| {
            interpreter.interpret(&Page {
                image: p.image,
                dpi: p.dpi,
            })
        });
    (r.sheet, reading, None)
}

/// The fresh readings recorded as the station would, each compared with its
/// record; the sheet states to re-count, with the recorded human decisions.
fn replay(fresh: Vec<Reread>, records: &[RecordExt], report: &mut VerifyReport) -> Vec<SheetState> {
    let mut states = Vec::new();
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut by_id: HashMap<i64, &RecordExt> = records.iter().map(|r| (r.sheet, r)).collect();
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
    states
}

/// Re-count: fresh readings with the recorded human decisions, against the signed figures.
fn recount(
    election: &Election,
    doc: &ResultDoc,
    states: &[SheetState],
    problems: &mut Vec<String>,
) {
    let count = count_sheets(election, states);
    let t = &count.tally;
    let mut diff = |what: &str, signed: String, recount: String| {
        if signed != recount {
            problems.push(format!(
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
}
