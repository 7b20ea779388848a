//! kiemphieu: the counting table's program — the command line and the kiosk.
//!
//! The work is done by the pipeline's crates: `kiemphieu-core` (election,
//! rules, ballot), `kiemphieu-interpret` (the reader), `kiemphieu-station`
//! (store, count, result, biên bản, bundle) and `kiemphieu-devices` (scanners,
//! printers). This package only wires them to people: the kiosk observes and
//! commands the station through its service, and `source` opens a scanner from
//! a spec (the simulator only for demos).

pub mod kiosk;
pub mod source;
