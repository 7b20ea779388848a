//! The print-run file: the serials of one print run of one round, so ballots
//! printed on another PC are known to the counting station as issued.
//!
//! `kiemphieu ballots` writes it beside the PDF (`print-run.json`); `session
//! open --print-run FILE` takes it. It is canonical JSON authenticated with
//! HMAC-SHA256 under the round's ballot key: whoever could forge it could print
//! ballots already, and the station checks it with the key it counts with.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ballot::Serial;
use crate::election::{BallotKey, Fingerprint};
use crate::result::canonical_json;

/// Format tag of the print-run file.
pub const PRINT_RUN_FORMAT: &str = "kiemphieu-print-run-1";
/// Largest print-run file read, in bytes (100,000 serials and some).
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A print run of one round, as written to its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintRunFile {
    /// Always [`PRINT_RUN_FORMAT`].
    pub format: String,
    /// The election's fingerprint, 64 hex digits.
    pub fingerprint: String,
    /// The round printed for.
    pub round: u32,
    /// Reproducible serials (tests and demos only).
    pub seeded: bool,
    /// When it was printed (RFC 3339 UTC).
    pub created_at: String,
    /// The serials printed, 16 hex digits each.
    pub serials: Vec<String>,
    /// HMAC-SHA256 under the round's key of the canonical JSON without `mac`, hex.
    #[serde(default)]
    pub mac: String,
}

/// Why a print-run file cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum PrintRunError {
    /// The file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Not a print-run file, or a damaged or altered one.
    #[error("{file}: {message}")]
    Bad {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl PrintRunFile {
    /// A print run, authenticated with the round's key.
    pub fn new(
        fingerprint: &Fingerprint,
        round: u32,
        serials: &[Serial],
        seeded: bool,
        key: &BallotKey,
    ) -> PrintRunFile {
        let mut run = PrintRunFile {
            format: PRINT_RUN_FORMAT.into(),
            fingerprint: fingerprint.to_hex(),
            round,
            seeded,
            created_at: crate::store::now(),
            serials: serials.iter().map(Serial::to_string).collect(),
            mac: String::new(),
        };
        run.mac = hex::encode(run.tag(key));
        run
    }

    /// The HMAC of everything but the MAC itself.
    fn tag(&self, key: &BallotKey) -> Vec<u8> {
        let mut body = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = body.as_object_mut() {
            o.remove("mac");
        }
        // HMAC takes keys of any length; the fallback is never taken.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()) else {
            return Vec::new();
        };
        mac.update(canonical_json(&body).as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The file's JSON text.
    pub fn to_json(&self) -> String {
        canonical_json(&serde_json::to_value(self).unwrap_or_default())
    }

    /// Reads a print-run file and checks it against the round's key.
    pub fn read(file: &Path, key: &BallotKey) -> Result<PrintRunFile, PrintRunError> {
        let bad = |message: String| PrintRunError::Bad {
            file: file.to_path_buf(),
            message,
        };
        let io = |source| PrintRunError::Io {
            file: file.to_path_buf(),
            source,
        };
        if std::fs::metadata(file).map_err(io)?.len() > MAX_BYTES {
            return Err(bad(format!(
                "larger than {MAX_BYTES} bytes: not a print-run file"
            )));
        }
        let text = std::fs::read_to_string(file).map_err(io)?;
        let run: PrintRunFile = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a kiemphieu print-run file: {e}")))?;
        if run.format != PRINT_RUN_FORMAT {
            return Err(bad(format!("unknown format `{}`", run.format)));
        }
        let expected = hex::encode(run.tag(key));
        if run.mac != expected {
            return Err(bad(
                "its MAC does not verify with this round's ballot key (another key, or the file was changed)".into(),
            ));
        }
        run.serials()
            .map_err(|s| bad(format!("serial `{s}` is not 16 hex digits")))?;
        Ok(run)
    }

    /// The serials, parsed; the first bad one is the error.
    pub fn serials(&self) -> Result<Vec<Serial>, String> {
        self.serials
            .iter()
            .map(|s| Serial::parse(s).ok_or_else(|| s.clone()))
            .collect()
    }

    /// Writes the file (mode 0644: it holds no secret).
    pub fn write(&self, file: &Path) -> Result<(), PrintRunError> {
        std::fs::write(file, self.to_json()).map_err(|source| PrintRunError::Io {
            file: file.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_print_run_verifies_with_its_key_only_and_any_change_fails() {
        let dir = tempfile::tempdir().unwrap();
        let key = BallotKey::from_bytes([3; 32]);
        let run = PrintRunFile::new(
            &Fingerprint([1; 32]),
            2,
            &[Serial(1), Serial(99)],
            false,
            &key,
        );
        let f = dir.path().join("print-run.json");
        run.write(&f).unwrap();
        assert_eq!(PrintRunFile::read(&f, &key).unwrap(), run);
        let err = PrintRunFile::read(&f, &BallotKey::from_bytes([4; 32])).unwrap_err();
        assert!(err.to_string().contains("MAC"), "{err}");
        let text = std::fs::read_to_string(&f)
            .unwrap()
            .replace("0000000000000063", "0000000000000064");
        std::fs::write(&f, text).unwrap();
        assert!(PrintRunFile::read(&f, &key).is_err());
        std::fs::write(&f, "{}").unwrap();
        assert!(
            PrintRunFile::read(&f, &key)
                .unwrap_err()
                .to_string()
                .contains("print-run.json")
        );
    }
}
