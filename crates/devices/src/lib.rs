//! kiemphieu-devices: the machines at the counting table — scanners through
//! SANE or a hot folder, printers through CUPS and the ESC/POS tally tape.
//!
//! Each scanner implements the station's [`Scanner`](kiemphieu_station::scan::Scanner)
//! trait; nothing here decides or counts.

pub mod print;
pub mod scanner;

// The earlier stages, under the names the modules use.
use kiemphieu_core::{ballot, election, rules};
use kiemphieu_station::{station, store};
