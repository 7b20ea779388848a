//! Creating a counting session (binding the election, keeping the keys) and
//! opening the latest one.

use std::path::Path;
use std::sync::Arc;

use super::{ImageStore, Setup, Station, StationError, images_dir, key_path};
use crate::election::{BallotKey, Fingerprint, KeyError};
use crate::interpret::{Interpreter, Profile};
use crate::store::{SessionState, Store, StoreError};

impl Station {
    /// Opens a new counting session for an election file (with its key beside it),
    /// after checking the counting body and witnesses (rules.md §11) and settling
    /// the day of the count against the clock (rules.md §12): when the election
    /// file's date is not today and `setup.count_date` does not say which is
    /// right, nothing is written and the error names both dates.
    pub fn create(
        db: &Path,
        election_file: &Path,
        setup: &Setup,
        previous: Option<i64>,
    ) -> Result<Station, StationError> {
        // Size-limited like every election file read.
        let source =
            crate::election::read_election_source(election_file).map_err(StoreError::Election)?;
        let parsed = crate::election::parse_election(&source, election_file)
            .map_err(StoreError::Election)?;
        super::check_board(setup, &parsed)?;
        let mut setup = setup.clone();
        setup.count_date = Some(super::count_date(
            &parsed,
            today_in_vietnam(),
            setup.count_date,
        )?);
        let mut store = Store::open(db)?;
        let election = store.bind_election(&source, election_file)?;
        let key = BallotKey::load_or_create(election_file)?;
        // The station keeps its own copy of the key, private, beside the database.
        keep_key_copy(&key_path(db), &key)?;
        // The station's signing key is made at first start, never later at signing time.
        crate::signing::StationKey::load_or_create(db)
            .map_err(|e| StationError::State(e.to_string()))?;
        if let Some(open) = store
            .sessions()?
            .iter()
            .rev()
            .find(|s| s.state != SessionState::Closed)
        {
            return Err(StationError::State(format!(
                "session {} is still {:?}; close it before opening another",
                open.id, open.state
            )));
        }
        let fingerprint = Fingerprint::of(&election);
        let session = store.create_session(&fingerprint, previous)?;
        store.set_session_setup(session, &serde_json::to_value(&setup).unwrap_or_default())?;
        store.set_session_state(session, SessionState::Counting, "station")?;
        drop(store);
        Station::open(db)
    }

    /// Opens the station database and its latest session (resuming it).
    pub fn open(db: &Path) -> Result<Station, StationError> {
        let store = Store::open(db)?;
        let (election, _) = store.election()?.ok_or(StoreError::NoElection {
            file: db.to_path_buf(),
        })?;
        let key = BallotKey::load(&key_path(db))?;
        let session = store.sessions()?.last().map(|s| s.id).ok_or_else(|| {
            StationError::State(format!(
                "{}: no counting session (run `kiemphieu session open`)",
                db.display()
            ))
        })?;
        let interpreter = Arc::new(Interpreter::new(&election, key, Profile::default())?);
        Ok(Station {
            store,
            images: ImageStore::new(images_dir(db)),
            election,
            interpreter,
            session,
            subscribers: Vec::new(),
        })
    }
}

/// Today's date on the station's clock, in Vietnam time (UTC+7).
pub fn today_in_vietnam() -> chrono::NaiveDate {
    let utc = chrono::Utc::now().naive_utc();
    (utc + chrono::Duration::hours(7)).date()
}

/// Writes the station's private copy of the election key beside the database, once.
fn keep_key_copy(kp: &Path, key: &BallotKey) -> Result<(), StationError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if kp.exists() {
        return Ok(());
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(kp)
        .map_err(|source| KeyError::Io {
            file: kp.to_path_buf(),
            source,
        })?;
    f.write_all(format!("{}\n", hex::encode(key.as_bytes())).as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|source| KeyError::Io {
            file: kp.to_path_buf(),
            source,
        })?;
    Ok(())
}
