//! The election definition: the TOML file that describes one unit's election,
//! its validation, its fingerprint and its secret MAC key.

mod definition;
mod fingerprint;
mod key;
mod parse;
#[cfg(test)]
mod tests;

pub use definition::{
    Candidate, CollectionDeadline, CountingBody, Election, ElectionInfo, Honorific, Marking, Mode,
    Paper, Settings, SingleStruck,
};
pub use fingerprint::Fingerprint;
pub use key::{BallotKey, KeyError};
pub use parse::{
    EXAMPLE_ELECTION, ElectionFileError, load_election, parse_election, read_election_source,
};
