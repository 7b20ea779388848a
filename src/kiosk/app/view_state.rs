//! Where the kiosk remembers its screen and language across restarts, and
//! whether a batch was being scanned when it last stopped.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use crate::kiosk::beside;

/// Where the kiosk remembers its screen and language: `DB.kiosk.json`.
pub fn view_state_path(db: &Path) -> PathBuf {
    beside(db, ".kiosk.json")
}

/// What the kiosk keeps across restarts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct SavedView {
    /// The step on screen.
    pub screen: i32,
    /// English chosen.
    pub english: bool,
    /// A batch was being scanned (set when a scan starts, cleared when it ends):
    /// still set at the next start means the kiosk was closed or killed mid-batch.
    pub scanning: bool,
}

/// The view saved, when the file reads well.
pub(super) fn load_view_state(db: &Path) -> Option<SavedView> {
    let text = std::fs::read_to_string(view_state_path(db)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let screen = v["screen"].as_i64().filter(|s| (0..=4).contains(s))?;
    Some(SavedView {
        screen: i32::try_from(screen).ok()?,
        english: v["english"].as_bool().unwrap_or(false),
        scanning: v["scanning"].as_bool().unwrap_or(false),
    })
}

/// Saves the view.
pub(super) fn save_view_state(db: &Path, view: SavedView) {
    // Written aside and renamed, so a power cut leaves the old or the new file.
    let path = view_state_path(db);
    let tmp = path.with_extension("json.tmp");
    let body = serde_json::json!({
        "screen": view.screen,
        "english": view.english,
        "scanning": view.scanning,
    })
    .to_string();
    if std::fs::write(&tmp, body).is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
}
