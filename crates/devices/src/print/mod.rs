//! Printing the count: PDFs through CUPS, the system's print service, and the
//! tally tape on a thermal ESC/POS printer over a serial port.
//!
//! No UI code: errors are typed and carry plain-words messages in Vietnamese
//! and English that the CLI or the kiosk shows as they are.

pub mod cups;
pub mod escpos;
pub mod tape;
