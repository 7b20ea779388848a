//! The kiosk driven through its accessible labels with Slint's headless testing
//! backend (software renderer): set-up → simulated batch → review decisions
//! (with an undo) → reconcile → every member confirms → tally sheet; then the
//! window is reopened on the same database and resumes where it was. Each
//! screen is rendered to `target/screenshots/` in both languages.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use i_slint_backend_testing::ElementHandle;
use i_slint_backend_testing::testing_backend::{TestingBackend, TestingBackendOptions};
use kiemphieu::kiosk::ui::{Kiosk, KioskWindow, Tr};
use kiemphieu::kiosk::{KioskApp, KioskOptions};
use kiemphieu_station::station::Station;
use kiemphieu_station::store::SessionState;
use slint::{ComponentHandle, Model};

const LEADER: &str = "Nguyễn Thị Hoa";
const MEMBERS: [&str; 2] = ["Lê Văn Ba", "Phạm Thị Lan"];
const WAIT: Duration = Duration::from_secs(240);

fn init_headless() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: false,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .expect("the testing platform is set once per test process");
}

/// The element with exactly this accessible label and an accessible role other than plain text.
fn element(app: &KioskWindow, label: &str) -> ElementHandle {
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(app, label)
        .filter(|e| {
            e.accessible_role()
                .is_some_and(|r| r != i_slint_backend_testing::AccessibleRole::Text)
        })
        .collect();
    assert!(
        !found.is_empty(),
        "no interactive element labelled `{label}` on screen {}",
        app.global::<Kiosk>().get_screen()
    );
    found.into_iter().next().unwrap()
}

/// The first button whose accessible label starts with `prefix`.
fn button_starting(app: &KioskWindow, prefix: &str) -> ElementHandle {
    let p = prefix.to_string();
    ElementHandle::query_descendants(
        &ElementHandle::find_by_element_id(app, "KioskWindow::keys")
            .next()
            .expect("root focus scope"),
    )
    .match_accessible_role(i_slint_backend_testing::AccessibleRole::Button)
    .match_predicate(move |e| e.accessible_label().is_some_and(|l| l.starts_with(&p)))
    .find_first()
    .unwrap_or_else(|| panic!("no button starting with `{prefix}`"))
}

fn click(app: &KioskWindow, label: &str) {
    element(app, label).invoke_accessible_default_action();
}

fn type_into(app: &KioskWindow, label: &str, text: &str) {
    element(app, label).set_accessible_value(text);
}

fn has_text(app: &KioskWindow, text: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, text)
        .next()
        .is_some()
}

/// Renders the window and checks the picture is a screen, not a blank.
fn screenshot(app: &KioskWindow, name: &str) {
    let shot = app
        .window()
        .take_snapshot()
        .expect("the software renderer takes snapshots");
    let (w, h) = (shot.width(), shot.height());
    assert!(w >= 1000 && h >= 600, "{name}: {w}×{h}");
    let pixels = shot.as_slice();
    let dark = pixels
        .iter()
        .filter(|p| (p.r as u32 + p.g as u32 + p.b as u32) < 200)
        .count();
    let colours: std::collections::HashSet<(u8, u8, u8)> =
        pixels.iter().step_by(7).map(|p| (p.r, p.g, p.b)).collect();
    assert!(dark > pixels.len() / 400, "{name}: almost no text drawn");
    assert!(
        colours.len() > 20,
        "{name}: looks blank ({} colours)",
        colours.len()
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rgba = image::RgbaImage::new(w, h);
    for (i, p) in pixels.iter().enumerate() {
        rgba.put_pixel(
            i as u32 % w,
            i as u32 / w,
            image::Rgba([p.r, p.g, p.b, p.a]),
        );
    }
    rgba.save(dir.join(format!("{name}.png"))).unwrap();
}

/// Screenshots of the current screen in Vietnamese and English, checking a key text in each.
fn screenshots(app: &KioskWindow, name: &str, vi: &str, en: &str) {
    assert!(has_text(app, vi), "{name}: `{vi}` not shown");
    screenshot(app, &format!("{name}-vi"));
    click(app, "English");
    assert!(app.global::<Tr>().get_en());
    assert!(has_text(app, en), "{name}: `{en}` not shown in English");
    screenshot(app, &format!("{name}-en"));
    click(app, "Tiếng Việt");
    assert!(!app.global::<Tr>().get_en());
}

fn demo_election(dir: &Path, households: u32) -> PathBuf {
    let text = kiemphieu_core::election::EXAMPLE_ELECTION
        .replace("households = 412", &format!("households = {households}"));
    let path = dir.join("bau-cu.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[allow(clippy::too_many_lines)] // one count from set-up to reopening, step by step as the officials go
#[test]
fn whole_count_through_accessible_labels() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let election = demo_election(dir.path(), 50);
    let db = dir.path().join("station.db");
    let options = KioskOptions {
        db: db.clone(),
        election: None,
        scanner: Some("sim:40,rate=0".into()),
        election_dirs: vec![dir.path().to_path_buf()],
        demo: true,
        // The officials here are a script deciding as soon as a ballot shows.
        debounce: Some(Duration::ZERO),
        ..Default::default()
    };
    let kiosk = KioskApp::new(&options).unwrap();
    let app = kiosk.window();
    // Tall enough that every step's page fits without scrolling: the testing
    // backend finds only what is on screen (tests/kiosk_layout.rs scrolls at
    // the real sizes).
    app.window().set_size(slint::PhysicalSize::new(1280, 2000));
    let k = app.global::<Kiosk>();

    // 1. Set-up: the election file is found in the folder; choose it.
    assert!(kiosk.pump_until(
        WAIT,
        |w| w.global::<Kiosk>().get_election_files().row_count() == 1
    ));
    click(app, &election.display().to_string());
    assert!(kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_election_loaded()));
    assert!(k.get_election_summary().contains("H = 50"));
    type_into(app, "Trưởng ban kiểm phiếu", LEADER);
    type_into(
        app,
        "Thành viên (cách nhau bằng dấu phẩy)",
        &MEMBERS.join(", "),
    );
    type_into(
        app,
        "Hai người chứng kiến (cách nhau bằng dấu phẩy)",
        "Trần Văn Hùng, Đỗ Thị Mai",
    );
    type_into(app, "Số đại diện hộ gia đình dự họp (A)", "20");
    // 20 of 50 households: the quorum warning shows, and does not block.
    assert!(has_text(
        app,
        "Cảnh báo: số dự họp 20 không quá một nửa trong 50 hộ; cuộc họp có thể không đủ điều kiện."
    ));
    screenshots(app, "1-setup", "Tệp bầu cử", "Election file");
    type_into(app, "Số đại diện hộ gia đình dự họp (A)", "45");
    // The election file's day is not the clock's (rules.md §12): unanswered,
    // the session does not open; the board says the file's date is right.
    click(app, "Mở phiên kiểm phiếu");
    assert!(kiosk.pump_until(WAIT, |w| {
        w.global::<Kiosk>().get_notice().contains("13/10/2024")
    }));
    assert!(!k.get_session_open());
    click(app, "13/10/2024 (đồng hồ của máy sai)");
    click(app, "Mở phiên kiểm phiếu");
    assert!(kiosk.pump_until(WAIT, |w| {
        let k = w.global::<Kiosk>();
        k.get_session_open() && k.get_screen() == 1
    }));

    // 2. Counting: one simulated batch of 40 sheets.
    click(app, "Bắt đầu (F6)");
    assert!(kiosk.pump_until(WAIT, |w| {
        let k = w.global::<Kiosk>();
        k.get_scanned() == 40 && k.get_pending() == 0 && !k.get_scanning()
    }));
    let station = Station::open(&db).unwrap();
    let count = station.count().unwrap();
    let candidates = station.election().candidates.len();
    drop(station);
    assert_eq!(k.get_valid() as u32, count.tally.valid);
    assert_eq!(k.get_invalid() as u32, count.tally.invalid);
    assert_eq!(k.get_awaiting_review() as u32, count.awaiting_review);
    let tally = k.get_tally();
    assert_eq!(tally.row_count(), candidates);
    assert!(k.get_last_caption().starts_with("Tờ "));
    screenshots(app, "2-counting", "Hợp lệ", "Valid");

    // 3. Review: decide each doubtful ballot as the machine suggests' first option,
    // after undoing one decision once.
    let waiting = k.get_awaiting_review();
    assert!(waiting > 0, "the simulated batch holds doubtful ballots");
    button_starting(app, "3 Xem xét").invoke_accessible_default_action();
    assert_eq!(k.get_screen(), 2);
    screenshots(app, "3-review", "Người quyết định:", "Deciding official:");
    click(app, MEMBERS[0]);
    assert_eq!(k.get_official_index(), 1);
    let first = button_starting(app, "1. Hợp lệ — bầu");
    first.invoke_accessible_default_action();
    assert!(
        kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_awaiting_review()
            == waiting - 1)
    );
    assert!(k.get_can_undo());
    button_starting(app, "Hoàn tác").invoke_accessible_default_action();
    assert!(
        kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_awaiting_review()
            == waiting)
    );
    // Every page waiting, whatever its place: its first choice (a vote, a
    // confirmation of a paper not of the issued form, of the blank pages).
    while k.get_awaiting_review() > 0 {
        let before = k.get_awaiting_review();
        button_starting(app, "1. ").invoke_accessible_default_action();
        assert!(
            kiosk.pump_until(WAIT, move |w| w.global::<Kiosk>().get_awaiting_review()
                < before)
        );
    }
    assert!(has_text(
        app,
        "Không còn tờ nào chờ Tổ kiểm phiếu quyết định."
    ));
    assert!(
        k.get_unit_title()
            .starts_with("DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")
    );

    // 4. Reconcile and confirm.
    click(app, "4 Đối chiếu");
    let returned = (k.get_valid() + k.get_invalid()).to_string();
    type_into(app, "Số phiếu phát ra", "45");
    type_into(app, "Số phiếu thu vào", &returned);
    click(app, "Đối chiếu số liệu");
    assert!(kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_reconciled()));
    let checks = k.get_checks();
    assert!(checks.row_count() >= 3);
    assert!(checks.iter().all(|c| c.holds), "every identity holds");
    assert!(!k.get_result_sentence().is_empty());
    // A complaint received at the count, recorded by the leader before anyone confirms.
    assert!(k.get_can_complain());
    click(app, "Ghi khiếu nại (F9)");
    assert!(k.get_complaint_form());
    type_into(app, "Người khiếu nại, tố cáo", "Ông Phạm Văn Tư");
    type_into(app, "Nội dung", "Đề nghị kiểm lại phiếu số 12");
    type_into(
        app,
        "Cách giải quyết của Tổ bầu cử",
        "Đã kiểm lại trước mặt người khiếu nại, giữ nguyên kết quả",
    );
    click(app, LEADER);
    click(app, "Lưu khiếu nại");
    assert!(kiosk.pump_until(WAIT, |w| {
        let k = w.global::<Kiosk>();
        k.get_complaints().row_count() == 1 && !k.get_complaint_form()
    }));
    let line = k.get_complaints().row_data(0).unwrap();
    assert!(
        line.contains("Ông Phạm Văn Tư") && line.contains("giữ nguyên kết quả"),
        "{line}"
    );
    assert!(k.get_complaint_text().is_empty(), "the form is cleared");
    screenshots(app, "4-reconcile", "Kiểm tra", "Checks");
    for name in std::iter::once(LEADER).chain(MEMBERS) {
        click(app, &format!("Xác nhận: {name}"));
        let n = name.to_string();
        assert!(kiosk.pump_until(WAIT, move |w| {
            w.global::<Kiosk>()
                .get_board()
                .iter()
                .any(|m| m.name == n.as_str() && m.confirmed)
        }));
    }
    assert!(kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_closed()));
    assert!(
        !k.get_can_complain(),
        "a confirmed count takes no more complaints"
    );
    let station = Station::open(&db).unwrap();
    assert_eq!(station.state().unwrap(), SessionState::Closed);
    assert_eq!(station.complaints().unwrap().len(), 1);
    let final_count = station.count().unwrap();
    assert_eq!(final_count.awaiting_review, 0);
    assert_eq!(k.get_valid() as u32, final_count.tally.valid);
    drop(station);

    // 5. Tally sheet.
    click(app, "Đã kết thúc — xem biên bản");
    assert_eq!(k.get_screen(), 4);
    assert!(has_text(
        app,
        &format!("Số phiếu hợp lệ: {}", final_count.tally.valid)
    ));
    // Print: the signed biên bản is written beside the database (and printed when
    // CUPS has a printer); export: the signed bundle.
    type_into(app, "Số bản", "2");
    click(app, "In biên bản");
    let sheet_pdf = PathBuf::from(format!("{}.bien-ban.pdf", db.display()));
    assert!(kiosk.pump_until(WAIT, |w| {
        w.global::<Kiosk>()
            .get_report_status()
            .ends_with(".bien-ban.pdf")
    }));
    let pdf = std::fs::read(&sheet_pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let export = dir.path().join("usb");
    type_into(app, "Thư mục xuất (USB)", &export.display().to_string());
    click(app, "Xuất bộ hồ sơ có chữ ký số");
    assert!(kiosk.pump_until(WAIT, |w| {
        w.global::<Kiosk>()
            .get_notice()
            .starts_with("Đã xuất bộ hồ sơ")
    }));
    assert!(export.join("result.json").exists());
    screenshots(
        app,
        "5-sheet",
        "Kết quả (đã xác nhận)",
        "Result (confirmed)",
    );
    drop(kiosk);

    // Reopening resumes the closed session on the screen it was on.
    let kiosk = KioskApp::new(&options).unwrap();
    let app = kiosk.window();
    app.window().set_size(slint::PhysicalSize::new(1280, 2000));
    assert!(kiosk.pump_until(WAIT, |w| w.global::<Kiosk>().get_closed()));
    assert_eq!(app.global::<Kiosk>().get_screen(), 4);
    assert_eq!(
        app.global::<Kiosk>().get_valid() as u32,
        final_count.tally.valid
    );
}

#[test]
fn a_real_database_never_offers_the_simulator() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let election = demo_election(dir.path(), 50);
    let db = dir.path().join("station.db");
    let options = KioskOptions {
        db: db.clone(),
        election: Some(election),
        election_dirs: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    let kiosk = KioskApp::new(&options).unwrap();
    let app = kiosk.window();
    app.window().set_size(slint::PhysicalSize::new(1280, 2000));
    assert!(kiosk.pump_until(
        WAIT,
        |w| w.global::<Kiosk>().get_scanner_sources().row_count() > 0
    ));
    let k = app.global::<Kiosk>();
    let sources: Vec<String> = k
        .get_scanner_sources()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        sources.iter().all(|s| !s.starts_with("sim:")),
        "{sources:?}"
    );
    assert!(
        sources.iter().any(|s| s.starts_with("folder:")),
        "the hot folder: {sources:?}"
    );
    assert!(
        !k.get_scanner_source().starts_with("sim:"),
        "no simulator by default"
    );
    // Typed in by hand, the simulator is still refused in a real count.
    k.set_scanner_source("sim:3".into());
    click(app, "Quét thử 1 tờ");
    assert!(kiosk.pump_until(WAIT, |w| {
        w.global::<Kiosk>().get_test_status().contains("demo")
    }));
}
