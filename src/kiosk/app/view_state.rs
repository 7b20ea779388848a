//! Where the kiosk remembers its screen and language across restarts.
#![warn(clippy::as_conversions)]

use std::path::{Path, PathBuf};

use crate::kiosk::beside;

/// Where the kiosk remembers its screen and language: `DB.kiosk.json`.
pub fn view_state_path(db: &Path) -> PathBuf {
    beside(db, ".kiosk.json")
}

/// The screen and language saved, when the file reads well.
pub(super) fn load_view_state(db: &Path) -> Option<(i32, bool)> {
    let text = std::fs::read_to_string(view_state_path(db)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let screen = v["screen"].as_i64().filter(|s| (0..=4).contains(s))?;
    let screen = i32::try_from(screen).ok()?;
    Some((screen, v["english"].as_bool().unwrap_or(false)))
}

/// Saves the screen and language.
pub(super) fn save_view_state(db: &Path, screen: i32, english: bool) {
    // Written aside and renamed, so a power cut leaves the old or the new file.
    let path = view_state_path(db);
    let tmp = path.with_extension("json.tmp");
    let body = serde_json::json!({"screen": screen, "english": english}).to_string();
    if std::fs::write(&tmp, body).is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
}
