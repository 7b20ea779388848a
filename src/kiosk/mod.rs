//! The kiosk: the Slint app for the counting table (`ui/*.slint`).
//!
//! It only observes the station service and sends it commands: every
//! callback becomes a [`Command`](crate::kiosk::service::Command), every
//! [`Update`](crate::kiosk::service::Update) is kept in a small view
//! state and rendered. The UI thread never scans, interprets, or waits on
//! the disk; `pump` applies what the service has sent and returns at once.
//! The service sends typed notices; what they say on screen is in `wording`.

pub mod present;
pub mod review_input;
pub mod service;
pub mod wording;

// The service's parts: the messages it takes and sends, and its use cases.
mod board;
mod election_files;
mod export;
mod messages;
mod print_sheet;
mod scan_thread;
mod scanning;
mod snapshot;
mod test_scan;

// The UI's generated code (about 30,000 lines) is compiled for the library
// only: the library's own unit tests do not use it (tests/kiosk_ui.rs does),
// and compiling it a second time for them costs a CI run over a minute.
#[cfg(not(test))]
mod app;
#[cfg(test)]
mod catalogue;
#[cfg(not(test))]
pub mod ui;
#[cfg(not(test))]
pub use app::*;

/// A file beside the database: `DB` + suffix.
pub(crate) fn beside(db: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    std::path::PathBuf::from(p)
}
