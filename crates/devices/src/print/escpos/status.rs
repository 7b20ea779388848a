//! The real-time status queries (`DLE EOT n`) and the printer's one-byte replies.

// The replies come from the printer: no silent numeric casts on them.
#![warn(clippy::as_conversions)]

/// Which real-time status a `DLE EOT n` query asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// n = 1: printer status (online/offline).
    Printer,
    /// n = 2: why the printer is offline (cover, paper end, error).
    Offline,
    /// n = 3: error cause (cutter, unrecoverable).
    Error,
    /// n = 4: roll paper sensor (near end, end).
    Paper,
}

impl StatusKind {
    /// The `n` of `DLE EOT n`.
    pub fn n(self) -> u8 {
        match self {
            StatusKind::Printer => 1,
            StatusKind::Offline => 2,
            StatusKind::Error => 3,
            StatusKind::Paper => 4,
        }
    }

    /// The query bytes: DLE EOT n.
    pub fn query(self) -> [u8; 3] {
        [0x10, 0x04, self.n()]
    }

    /// The kind for a query `n`.
    pub fn from_n(n: u8) -> Option<StatusKind> {
        [
            StatusKind::Printer,
            StatusKind::Offline,
            StatusKind::Error,
            StatusKind::Paper,
        ]
        .into_iter()
        .find(|k| k.n() == n)
    }
}

/// What one status byte says; flags not carried by its kind are false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[allow(clippy::struct_excessive_bools)] // one flag per status bit, as the printer reports them
pub struct PrinterStatus {
    /// Printer status bit 3: offline.
    pub offline: bool,
    /// Printer status bit 5: waiting for online recovery.
    pub waiting_recovery: bool,
    /// Printer status bit 6 / offline bit 3: the feed button is pressed.
    pub feed_button: bool,
    /// Offline cause bit 2: cover open.
    pub cover_open: bool,
    /// Offline cause bit 5, or paper sensor bits 5–6: out of paper.
    pub paper_end: bool,
    /// Paper sensor bits 2–3: the roll is nearly used up (still prints).
    pub paper_near_end: bool,
    /// Offline cause bit 6, or error cause bits: an error stops the printer.
    pub error: bool,
    /// Error cause bit 3: the autocutter failed.
    pub cutter_error: bool,
}

/// Why a byte is not a status reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "byte {byte:#04x} is not an ESC/POS status reply to DLE EOT {n} (bits 1 and 4 must be set, 0 and 7 clear)"
)]
pub struct StatusByteError {
    /// The query's n.
    pub n: u8,
    /// The byte received.
    pub byte: u8,
}

/// Reads a `DLE EOT n` reply. Every status byte has bit 1 and bit 4 set and
/// bits 0 and 7 clear; anything else is not a reply (noise, or a printer
/// still sending something else).
pub fn parse_status(kind: StatusKind, byte: u8) -> Result<PrinterStatus, StatusByteError> {
    if byte & 0b1001_0011 != 0b0001_0010 {
        return Err(StatusByteError { n: kind.n(), byte });
    }
    let bit = |b: u8| byte & (1 << b) != 0;
    let mut s = PrinterStatus::default();
    match kind {
        StatusKind::Printer => {
            s.offline = bit(3);
            s.waiting_recovery = bit(5);
            s.feed_button = bit(6);
        }
        StatusKind::Offline => {
            s.cover_open = bit(2);
            s.feed_button = bit(3);
            s.paper_end = bit(5);
            s.error = bit(6);
        }
        StatusKind::Error => {
            s.cutter_error = bit(3);
            s.error = bit(3) || bit(5) || bit(6);
        }
        StatusKind::Paper => {
            // Each condition is reported on two bits; either one set counts.
            s.paper_near_end = bit(2) || bit(3);
            s.paper_end = bit(5) || bit(6);
        }
    }
    Ok(s)
}

/// Why a reply to `DLE EOT n` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// `n` is not 1–4.
    #[error("DLE EOT {0} is not a status query (n must be 1 to 4)")]
    UnknownQuery(u8),
    /// No byte came back.
    #[error("empty reply to DLE EOT {0}")]
    Empty(u8),
    /// More than the one byte a reply has.
    #[error("reply to DLE EOT {n} has {len} bytes, expected 1")]
    TooLong {
        /// The query's n.
        n: u8,
        /// Bytes received.
        len: usize,
    },
    /// The byte is not a status byte.
    #[error(transparent)]
    Byte(#[from] StatusByteError),
}

/// Reads the raw reply bytes to `DLE EOT n` (exactly one status byte); total over all inputs.
pub fn parse_reply(n: u8, bytes: &[u8]) -> Result<PrinterStatus, ReplyError> {
    let kind = StatusKind::from_n(n).ok_or(ReplyError::UnknownQuery(n))?;
    match bytes {
        [] => Err(ReplyError::Empty(n)),
        [b] => Ok(parse_status(kind, *b)?),
        _ => Err(ReplyError::TooLong {
            n,
            len: bytes.len(),
        }),
    }
}

/// The status byte a printer sends for these flags (inverse of [`parse_status`] on the flags `kind` carries).
pub fn status_byte(kind: StatusKind, s: &PrinterStatus) -> u8 {
    let mut b = 0b0001_0010u8;
    let mut set = |bit: u8, on: bool| {
        if on {
            b |= 1 << bit;
        }
    };
    match kind {
        StatusKind::Printer => {
            set(3, s.offline);
            set(5, s.waiting_recovery);
            set(6, s.feed_button);
        }
        StatusKind::Offline => {
            set(2, s.cover_open);
            set(3, s.feed_button);
            set(5, s.paper_end);
            set(6, s.error);
        }
        StatusKind::Error => {
            set(3, s.cutter_error);
            set(5, s.error && !s.cutter_error);
        }
        StatusKind::Paper => {
            set(2, s.paper_near_end);
            set(3, s.paper_near_end);
            set(5, s.paper_end);
            set(6, s.paper_end);
        }
    }
    b
}
