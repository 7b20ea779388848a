//! The integration tests that need no process of their own, as one test
//! binary: each file is a module (`cargo test --test integration cli::`
//! runs one), so the package links one binary for all of them instead of
//! seventeen — each link pulls in the whole library and Slint, most of the
//! test build's time on a 2-core machine (docs/measurements.md, CI time).
//! The kiosk tests (which set Slint's platform, once per process) and the
//! SANE test (libsane is process-global) stay binaries of their own.

mod common;

#[path = "audit.rs"]
mod audit;
#[path = "bad_input.rs"]
mod bad_input;
#[path = "bad_storage.rs"]
mod bad_storage;
#[path = "ballot_render.rs"]
mod ballot_render;
#[path = "bundle.rs"]
mod bundle;
#[path = "cli.rs"]
mod cli;
#[path = "cli_session.rs"]
mod cli_session;
#[path = "destinations.rs"]
mod destinations;
#[path = "fuzz_smoke.rs"]
mod fuzz_smoke;
#[path = "interpret_corpus.rs"]
mod interpret_corpus;
#[path = "memory.rs"]
mod memory;
#[path = "print_cups.rs"]
mod print_cups;
#[path = "print_tape.rs"]
mod print_tape;
#[path = "report.rs"]
mod report;
#[path = "report_cases.rs"]
mod report_cases;
#[path = "report_scanned.rs"]
mod report_scanned;
#[path = "rounds.rs"]
mod rounds;
#[path = "scanner_api.rs"]
mod scanner_api;
#[path = "scanner_folder.rs"]
mod scanner_folder;
#[path = "scanner_sim.rs"]
mod scanner_sim;
#[path = "station.rs"]
mod station;
#[path = "station_crash.rs"]
mod station_crash;
