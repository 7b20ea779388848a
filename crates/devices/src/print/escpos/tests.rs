//! Status bytes over every value, and raster jobs that round-trip.

use image::{GrayImage, Luma};
use proptest::prelude::*;

use super::*;

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
            Luma([if x.trailing_zeros() >= 2 { 0 } else { 255 }])
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
