//! The election's secret key for ballot MACs, kept beside the election file.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use rand::RngCore;

/// A 256-bit secret key for ballot MACs. Never printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct BallotKey([u8; 32]);

impl std::fmt::Debug for BallotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotKey(..)")
    }
}

/// A problem with the key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The key file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file does not hold 64 hex digits.
    #[error("{file}: not a kiemphieu key (expected 64 hex digits)")]
    Malformed {
        /// The key file.
        file: PathBuf,
    },
}

impl BallotKey {
    /// Wraps raw key bytes (tests and verification tools).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        BallotKey(bytes)
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Path of the key that belongs to an election file: `FILE.key`.
    pub fn path_for(election_file: &Path) -> PathBuf {
        let mut name = election_file.as_os_str().to_owned();
        name.push(".key");
        PathBuf::from(name)
    }

    /// Path of the key of one round of an election file: `FILE.key` for the first
    /// count, `FILE.round-N.key` for round N ≥ 2 — each round its own key
    /// (rules.md §10), so a key disclosed after a round never mints the next's.
    pub fn path_for_round(election_file: &Path, round: u32) -> PathBuf {
        if round <= 1 {
            return Self::path_for(election_file);
        }
        let mut name = election_file.as_os_str().to_owned();
        name.push(format!(".round-{round}.key"));
        PathBuf::from(name)
    }

    /// Loads the key beside the election file, creating it (mode 0600) on first use.
    pub fn load_or_create(election_file: &Path) -> Result<Self, KeyError> {
        Self::load_or_create_at(&Self::path_for(election_file))
    }

    /// Loads the key file `file`, creating it (mode 0600, random) when it does not exist.
    pub fn load_or_create_at(file: &Path) -> Result<Self, KeyError> {
        let file = file.to_path_buf();
        match Self::load(&file) {
            Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Self::create(&file)
            }
            other => other,
        }
    }

    /// Loads an existing key file.
    pub fn load(file: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            file: file.to_path_buf(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(file)
            .map_err(io)?
            .take(1024)
            .read_to_string(&mut text)
            .map_err(io)?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed {
            file: file.to_path_buf(),
        })?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed {
            file: file.to_path_buf(),
        })?;
        Ok(BallotKey(bytes))
    }

    /// Writes this key to a new file, mode 0600 (never over an existing one).
    pub fn write_new(&self, file: &Path) -> Result<(), KeyError> {
        let io = |source| KeyError::Io {
            file: file.to_path_buf(),
            source,
        };
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
            .map_err(io)?;
        f.write_all(format!("{}\n", hex::encode(self.0)).as_bytes())
            .map_err(io)?;
        f.sync_all().map_err(io)
    }

    fn create(file: &Path) -> Result<Self, KeyError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let key = BallotKey(bytes);
        // create_new: never overwrite a key that ballots were already printed with.
        key.write_new(file)?;
        Ok(key)
    }
}
