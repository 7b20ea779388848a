//! The tally tape: the numbers of the tally sheet on a thermal roll, drawn as
//! an image (Vietnamese needs no code page that way) and sent as ESC/POS
//! raster over a serial port.
//!
//! Three pure steps — [`TapeContent`] from the count, [`render_tape`] to a
//! 1-bit image, [`escpos::encode_job`](super::escpos::encode_job) to bytes —
//! and one that touches the device, [`send_job`], which asks the printer for
//! its status first so a printer out of paper prints nothing.

mod content;
mod layout;
mod port;
mod raster;
#[cfg(test)]
mod tests;

pub use content::{Align, DRAFT_VI, TapeContent, TapeFacts, TapeLine};
pub use layout::{TapeImage, render_tape};
pub use port::{STATUS_QUERIES, TapeError, print_on_port, send_job};
