//! Printable ballots: layout in millimetres, QR payload, PDF rendering.

pub mod payload;

pub use payload::{Payload, PayloadError, Serial};
