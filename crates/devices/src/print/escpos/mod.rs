//! ESC/POS for thermal receipt printers: a 1-bit image as `GS v 0` raster
//! bands, and the real-time status bytes (`DLE EOT n`).
//!
//! Text is never sent as characters: Vietnamese needs code pages that printers
//! implement differently, so the tape is drawn as an image and the printer
//! only prints dots. Everything here is pure (bytes in, bytes out).

mod decode;
mod encode;
mod problem;
mod status;
#[cfg(test)]
mod tests;

pub use decode::{DecodeError, DecodedJob, decode_job};
pub use encode::encode_job;
pub use problem::TapeProblem;
pub use status::{
    PrinterStatus, ReplyError, StatusByteError, StatusKind, parse_reply, parse_status, status_byte,
};

/// Paper width in dots: 58 mm rolls have 384 printable dots, 80 mm rolls 576 (203 dpi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TapeWidth {
    /// 58 mm roll, 384 dots.
    Mm58,
    /// 80 mm roll, 576 dots.
    Mm80,
}

impl TapeWidth {
    /// Printable dots across.
    pub fn dots(self) -> u32 {
        match self {
            TapeWidth::Mm58 => 384,
            TapeWidth::Mm80 => 576,
        }
    }

    /// The width for a roll size in millimetres (58 or 80).
    pub fn from_mm(mm: u32) -> Option<TapeWidth> {
        match mm {
            58 => Some(TapeWidth::Mm58),
            80 => Some(TapeWidth::Mm80),
            _ => None,
        }
    }
}

/// ESC @: initialise the printer.
pub const INIT: [u8; 2] = [0x1b, 0x40];
/// Rows per `GS v 0` band: small enough for the input buffer of cheap printers.
pub const BAND_ROWS: u32 = 64;
/// Lines fed after the image so the last line clears the cutter.
pub const FEED_LINES: u8 = 4;
