//! Records of scanned pages in the shape of NIST SP 1500-103 (Cast Vote
//! Records): one `CVR` per page with the image and its hash, an `original`
//! snapshot (the machine's reading, with its raw measures) and, when the
//! officials decided, a `modified` snapshot beside it. What the standard has
//! no field for is kept under `kiemphieu`.

use serde::{Deserialize, Serialize};

use crate::interpret::Reading;
use crate::result::{ResultDoc, SessionData};
use crate::scan::SourceKind;
use crate::station::Place;
use crate::store::DecisionRecord;

/// The kiemphieu part of a record: what verify needs, as the station stored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordExt {
    /// Sheet id.
    pub sheet: i64,
    /// Batch (ballot box or cluster).
    pub batch: String,
    /// Image file name in `images/`.
    pub image: String,
    /// SHA-256 of the image.
    pub image_sha256: String,
    /// Where the sheet came from.
    pub source: String,
    /// The kind of that source (a simulated sheet is never in a real count).
    pub source_kind: SourceKind,
    /// The machine's reading, as stored.
    pub reading: Option<Reading>,
    /// The officials' decision in force.
    pub decision: Option<DecisionRecord>,
    /// Where the page stands in the count (rules.md §6).
    pub place: Place,
}

impl RecordExt {
    /// The serial the reading carries.
    pub fn serial(&self) -> Option<&str> {
        self.reading.as_ref().and_then(|r| r.serial.as_deref())
    }
}

fn indication(state: &str) -> &'static str {
    match state {
        "kept" => "yes",
        "struck" => "no",
        _ => "unknown",
    }
}

/// The `CastVoteRecordReport` of a session.
pub fn cvr_report(data: &SessionData, doc: &ResultDoc) -> serde_json::Value {
    let contest = "contest-1";
    let records: Vec<serde_json::Value> = data
        .sheets
        .iter()
        .map(|s| {
            let reading: serde_json::Value = s
                .reading
                .as_ref()
                .and_then(|r| serde_json::to_value(r).ok())
                .unwrap_or(serde_json::Value::Null);
            let selections: Vec<serde_json::Value> = data
                .election
                .candidates
                .iter()
                .map(|c| {
                    let score = &reading["scores"][&c.id];
                    serde_json::json!({
                        "@type": "CVR.CVRContestSelection",
                        "ContestSelectionId": c.id,
                        "SelectionPosition": [{
                            "@type": "CVR.SelectionPosition",
                            "HasIndication": indication(score["state"].as_str().unwrap_or("")),
                            "IsAllocable": "unknown",
                            "NumberVotes": 1,
                            "MarkMetricValue": [score["coverage"].to_string()],
                        }],
                    })
                })
                .collect();
            let id = format!("sheet-{}", s.sheet.id);
            let image = super::image_name(&s.sheet);
            let mut snapshots = vec![serde_json::json!({
                "@type": "CVR.CVRSnapshot",
                "@id": format!("{id}-original"),
                "Type": "original",
                "CVRContest": [{"@type": "CVR.CVRContest", "ContestId": contest, "CVRContestSelection": selections}],
                "kiemphieu": {"status": reading["status"], "code": reading["code"], "verdict": reading["verdict"]},
            })];
            if let Some(d) = &s.decision {
                snapshots.push(serde_json::json!({
                    "@type": "CVR.CVRSnapshot",
                    "@id": format!("{id}-modified"),
                    "Type": "modified",
                    "kiemphieu": {"decision": d.decision, "official": d.official, "reason": d.reason},
                }));
            }
            let place = data.count.sheets.get(&s.sheet.id).cloned().unwrap_or(Place::Pending);
            serde_json::json!({
                "@type": "CVR.CVR",
                "@id": id,
                "BatchId": s.sheet.batch,
                "UniqueId": s.serial(),
                "CreatingDeviceId": doc.station,
                "ElectionId": doc.election.fingerprint,
                "BallotImage": [{
                    "@type": "CVR.ImageData",
                    "Location": format!("images/{image}"),
                    "Hash": {"@type": "CVR.Hash", "Type": "sha-256", "Value": s.sheet.image_sha256},
                }],
                "CurrentSnapshotId": if s.decision.is_some() { format!("{id}-modified") } else { format!("{id}-original") },
                "CVRSnapshot": snapshots,
                "kiemphieu": RecordExt {
                    sheet: s.sheet.id,
                    batch: s.sheet.batch.clone(),
                    image,
                    image_sha256: s.sheet.image_sha256.clone(),
                    source: s.sheet.source.clone(),
                    source_kind: s.sheet.source_kind,
                    reading: s.reading.clone(),
                    decision: s.decision.clone(),
                    place,
                },
            })
        })
        .collect();
    let mut report = serde_json::json!({
        "@type": "CVR.CastVoteRecordReport",
        "Version": "1.0.0",
        "ReportType": ["originating-device-export"],
        "GeneratedDate": crate::store::now(),
        "ReportGeneratingDeviceIds": [doc.station],
        "Election": [{
            "@type": "CVR.Election",
            "@id": doc.election.fingerprint,
            "Name": format!("{} — {}", data.election.election.title, data.election.election.unit),
            "Candidate": data.election.candidates.iter().map(|c| serde_json::json!({"@type": "CVR.Candidate", "@id": c.id, "Name": c.name})).collect::<Vec<_>>(),
            "Contest": [{
                "@type": "CVR.CandidateContest", "@id": contest, "Name": data.election.election.office, "VotesAllowed": 1,
                "ContestSelection": data.election.candidates.iter().map(|c| serde_json::json!({"@type": "CVR.CandidateSelection", "@id": c.id, "CandidateIds": [c.id]})).collect::<Vec<_>>(),
            }],
        }],
        "CVR": records,
    });
    if doc.demo {
        report["Notes"] = crate::store::DEMO_MARK.into();
    }
    report
}

/// The kiemphieu part of every record of a report, in order.
pub fn records_from_report(report: &serde_json::Value) -> Result<Vec<RecordExt>, String> {
    let list = report["CVR"]
        .as_array()
        .ok_or_else(|| "no CVR list".to_string())?;
    list.iter()
        .enumerate()
        .map(|(i, r)| {
            let ext: RecordExt = serde_json::from_value(r["kiemphieu"].clone())
                .map_err(|e| format!("record {}: {e}", i + 1))?;
            // The standard's fields must say the same as ours.
            let hash = r["BallotImage"][0]["Hash"]["Value"].as_str();
            if hash != Some(ext.image_sha256.as_str()) || r["UniqueId"].as_str() != ext.serial() {
                return Err(format!(
                    "record {} (sheet {}): BallotImage hash or UniqueId disagrees with the record",
                    i + 1,
                    ext.sheet
                ));
            }
            Ok(ext)
        })
        .collect()
}
