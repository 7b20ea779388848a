//! The station's Ed25519 key pair: created once, private part mode 0600 beside the database.

// Reads the key file from disk: no unchecked casts.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why the station's key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The station key file is damaged.
    #[error("{file}: station key: {message}")]
    BadKey {
        /// The key file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Where the station keeps its signing key: `DB.station-key`.
pub fn station_key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".station-key");
    PathBuf::from(p)
}

/// The station's signing key.
pub struct StationKey {
    signing: SigningKey,
}

impl StationKey {
    /// Loads the station key for `db`, creating it (mode 0600) the first time.
    pub fn load_or_create(db: &Path) -> Result<StationKey, KeyFileError> {
        StationKey::load_or_create_file(&station_key_path(db))
    }

    /// Loads the key file at `path`, creating it (mode 0600) the first time.
    pub fn load_or_create_file(path: &Path) -> Result<StationKey, KeyFileError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = path.to_path_buf();
        if path.exists() {
            return StationKey::load(&path);
        }
        let seed: [u8; 32] = rand::random();
        let io = |source| KeyFileError::Io {
            file: path.clone(),
            source,
        };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        f.write_all(format!("{}\n", hex::encode(seed)).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io)?;
        Ok(StationKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Loads an existing key file (64 hex digits).
    pub fn load(path: &Path) -> Result<StationKey, KeyFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        let bad = |message: &str| KeyFileError::BadKey {
            file: path.to_path_buf(),
            message: message.to_string(),
        };
        let bytes = hex::decode(text.trim()).map_err(|_| bad("not hexadecimal"))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| bad("expected 32 bytes (64 hex digits)"))?;
        Ok(StationKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// A key from a fixed seed (tests).
    pub fn from_seed(seed: [u8; 32]) -> StationKey {
        StationKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// Signs a message.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// A station's public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(PublicKey)
    }

    /// 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// The station id: the first 8 bytes of SHA-256 of the public key.
    pub fn station_id_bytes(&self) -> [u8; 8] {
        let d = Sha256::digest(self.0.as_bytes());
        let mut out = [0u8; 8];
        out.copy_from_slice(&d[..8]);
        out
    }

    /// The station id as 16 hex digits.
    pub fn station_id(&self) -> String {
        hex::encode(self.station_id_bytes())
    }

    /// True when `signature` is this key's signature of `message` (strict verification).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_private_and_reloads() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("st.db");
        let k = StationKey::load_or_create(&db).unwrap();
        let meta = std::fs::metadata(station_key_path(&db)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let again = StationKey::load_or_create(&db).unwrap();
        assert_eq!(k.public(), again.public());
        let sig = k.sign(b"abc");
        assert!(again.public().verify(b"abc", &sig));
        assert!(!again.public().verify(b"abd", &sig));
        assert_eq!(PublicKey::from_hex(&k.public().to_hex()), Some(k.public()));
        std::fs::write(station_key_path(&db), "zz").unwrap();
        assert!(matches!(
            StationKey::load(&station_key_path(&db)),
            Err(KeyFileError::BadKey { .. })
        ));
    }
}
