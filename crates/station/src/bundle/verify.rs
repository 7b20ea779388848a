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
use crate::scan::SourceKind;
use crate::station::{count_sheets, sha256_hex};
use crate::store::{
    AuditEntry, ChainCheck, Complaint, PrintRun, SheetRecord, SheetRow, check_chain, serials_hash,
};

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
    /// Things said about the bundle that are not differences (a draft withholds
    /// the round's key, a demo has no legal value).
    pub notes: Vec<String>,
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

/// The latest audit detail among several actions per sheet id, with its action.
fn latest_of(
    audit: &[AuditEntry],
    actions: &[&str],
) -> HashMap<i64, (String, String, serde_json::Value)> {
    let mut out = HashMap::new();
    for e in audit
        .iter()
        .filter(|e| actions.contains(&e.action.as_str()))
    {
        if let Ok(d) = serde_json::from_str::<serde_json::Value>(&e.detail) {
            if let Some(sheet) = d["sheet"].as_i64() {
                out.insert(sheet, (e.action.clone(), e.actor.clone(), d));
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
    if doc.demo {
        report.notes.push(format!(
            "{}: a demo count, made with the simulated scanner",
            crate::store::DEMO_MARK
        ));
    } else {
        // A real count never holds a machine-made ballot.
        for r in records
            .iter()
            .filter(|r| r.source_kind == SourceKind::Simulator)
        {
            report.problems.push(format!(
                "cvr.json: sheet {} ({}) comes from the simulator, but the result is of a real count",
                r.sheet, r.source
            ));
        }
    }

    let session_sheets = received_in_session(&audit, doc.session);
    check_records(&records, &audit, &session_sheets, &mut report.problems);
    if complaints_in_log(&audit, doc.session, doc.records) != doc.complaints {
        report
            .problems
            .push("result.json: the complaints differ from those recorded in the audit log".into());
    }
    check_root(&session_sheets, &doc, &mut report.problems);
    let printed = read_print_runs(dir, &doc, &audit, &mut report.problems);

    // Every image: re-hash, then re-interpret independently with the round's
    // key — which only the bundle of a closed round carries.
    let key = read_key(dir, &doc, &mut report)?;
    let reread = key.is_some();
    let fresh = reread_images(dir, &records, &election, key, &doc)?;
    let states = replay(fresh, &records, reread, &mut report);
    recount(&election, &doc, &states, &printed, &mut report.problems);
    check_hand_check(
        &election,
        &doc,
        &audit,
        &states,
        &printed,
        &mut report.problems,
    );
    report.result = Some(doc);
    Ok(report)
}

/// The round's key: present exactly when the round is closed.
fn read_key(
    dir: &Path,
    doc: &ResultDoc,
    report: &mut VerifyReport,
) -> Result<Option<BallotKey>, BundleError> {
    let path = dir.join("election.key");
    match (doc.is_final, path.exists()) {
        (true, true) => Ok(Some(
            BallotKey::load(&path).map_err(|e| file_err(&path, e))?,
        )),
        (true, false) => {
            report.problems.push(
                "election.key: missing; the bundle of a closed round carries its ballot key so the codes can be checked".into(),
            );
            Ok(None)
        }
        (false, true) => {
            report.problems.push(
                "election.key: a draft bundle carries the key of a round still open (it could mint ballots that count)".into(),
            );
            Ok(None)
        }
        (false, false) => {
            report.notes.push(format!(
                "draft: round {} is still open and its ballot key is withheld; images are re-hashed and the count redone from the records, the codes are not re-checked",
                doc.round
            ));
            Ok(None)
        }
    }
}

/// `print-runs.json`: the serials printed for the round, each run tied to its
/// audit row; returns the printed serials.
fn read_print_runs(
    dir: &Path,
    doc: &ResultDoc,
    audit: &[AuditEntry],
    problems: &mut Vec<String>,
) -> std::collections::HashSet<String> {
    let path = dir.join("print-runs.json");
    let runs: Vec<PrintRun> = match read_text(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", path.display())))
    {
        Ok(r) => r,
        Err(e) => {
            problems.push(e);
            return std::collections::HashSet::new();
        }
    };
    let logged: HashMap<i64, serde_json::Value> = audit
        .iter()
        .filter(|e| e.action == "ballots.printed")
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.detail).ok())
        .filter_map(|d| d["run"].as_i64().map(|r| (r, d)))
        .collect();
    let mut printed = std::collections::HashSet::new();
    let mut total = 0u64;
    for run in &runs {
        let ok = logged.get(&run.id).is_some_and(|d| {
            d["serials_sha256"].as_str() == Some(serials_hash(&run.serials).as_str())
                && d["fingerprint"].as_str() == Some(doc.election.fingerprint.as_str())
                && d["round"].as_u64() == Some(u64::from(run.round))
        });
        if !ok
            || run.round != doc.round
            || usize::try_from(run.count).ok() != Some(run.serials.len())
        {
            problems.push(format!(
                "print-runs.json: run {} differs from the print run the audit log records",
                run.id
            ));
            continue;
        }
        total += run.count;
        printed.extend(run.serials.iter().cloned());
    }
    if total != doc.printed {
        problems.push(format!(
            "result.json: {} ballots printed, but print-runs.json lists {total}",
            doc.printed
        ));
    }
    printed
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
    let decided = latest_of(audit, &["sheet.decided", "sheet.withdrawn"]);
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
        if rec["sha256"] != r.image_sha256.as_str()
            || rec["batch"] != r.batch.as_str()
            || rec["kind"] != r.source_kind.code()
        {
            p.push(format!(
                "cvr.json: sheet {}: image hash, batch or source kind differs from the audit log",
                r.sheet
            ));
        }
        let status = r
            .reading
            .as_ref()
            .and_then(|rd| serde_json::to_value(rd.status).ok());
        let code = r.reading.as_ref().map(|rd| rd.code.code());
        match (read.get(&r.sheet), &r.reading) {
            (None, None) => {}
            (Some((_, d)), Some(_))
                if Some(&d["status"]) == status.as_ref()
                    && d["serial"].as_str() == r.serial()
                    && d["code"].as_str() == code => {}
            _ => p.push(format!(
                "cvr.json: sheet {}: machine status, code or serial differs from the audit log",
                r.sheet
            )),
        }
        let logged = decided.get(&r.sheet);
        let agrees = match (logged, &r.decision) {
            (None, None) => true,
            (Some((action, _, _)), None) => action == "sheet.withdrawn",
            (Some((action, actor, d)), Some(dec)) => {
                action == "sheet.decided"
                    && serde_json::to_value(&dec.decision).ok().as_ref() == Some(&d["decided"])
                    && &dec.official == actor
            }
            (None, Some(_)) => false,
        };
        if !agrees {
            p.push(format!(
                "cvr.json: sheet {}: the officials' decision differs from the audit log",
                r.sheet
            ));
        }
    }
}

/// The root hash over the images the audit log records and the records' head.
fn check_root(
    session_sheets: &BTreeMap<i64, serde_json::Value>,
    doc: &ResultDoc,
    problems: &mut Vec<String>,
) {
    let pairs: Vec<(i64, String, String)> = session_sheets
        .iter()
        .map(|(id, d)| {
            (
                *id,
                d["sha256"].as_str().unwrap_or("").to_string(),
                d["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let images = images_root(&pairs);
    if images != doc.images_root || root_hash(&images, &doc.records_head) != doc.root {
        problems.push(
            "result.json: the root hash does not match the images recorded in the audit log".into(),
        );
    }
}

/// Every record's image re-hashed and — with the round's key — re-interpreted,
/// in parallel, in sheet order.
fn reread_images(
    dir: &Path,
    records: &[RecordExt],
    election: &Election,
    key: Option<BallotKey>,
    doc: &ResultDoc,
) -> Result<Vec<Reread>, BundleError> {
    let interpreter = match key {
        Some(key) => {
            let earlier: Vec<Fingerprint> = doc
                .earlier_rounds
                .iter()
                .filter_map(|f| Fingerprint::from_hex(f))
                .collect();
            Some(
                Interpreter::new(election, key, Profile::default())
                    .map_err(|e| file_err(&dir.join("election.toml"), e))?
                    .with_earlier_rounds(&earlier),
            )
        }
        None => None,
    };
    let mut fresh: Vec<Reread> = records
        .par_iter()
        .map(|r| reread_image(dir, r, interpreter.as_ref()))
        .collect();
    fresh.sort_by_key(|f| f.0);
    Ok(fresh)
}

/// One record's image: re-hashed, then re-interpreted.
fn reread_image(dir: &Path, r: &RecordExt, interpreter: Option<&Interpreter>) -> Reread {
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
    let Some(interpreter) = interpreter else {
        // Without the key (a draft) the recorded reading stands.
        return (r.sheet, r.reading.clone(), None);
    };
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

/// The fresh readings, each compared with its record; the sheets to re-count,
/// with the recorded decisions.
fn replay(
    fresh: Vec<Reread>,
    records: &[RecordExt],
    reread: bool,
    report: &mut VerifyReport,
) -> Vec<SheetRecord> {
    let mut states = Vec::new();
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
        // The station records an undecodable file as unreadable; compare what counts.
        let summary = |rd: &Option<Reading>| {
            rd.as_ref().map(|rd| {
                (
                    rd.status,
                    rd.code,
                    rd.serial.clone(),
                    rd.verdict
                        .as_ref()
                        .and_then(|v| serde_json::to_string(v).ok()),
                )
            })
        };
        let (now, recorded) = (summary(&reading), summary(&r.reading));
        let undecodable_both = reading.is_none()
            && r.reading
                .as_ref()
                .is_some_and(|rd| rd.code == crate::interpret::CodeCheck::Unreadable);
        report.reinterpreted += usize::from(reread && reading.is_some());
        if now != recorded && !undecodable_both {
            report.problems.push(format!(
                "images/{}: sheet {} reads as {:?} now, but the record says {:?}",
                r.image, sheet, now, recorded
            ));
        }
        states.push(SheetRecord {
            sheet: SheetRow {
                id: sheet,
                batch: r.batch.clone(),
                image_sha256: r.image_sha256.clone(),
                image_path: r.image.clone(),
                source: r.source.clone(),
                source_kind: r.source_kind,
                received_at: String::new(),
            },
            reading: if undecodable_both {
                r.reading.clone()
            } else {
                reading
            },
            decision: r.decision.clone(),
        });
    }
    states
}

/// The hand check, replayed from the rows the result covers over the re-count.
fn check_hand_check(
    election: &Election,
    doc: &ResultDoc,
    audit: &[AuditEntry],
    states: &[SheetRecord],
    printed: &std::collections::HashSet<String>,
    problems: &mut Vec<String>,
) {
    let covered = &audit[..usize::try_from(doc.records).unwrap_or(0).min(audit.len())];
    let count = count_sheets(election, states, printed);
    problems.extend(crate::hand_check::check_signed(
        doc.hand_check.as_ref(),
        covered,
        doc.session,
        states,
        &count,
    ));
}

/// Re-count: fresh readings with the recorded decisions and the printed
/// serials, against the signed figures.
fn recount(
    election: &Election,
    doc: &ResultDoc,
    states: &[SheetRecord],
    printed: &std::collections::HashSet<String>,
    problems: &mut Vec<String>,
) {
    let count = count_sheets(election, states, printed);
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
    let by_code = |m: BTreeMap<String, u32>| format!("{m:?}");
    diff(
        "the pages set aside",
        format!("{:?}", doc.set_aside),
        by_code(
            count
                .set_aside
                .iter()
                .map(|(k, n)| (k.code().to_string(), *n))
                .collect(),
        ),
    );
    diff(
        "the papers not of the issued form",
        format!("{:?}", doc.not_issued),
        by_code(
            count
                .not_issued
                .iter()
                .map(|(k, n)| (k.code().to_string(), *n))
                .collect(),
        ),
    );
    diff(
        "the pages awaiting the officials",
        doc.awaiting_review.to_string(),
        count.awaiting_review.to_string(),
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
