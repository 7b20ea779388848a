//! The one-writer lock of a station database (`DB.lock`, an flock).

use std::path::Path;

use super::{StationError, lock_path};

/// The one-writer lock of a station database, held while scanning or closing.
/// The kernel releases it when the process ends, even by kill -9 or a power cut.
#[derive(Debug)]
pub struct WriterLock {
    _file: std::fs::File,
}

impl WriterLock {
    /// Takes the lock of `db` without waiting; names the holder when it is taken.
    pub fn take(db: &Path) -> Result<WriterLock, StationError> {
        use std::io::{Read, Seek, Write};
        use std::os::fd::AsRawFd;
        let path = lock_path(db);
        let fail = |what: &str, e: std::io::Error| {
            StationError::State(format!("{}: {what}: {e}", path.display()))
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| fail("cannot create the station lock", e))?;
        // SAFETY: flock on a descriptor this function owns; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(StationError::State(format!(
                "{}: another kiemphieu process ({}) is scanning into or closing this session; only one station may write a database — wait for it to finish or stop it",
                db.display(),
                match holder.trim() {
                    "" => "pid unknown".to_string(),
                    pid => format!("pid {pid}"),
                }
            )));
        }
        // The holder's pid, for the message above; the lock itself is the flock.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()));
        Ok(WriterLock { _file: file })
    }
}
