//! A scan thread as the service holds it, and the batch and scanner names the
//! service needs at start; the scanning use case (`scanning`) starts and feeds it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use kiemphieu_station::station::Station;

/// A scan in progress.
pub(super) struct Scan {
    pub(super) hold: Arc<AtomicBool>,
    pub(super) stop: Arc<AtomicBool>,
    pub(super) fault: bool,
    pub(super) thread: JoinHandle<()>,
}

impl Scan {
    /// Stops the scan before the next sheet and waits for its thread.
    pub(super) fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}

/// The batch scanning continues into after a restart: the latest one used.
pub(super) fn current_batch(st: &Station) -> String {
    let batches: BTreeMap<String, _> = st.batches().unwrap_or_default();
    let latest = st
        .sheets()
        .ok()
        .and_then(|s| s.last().map(|s| s.sheet.batch.clone()));
    latest.unwrap_or_else(|| batch_name(batches.len() + 1))
}

/// The name of the n-th batch (ballot box).
pub fn batch_name(n: usize) -> String {
    format!("hòm phiếu {n}")
}

/// Sources to offer: the SANE scanners attached, then the hot folder beside
/// the database; the simulated scanner only in a demo (never in a real count).
pub(super) fn scanner_sources(db: &std::path::Path, demo: bool) -> Vec<String> {
    let mut v: Vec<String> = kiemphieu_devices::scanner::list_devices()
        .map(|d| d.into_iter().map(|d| format!("sane:{}", d.name)).collect())
        .unwrap_or_default();
    v.push(format!("folder:{}", hot_folder(db).display()));
    if demo {
        v.push("sim:40,mix=demo".into());
    }
    v
}

/// The hot folder offered: `scans/` beside the database.
pub(super) fn hot_folder(db: &std::path::Path) -> std::path::PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("scans"),
        _ => std::path::PathBuf::from("scans"),
    }
}
