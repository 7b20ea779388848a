//! kiemphieu-station: one counting session from set-up to close.
//!
//! The store keeps every sheet and decision in SQLite; the station takes pages
//! from any [`scan::Scanner`], keeps them safe, interprets them and counts from
//! the records; `result` signs the count, `report` lays out the biên bản kiểm
//! phiếu and `bundle` exports and verifies the evidence. No device driver and
//! no user interface lives here: devices implement [`scan::Scanner`], the CLI
//! and the kiosk call the station.

pub mod bundle;
pub mod hand_check;
pub mod print_run;
pub mod report;
pub mod result;
pub mod scan;
pub mod signing;
pub mod station;
pub mod store;

// The earlier stages, under the names the modules use.
use kiemphieu_core::{audit, ballot, election, roster, rules};
use kiemphieu_interpret as interpret;
