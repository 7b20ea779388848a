//! The batch logic and frame conversion against a scripted device (no libsane needed).

use std::collections::VecDeque;

use image::GenericImageView;

use super::batch::Feeder;
use super::ffi::{self, Parameters, Status};
use super::frame::{Fault, FrameDevice, acquire};
use crate::scanner::{PaperSource, ScanStatus, Side};

/// What the next `sane_start` does.
enum Step {
    /// Start fails with this status.
    StartFails(Status),
    /// A frame: its parameters, its bytes, then the status that ends it (EOF or a fault).
    Frame(Parameters, Vec<u8>, Status),
}

#[derive(Default)]
struct Fake {
    script: VecDeque<Step>,
    /// The frame being read: remaining bytes and the status after them.
    reading: Option<(Parameters, VecDeque<u8>, Status)>,
    calls: Vec<&'static str>,
    double_feed: bool,
}

impl Fake {
    fn new(script: Vec<Step>) -> Fake {
        Fake {
            script: script.into(),
            ..Fake::default()
        }
    }
}

impl FrameDevice for Fake {
    fn start(&mut self) -> Status {
        self.calls.push("start");
        match self.script.pop_front() {
            None => ffi::STATUS_NO_DOCS,
            Some(Step::StartFails(st)) => st,
            Some(Step::Frame(p, data, end)) => {
                self.reading = Some((p, data.into(), end));
                ffi::STATUS_GOOD
            }
        }
    }
    fn parameters(&mut self) -> Result<Parameters, Status> {
        self.calls.push("params");
        self.reading.as_ref().map(|r| r.0).ok_or(ffi::STATUS_INVAL)
    }
    fn read(&mut self, buf: &mut [u8]) -> (Status, usize) {
        self.calls.push("read");
        let Some((_, data, end)) = self.reading.as_mut() else {
            return (ffi::STATUS_INVAL, 0);
        };
        if data.is_empty() {
            return (*end, 0);
        }
        // Small, uneven chunks, as real backends send.
        let n = data.len().min(buf.len()).min(7);
        for b in buf.iter_mut().take(n) {
            *b = data.pop_front().unwrap_or(0);
        }
        (ffi::STATUS_GOOD, n)
    }
    fn cancel(&mut self) {
        self.calls.push("cancel");
        self.reading = None;
    }
    fn double_feed_sensor(&mut self) -> bool {
        self.double_feed
    }
}

fn grey(w: i32, h: i32, depth: i32) -> Parameters {
    let bpl = (w * depth).div_euclid(8) + i32::from((w * depth) % 8 != 0);
    Parameters {
        format: ffi::FRAME_GRAY,
        last_frame: 1,
        bytes_per_line: bpl,
        pixels_per_line: w,
        lines: h,
        depth,
    }
}

/// A complete 4 × 3 grey page whose pixels all equal `v`.
fn page(v: u8) -> Step {
    Step::Frame(grey(4, 3, 8), vec![v; 12], ffi::STATUS_EOF)
}

fn feeder(duplex: bool) -> Feeder {
    let mut f = Feeder::new("sane:fake".into(), PaperSource::Adf, duplex);
    f.start();
    f
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::load_from_memory(bytes)
        .expect("png")
        .to_luma8()
        .into_raw()
}

#[test]
fn an_adf_batch_starts_per_page_and_cancels_only_at_the_end() {
    let mut dev = Fake::new(vec![page(10), page(20)]);
    let mut f = feeder(false);
    let a = f.next(&mut dev, Some(300.0)).expect("ok").expect("page 1");
    let b = f.next(&mut dev, Some(300.0)).expect("ok").expect("page 2");
    assert!(f.next(&mut dev, Some(300.0)).expect("ok").is_none());
    assert!(f.next(&mut dev, Some(300.0)).expect("ok").is_none());
    assert_eq!((a.sheet, b.sheet), (1, 2));
    assert_eq!(a.source, "sane:fake sheet 1 front");
    assert_eq!(pixels(&a.bytes), vec![10; 12]);
    assert_eq!(pixels(&b.bytes), vec![20; 12]);
    let starts = dev.calls.iter().filter(|c| **c == "start").count();
    let cancels: Vec<usize> = (0..dev.calls.len())
        .filter(|&i| dev.calls[i] == "cancel")
        .collect();
    assert_eq!(starts, 3);
    assert_eq!(cancels, vec![dev.calls.len() - 1], "{:?}", dev.calls);
}

#[test]
fn duplex_sheets_come_whole_or_not_at_all() {
    let mut dev = Fake::new(vec![
        page(1),
        page(2),
        // Sheet 2: the front arrives, the back jams.
        page(3),
        Step::Frame(grey(4, 3, 8), vec![4; 5], ffi::STATUS_JAMMED),
        page(5),
        page(6),
    ]);
    let mut f = feeder(true);
    let front = f.next(&mut dev, None).expect("ok").expect("front");
    let back = f.next(&mut dev, None).expect("ok").expect("back");
    assert_eq!((front.sheet, front.side), (1, Side::Front));
    assert_eq!((back.sheet, back.side), (1, Side::Back));
    assert_eq!(back.source, "sane:fake sheet 1 back");
    let e = f.next(&mut dev, None).expect_err("jam");
    assert_eq!(e.status, Some(ScanStatus::Jammed));
    assert_eq!(e.refeed_sheet, Some(2));
    assert!(e.message.contains("sheet 2 back"), "{e}");
    let front = f.next(&mut dev, None).expect("ok").expect("front 3");
    let back = f.next(&mut dev, None).expect("ok").expect("back 3");
    assert_eq!((front.sheet, back.sheet), (3, 3));
    assert_eq!(pixels(&front.bytes), vec![5; 12]);
    assert_eq!(pixels(&back.bytes), vec![6; 12]);
    assert!(f.next(&mut dev, None).expect("ok").is_none());
}

#[test]
fn a_jam_with_the_double_feed_sensor_set_is_a_double_feed() {
    let mut dev = Fake::new(vec![
        Step::Frame(grey(4, 3, 8), vec![0; 3], ffi::STATUS_JAMMED),
        page(9),
    ]);
    dev.double_feed = true;
    let mut f = feeder(false);
    let e = f.next(&mut dev, None).expect_err("double feed");
    assert_eq!(e.status, Some(ScanStatus::DoubleFeed));
    assert_eq!(e.refeed_sheet, Some(1));
    dev.double_feed = false;
    assert_eq!(f.next(&mut dev, None).expect("ok").expect("page").sheet, 2);
}

#[test]
fn start_faults_before_a_sheet_moves_keep_its_number() {
    let mut dev = Fake::new(vec![
        Step::StartFails(ffi::STATUS_COVER_OPEN),
        Step::StartFails(ffi::STATUS_DEVICE_BUSY),
        Step::StartFails(ffi::STATUS_JAMMED),
        page(7),
    ]);
    let mut f = feeder(false);
    for want in [ScanStatus::CoverOpen, ScanStatus::DeviceBusy] {
        let e = f.next(&mut dev, None).expect_err("fault");
        assert_eq!((e.status, e.refeed_sheet), (Some(want), None));
    }
    // A jam at pick-up leaves sheet 1 in the path.
    let e = f.next(&mut dev, None).expect_err("jam");
    assert_eq!(
        (e.status, e.refeed_sheet),
        (Some(ScanStatus::Jammed), Some(1))
    );
    assert_eq!(f.next(&mut dev, None).expect("ok").expect("page").sheet, 2);
}

#[test]
fn a_frame_that_ends_early_is_never_a_page() {
    let mut dev = Fake::new(vec![
        Step::Frame(grey(4, 3, 8), vec![1; 11], ffi::STATUS_EOF),
        page(2),
    ]);
    let mut f = feeder(false);
    let e = f.next(&mut dev, None).expect_err("truncated");
    assert_eq!(e.status, Some(ScanStatus::IoError));
    assert_eq!(e.refeed_sheet, Some(1));
    assert!(e.message.contains("11 of 12 bytes"), "{e}");
    assert_eq!(f.next(&mut dev, None).expect("ok").expect("page").sheet, 2);

    // Unknown height: whole lines only.
    let p = grey(4, -1, 8);
    let mut dev = Fake::new(vec![Step::Frame(p, vec![1; 10], ffi::STATUS_EOF)]);
    assert!(matches!(
        acquire(&mut dev),
        Err(Fault::Truncated { got: 10, .. })
    ));
    let mut dev = Fake::new(vec![Step::Frame(p, vec![1; 8], ffi::STATUS_EOF)]);
    let img = acquire(&mut dev).expect("two lines");
    assert_eq!((img.width, img.height), (4, 2));
}

#[test]
fn no_docs_mid_page_is_no_paper_with_that_sheet_to_refeed() {
    let mut dev = Fake::new(vec![
        page(1),
        Step::Frame(grey(4, 3, 8), vec![1; 6], ffi::STATUS_NO_DOCS),
    ]);
    let mut f = feeder(false);
    f.next(&mut dev, None).expect("ok").expect("page");
    let e = f.next(&mut dev, None).expect_err("fault");
    assert_eq!(
        (e.status, e.refeed_sheet),
        (Some(ScanStatus::NoPaper), Some(2))
    );
}

#[test]
fn an_idle_feeder_refuses_and_eof_at_start_retries_after_cancel() {
    let mut dev = Fake::new(vec![page(1)]);
    let mut f = Feeder::new("sane:fake".into(), PaperSource::Adf, false);
    assert!(f.next(&mut dev, None).is_err(), "no batch started");

    // A single-shot backend: EOF from sane_start until cancelled.
    let mut dev = Fake::new(vec![Step::StartFails(ffi::STATUS_EOF), page(4)]);
    let img = acquire(&mut dev).expect("second start after cancel");
    assert_eq!(img.data, vec![4; 12]);
    assert_eq!(&dev.calls[..3], &["start", "cancel", "start"]);
    let mut dev = Fake::new(vec![
        Step::StartFails(ffi::STATUS_EOF),
        Step::StartFails(ffi::STATUS_EOF),
    ]);
    assert_eq!(acquire(&mut dev), Err(Fault::NoDocs));
}

#[test]
fn three_pass_frames_are_interleaved() {
    let plane = |format, v: u8, last| {
        Step::Frame(
            Parameters {
                format,
                last_frame: last,
                ..grey(2, 1, 8)
            },
            vec![v, v + 1],
            ffi::STATUS_EOF,
        )
    };
    // Green, blue, red: the order the pnm backend uses.
    let mut dev = Fake::new(vec![
        plane(ffi::FRAME_GREEN, 20, 0),
        plane(ffi::FRAME_BLUE, 30, 0),
        plane(ffi::FRAME_RED, 10, 1),
    ]);
    let img = acquire(&mut dev).expect("rgb");
    assert!(img.rgb);
    assert_eq!(img.data, vec![10, 20, 30, 11, 21, 31]);
}

#[test]
fn one_bit_grey_keeps_black_as_black_and_the_resolution() {
    // SANE: a set bit is black. 10 pixels: B W B W B W B W B B.
    let bits = [0b1010_1010u8, 0b1100_0000];
    let mut dev = Fake::new(vec![Step::Frame(
        grey(10, 1, 1),
        bits.to_vec(),
        ffi::STATUS_EOF,
    )]);
    let mut f = feeder(false);
    let p = f.next(&mut dev, Some(200.0)).expect("ok").expect("page");
    let img = image::load_from_memory(&p.bytes).expect("png");
    assert_eq!(img.dimensions(), (10, 1));
    assert_eq!(
        img.to_luma8().into_raw(),
        vec![0, 255, 0, 255, 0, 255, 0, 255, 0, 0]
    );
    assert_eq!(
        crate::scanner::folder::file_dpi(&p.bytes, "png"),
        Some(200.0)
    );
}

#[test]
fn bad_parameters_are_refused() {
    for p in [
        Parameters {
            depth: 4,
            ..grey(4, 3, 8)
        },
        Parameters {
            bytes_per_line: 3,
            ..grey(4, 3, 8)
        },
        Parameters {
            format: 11,
            ..grey(4, 3, 8)
        },
        Parameters {
            lines: 0,
            ..grey(4, 3, 8)
        },
    ] {
        let mut dev = Fake::new(vec![Step::Frame(p, vec![0; 12], ffi::STATUS_EOF)]);
        assert!(
            matches!(acquire(&mut dev), Err(Fault::Unsupported(_))),
            "{p:?}"
        );
    }
}

#[test]
fn a_missing_libsane_names_the_library_and_the_package() {
    let Err(e) = ffi::load_from(&["libsane-not-installed.so.1"]) else {
        panic!("a library that does not exist loaded");
    };
    assert!(e.contains("libsane.so.1") && e.contains("libsane1"), "{e}");
}

#[test]
#[cfg(target_pointer_width = "64")]
fn ffi_structs_have_the_c_layout() {
    use std::mem::{offset_of, size_of};
    // sane.h on LP64: three string pointers, five ints, padding, the constraint union.
    assert_eq!(offset_of!(ffi::OptionDescriptor, kind), 24);
    assert_eq!(offset_of!(ffi::OptionDescriptor, constraint_type), 40);
    assert_eq!(offset_of!(ffi::OptionDescriptor, constraint), 48);
    assert_eq!(size_of::<ffi::OptionDescriptor>(), 56);
    assert_eq!(size_of::<ffi::Parameters>(), 24);
    assert_eq!(size_of::<ffi::Device>(), 32);
    assert_eq!(size_of::<ffi::Range>(), 12);
}
