//! The simulated feeder (`sim:`): deterministic ballots of the loaded election at a
//! set pace, with injected faults after which every ballot still arrives exactly once.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use image::GenericImageView;
use kiemphieu::source::open_source;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_devices::scanner::{
    ScanColour, ScanError, ScanSettings, ScanStatus, ScannedPage, Scanner, Side,
};
use kiemphieu_interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Profile, Status, decode_pages};
use kiemphieu_synth::scanner::SimContext;

fn ctx() -> SimContext {
    SimContext {
        election: parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("parse"),
        key: BallotKey::from_bytes([5; 32]),
    }
}

fn grey(dpi: u32) -> ScanSettings {
    ScanSettings {
        dpi,
        colour: ScanColour::Grey,
        ..ScanSettings::default()
    }
}

fn open(spec: &str, s: &ScanSettings) -> Box<dyn Scanner> {
    open_source(spec, s, Some(ctx())).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

/// Runs a batch to its end, collecting pages and faults in order.
fn run(sc: &mut dyn Scanner) -> Vec<Result<ScannedPage, ScanError>> {
    sc.start_batch().expect("start");
    let mut out = Vec::new();
    loop {
        match sc.next_page() {
            Ok(Some(p)) => out.push(Ok(p)),
            Ok(None) => return out,
            Err(e) => {
                assert!(out.len() < 1000, "runaway batch");
                out.push(Err(e))
            }
        }
    }
}

fn pages(results: &[Result<ScannedPage, ScanError>]) -> Vec<&ScannedPage> {
    results.iter().filter_map(|r| r.as_ref().ok()).collect()
}

#[test]
fn a_batch_is_deterministic_from_the_seed() {
    let s = grey(150);
    let a = run(open("sim:4,rate=0,seed=7", &s).as_mut());
    let b = run(open("sim:4,rate=0,seed=7", &s).as_mut());
    let c = run(open("sim:4,rate=0,seed=8", &s).as_mut());
    let (a, b, c) = (pages(&a), pages(&b), pages(&c));
    assert_eq!(a.len(), 4);
    for (i, p) in a.iter().enumerate() {
        let n = i as u64 + 1;
        assert_eq!((p.sheet, p.side, p.extension), (n, Side::Front, "png"));
        assert_eq!(p.source, format!("sim:4 sheet {n} front"));
        assert_eq!(p.dpi, Some(150.0));
        let img =
            image::load_from_memory_with_format(&p.bytes, image::ImageFormat::Png).expect("PNG");
        assert_eq!(img.color(), image::ColorType::L8, "grey as set");
        // An A5 ballot at 150 dpi, give or take the background around the sheet.
        let (w, h) = img.dimensions();
        assert!(
            (840..=1000).contains(&w) && (1200..=1400).contains(&h),
            "{w}×{h}"
        );
    }
    assert!(
        a.iter().zip(&b).all(|(x, y)| x.bytes == y.bytes),
        "same seed, same pages"
    );
    assert!(
        a.iter().zip(&c).all(|(x, y)| x.bytes != y.bytes),
        "other seed, other pages"
    );
    let distinct: std::collections::HashSet<&[u8]> = a.iter().map(|p| &p.bytes[..]).collect();
    assert_eq!(distinct.len(), 4, "every ballot differs");
}

#[test]
fn the_pages_are_ballots_of_the_loaded_election() {
    let context = ctx();
    let interpreter = Interpreter::new(&context.election, context.key.clone(), Profile::default())
        .expect("interpreter");
    let s = ScanSettings {
        dpi: 200,
        colour: ScanColour::Colour,
        ..ScanSettings::default()
    };
    let results = run(open("sim:3,rate=0,seed=3", &s).as_mut());
    for p in pages(&results) {
        let decoded = decode_pages(&p.bytes, DEFAULT_PIXEL_BUDGET).expect("decodes");
        for page in decoded {
            assert_eq!(page.image.color(), image::ColorType::Rgb8, "colour as set");
            let reading = interpreter.interpret(&page);
            assert!(
                !matches!(reading.status, Status::Rejected),
                "{}: rejected: {:?}",
                p.source,
                reading.reasons
            );
            assert!(reading.serial.is_some(), "{}: QR verified", p.source);
        }
    }
}

#[test]
fn faults_cycle_through_every_status_and_every_ballot_arrives_once() {
    let s = grey(150);
    let clean = run(open("sim:12,rate=0,seed=2", &s).as_mut());
    let faulty = run(open("sim:12,rate=0,seed=2,fault-every=2", &s).as_mut());
    let faults: Vec<&ScanError> = faulty.iter().filter_map(|r| r.as_ref().err()).collect();
    let statuses: Vec<ScanStatus> = faults.iter().filter_map(|e| e.status).collect();
    assert_eq!(
        statuses.len(),
        faults.len(),
        "every injected fault has a status"
    );
    assert_eq!(
        &statuses[..7],
        &ScanStatus::ALL,
        "cycles through all statuses"
    );
    for e in &faults {
        let pulled = matches!(
            e.status,
            Some(ScanStatus::Jammed | ScanStatus::DoubleFeed | ScanStatus::IoError)
        );
        assert_eq!(e.refeed_sheet.is_some(), pulled, "{e}");
        if let Some(n) = e.refeed_sheet {
            assert!(e.instruction_vi().contains(&format!("Tờ số {n}")));
        }
    }
    // Sheet numbers rise; a sheet that faulted without moving is scanned under the
    // same number, a pulled one is not reused.
    let mut last = 0;
    for r in &faulty {
        match r {
            Ok(p) => {
                assert!(p.sheet > last, "sheet {} after {last}", p.sheet);
                last = p.sheet;
            }
            Err(e) => {
                if let Some(n) = e.refeed_sheet {
                    assert!(n > last);
                    last = n;
                }
            }
        }
    }
    // The same ballots, each exactly once, in a different order.
    let count = |rs: &[Result<ScannedPage, ScanError>]| {
        let mut m: HashMap<Vec<u8>, usize> = HashMap::new();
        for p in pages(rs) {
            *m.entry(p.bytes.clone()).or_default() += 1;
        }
        m
    };
    let (want, got) = (count(&clean), count(&faulty));
    assert_eq!(want.len(), 12);
    assert_eq!(got, want);
    let order = |rs: &[Result<ScannedPage, ScanError>]| -> Vec<Vec<u8>> {
        pages(rs).iter().map(|p| p.bytes.clone()).collect()
    };
    assert_ne!(order(&clean), order(&faulty), "re-fed ballots come later");
}

#[test]
fn the_pace_is_kept() {
    // 300 sheets a minute: one every 0.2 s, the first included.
    let mut sc = open("sim:3,rate=300", &grey(150));
    let t = Instant::now();
    let results = run(sc.as_mut());
    assert_eq!(pages(&results).len(), 3);
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        sc.describe().contains("300 sheets/min"),
        "{}",
        sc.describe()
    );
}

#[test]
fn duplex_gives_a_back_for_every_front() {
    let s = ScanSettings {
        duplex: true,
        ..grey(150)
    };
    let results = run(open("sim:2,rate=0", &s).as_mut());
    let p = pages(&results);
    let got: Vec<(u64, Side)> = p.iter().map(|p| (p.sheet, p.side)).collect();
    assert_eq!(
        got,
        [
            (1, Side::Front),
            (1, Side::Back),
            (2, Side::Front),
            (2, Side::Back)
        ]
    );
    assert_eq!(p[1].source, "sim:2 sheet 1 back");
    assert!(image::load_from_memory(&p[1].bytes).is_ok());
    assert_ne!(p[0].bytes, p[1].bytes);
}

#[test]
fn cancel_keeps_the_rest_of_the_tray_and_an_empty_tray_is_no_paper() {
    let mut sc = open("sim:3,rate=0", &grey(150));
    sc.start_batch().expect("start");
    let first = sc.next_page().expect("ok").expect("sheet 1");
    sc.cancel();
    assert!(sc.next_page().expect("cancelled").is_none());
    let rest = run(sc.as_mut());
    let rest = pages(&rest);
    assert_eq!(rest.len(), 2, "the other two ballots");
    assert_eq!(rest[0].sheet, 1, "sheet numbers restart per batch");
    assert!(rest.iter().all(|p| p.bytes != first.bytes));
    sc.start_batch().expect("start");
    let e = sc.next_page().expect_err("empty tray");
    assert_eq!(e.status, Some(ScanStatus::NoPaper));
}

#[test]
fn sim_needs_an_election_and_a_supported_resolution() {
    let e = open_source("sim:3", &ScanSettings::default(), None)
        .err()
        .expect("no election");
    assert!(e.message.contains("election"), "{e}");
    let e = open_source("sim:3", &grey(1200), Some(ctx()))
        .err()
        .expect("1200 dpi");
    assert!(e.message.contains("1200"), "{e}");
    let e = open_source("sim:3,rate=0.001", &grey(150), Some(ctx()))
        .err()
        .expect("rate");
    assert!(e.message.contains("rate"), "{e}");
    let sc = open("sim:", &ScanSettings::default());
    let d = sc.describe();
    assert!(
        d.contains("50 ballots") && d.contains("60 sheets/min"),
        "{d}"
    );
}
