//! ESC/POS for thermal receipt printers: a 1-bit image as `GS v 0` raster
//! bands, and the real-time status bytes (`DLE EOT n`).
//!
//! Text is never sent as characters: Vietnamese needs code pages that printers
//! implement differently, so the tape is drawn as an image and the printer
//! only prints dots. Everything here is pure (bytes in, bytes out).

use image::{GrayImage, Luma};

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

/// Encodes a print job: ESC @, the image as `GS v 0` bands (dark pixels print), feed, cut.
///
/// The image width is padded to whole bytes with white.
pub fn encode_job(image: &GrayImage) -> Vec<u8> {
    let (w, h) = image.dimensions();
    let bytes_per_row = w.div_ceil(8);
    let mut out = Vec::with_capacity((bytes_per_row * h + 16 * (h / BAND_ROWS + 2)) as usize);
    out.extend_from_slice(&INIT);
    let mut y0 = 0;
    while y0 < h {
        let rows = BAND_ROWS.min(h - y0);
        // GS v 0 m xL xH yL yH, m = 0 (normal density).
        out.extend_from_slice(&[0x1d, 0x76, 0x30, 0x00]);
        out.extend_from_slice(&(bytes_per_row as u16).to_le_bytes());
        out.extend_from_slice(&(rows as u16).to_le_bytes());
        for y in y0..y0 + rows {
            for bx in 0..bytes_per_row {
                let mut byte = 0u8;
                for bit in 0..8 {
                    let x = bx * 8 + bit;
                    if x < w && image.get_pixel(x, y).0[0] < 128 {
                        byte |= 0x80 >> bit;
                    }
                }
                out.push(byte);
            }
        }
        y0 += rows;
    }
    // ESC d n: print and feed n lines; GS V 66 0: feed to the cutter and cut partially.
    out.extend_from_slice(&[0x1b, 0x64, FEED_LINES]);
    out.extend_from_slice(&[0x1d, 0x56, 0x42, 0x00]);
    out
}

/// What a printer made of a byte stream (for tests and checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedJob {
    /// The printed dots: 0 black, 255 white; width = bytes per row × 8.
    pub image: GrayImage,
    /// Rows of each `GS v 0` band, in order.
    pub bands: Vec<u32>,
    /// Number of ESC @ seen.
    pub inits: u32,
    /// Lines fed with ESC d.
    pub fed_lines: u32,
    /// Number of cuts (GS V).
    pub cuts: u32,
    /// The `n` of each DLE EOT status query, in order.
    pub status_queries: Vec<u8>,
}

/// Why a byte stream is not one this module writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The stream ends inside a command.
    #[error("ESC/POS stream ends inside a command at byte {0}")]
    Truncated(usize),
    /// A command this decoder does not know.
    #[error("unknown ESC/POS command {0:02x?} at byte {1}")]
    Unknown(Vec<u8>, usize),
    /// Raster bands of different widths.
    #[error("raster band at byte {at} is {got} bytes wide, earlier ones {want}")]
    WidthChanged {
        /// Offset of the band.
        at: usize,
        /// Its width in bytes.
        got: u16,
        /// The earlier width.
        want: u16,
    },
}

/// Decodes the commands [`encode_job`] writes, plus DLE EOT queries, into the printed image.
pub fn decode_job(bytes: &[u8]) -> Result<DecodedJob, DecodeError> {
    let mut i = 0usize;
    let mut width: Option<u16> = None;
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let mut job = DecodedJob {
        image: GrayImage::new(0, 0),
        bands: Vec::new(),
        inits: 0,
        fed_lines: 0,
        cuts: 0,
        status_queries: Vec::new(),
    };
    let need = |i: usize, n: usize| {
        if i + n <= bytes.len() {
            Ok(())
        } else {
            Err(DecodeError::Truncated(i))
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            0x1b => {
                need(i, 2)?;
                match bytes[i + 1] {
                    0x40 => {
                        job.inits += 1;
                        i += 2;
                    }
                    0x64 => {
                        need(i, 3)?;
                        job.fed_lines += u32::from(bytes[i + 2]);
                        i += 3;
                    }
                    _ => return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i)),
                }
            }
            0x1d => {
                need(i, 2)?;
                match bytes[i + 1] {
                    0x76 => {
                        need(i, 8)?;
                        if bytes[i + 2] != 0x30 {
                            return Err(DecodeError::Unknown(bytes[i..i + 3].to_vec(), i));
                        }
                        let x = u16::from_le_bytes([bytes[i + 4], bytes[i + 5]]);
                        let y = u16::from_le_bytes([bytes[i + 6], bytes[i + 7]]);
                        if let Some(w) = width.filter(|w| *w != x) {
                            return Err(DecodeError::WidthChanged {
                                at: i,
                                got: x,
                                want: w,
                            });
                        }
                        width = Some(x);
                        let len = usize::from(x) * usize::from(y);
                        need(i + 8, len)?;
                        for r in 0..usize::from(y) {
                            let s = i + 8 + r * usize::from(x);
                            rows.push(bytes[s..s + usize::from(x)].to_vec());
                        }
                        job.bands.push(u32::from(y));
                        i += 8 + len;
                    }
                    0x56 => {
                        need(i, 3)?;
                        // GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66).
                        let n = if matches!(bytes[i + 2], 65 | 66) {
                            4
                        } else {
                            3
                        };
                        need(i, n)?;
                        job.cuts += 1;
                        i += n;
                    }
                    _ => return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i)),
                }
            }
            0x10 => {
                need(i, 3)?;
                if bytes[i + 1] != 0x04 {
                    return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i));
                }
                job.status_queries.push(bytes[i + 2]);
                i += 3;
            }
            // LF prints the (empty) line buffer: one line feed.
            0x0a => {
                job.fed_lines += 1;
                i += 1;
            }
            b => return Err(DecodeError::Unknown(vec![b], i)),
        }
    }
    let w = u32::from(width.unwrap_or(0)) * 8;
    let mut image = GrayImage::from_pixel(w, rows.len() as u32, Luma([255]));
    for (y, row) in rows.iter().enumerate() {
        for (bx, byte) in row.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    image.put_pixel(bx as u32 * 8 + bit, y as u32, Luma([0]));
                }
            }
        }
    }
    job.image = image;
    Ok(job)
}

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

/// What keeps a thermal printer from printing, in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TapeProblem {
    /// The roll is used up.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// The autocutter is stuck.
    CutterError,
    /// Another error stopped the printer.
    Error,
    /// The printer is offline for another reason (feed button held, recovering).
    Offline,
}

impl TapeProblem {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => "paper_out",
            TapeProblem::CoverOpen => "cover_open",
            TapeProblem::CutterError => "cutter_error",
            TapeProblem::Error => "error",
            TapeProblem::Offline => "offline",
        }
    }

    /// Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => "máy in nhiệt hết giấy — lắp cuộn giấy mới rồi in lại",
            TapeProblem::CoverOpen => "nắp máy in nhiệt đang mở — đóng nắp rồi in lại",
            TapeProblem::CutterError => {
                "dao cắt của máy in nhiệt bị kẹt — tắt máy, gỡ giấy kẹt rồi in lại"
            }
            TapeProblem::Error => "máy in nhiệt báo lỗi — tắt rồi bật lại máy in, sau đó in lại",
            TapeProblem::Offline => "máy in nhiệt đang ngoại tuyến — chờ máy sẵn sàng rồi in lại",
        }
    }

    /// English.
    pub fn message_en(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => {
                "the thermal printer is out of paper — load a new roll and print again"
            }
            TapeProblem::CoverOpen => {
                "the thermal printer's cover is open — close it and print again"
            }
            TapeProblem::CutterError => {
                "the thermal printer's cutter is stuck — switch it off, clear the paper and print again"
            }
            TapeProblem::Error => {
                "the thermal printer reports an error — switch it off and on, then print again"
            }
            TapeProblem::Offline => {
                "the thermal printer is offline — wait until it is ready and print again"
            }
        }
    }
}

impl PrinterStatus {
    /// Combines the flags of several replies.
    pub fn merge(self, o: PrinterStatus) -> PrinterStatus {
        PrinterStatus {
            offline: self.offline || o.offline,
            waiting_recovery: self.waiting_recovery || o.waiting_recovery,
            feed_button: self.feed_button || o.feed_button,
            cover_open: self.cover_open || o.cover_open,
            paper_end: self.paper_end || o.paper_end,
            paper_near_end: self.paper_near_end || o.paper_near_end,
            error: self.error || o.error,
            cutter_error: self.cutter_error || o.cutter_error,
        }
    }

    /// The problem that stops printing, most specific first; near-end paper is not one.
    pub fn problem(&self) -> Option<TapeProblem> {
        if self.paper_end {
            Some(TapeProblem::PaperOut)
        } else if self.cover_open {
            Some(TapeProblem::CoverOpen)
        } else if self.cutter_error {
            Some(TapeProblem::CutterError)
        } else if self.error {
            Some(TapeProblem::Error)
        } else if self.offline {
            Some(TapeProblem::Offline)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KINDS: [StatusKind; 4] = [
        StatusKind::Printer,
        StatusKind::Offline,
        StatusKind::Error,
        StatusKind::Paper,
    ];

    #[test]
    fn normal_status_is_0x12_for_every_kind() {
        for k in KINDS {
            assert_eq!(parse_status(k, 0x12), Ok(PrinterStatus::default()), "{k:?}");
            assert_eq!(StatusKind::from_n(k.n()), Some(k));
            assert_eq!(status_byte(k, &PrinterStatus::default()), 0x12);
        }
        assert_eq!(StatusKind::from_n(0), None);
        assert_eq!(StatusKind::from_n(5), None);
    }

    #[test]
    fn documented_bytes() {
        // Offline (printer status 0x1A), cover open (offline cause 0x16),
        // paper end (offline cause 0x32), paper sensor: near end 0x1E, end 0x72.
        assert!(parse_status(StatusKind::Printer, 0x1a).unwrap().offline);
        assert_eq!(
            parse_status(StatusKind::Offline, 0x16).unwrap().problem(),
            Some(TapeProblem::CoverOpen)
        );
        assert_eq!(
            parse_status(StatusKind::Offline, 0x32).unwrap().problem(),
            Some(TapeProblem::PaperOut)
        );
        let near = parse_status(StatusKind::Paper, 0x1e).unwrap();
        assert!(near.paper_near_end && near.problem().is_none());
        assert_eq!(
            parse_status(StatusKind::Paper, 0x72).unwrap().problem(),
            Some(TapeProblem::PaperOut)
        );
        assert_eq!(
            parse_status(StatusKind::Error, 0x1a).unwrap().problem(),
            Some(TapeProblem::CutterError)
        );
        assert_eq!(
            parse_status(StatusKind::Printer, 0x1a).unwrap().problem(),
            Some(TapeProblem::Offline)
        );
    }

    /// Every byte for every kind: accepted iff the fixed bits are right, and then the flags are exactly its bits.
    #[test]
    fn exhaustive_over_all_bytes() {
        for k in KINDS {
            let mut accepted = 0;
            for b in 0..=255u8 {
                match parse_status(k, b) {
                    Ok(s) => {
                        accepted += 1;
                        assert_eq!(b & 0x93, 0x12);
                        // Paper end is reported iff one of its bits is set, for the kinds that carry it.
                        match k {
                            StatusKind::Paper => assert_eq!(s.paper_end, b & 0x60 != 0),
                            StatusKind::Offline => assert_eq!(s.paper_end, b & 0x20 != 0),
                            _ => assert!(!s.paper_end),
                        }
                        assert_eq!(s.offline, k == StatusKind::Printer && b & 0x08 != 0);
                        assert_eq!(s.cover_open, k == StatusKind::Offline && b & 0x04 != 0);
                        // The byte for these flags parses back to them.
                        assert_eq!(parse_status(k, status_byte(k, &s)), Ok(s), "{k:?} {b:#x}");
                    }
                    Err(e) => {
                        assert_ne!(b & 0x93, 0x12);
                        assert_eq!(e, StatusByteError { n: k.n(), byte: b });
                        assert!(e.to_string().contains(&format!("{b:#04x}")));
                    }
                }
            }
            // Four free bits: 16 valid bytes per kind.
            assert_eq!(accepted, 16, "{k:?}");
        }
    }

    fn any_image() -> impl Strategy<Value = GrayImage> {
        (1u32..80, 1u32..200, any::<u64>()).prop_map(|(w, h, seed)| {
            let mut x = seed | 1;
            GrayImage::from_fn(w, h, |_, _| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                Luma([if x & 3 == 0 { 0 } else { 255 }])
            })
        })
    }

    proptest! {
        #[test]
        fn raster_round_trips(img in any_image()) {
            let job = decode_job(&encode_job(&img)).unwrap();
            let (w, h) = img.dimensions();
            prop_assert_eq!(job.image.width(), w.div_ceil(8) * 8);
            prop_assert_eq!(job.image.height(), h);
            for y in 0..h {
                for x in 0..job.image.width() {
                    let want = if x < w { img.get_pixel(x, y).0[0] } else { 255 };
                    prop_assert_eq!(job.image.get_pixel(x, y).0[0], want);
                }
            }
            prop_assert_eq!(job.bands.iter().sum::<u32>(), h);
            prop_assert!(job.bands.iter().all(|b| *b <= BAND_ROWS));
            prop_assert_eq!(job.inits, 1);
            prop_assert_eq!(job.cuts, 1);
            prop_assert_eq!(job.fed_lines, u32::from(FEED_LINES));
        }

        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_job(&bytes);
        }

        #[test]
        fn parse_reply_is_total_and_agrees(n in any::<u8>(), bytes in proptest::collection::vec(any::<u8>(), 0..4)) {
            let r = parse_reply(n, &bytes);
            match (StatusKind::from_n(n), bytes.as_slice()) {
                (None, _) => prop_assert_eq!(r, Err(ReplyError::UnknownQuery(n))),
                (Some(_), []) => prop_assert_eq!(r, Err(ReplyError::Empty(n))),
                (Some(k), [b]) => prop_assert_eq!(r, parse_status(k, *b).map_err(ReplyError::from)),
                (Some(_), _) => {
                    let too_long = matches!(r, Err(ReplyError::TooLong { .. }));
                    prop_assert!(too_long);
                }
            }
        }

        #[test]
        fn parse_status_is_total(n in 1u8..=4, byte in any::<u8>()) {
            let k = StatusKind::from_n(n).unwrap();
            let r = parse_status(k, byte);
            prop_assert_eq!(r.is_ok(), byte & 0x93 == 0x12);
        }
    }

    #[test]
    fn truncated_and_unknown_streams_are_errors() {
        let img = GrayImage::from_pixel(16, 3, Luma([0]));
        let bytes = encode_job(&img);
        assert!(matches!(
            decode_job(&bytes[..10]),
            Err(DecodeError::Truncated(_))
        ));
        assert!(matches!(
            decode_job(&[0x1b, 0x21, 0]),
            Err(DecodeError::Unknown(..))
        ));
        let mut two = encode_job(&img);
        two.extend(encode_job(&GrayImage::from_pixel(24, 1, Luma([0]))));
        assert!(matches!(
            decode_job(&two),
            Err(DecodeError::WidthChanged { .. })
        ));
        assert_eq!(TapeWidth::from_mm(58).map(TapeWidth::dots), Some(384));
        assert_eq!(TapeWidth::from_mm(80).map(TapeWidth::dots), Some(576));
        assert_eq!(TapeWidth::from_mm(57), None);
    }
}
