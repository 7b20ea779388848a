//! Creating a counting session — binding one round of an election, keeping
//! that round's key, importing its print runs, linking a re-election to the
//! count before it — and opening the latest one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ImageStore, Setup, Station, StationError, images_dir};
use crate::election::{BallotKey, Election, Fingerprint, KeyError};
use crate::interpret::{Interpreter, Profile};
use crate::print_run::PrintRunFile;
use crate::store::{RunOrigin, SessionInfo, SessionState, StationMode, Store, StoreError};

/// Where the station keeps its copy of a round's ballot key: `DB.key` for the
/// first count, `DB.round-N.key` for round N ≥ 2 (mode 0600).
pub fn round_key_path(db: &Path, round: u32) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    if round <= 1 {
        p.push(".key");
    } else {
        p.push(format!(".round-{round}.key"));
    }
    PathBuf::from(p)
}

/// How a session is opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Opening {
    /// The counting board, witnesses and attendance.
    pub setup: Setup,
    /// The closed count this re-election follows (default: the latest closed
    /// session of the round before; only for round 2 and later).
    pub previous: Option<i64>,
    /// Signed print-run files of this round's ballots printed elsewhere.
    pub print_runs: Vec<PathBuf>,
    /// Demo: a database made for the simulated scanner, marked as such for good.
    pub demo: bool,
}

impl Station {
    /// Opens a new counting session for one round of an election file (the
    /// round's key beside it), after checking the counting body and witnesses
    /// (rules.md §11) and settling the day of the count against the clock
    /// (rules.md §12): when the election file's date is not today and
    /// `setup.count_date` does not say which is right, nothing is written and
    /// the error names both dates.
    pub fn create(
        db: &Path,
        election_file: &Path,
        opening: &Opening,
    ) -> Result<Station, StationError> {
        // Size-limited like every election file read.
        let source =
            crate::election::read_election_source(election_file).map_err(StoreError::Election)?;
        let parsed = crate::election::parse_election(&source, election_file)
            .map_err(StoreError::Election)?;
        super::check_board(&opening.setup, &parsed)?;
        let mut setup = opening.setup.clone();
        setup.count_date = Some(super::count_date(
            &parsed,
            today_in_vietnam(),
            setup.count_date,
        )?);
        let mut store = Store::open(db)?;
        let mode = if opening.demo {
            StationMode::Demo
        } else {
            StationMode::Real
        };
        store.set_mode(mode)?;
        let sessions = store.sessions()?;
        if let Some(open) = sessions
            .iter()
            .rev()
            .find(|s| s.state != SessionState::Closed)
        {
            return Err(StationError::State(format!(
                "session {} is still {:?}; close it before opening another",
                open.id, open.state
            )));
        }
        let election = parsed;
        let fingerprint = Fingerprint::of(&election);
        let round = election.election.round;
        let previous = previous_round(
            &store,
            &sessions,
            &election,
            election_file,
            opening.previous,
        )?;
        store.bind_election(&source, election_file)?;
        let key = BallotKey::load_or_create_at(&BallotKey::path_for_round(election_file, round))?;
        keep_round_key(db, &sessions, round, &key)?;
        for file in &opening.print_runs {
            let run = PrintRunFile::read(file, &key)?;
            if run.fingerprint != fingerprint.to_hex() || run.round != round {
                return Err(StationError::State(format!(
                    "{}: this print run is for another election or round than {} (round {round})",
                    file.display(),
                    election_file.display()
                )));
            }
            store.record_print_run(
                &fingerprint,
                round,
                &run.serials().map_err(|s| {
                    StationError::State(format!("{}: serial `{s}`", file.display()))
                })?,
                run.seeded,
                RunOrigin::Imported,
            )?;
        }
        // The station's signing key is made at first start, never later at signing time.
        crate::signing::StationKey::load_or_create(db)
            .map_err(|e| StationError::State(e.to_string()))?;
        let session = store.create_session(&fingerprint, round, &source, previous)?;
        store.set_session_setup(
            session,
            &serde_json::to_value(&setup).map_err(|e| StationError::State(e.to_string()))?,
        )?;
        store.set_session_state(session, SessionState::Counting, "station")?;
        drop(store);
        Station::open(db)
    }

    /// Opens the station database and its latest session (resuming it).
    pub fn open(db: &Path) -> Result<Station, StationError> {
        let store = Store::open(db)?;
        let info = store.sessions()?.last().cloned().ok_or_else(|| {
            StationError::State(format!(
                "{}: no counting session (run `kiemphieu session open`)",
                db.display()
            ))
        })?;
        let (election, fingerprint) = store.session_election(info.id)?;
        let key = BallotKey::load(&round_key_path(db, info.round))?;
        let earlier = earlier_fingerprints(&store, &info)?;
        let interpreter = Arc::new(
            Interpreter::new(&election, key, Profile::default())?.with_earlier_rounds(&earlier),
        );
        let mode = store.mode()?;
        Ok(Station {
            store,
            images: ImageStore::new(images_dir(db)),
            election,
            fingerprint,
            mode,
            interpreter,
            session: info.id,
            subscribers: Vec::new(),
        })
    }
}

impl Station {
    /// Records the simulated feeder's tray as a print run of this round, so its
    /// ballots are issued forms of the demo; refused in a real database.
    pub fn record_simulated_print_run(
        &mut self,
        serials: &[crate::ballot::Serial],
    ) -> Result<i64, StationError> {
        self.require_open()?;
        self.require_source(crate::scan::SourceKind::Simulator)?;
        Ok(self.store.record_print_run(
            &self.fingerprint,
            self.round(),
            serials,
            true,
            RunOrigin::Simulated,
        )?)
    }
}

/// The fingerprints of the rounds a session follows (its `previous` chain).
pub fn earlier_fingerprints(
    store: &Store,
    info: &SessionInfo,
) -> Result<Vec<Fingerprint>, StoreError> {
    let sessions = store.sessions()?;
    let mut out = Vec::new();
    let mut at = info.previous;
    while let Some(id) = at {
        let Some(s) = sessions.iter().find(|s| s.id == id) else {
            break;
        };
        if let Some(fp) = Fingerprint::from_hex(&s.fingerprint) {
            out.push(fp);
        }
        // Never loops: a session's previous is always an older one.
        at = s.previous.filter(|p| *p < id);
    }
    Ok(out)
}

/// The count a round follows: none for a first count; for a re-election, the
/// closed count of the round before in which nobody was elected.
fn previous_round(
    store: &Store,
    sessions: &[SessionInfo],
    election: &Election,
    file: &Path,
    asked: Option<i64>,
) -> Result<Option<i64>, StationError> {
    let fingerprint = Fingerprint::of(election).to_hex();
    let round = election.election.round;
    if round == 1 {
        if let Some(p) = asked {
            return Err(StationError::State(format!(
                "--previous {p}: a re-election is a new round; set `round = 2` in [election] of {} (the candidates may change)",
                file.display()
            )));
        }
        if let Some(done) = sessions
            .iter()
            .find(|s| s.fingerprint == fingerprint && s.round == 1)
        {
            return Err(StationError::State(format!(
                "session {} already counted this election; a re-election is a new round: set `round = 2` in [election] of {}",
                done.id,
                file.display()
            )));
        }
        return Ok(None);
    }
    let chosen = match asked {
        Some(id) => sessions.iter().find(|s| s.id == id).ok_or_else(|| {
            StationError::State(format!("--previous {id}: no such session in this database"))
        })?,
        None => sessions
            .iter()
            .rev()
            .find(|s| s.round == round - 1)
            .ok_or_else(|| {
                StationError::State(format!(
                    "round {round} is a re-election: this database holds no count of round {} to follow (rules.md §10)",
                    round - 1
                ))
            })?,
    };
    if chosen.round != round - 1 || chosen.state != SessionState::Closed {
        return Err(StationError::State(format!(
            "session {} is round {} ({:?}); round {round} follows the closed count of round {}",
            chosen.id,
            chosen.round,
            chosen.state,
            round - 1
        )));
    }
    if let Some(same) = sessions
        .iter()
        .find(|s| s.fingerprint == fingerprint && s.round == round)
    {
        return Err(StationError::State(format!(
            "session {} already counted round {round} of this election",
            same.id
        )));
    }
    let data = crate::result::SessionData::load_session(store, chosen.id)
        .map_err(|e| StationError::State(e.to_string()))?;
    if let crate::rules::Outcome::Elected { candidate, .. } = &data.count.outcome {
        return Err(StationError::State(format!(
            "session {} elected `{candidate}`; a re-election follows a count in which nobody was elected",
            chosen.id
        )));
    }
    Ok(Some(chosen.id))
}

/// Keeps the station's private copy of the round's key beside the database,
/// once; refuses a key that an earlier round used (its bundle disclosed it) or
/// that differs from the copy already kept.
fn keep_round_key(
    db: &Path,
    sessions: &[SessionInfo],
    round: u32,
    key: &BallotKey,
) -> Result<(), StationError> {
    for r in sessions.iter().map(|s| s.round).filter(|r| *r != round) {
        if BallotKey::load(&round_key_path(db, r)).is_ok_and(|k| &k == key) {
            return Err(StationError::State(format!(
                "the ballot key of round {round} is the key of round {r}, disclosed when that round closed; a new round needs a new key (the file FILE.round-{round}.key is made by `kiemphieu ballots`)"
            )));
        }
    }
    let kp = round_key_path(db, round);
    match BallotKey::load(&kp) {
        Ok(existing) if &existing == key => Ok(()),
        Ok(_) => Err(StationError::State(format!(
            "{}: the station holds another key for round {round} than the election file's; ballots printed with one do not verify with the other",
            kp.display()
        ))),
        Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(key.write_new(&kp)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Today's date on the station's clock, in Vietnam time (UTC+7).
pub fn today_in_vietnam() -> chrono::NaiveDate {
    let utc = chrono::Utc::now().naive_utc();
    (utc + chrono::Duration::hours(7)).date()
}
