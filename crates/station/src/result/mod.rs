//! The signed result of a counting session: canonical JSON of everything the
//! biên bản states, a root hash over the stored images and the audit chain,
//! an Ed25519 signature by the station, and a compact form for a QR code.

mod canonical;
mod compact;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::signing::{KeyFileError, PublicKey, StationKey, station_key_path};
pub use canonical::canonical_json;
pub use compact::{COMPACT_PREFIX, Compact, CompactError, SignedCompact};

use crate::election::{Election, Fingerprint, Marking, Mode};
use crate::rules::{NoWinnerReason, Outcome, Standing, Tally, standing};
use crate::station::{Count, Setup, count_sheets};
use crate::store::{
    AuditEntry, Complaint, PrintRun, SessionState, SheetRecord, StationMode, Store, StoreError,
};

/// Format tag of the result document.
pub const RESULT_FORMAT: &str = "kiemphieu-result-1";

/// Why a result could not be built, signed or read.
#[derive(Debug, thiserror::Error)]
pub enum ResultError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The station's signing key.
    #[error(transparent)]
    Key(#[from] KeyFileError),
    /// The hand check in the log does not replay.
    #[error(transparent)]
    HandCheck(#[from] crate::hand_check::HandCheckError),
    /// The database has no election or no session.
    #[error("{file}: {message}")]
    Missing {
        /// The database.
        file: PathBuf,
        /// What is missing.
        message: String,
    },
}

/// What is printed of the election (its fingerprint covers the ballot text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionSummary {
    /// Election fingerprint, 64 hex digits.
    pub fingerprint: String,
    /// Office (Trưởng thôn, …).
    pub office: String,
    /// Unit.
    pub unit: String,
    /// Commune.
    pub commune: String,
    /// Term.
    pub term: String,
    /// Meeting date, YYYY-MM-DD.
    pub date: String,
    /// meeting | household.
    pub mode: String,
    /// strike | approve_boxes.
    pub marking: String,
}

/// One candidate's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// Candidate id.
    pub id: String,
    /// Full name as printed.
    pub name: String,
    /// Votes (approvals in a one-candidate unit).
    pub votes: u32,
}

/// The sub-count of one batch (ballot box or cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    /// Ballots counted.
    pub counted: u32,
    /// Valid.
    pub valid: u32,
    /// Invalid.
    pub invalid: u32,
    /// Votes per candidate id.
    pub votes: BTreeMap<String, u32>,
    /// Disapprove votes (one candidate).
    pub disapprove: u32,
}

impl From<&Tally> for BatchResult {
    fn from(t: &Tally) -> Self {
        BatchResult {
            counted: t.returned,
            valid: t.valid,
            invalid: t.invalid,
            votes: t.votes.clone(),
            disapprove: t.disapprove,
        }
    }
}

/// Who won, or why nobody did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    /// Winner's candidate id.
    pub winner: Option<String>,
    /// Reason code when nobody was elected.
    pub reason: Option<String>,
}

/// The counting body as entered at set-up, and the signers of Mẫu 03.
///
/// The later fields are left out of the JSON when unset, so results signed
/// before they existed still verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Its head (Trưởng ban / Tổ trưởng).
    pub leader: String,
    /// Thành viên.
    pub members: Vec<String>,
    /// The two witnessing household representatives.
    pub witnesses: Vec<String>,
    /// Which body counted (ban_kiem_phieu | to_bau_cu | to_phat_phieu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<crate::election::CountingBody>,
    /// Chair of the meeting (signs Mẫu 03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    /// Head of the village Front working committee (signs Mẫu 03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front_head: Option<String>,
    /// The two household representatives who sign Mẫu 03, when not the witnesses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub representatives: Vec<String>,
}

/// The count a re-election follows, as its biên bản cites it (rules.md §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousCount {
    /// Its session in this station.
    pub session: i64,
    /// Its round.
    pub round: u32,
    /// Its meeting date, YYYY-MM-DD.
    pub date: String,
    /// When it was closed (RFC 3339 UTC), if it was.
    pub closed_at: Option<String>,
    /// Why nobody was elected (reason code), if nobody was.
    pub reason: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_first_round(r: &u32) -> bool {
    *r <= 1
}

fn first_round() -> u32 {
    1
}

/// The result of one counting session, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDoc {
    /// Always [`RESULT_FORMAT`].
    pub format: String,
    /// Station id (16 hex digits).
    pub station: String,
    /// Session id.
    pub session: i64,
    /// The count this one re-runs (re-election).
    pub previous_session: Option<i64>,
    /// Session state when the result was made.
    pub state: String,
    /// A demo count: no legal value ("DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ").
    #[serde(default, skip_serializing_if = "is_false")]
    pub demo: bool,
    /// The round counted (1: the first count; absent then).
    #[serde(default = "first_round", skip_serializing_if = "is_first_round")]
    pub round: u32,
    /// The count this re-election follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_count: Option<PreviousCount>,
    /// Fingerprints of the election's earlier rounds: their ballots are of another round.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_rounds: Vec<String>,
    /// True when the session is confirmed and closed.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The election.
    pub election: ElectionSummary,
    /// H.
    pub households: u32,
    /// A.
    pub attendance: u32,
    /// Ballots issued (entered at reconciliation).
    pub issued: Option<u32>,
    /// Ballots returned (entered at reconciliation).
    pub returned: Option<u32>,
    /// Spoiled ballots exchanged at the table.
    pub spoiled: Option<u32>,
    /// The board's note at reconciliation.
    pub note: Option<String>,
    /// Complaints received at the count and how they were handled (absent when none,
    /// so results signed before complaints were recorded still verify).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaints: Vec<Complaint>,
    /// Ballots counted by the station (valid + invalid).
    pub counted: u32,
    /// Valid ballots.
    pub valid: u32,
    /// Invalid ballots.
    pub invalid: u32,
    /// Invalid ballots per reason code.
    pub invalid_by_reason: BTreeMap<String, u32>,
    /// Scanned sheets.
    pub sheets: u32,
    /// Sheets per source kind (`device`, `folder`, `simulator`).
    pub sources: BTreeMap<String, u32>,
    /// Pages set aside as not ballots, by kind (`blank`, `second_scan`,
    /// `not_a_ballot`): listed, never counted.
    pub set_aside: BTreeMap<String, u32>,
    /// Papers counted invalid as not the issued form (art. 74 a), by kind
    /// (`other_election`, `other_round`, `bad_mac`, `never_printed`, `no_code`, `copy`, …).
    pub not_issued: BTreeMap<String, u32>,
    /// Ballots printed for this round (the print runs recorded).
    pub printed: u64,
    /// Pages still waiting for the officials (drafts only).
    pub awaiting_review: u32,
    /// Pages counted as the officials decided them.
    pub decided_by_officials: u32,
    /// Candidates in ballot order with their votes.
    pub candidates: Vec<CandidateResult>,
    /// Disapprove votes (one-candidate units).
    pub disapprove: u32,
    /// The outcome on the unit's H.
    pub outcome: OutcomeSummary,
    /// Sub-counts per batch (ballot box, cluster).
    pub batches: BTreeMap<String, BatchResult>,
    /// The counting board and witnesses.
    pub board: Board,
    /// The day of the count as settled at opening, YYYY-MM-DD (absent in results
    /// signed before it was recorded: the election's date is then the sheet's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_date: Option<String>,
    /// Board members who confirmed, in order.
    pub confirmations: Vec<String>,
    /// When the session was opened (RFC 3339 UTC).
    pub opened_at: String,
    /// When it was closed, if it was.
    pub closed_at: Option<String>,
    /// SHA-256 over the session's sheets (id, image SHA-256 and source kind, in order).
    pub images_root: String,
    /// Audit-log rows covered (up to the closing row).
    pub records: u64,
    /// Hash of the last covered audit row.
    pub records_head: String,
    /// SHA-256 over images_root and records_head.
    pub root: String,
    /// The hand check at the table, if one was done.
    pub hand_check: Option<crate::hand_check::HandCheckSummary>,
}

/// The root over the stored images: SHA-256 of "id sha256 kind\n" per sheet, in
/// id order — so a sheet's source kind (device, folder, simulator) is signed.
pub fn images_root(sheets: &[(i64, String, String)]) -> String {
    let mut h = Sha256::new();
    for (id, sha, kind) in sheets {
        h.update(format!("{id} {sha} {kind}\n").as_bytes());
    }
    hex::encode(h.finalize())
}

/// The root over images and records.
pub fn root_hash(images_root: &str, records_head: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{images_root}\n{records_head}\n").as_bytes(),
    ))
}

/// Everything the result and the biên bản are made from.
pub struct SessionData {
    /// The election.
    pub election: Election,
    /// Session id.
    pub session: i64,
    /// Previous session.
    pub previous: Option<i64>,
    /// Session state.
    pub state: SessionState,
    /// Opening time.
    pub opened_at: String,
    /// The round counted.
    pub round: u32,
    /// Real or demo.
    pub mode: StationMode,
    /// The count a re-election follows.
    pub previous_count: Option<PreviousCount>,
    /// Fingerprints of the earlier rounds this one follows.
    pub earlier_rounds: Vec<Fingerprint>,
    /// Board, witnesses, A.
    pub setup: Setup,
    /// The print runs of this round.
    pub print_runs: Vec<PrintRun>,
    /// Sheets with readings and decisions in force.
    pub sheets: Vec<SheetRecord>,
    /// The count recomputed from the records.
    pub count: Count,
    /// The reconciliation entered, if any.
    pub reconciliation: Option<crate::store::Reconciliation>,
    /// Confirmations.
    pub confirmations: Vec<String>,
    /// Complaints received at the count.
    pub complaints: Vec<Complaint>,
    /// The whole audit log.
    pub audit: Vec<AuditEntry>,
    /// The hand check, as the covered log records it (None: none was done).
    pub hand_check: Option<crate::hand_check::HandCheckSummary>,
}

impl SessionData {
    /// Reads the latest session of a station database.
    pub fn load(store: &Store) -> Result<SessionData, ResultError> {
        if store.election()?.is_none() {
            return Err(ResultError::Missing {
                file: store.path().to_path_buf(),
                message: "no election bound".into(),
            });
        }
        let latest =
            store
                .sessions()?
                .last()
                .map(|s| s.id)
                .ok_or_else(|| ResultError::Missing {
                    file: store.path().to_path_buf(),
                    message: "no counting session (run `kiemphieu session open`)".into(),
                })?;
        Self::load_session(store, latest)
    }

    /// Reads one session of a station database (an earlier round's, too).
    pub fn load_session(store: &Store, session: i64) -> Result<SessionData, ResultError> {
        let missing = |message: String| ResultError::Missing {
            file: store.path().to_path_buf(),
            message,
        };
        let sessions = store.sessions()?;
        let info = sessions
            .iter()
            .find(|s| s.id == session)
            .cloned()
            .ok_or_else(|| missing(format!("no session {session} in this database")))?;
        let (election, fingerprint) = store.session_election(info.id)?;
        let setup: Setup = serde_json::from_value(store.session_setup(info.id)?).map_err(|e| {
            StoreError::Corrupt {
                file: store.path().to_path_buf(),
                message: format!("session {} set-up: {e}", info.id),
            }
        })?;
        let sheets = store.sheet_records(info.id)?;
        let printed = store.printed_serials(&fingerprint, info.round)?;
        let count = count_sheets(&election, &sheets, &printed);
        let previous_count = match info.previous {
            Some(p) if p < info.id => Some(Self::load_session(store, p)?.as_previous()),
            _ => None,
        };
        let earlier_rounds = crate::station::earlier_fingerprints(store, &info)?;
        Ok(SessionData {
            session: info.id,
            previous: info.previous,
            state: info.state,
            opened_at: info.created_at,
            round: info.round,
            mode: store.mode()?,
            previous_count,
            earlier_rounds,
            print_runs: store.print_runs(&fingerprint, info.round)?,
            setup,
            count,
            sheets,
            reconciliation: store.reconciliation(info.id)?,
            confirmations: store.confirmations(info.id)?,
            complaints: store.complaints(info.id)?,
            audit: store.audit_entries()?,
            election,
            hand_check: None,
        })
        .and_then(|mut d| {
            d.hand_check = d.hand_check_in_log()?;
            Ok(d)
        })
    }

    /// Replays the hand check from the rows the result covers (to the closing row).
    fn hand_check_in_log(
        &self,
    ) -> Result<Option<crate::hand_check::HandCheckSummary>, ResultError> {
        use crate::hand_check::{HandCheckError, pages_of, replay, summary};
        let covered = match self.closing_entry() {
            Some(c) => {
                &self.audit[..self
                    .audit
                    .iter()
                    .position(|e| e.seq == c.seq)
                    .map_or(0, |i| i + 1)]
            }
            None => &self.audit[..],
        };
        let pages = match pages_of(&self.sheets, &self.count) {
            Ok(p) => p,
            // No page may be undecided once a check is logged; before, there is none.
            Err(HandCheckError::Undecided(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(replay(covered, self.session, &pages)?.map(|a| summary(&a)))
    }

    /// This count as a later round cites it.
    fn as_previous(&self) -> PreviousCount {
        PreviousCount {
            session: self.session,
            round: self.round,
            date: self.election.election.date.format("%Y-%m-%d").to_string(),
            closed_at: self.closing_entry().map(|e| e.at.clone()),
            reason: match &self.count.outcome {
                Outcome::NoneElected { reason } => Some(reason.code().to_string()),
                Outcome::Elected { .. } => None,
            },
        }
    }

    /// The audit row that closed the session, if it is closed.
    pub fn closing_entry(&self) -> Option<&AuditEntry> {
        self.audit.iter().find(|e| {
            e.action == "session.state"
                && serde_json::from_str::<serde_json::Value>(&e.detail).is_ok_and(|d| {
                    d["session"].as_i64() == Some(self.session) && d["to"] == "closed"
                })
        })
    }

    /// Builds the result document for the station `station_id`.
    pub fn result(&self, station_id: &str) -> ResultDoc {
        result_doc(self, station_id)
    }
}

fn result_doc(d: &SessionData, station_id: &str) -> ResultDoc {
    let e = &d.election;
    let t = &d.count.tally;
    let closing = d.closing_entry();
    // A closed result covers the log up to its closing row, so later sessions never change it.
    let (records, records_head) = match closing.or(d.audit.last()) {
        Some(entry) => (entry.seq as u64, entry.hash.clone()),
        None => (0, "0".repeat(64)),
    };
    let sheets: Vec<(i64, String, String)> = d
        .sheets
        .iter()
        .map(|s| {
            (
                s.sheet.id,
                s.sheet.image_sha256.clone(),
                s.sheet.source_kind.code().to_string(),
            )
        })
        .collect();
    let images = images_root(&sheets);
    let mut sources = BTreeMap::new();
    for s in &d.sheets {
        *sources
            .entry(s.sheet.source_kind.code().to_string())
            .or_insert(0u32) += 1;
    }
    let outcome = match &d.count.outcome {
        Outcome::Elected { candidate, .. } => OutcomeSummary {
            winner: Some(candidate.clone()),
            reason: None,
        },
        Outcome::NoneElected { reason } => OutcomeSummary {
            winner: None,
            reason: Some(reason.code().to_string()),
        },
    };
    ResultDoc {
        format: RESULT_FORMAT.to_string(),
        station: station_id.to_string(),
        session: d.session,
        previous_session: d.previous,
        state: d.state.as_str().to_string(),
        demo: d.mode == StationMode::Demo,
        round: d.round,
        previous_count: d.previous_count.clone(),
        earlier_rounds: d.earlier_rounds.iter().map(Fingerprint::to_hex).collect(),
        is_final: d.state == SessionState::Closed && closing.is_some(),
        election: election_summary(e),
        households: e.election.households,
        attendance: d.setup.attendance,
        issued: d.reconciliation.as_ref().map(|r| r.issued),
        returned: d.reconciliation.as_ref().map(|r| r.returned),
        spoiled: d.reconciliation.as_ref().map(|r| r.spoiled),
        note: d.reconciliation.as_ref().and_then(|r| r.note.clone()),
        complaints: d.complaints.clone(),
        counted: t.returned,
        valid: t.valid,
        invalid: t.invalid,
        invalid_by_reason: t
            .invalid_by_reason
            .iter()
            .map(|(r, n)| (r.code().to_string(), *n))
            .collect(),
        sheets: d.sheets.len() as u32,
        sources,
        set_aside: d
            .count
            .set_aside
            .iter()
            .map(|(k, n)| (k.code().to_string(), *n))
            .collect(),
        not_issued: d
            .count
            .not_issued
            .iter()
            .map(|(k, n)| (k.code().to_string(), *n))
            .collect(),
        printed: d.print_runs.iter().map(|r| r.count).sum(),
        awaiting_review: d.count.awaiting_review,
        decided_by_officials: d.count.by_officials,
        candidates: e
            .candidates
            .iter()
            .map(|c| CandidateResult {
                id: c.id.clone(),
                name: c.name.clone(),
                votes: t.votes_for(&c.id),
            })
            .collect(),
        disapprove: t.disapprove,
        outcome,
        batches: d
            .count
            .by_batch
            .iter()
            .map(|(k, v)| (k.clone(), BatchResult::from(v)))
            .collect(),
        board: Board {
            leader: d.setup.leader.clone(),
            members: d.setup.members.clone(),
            witnesses: d.setup.witnesses.clone(),
            body: Some(crate::station::counting_body(&d.setup, e)),
            chair: d.setup.chair.clone(),
            front_head: d.setup.front_head.clone(),
            representatives: d.setup.representatives.clone(),
        },
        count_date: d.setup.count_date.map(|c| c.format("%Y-%m-%d").to_string()),
        confirmations: d.confirmations.clone(),
        opened_at: d.opened_at.clone(),
        closed_at: closing.map(|c| c.at.clone()),
        root: root_hash(&images, &records_head),
        images_root: images,
        records,
        records_head,
        hand_check: d.hand_check.clone(),
    }
}

/// What the result says of the election it counts.
fn election_summary(e: &Election) -> ElectionSummary {
    ElectionSummary {
        fingerprint: Fingerprint::of(e).to_hex(),
        office: e.election.office.clone(),
        unit: e.election.unit.clone(),
        commune: e.election.commune.clone(),
        term: e.election.term.clone(),
        date: e.election.date.format("%Y-%m-%d").to_string(),
        mode: match e.election.mode {
            Mode::Meeting => "meeting",
            Mode::Household => "household",
        }
        .to_string(),
        marking: match e.election.marking {
            Marking::Strike => "strike",
            Marking::ApproveBoxes => "approve_boxes",
        }
        .to_string(),
    }
}

/// A result with the station's signature and public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedResult {
    /// The result.
    pub doc: ResultDoc,
    /// Canonical JSON of `doc` (the signed bytes).
    pub canonical: String,
    /// Ed25519 signature, 128 hex digits.
    pub signature: String,
    /// Station public key, 64 hex digits.
    pub public_key: String,
}

impl ResultDoc {
    /// Canonical JSON (sorted keys, no whitespace).
    pub fn canonical(&self) -> String {
        canonical_json(&serde_json::to_value(self).unwrap_or_default())
    }

    /// The result fingerprint: SHA-256 of the canonical JSON.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }

    /// Signs the canonical JSON.
    pub fn sign(&self, key: &StationKey) -> SignedResult {
        let canonical = self.canonical();
        SignedResult {
            signature: hex::encode(key.sign(canonical.as_bytes())),
            public_key: key.public().to_hex(),
            doc: self.clone(),
            canonical,
        }
    }

    /// What the papers declare from the signed figures: the count's outcome,
    /// unless the meeting lacked its quorum or more ballots came back than were issued.
    pub fn standing(&self) -> Standing {
        let outcome = match &self.outcome.winner {
            Some(id) => Outcome::Elected {
                candidate: id.clone(),
                votes: self
                    .candidates
                    .iter()
                    .find(|c| &c.id == id)
                    .map_or(0, |c| c.votes),
            },
            None => Outcome::NoneElected {
                reason: self
                    .outcome
                    .reason
                    .as_deref()
                    .and_then(NoWinnerReason::from_code)
                    .unwrap_or(NoWinnerReason::BelowThreshold),
            },
        };
        let mode = if self.election.mode == "household" {
            Mode::Household
        } else {
            Mode::Meeting
        };
        standing(
            &outcome,
            mode,
            self.households,
            self.attendance,
            self.issued.zip(self.returned),
        )
    }

    /// The compact form for the QR code; its winner is the declared one.
    pub fn compact(&self) -> Compact {
        let prefix8 = |hexs: &str| {
            let mut out = [0u8; 8];
            if let Ok(b) = hex::decode(hexs.get(..16).unwrap_or("")) {
                out.copy_from_slice(&b);
            }
            out
        };
        Compact {
            is_final: self.is_final,
            fingerprint: prefix8(&self.election.fingerprint),
            station: prefix8(&self.station),
            session: u32::try_from(self.session).unwrap_or(u32::MAX),
            households: self.households,
            attendance: self.attendance,
            issued: self.issued.unwrap_or(0),
            returned: self.returned.unwrap_or(0),
            valid: self.valid,
            invalid: self.invalid,
            votes: self.candidates.iter().map(|c| c.votes).collect(),
            disapprove: self.disapprove,
            winner: self.standing().winner().and_then(|w| {
                self.candidates
                    .iter()
                    .position(|c| c.id == w)
                    .and_then(|i| u8::try_from(i).ok())
            }),
            root: prefix8(&self.root),
        }
    }
}

/// Why a signed result does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The public key is not a key.
    #[error("the public key is not a valid Ed25519 key")]
    BadKey,
    /// The signature is not 64 bytes of hex.
    #[error("the signature is not 128 hex digits")]
    BadSignature,
    /// The result is not canonical JSON of a result document.
    #[error("the result is not a kiemphieu result: {0}")]
    BadResult(String),
    /// The signature does not match.
    #[error("the signature does not match the result (the result or the signature was changed)")]
    Mismatch,
    /// The station id in the result is not the key's.
    #[error("the result names station {claimed} but the key is station {actual}")]
    Station {
        /// In the result.
        claimed: String,
        /// Of the key.
        actual: String,
    },
}

/// Verifies a result's canonical JSON against its signature and key; returns the document.
pub fn verify_result(
    canonical: &str,
    signature_hex: &str,
    public_key_hex: &str,
) -> Result<ResultDoc, VerifyError> {
    let key = PublicKey::from_hex(public_key_hex).ok_or(VerifyError::BadKey)?;
    let sig: [u8; 64] = hex::decode(signature_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(VerifyError::BadSignature)?;
    if !key.verify(canonical.as_bytes(), &sig) {
        return Err(VerifyError::Mismatch);
    }
    let doc: ResultDoc =
        serde_json::from_str(canonical).map_err(|e| VerifyError::BadResult(e.to_string()))?;
    if doc.canonical() != canonical {
        return Err(VerifyError::BadResult("not in canonical form".into()));
    }
    if doc.station != key.station_id() {
        return Err(VerifyError::Station {
            claimed: doc.station,
            actual: key.station_id(),
        });
    }
    Ok(doc)
}

#[cfg(test)]
mod tests;

/// A session's data, its signed result and the QR text of the signed compact result.
pub struct Signed {
    /// What the result was made from.
    pub data: SessionData,
    /// The signed result.
    pub result: SignedResult,
    /// `KPR1…`: the signed compact result.
    pub qr_text: String,
}

/// Loads the latest session of `db` (or `session`) and signs its result with
/// the station key (created beside the database if this station has none yet).
pub fn sign_session(db: &std::path::Path, session: Option<i64>) -> Result<Signed, ResultError> {
    let store = Store::open(db)?;
    let data = match session {
        Some(id) => SessionData::load_session(&store, id)?,
        None => SessionData::load(&store)?,
    };
    let key = StationKey::load_or_create(db)?;
    let doc = data.result(&key.public().station_id());
    let qr_text = doc.compact().sign(&key).encode();
    Ok(Signed {
        result: doc.sign(&key),
        data,
        qr_text,
    })
}

#[cfg(test)]
pub(crate) use tests::sample as sample_doc;
