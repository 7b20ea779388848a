//! The content-addressed image store: each scanned page is a file named by its
//! SHA-256, written to a temporary name, fsynced, renamed, and the folder
//! fsynced — so after a power cut a file is either whole or absent.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A problem with the image store, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ImageStoreError {
    /// Reading or writing failed (disk full, read-only, …).
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored file no longer has the hash it is named by.
    #[error("{path}: image altered or damaged (its SHA-256 is {actual})")]
    Altered {
        /// The file.
        path: PathBuf,
        /// The hash found.
        actual: String,
    },
}

/// Images of one station, under one folder.
#[derive(Debug, Clone)]
pub struct ImageStore {
    dir: PathBuf,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl ImageStore {
    /// The store in `dir` (created when the first image is written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ImageStore { dir: dir.into() }
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores an image durably; returns its hash and its path relative to the store.
    pub fn put(&self, bytes: &[u8], extension: &str) -> Result<(String, String), ImageStoreError> {
        let sha = sha256_hex(bytes);
        let rel = format!("{}/{}.{}", &sha[..2], sha, extension);
        let path = self.dir.join(&rel);
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| ImageStoreError::Io { path: p, source }
        };
        // Already stored whole: keep it. A damaged copy (cut short, or the right length
        // with wrong content after a power cut) is written again.
        if fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&path).is_ok_and(|stored| sha256_hex(&stored) == sha)
        {
            return Ok((sha, rel));
        }
        let folder = path.parent().unwrap_or(&self.dir).to_path_buf();
        // The images are the ballots themselves: only the station's user reads them.
        {
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&folder)
                .map_err(io(&folder))?;
        }
        let tmp = folder.join(format!(".{sha}.tmp"));
        let written = File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        if let Err(source) = written {
            // A full disk leaves a partial file: remove it, so the space comes back.
            let _ = fs::remove_file(&tmp);
            return Err(ImageStoreError::Io { path: tmp, source });
        }
        fs::rename(&tmp, &path).map_err(io(&path))?;
        // The rename itself must survive a power cut: sync the folder entry.
        File::open(&folder)
            .and_then(|d| d.sync_all())
            .map_err(io(&folder))?;
        Ok((sha, rel))
    }

    /// Reads an image back, checking it still has its hash.
    pub fn get(&self, rel: &str, sha: &str) -> Result<Vec<u8>, ImageStoreError> {
        let path = self.dir.join(rel);
        let bytes = fs::read(&path).map_err(|source| ImageStoreError::Io {
            path: path.clone(),
            source,
        })?;
        let actual = sha256_hex(&bytes);
        if actual != sha {
            return Err(ImageStoreError::Altered { path, actual });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn stores_by_hash_once_and_detects_alteration() {
        let dir = tempfile::tempdir().unwrap();
        let store = ImageStore::new(dir.path().join("images"));
        let (sha, rel) = store.put(b"page one", "png").unwrap();
        assert_eq!(sha, sha256_hex(b"page one"));
        assert!(
            rel.starts_with(&sha[..2]) && Path::new(&rel).extension().is_some_and(|e| e == "png")
        );
        assert_eq!(
            store.put(b"page one", "png").unwrap(),
            (sha.clone(), rel.clone())
        );
        assert_eq!(store.get(&rel, &sha).unwrap(), b"page one");
        let mode = std::fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the image store is private");
        std::fs::write(store.dir().join(&rel), b"page 0ne").unwrap();
        assert!(matches!(
            store.get(&rel, &sha),
            Err(ImageStoreError::Altered { .. })
        ));
        // Storing the page again repairs a damaged copy of the same length.
        store.put(b"page one", "png").unwrap();
        assert_eq!(store.get(&rel, &sha).unwrap(), b"page one");
    }
}
