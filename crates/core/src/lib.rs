//! kiemphieu-core: what an election is and how its ballots count — the election
//! file, the counting rules of rules.md, and the ballot's layout and code.
//!
//! Pure logic: no file, device or clock is touched here except where a caller
//! hands in a path (the election file and its key). Every later crate of the
//! pipeline (interpret → station → devices → the CLI and kiosk) builds on it.

pub mod audit;
pub mod ballot;
pub mod election;
pub mod geometry;
pub mod roster;
pub mod rules;
pub mod text;
