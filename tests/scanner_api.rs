//! The scanner module's public contract: source specs, statuses and their instructions,
//! and a trait object the station can move to its scanning thread.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::PathBuf;

use kiemphieu::source::{SourceSpec, open_source};
use kiemphieu_devices::scanner::{ScanError, ScanSettings, ScanStatus, Scanner};
use kiemphieu_synth::scanner::SimOptions;

#[test]
fn source_specs_parse() {
    let sane = |d: &str| SourceSpec::Sane { device: d.into() };
    assert_eq!(
        SourceSpec::parse("sane:test:0").expect("sane"),
        sane("test:0")
    );
    assert_eq!(
        SourceSpec::parse("sane:fujitsu:libusb:001:004").expect("sane"),
        sane("fujitsu:libusb:001:004")
    );
    assert_eq!(SourceSpec::parse("sane:").expect("first device"), sane(""));
    assert_eq!(
        SourceSpec::parse("folder:/srv/scans, ngày 13").expect("folder"),
        SourceSpec::Folder {
            dir: PathBuf::from("/srv/scans, ngày 13")
        }
    );
    assert_eq!(
        SourceSpec::parse("sim:").expect("sim"),
        SourceSpec::Sim(SimOptions::default())
    );
    assert_eq!(
        SourceSpec::parse("sim:120,rate=30.5,fault-every=7,seed=42").expect("sim"),
        SourceSpec::Sim(SimOptions {
            sheets: 120,
            rate: 30.5,
            fault_every: Some(7),
            seed: 42,
            ..SimOptions::default()
        })
    );
    assert_eq!(
        SourceSpec::parse("sim:300,rate=0,mix=demo").expect("sim"),
        SourceSpec::Sim(SimOptions {
            sheets: 300,
            rate: 0.0,
            mix: kiemphieu_synth::GeneratorMix::demo(),
            refeed_one: true,
            ..SimOptions::default()
        })
    );
    assert_eq!(
        SourceSpec::parse("sim:rate=0,fault-every=0").expect("sim"),
        SourceSpec::Sim(SimOptions {
            rate: 0.0,
            fault_every: None,
            ..SimOptions::default()
        })
    );
    for (bad, says) in [
        ("scanner", "expected"),
        ("usb:1", "unknown source `usb`"),
        ("folder:", "no folder"),
        ("sim:ten", "`ten`"),
        ("sim:5,speed=3", "unknown option `speed`"),
        ("sim:5,rate=-1", "rate"),
        ("sim:5,fault-every=x", "fault-every"),
        ("sim:5,7", "KEY=VALUE"),
        ("sim:5,mix=easy", "mix `easy`"),
    ] {
        let e = SourceSpec::parse(bad).expect_err(bad);
        assert!(e.message.contains(says), "{bad}: {e}");
        assert!(e.message.contains(bad), "{bad}: names the spec: {e}");
        assert_eq!(e.status, None);
    }
    let e = open_source("nope:x", &ScanSettings::default(), None)
        .err()
        .expect("unknown");
    assert!(e.message.contains("sane:DEVICE"), "{e}");
}

#[test]
fn every_status_has_a_code_and_plain_instructions() {
    let mut codes = std::collections::HashSet::new();
    for s in ScanStatus::ALL {
        assert!(codes.insert(s.code()), "unique code {}", s.code());
        assert_eq!(ScanStatus::from_code(s.code()), Some(s));
        assert_eq!(s.to_string(), s.code());
        let (vi, en) = (s.instruction_vi(), s.instruction_en());
        // One calm sentence with an action, ending in the button to press.
        assert!(vi.contains(" — ") && vi.ends_with("bấm Tiếp tục."), "{vi}");
        assert!(
            en.contains(" — ") && en.ends_with("press Continue."),
            "{en}"
        );
        // Vietnamese written with its diacritics, in NFC.
        assert!(
            vi.chars()
                .any(|c| "ạảấầẩậắằẳặẹẻếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹđêôơư".contains(c))
        );
        use unicode_normalization::UnicodeNormalization;
        assert_eq!(vi.nfc().collect::<String>(), vi);
    }
    assert_eq!(
        ScanStatus::Jammed.instruction_vi(),
        "Kẹt giấy — mở nắp, lấy tờ phiếu ra, đặt lại vào khay rồi bấm Tiếp tục."
    );
    assert_eq!(ScanStatus::from_code("paper_jam"), None);
}

#[test]
fn errors_tell_which_sheet_to_refeed() {
    let e = ScanError::fault(ScanStatus::Jammed, "sane:x: sheet 7: jammed").with_refeed(7);
    assert_eq!(e.to_string(), "sane:x: sheet 7: jammed");
    assert_eq!(
        e.instruction_vi(),
        "Kẹt giấy — mở nắp, lấy tờ phiếu ra, đặt lại vào khay rồi bấm Tiếp tục. \
         Tờ số 7 chưa được quét — hãy đặt lại tờ này vào khay."
    );
    assert!(
        e.instruction_en()
            .ends_with("Sheet 7 was not scanned — put it back in the tray.")
    );
    let e = ScanError::other("folder:x: cannot read the folder");
    assert_eq!(
        e.instruction_en(),
        "Scanner error: folder:x: cannot read the folder"
    );
    assert!(e.instruction_vi().starts_with("Lỗi máy quét: "));
}

#[test]
fn a_scanner_is_an_object_the_station_can_send_to_a_thread() {
    fn is_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = format!("folder:{}", dir.path().display());
    let settings = ScanSettings {
        folder_idle: std::time::Duration::from_millis(300),
        ..ScanSettings::default()
    };
    let mut sc: Box<dyn Scanner> = open_source(&spec, &settings, None).expect("open");
    is_send(&sc);
    let pages = std::thread::spawn(move || {
        sc.start_batch().expect("start");
        sc.next_page().expect("idle")
    })
    .join()
    .expect("thread");
    assert!(pages.is_none());
}
