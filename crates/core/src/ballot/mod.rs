//! Printable ballots: layout in millimetres, QR payload, PDF and raster rendering.

pub mod fonts;
pub mod layout;
pub mod payload;
pub mod pdf;
pub mod qr;
pub mod raster;

pub use layout::{BallotGeometry, BallotLayout, LayoutError};
pub use payload::{Payload, PayloadError, Serial};
pub use pdf::{RenderError, render_ballots_pdf};
pub use raster::{render_ballot_gray, render_region_gray};
