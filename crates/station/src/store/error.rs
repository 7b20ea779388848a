//! Errors of the station database.

use std::path::{Path, PathBuf};

/// A database problem, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed (including a database locked by another station process).
    #[error("{file}: {message}")]
    Sqlite {
        /// The database file.
        file: PathBuf,
        /// Plain-words explanation.
        message: String,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The election file is not valid.
    #[error(transparent)]
    Election(#[from] crate::election::ElectionFileError),
    /// The database was written by a newer kiemphieu.
    #[error("{file}: {message}")]
    Unsupported {
        /// The database file.
        file: PathBuf,
        /// What is unsupported.
        message: String,
    },
    /// Ballots were printed: the printed content of the election is frozen.
    #[error(
        "{file}: {printed} ballots were already printed for another version of this election; \
         the candidate list and ballot text are frozen (use a new database for a new election)"
    )]
    ElectionFrozen {
        /// The database file.
        file: PathBuf,
        /// How many ballots were printed.
        printed: u64,
    },
    /// No election is bound to this database yet.
    #[error(
        "{file}: no election in this database (run `kiemphieu ballots` or `session open` first)"
    )]
    NoElection {
        /// The database file.
        file: PathBuf,
    },
    /// Stored data is inconsistent.
    #[error("{file}: corrupt: {message}")]
    Corrupt {
        /// The database file.
        file: PathBuf,
        /// What is inconsistent.
        message: String,
    },
    /// The operation is not allowed in the session's current state.
    #[error("{file}: {message}")]
    State {
        /// The database file.
        file: PathBuf,
        /// Why it is refused.
        message: String,
    },
    /// A real database asked to serve a demo, or a demo one a real count: bad input.
    #[error("{file}: {message}")]
    WrongMode {
        /// The database file.
        file: PathBuf,
        /// Which mode it has and what to do instead.
        message: String,
    },
}

impl StoreError {
    /// Wraps a SQLite error with a plain explanation of the common cases.
    pub fn sqlite(file: &Path, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let message = match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                "database is in use by another kiemphieu process (only one station may write it)"
                    .to_string()
            }
            Some(ErrorCode::ReadOnly) => "database is read-only".to_string(),
            Some(ErrorCode::DiskFull) => "disk is full".to_string(),
            Some(ErrorCode::CannotOpen) => {
                format!("cannot open the database file{}", folder_problem(file))
            }
            Some(ErrorCode::NotADatabase) => "not a kiemphieu database (not SQLite)".to_string(),
            _ => source.to_string(),
        };
        StoreError::Sqlite {
            file: file.to_path_buf(),
            message,
            source,
        }
    }
}

/// Why the database's folder cannot be written (read-only disk, permissions), if so:
/// SQLite only says it cannot open the file.
fn folder_problem(file: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(c) = std::ffi::CString::new(folder.as_os_str().as_bytes()) else {
        return String::new();
    };
    // SAFETY: access() reads a NUL-terminated path that lives across the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
        return String::new();
    }
    format!(
        " (its folder {}: {})",
        folder.display(),
        std::io::Error::last_os_error()
    )
}
