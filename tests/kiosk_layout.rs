//! The kiosk's layout at every screen it may meet, checked through Slint's
//! headless testing backend rather than by eye: 1024×600, 1366×768 and
//! 1920×1080, with 1, 2, 5 and 10 candidates, in Vietnamese and English, on
//! every step (and the forms that open on them). On each, every button and
//! text field must be reachable — inside the window across, and inside the
//! step's scrolling page (seen at its top and scrolled to its bottom) — at
//! least 56 px square for a finger, without overlapping another; and the
//! review step's controls must not move from one ballot to the next. The
//! window is filled with made-up figures (no station, no scanning), so the
//! whole matrix runs in seconds; a few screenshots are written for the docs.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]

use std::path::{Path, PathBuf};

use i_slint_backend_testing::testing_backend::{TestingBackend, TestingBackendOptions};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use kiemphieu::kiosk::present;
use kiemphieu::kiosk::review_input::verdict_key;
use kiemphieu::kiosk::ui::{BoardMember, CheckRow, Kiosk, KioskWindow, LabelValue, TallyRow, Tr};
use kiemphieu_core::election::{Candidate, EXAMPLE_ELECTION, Election, parse_election};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

const SIZES: [(u32, u32); 3] = [(1024, 600), (1366, 768), (1920, 1080)];
const CANDIDATES: [usize; 4] = [1, 2, 5, 10];
/// Long real-looking names: the worst case for wrapping.
const NAMES: [&str; 10] = [
    "Nguyễn Thị Phương Thảo",
    "Lê Văn Ba",
    "Trần Hoàng Minh Khôi",
    "Phạm Thị Lan",
    "Đỗ Quang Vinh",
    "Hoàng Thị Ngọc Bích",
    "Vũ Đức Thắng",
    "Bùi Thị Thanh Hương",
    "Đặng Văn Toàn",
    "Ngô Thị Kim Chi",
];
const BOARD: [&str; 5] = [
    "Nguyễn Thị Hoa",
    "Lê Văn Ba",
    "Phạm Thị Lan",
    "Trần Văn Hùng",
    "Đỗ Thị Mai",
];

fn election(n: usize) -> Election {
    let mut e = parse_election(EXAMPLE_ELECTION, Path::new("bau-cu.toml")).unwrap();
    e.candidates = (0..n)
        .map(|i| Candidate {
            id: format!("c{}", i + 1),
            name: NAMES[i].into(),
            honorific: None,
        })
        .collect();
    e
}

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn strings(v: impl IntoIterator<Item = String>) -> ModelRc<SharedString> {
    model(v.into_iter().map(SharedString::from).collect())
}

fn picture(w: u32, h: u32) -> slint::Image {
    let mut buf = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(w, h);
    for (i, p) in buf.make_mut_slice().iter_mut().enumerate() {
        let v = if (i / 7) % 5 == 0 { 40 } else { 230 };
        *p = slint::Rgb8Pixel { r: v, g: v, b: v };
    }
    slint::Image::from_rgb8(buf)
}

/// Fills every property a step shows, as a long count with `n` candidates would.
fn fill(k: &Kiosk<'_>, n: usize, en: bool) {
    let e = election(n);
    k.set_unit_title("Bầu cử Trưởng thôn — Thôn Đông Hòa, xã An Phú".into());
    k.set_session_open(true);
    k.set_election_loaded(true);
    k.set_households(412);
    k.set_election_summary(
        format!(
            "Bầu cử Trưởng thôn nhiệm kỳ 2026–2028\nĐơn vị: Thôn Đông Hòa, xã An Phú, tỉnh Khánh Hòa\nTổng số hộ H = 412\nNgười ứng cử: {}",
            NAMES[..n].join(", ")
        )
        .into(),
    );
    k.set_election_files(strings(
        ["/media/usb/bau-cu-thon-dong-hoa.toml".to_string()],
    ));
    k.set_scanner_sources(strings([
        "sane:fujitsu:fi-7160:12345".to_string(),
        "folder:/media/usb/quet".to_string(),
    ]));
    k.set_test_status("Tờ thử: hợp lệ, 300 dpi, lệch 0.4 mm. Tờ thử không được đếm.".into());
    let rows: Vec<TallyRow> = if n == 1 {
        vec![
            TallyRow {
                label: format!("Đồng ý: {}", NAMES[0]).into(),
                votes: 231,
                share: "56,1 % của H".into(),
                needed: "đã quá một nửa".into(),
                passing: true,
            },
            TallyRow {
                label: "Không đồng ý".into(),
                votes: 48,
                share: "11,7 % của H".into(),
                needed: "".into(),
                passing: false,
            },
        ]
    } else {
        (0..n)
            .map(|i| TallyRow {
                label: NAMES[i].into(),
                votes: 300 / (i as i32 + 1),
                share: format!("{:.1} % của H", 72.8 / (i as f32 + 1.0)).into(),
                needed: "còn thiếu 12 phiếu để quá một nửa".into(),
                passing: i == 0,
            })
            .collect()
    };
    k.set_tally(model(rows));
    k.set_needed_text("Cần nhiều hơn một nửa của 412 hộ: ít nhất 207 phiếu.".into());
    k.set_valid(371);
    k.set_invalid(14);
    k.set_invalid_reasons(model(
        [
            "gạch hết tên",
            "không có dấu",
            "viết thêm",
            "không phải phiếu do Tổ bầu cử phát ra",
        ]
        .iter()
        .map(|r| LabelValue {
            label: (*r).into(),
            value: "3".into(),
        })
        .collect(),
    ));
    k.set_awaiting_review(17);
    k.set_duplicates(1);
    k.set_blank(2);
    k.set_rejected(1);
    k.set_scanned(392);
    k.set_progress(0.93);
    k.set_progress_text("Đã đếm 385/412 phiếu thu vào; đã quét 392 tờ".into());
    k.set_last_image(picture(420, 600));
    k.set_last_caption("Tờ 392: hợp lệ · KP-000392".into());
    k.set_scanner_status(
        "Kẹt giấy. Mở nắp máy quét, lấy tờ bị kẹt ra, đặt lại lên trên xấp phiếu. Rồi bấm Tiếp tục."
            .into(),
    );
    k.set_scanner_level(2);
    k.set_scanning(true);
    k.set_paused(true);
    k.set_batch("hòm phiếu 3".into());
    k.set_review_image(picture(600, 850));
    k.set_review_zoom(picture(900, 300));
    k.set_review_reading(
        "Tờ 211: gạch 3 tên, giữ lại 1; dấu đỏ rõ; chữ viết thêm ở lề phải (độ chắc chắn 0,41)"
            .into(),
    );
    let options = present::verdict_options(&e, en);
    k.set_verdict_options(strings(options.iter().map(|o| o.1.clone())));
    k.set_verdict_keys(strings((0..options.len()).map(verdict_key)));
    k.set_valid_options(if n == 1 { 2 } else { n as i32 });
    k.set_suggested_index(0);
    k.set_review_suggestion(format!("Máy đề xuất: 1. {}", options[0].1).into());
    k.set_officials(strings(BOARD.iter().map(|s| s.to_string())));
    k.set_can_undo(true);
    k.set_undo_text("tờ 210 — Hợp lệ — bầu: Lê Văn Ba (Phạm Thị Lan)".into());
    k.set_issued("412".into());
    k.set_returned("398".into());
    k.set_checks(model(
        [
            "Số phiếu thu vào 398 ≤ số phiếu phát ra 412",
            "Hợp lệ 371 + không hợp lệ 27 = thu vào 398",
            "Số phiếu phát ra 412 ≤ số đại diện hộ dự họp 405",
            "Tổng số phiếu bầu của các người ứng cử không vượt quá số phiếu hợp lệ",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| CheckRow {
            text: (*t).into(),
            holds: i != 2,
        })
        .collect(),
    ));
    k.set_result_sentence(
        format!(
            "{} trúng cử Trưởng thôn với 300 phiếu, 72,8 % của 412 hộ.",
            NAMES[0]
        )
        .into(),
    );
    k.set_reconciled(true);
    k.set_board(model(
        BOARD
            .iter()
            .enumerate()
            .map(|(i, b)| BoardMember {
                name: (*b).into(),
                confirmed: i < 2,
            })
            .collect(),
    ));
    k.set_complaints(strings([
        "Ông Phạm Văn Tư: Đề nghị kiểm lại phiếu số 12 — Đã kiểm lại trước mặt người khiếu nại, giữ nguyên kết quả (ghi: Nguyễn Thị Hoa)".to_string(),
    ]));
    k.set_can_complain(true);
    let mut result: Vec<LabelValue> = [
        ("Tổng số hộ (H)", "412"),
        ("Số đại diện hộ dự họp (A)", "405"),
        ("Số phiếu phát ra", "412"),
        ("Số phiếu thu vào", "398"),
        ("Số phiếu hợp lệ", "371"),
        ("Số phiếu không hợp lệ", "27"),
    ]
    .iter()
    .map(|(l, v)| LabelValue {
        label: (*l).into(),
        value: (*v).into(),
    })
    .collect();
    result.extend((0..n).map(|i| LabelValue {
        label: NAMES[i].into(),
        value: "300 (72,8 %)".into(),
    }));
    k.set_result_rows(model(result));
    k.set_report_status("/var/lib/kiemphieu/station.db.bien-ban.pdf".into());
    k.set_sheet_preview(picture(595, 842));
    k.set_export_path("/media/usb/ket-qua".into());
}

/// A button or text field, where it is, and what it says.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    label: String,
    role: AccessibleRole,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

fn targets(app: &KioskWindow) -> Vec<Target> {
    ElementHandle::query_descendants(
        &ElementHandle::find_by_element_id(app, "KioskWindow::keys")
            .next()
            .unwrap(),
    )
    .match_predicate(|e| {
        matches!(
            e.accessible_role(),
            Some(AccessibleRole::Button | AccessibleRole::TextInput)
        )
    })
    .find_all()
    .into_iter()
    .map(|e| {
        let p = e.absolute_position();
        let s = e.size();
        Target {
            label: e.accessible_label().unwrap_or_default().to_string(),
            role: e.accessible_role().unwrap(),
            x: p.x,
            y: p.y,
            w: s.width,
            h: s.height,
        }
    })
    .collect()
}

/// The step's scrolling page: its top and visible height.
fn page(app: &KioskWindow) -> (ElementHandle, f32, f32) {
    let page = ElementHandle::find_by_element_type_name(app, "Page")
        .next()
        .expect("every step is in a scrolling page");
    let (y, h) = (page.absolute_position().y, page.size().height);
    (page, y, h)
}

/// Checks one screen at `size`; `what` names it in failures. The elements a
/// screen has are those of the same screen in a window tall enough for all of
/// them; each must be seen whole inside the page at some scroll position.
fn check_screen(app: &KioskWindow, size: (u32, u32), what: &str) {
    use std::collections::HashMap;
    let (width, height) = (size.0 as f32, size.1 as f32);
    app.window()
        .set_size(slint::LogicalSize::new(width, 6000.0));
    let all = targets(app);
    app.window()
        .set_size(slint::LogicalSize::new(width, height));
    assert!(!all.is_empty(), "{what}: no buttons found");
    let key = |t: &Target| (t.label.clone(), format!("{:?}", t.role));
    let mut wanted: HashMap<_, usize> = HashMap::new();
    for t in &all {
        *wanted.entry(key(t)).or_default() += 1;
    }
    let (page, top, visible) = page(app);
    let bottom = top + visible;
    let eps = 0.5;
    let mut seen: HashMap<_, usize> = HashMap::new();
    let mut previous: Option<Vec<Target>> = None;
    let mut first = true;
    let mut still = 0;
    for _ in 0..60 {
        let now = targets(app);
        if std::env::var("LAYOUT_DEBUG").is_ok() {
            eprintln!(
                "{what}: {:?}",
                now.iter()
                    .map(|t| (t.label.as_str(), t.y))
                    .collect::<Vec<_>>()
            );
        }
        // Unchanged after a scroll: the end, or a stretch without controls; go on a little.
        if previous.as_ref() == Some(&now) {
            still += 1;
            if still > 3 {
                break;
            }
        } else {
            still = 0;
        }
        let mut here: HashMap<_, usize> = HashMap::new();
        for t in &now {
            let name = format!(
                "{what}: `{}` at {:.0},{:.0} {:.0}×{:.0}",
                t.label, t.x, t.y, t.w, t.h
            );
            assert!(
                t.x >= -eps && t.x + t.w <= width + eps,
                "{name}: outside the window across"
            );
            if t.role == AccessibleRole::Button {
                assert!(
                    t.h >= 56.0 - eps && t.w >= 56.0 - eps,
                    "{name}: smaller than a finger (56 px)"
                );
            } else {
                assert!(t.h >= 20.0, "{name}: a text field squeezed");
            }
            let in_bar = t.y + t.h <= top + eps && t.y >= -eps;
            let in_page = t.y >= top - eps && t.y + t.h <= bottom + eps;
            if in_bar || in_page {
                *here.entry(key(t)).or_default() += 1;
            }
        }
        if first {
            check_no_overlap(&now, what);
            first = false;
        }
        for (k, n) in here {
            let e = seen.entry(k).or_default();
            *e = (*e).max(n);
        }
        previous = Some(now);
        scroll(&page, -visible / 2.0);
    }
    let last = previous.clone().unwrap_or_default();
    scroll(&page, 100_000.0);
    for (k, n) in &wanted {
        let got = seen.get(k).copied().unwrap_or(0);
        assert!(
            got >= *n,
            "{what}: `{}` ({}) cannot be brought whole into view by scrolling (page {top}..{bottom}; scrolled to the end: {last:?}; in a tall window: {all:?})",
            k.0,
            k.1
        );
    }
}

/// Scrolls the page (a wheel over it) and lets any scrolling animation end.
fn scroll(page: &ElementHandle, dy: f32) {
    page.scroll(0.0, dy);
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(600));
}

/// No two buttons overlap (a layout squeezed below its minimum does that).
fn check_no_overlap(targets: &[Target], what: &str) {
    for (i, a) in targets.iter().enumerate() {
        for b in &targets[i + 1..] {
            let ox = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
            let oy = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
            // A text field's inner input lies inside its own box; buttons never overlap.
            let nested = a.role != b.role;
            assert!(
                nested || ox <= 1.0 || oy <= 1.0,
                "{what}: `{}` and `{}` overlap",
                a.label,
                b.label
            );
        }
    }
}

fn screenshot(app: &KioskWindow, name: &str) {
    let shot = app.window().take_snapshot().unwrap();
    let (w, h) = (shot.width(), shot.height());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rgba = image::RgbaImage::new(w, h);
    for (i, p) in shot.as_slice().iter().enumerate() {
        rgba.put_pixel(
            i as u32 % w,
            i as u32 / w,
            image::Rgba([p.r, p.g, p.b, p.a]),
        );
    }
    let path: PathBuf = dir.join(format!("{name}.png"));
    rgba.save(path).unwrap();
}

#[test]
fn every_control_is_reachable_on_every_screen() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let app = KioskWindow::new().unwrap();
    app.show().unwrap();
    let k = app.global::<Kiosk>();
    let shots = [
        ((1024, 600), 10, false, 2, "layout-1024x600-10-review-vi"),
        ((1024, 600), 5, true, 1, "layout-1024x600-5-counting-en"),
        ((1366, 768), 5, false, 3, "layout-1366x768-5-reconcile-vi"),
        ((1920, 1080), 2, false, 2, "layout-1920x1080-2-review-vi"),
    ];
    for (w, h) in SIZES {
        app.window()
            .set_size(slint::LogicalSize::new(w as f32, h as f32));
        for n in CANDIDATES {
            for en in [false, true] {
                app.global::<Tr>().set_en(en);
                // The screens' own texts, through the bundled catalogue.
                kiemphieu::kiosk::ui::speak(en);
                fill(&k, n, en);
                for step in 0..5 {
                    k.set_screen(step);
                    let what = format!(
                        "{w}×{h}, {n} candidates, {}, step {}",
                        if en { "en" } else { "vi" },
                        step + 1
                    );
                    check_screen(&app, (w, h), &what);
                    if step == 1 {
                        k.set_new_batch_asked(true);
                        check_screen(&app, (w, h), &format!("{what}, new box asked"));
                        k.set_new_batch_asked(false);
                    }
                    if step == 2 {
                        check_review_is_fixed(&app, &k, &what);
                    }
                    if step == 3 {
                        k.set_complaint_form(true);
                        check_screen(&app, (w, h), &format!("{what}, complaint form"));
                        k.set_complaint_form(false);
                    }
                    if let Some(s) = shots
                        .iter()
                        .find(|s| s.0 == (w, h) && s.1 == n && s.2 == en && s.3 == step)
                    {
                        screenshot(&app, s.4);
                    }
                }
            }
        }
    }
}

/// The review step: nothing moves when the next ballot differs in picture,
/// reading, suggestion, the count waiting, or whether an official is chosen.
fn check_review_is_fixed(app: &KioskWindow, k: &Kiosk<'_>, what: &str) {
    k.set_official_index(-1);
    let before = targets(app);
    k.set_review_image(picture(1200, 500));
    k.set_review_zoom(picture(80, 400));
    k.set_review_reading("Tờ 9: không đọc được".into());
    k.set_review_suggestion("Máy không có đề xuất.".into());
    k.set_suggested_index(-1);
    k.set_awaiting_review(1);
    k.set_official_index(2);
    let after = targets(app);
    let places = |v: &[Target]| -> Vec<(f32, f32, f32, f32)> {
        v.iter().map(|t| (t.x, t.y, t.w, t.h)).collect()
    };
    assert_eq!(
        places(&before),
        places(&after),
        "{what}: the review's controls moved"
    );
    k.set_official_index(-1);
    k.set_awaiting_review(17);
}
