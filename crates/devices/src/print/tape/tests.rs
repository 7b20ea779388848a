//! The tape's content, drawing and wrapping.

use chrono::NaiveDateTime;

use super::layout::{BODY_PX, width_px, wrap};
use super::*;
use crate::ballot::fonts::{self, FontStyle};
use crate::election::Marking;
use crate::print::escpos::TapeWidth;
use crate::rules::test_util::election_with;
use crate::rules::{self, InvalidReason, Tally};
use crate::station::Setup;
use crate::store::Reconciliation;

fn facts(votes: &[u32], h: u32, final_count: bool) -> TapeFacts {
    let names: Vec<&str> =
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"][..votes.len()].to_vec();
    let election = election_with(&names, Marking::Strike, h);
    let mut tally = Tally::new(&election);
    for (c, v) in election.candidates.iter().zip(votes) {
        tally.votes.insert(c.id.clone(), *v);
    }
    tally.valid = votes.iter().sum();
    tally.invalid = 3;
    tally.invalid_by_reason.insert(InvalidReason::NoStamp, 2);
    tally.invalid_by_reason.insert(InvalidReason::AllStruck, 1);
    tally.returned = tally.valid + tally.invalid;
    let outcome = rules::outcome(&election, &tally);
    TapeFacts {
        election,
        setup: Setup {
            leader: "Nguyễn Thị Hoa".into(),
            members: vec!["Lê Văn Ba".into()],
            witnesses: vec!["Trần Văn Hùng".into(), "Đỗ Thị Mai".into()],
            attendance: 20,
            ..Setup::default()
        },
        reconciliation: Some(Reconciliation {
            issued: tally.returned + 1,
            returned: tally.returned,
            spoiled: 0,
            note: None,
        }),
        tally,
        outcome,
        complaints: 0,
        demo: false,
        session: 1,
        final_count,
    }
}

fn at() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2024, 10, 13)
        .unwrap()
        .and_hms_opt(10, 5, 0)
        .unwrap()
}

#[test]
fn content_carries_the_numbers_and_the_outcome() {
    let f = facts(&[12, 5], 22, true);
    let t = TapeContent::from_facts(&f, at()).texts();
    let has = |s: &str| t.iter().any(|l| l.contains(s));
    assert!(!has(DRAFT_VI));
    assert!(has("Tổng số hộ gia đình (H): 22"), "{t:#?}");
    assert!(has("Số đại diện hộ dự họp (A): 20 (90,91%)"), "{t:#?}");
    assert!(has("Số hộ không dự (H – A): 2"), "{t:#?}");
    assert!(has("Số phiếu phát ra: 21"), "{t:#?}");
    assert!(has("Số phiếu thu vào: 20"), "{t:#?}");
    assert!(has("Khiếu nại, tố cáo (xem biên bản): 0"), "{t:#?}");
    assert!(has("Số phiếu hợp lệ: 17 (85,00%)"), "{t:#?}");
    assert!(has("Số phiếu không hợp lệ: 3 (15,00%)"), "{t:#?}");
    assert!(
        has("– Phiếu không có dấu treo của Ủy ban nhân dân cấp xã: 2"),
        "{t:#?}"
    );
    assert!(has("1. Nguyễn Văn An: 12 – 54,55%"), "{t:#?}");
    assert!(has("2. Trần Thị Bình: 5 – 22,73%"), "{t:#?}");
    assert!(has("Người trúng cử: Nguyễn Văn An"), "{t:#?}");
    assert!(has("in lúc 10 giờ 05 phút, ngày 13/10/2024"), "{t:#?}");
    assert!(has("TỔ TRƯỞNG: Nguyễn Thị Hoa"));
    assert!(has("THÀNH VIÊN: Lê Văn Ba"));
    assert!(has("ĐẠI DIỆN HỘ GIA ĐÌNH CHỨNG KIẾN: Đỗ Thị Mai"));
    // Every character is in the bundled fonts: nothing is drawn as '?'.
    for line in &t {
        for style in [FontStyle::Regular, FontStyle::Bold] {
            assert!(fonts::shape(style, line).is_ok(), "{line}");
        }
    }
}

#[test]
fn exactly_half_elects_nobody_and_drafts_say_so() {
    // 11 of 22 households is exactly 50%: not more than half.
    let f = facts(&[11, 6], 22, false);
    let t = TapeContent::from_facts(&f, at()).texts();
    assert_eq!(t[0], DRAFT_VI);
    assert!(t.contains(&rules::NONE_ELECTED_VI.to_string()), "{t:#?}");
    assert!(t.iter().any(|l| l.contains("bầu lại")), "{t:#?}");
    assert!(t.iter().any(|l| l.contains("11 – 50,00%")), "{t:#?}");
}

#[test]
fn render_fits_both_widths_and_is_deterministic() {
    let c = TapeContent::from_facts(&facts(&[12, 5, 0], 22, true), at());
    for w in [TapeWidth::Mm58, TapeWidth::Mm80] {
        let a = render_tape(&c, w);
        assert_eq!(a.image.width(), w.dots());
        assert!(a.text_lines >= c.texts().len() as u32);
        assert_eq!(a, render_tape(&c, w));
        let black = a.image.pixels().filter(|p| p.0[0] == 0).count();
        assert!(black > 5000, "{black}");
        // Nothing drawn into the side margins but the rules and dotted lines (≤ 2 px off).
        for y in 0..a.image.height() {
            assert_eq!(a.image.get_pixel(0, y).0[0], 255);
            assert_eq!(a.image.get_pixel(w.dots() - 1, y).0[0], 255);
        }
    }
    // The narrow roll wraps more.
    assert!(
        render_tape(&c, TapeWidth::Mm58).text_lines > render_tape(&c, TapeWidth::Mm80).text_lines
    );
}

#[test]
fn wrapping_respects_the_width() {
    for max in [60.0f32, 150.0, 372.0] {
        let text = "Báo cáo Ủy ban nhân dân cấp xã xem xét, quyết định việc tổ chức bầu lại Mộtchữrấtdàikhôngcókhoảngtrắng";
        let lines = wrap(FontStyle::Regular, text, BODY_PX, max);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(
                width_px(FontStyle::Regular, l, BODY_PX) <= max || l.chars().count() == 1,
                "{l}"
            );
        }
        let joined: String = lines
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(joined, want);
    }
}
