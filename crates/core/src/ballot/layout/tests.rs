//! Layout tests: every paper with one to ten candidates, wrapping, texts and the JSON contract.

// Positions are set from constants and rounded to 0.01: the tests check them exactly.
#![allow(clippy::float_cmp)]

use super::json::Rounded;
use super::*;
use crate::election::{Candidate, EXAMPLE_ELECTION, parse_election};

const NAMES: [&str; 10] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Thị Huỳnh Hoa",
    "Phạm Quốc Việt",
    "Hoàng Thị Ngọc Yến",
    "Đặng Văn Dũng",
    "Bùi Thị Xuân Quỳnh",
    "Võ Nguyễn Hoàng Phương",
    "Đỗ Thị Kiều Trinh",
    "Nguyễn Thị Phương Thảo",
];

fn election(paper: Paper, marking: Marking, n: usize, office: &str) -> Election {
    let mut e = parse_election(EXAMPLE_ELECTION, std::path::Path::new("example.toml")).unwrap();
    e.election.paper = paper;
    e.election.marking = marking;
    e.election.office = office.to_string();
    e.candidates = (0..n)
        .map(|i| Candidate {
            id: format!("c{}", i + 1),
            name: NAMES[i].to_string(),
            honorific: None,
        })
        .collect();
    e
}

/// The election in household-ballot mode: a phiếu lấy ý kiến with its collection deadline.
fn household(mut e: Election) -> Election {
    e.election.mode = crate::election::Mode::Household;
    e.election.counting_body = crate::election::CountingBody::ToPhatPhieu;
    e.election.collection_deadline = Some(crate::election::CollectionDeadline {
        date: chrono::NaiveDate::from_ymd_opt(2024, 10, 20).unwrap(),
        time: chrono::NaiveTime::from_hms_opt(17, 0, 0),
    });
    e
}

fn all_layouts() -> Vec<(String, BallotLayout)> {
    let mut out = Vec::new();
    for paper in [Paper::A4, Paper::A5, Paper::A6] {
        for office in ["Trưởng khu phố", "Tổ trưởng tổ dân phố"] {
            for n in 1..=10 {
                for marking in [Marking::Strike, Marking::ApproveBoxes] {
                    if marking == Marking::ApproveBoxes && n != 1 {
                        continue;
                    }
                    for home in [false, true] {
                        let what = format!("{paper:?} {office} {n} {marking:?} household {home}");
                        let mut e = election(paper, marking, n, office);
                        if home {
                            e = household(e);
                        }
                        let layout = BallotLayout::for_election(&e);
                        // A6 household ballots (subject, deadline) hold seven names at most.
                        if home && paper == Paper::A6 && n > 7 {
                            assert!(
                                matches!(layout, Err(LayoutError::DoesNotFit { .. })),
                                "{what}"
                            );
                            continue;
                        }
                        let layout = layout.unwrap_or_else(|e| panic!("{what}: {e}"));
                        out.push((what, layout));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_paper_fits_one_to_ten_candidates() {
    for (what, l) in all_layouts() {
        l.check().unwrap_or_else(|e| panic!("{what}: {e}"));
        let page = MmRect::new(0.0, 0.0, l.width_mm, l.height_mm).grow(-PAGE_MARGIN_MM);
        // The fixed furniture never overlaps, and stays inside the margin.
        let mut furniture = vec![l.stamp_mm, l.qr.quiet_mm];
        furniture.extend(l.fiducials_mm);
        furniture.extend(l.candidates.iter().map(|c| c.name_mm));
        if let Some(b) = l.boxes {
            furniture.extend([b.approve, b.disapprove]);
        }
        for (i, a) in furniture.iter().enumerate() {
            assert!(page.contains(a), "{what}: {a:?} outside the margin");
            for b in &furniture[i + 1..] {
                assert!(!a.intersects(b), "{what}: {a:?} overlaps {b:?}");
            }
        }
        // Names: the whole ±6 mm zone is free of anything else.
        for c in &l.candidates {
            let zone = c.name_mm.grow(NAME_CLEARANCE_MM - 1e-9);
            for (j, item) in l.items.iter().enumerate() {
                if j != c.item {
                    assert!(
                        !zone.intersects(&item.bounds()),
                        "{what}: {:?} near {}",
                        item.role(),
                        c.name
                    );
                }
            }
            assert!(!zone.intersects(&l.qr.quiet_mm) && !zone.intersects(&l.stamp_mm));
            assert!(c.x_band_mm.top < c.x_band_mm.bottom);
            assert!(c.name_mm.y < c.x_band_mm.top && c.x_band_mm.bottom <= c.name_mm.bottom());
            // Large enough to strike by hand.
            assert!(c.name_mm.h > 2.5, "{what}: {} is tiny", c.name);
        }
        // Corner order TL, TR, BL, BR, 5 mm from the edges.
        let [tl, tr, bl, br] = l.fiducials_mm;
        assert!(tl.x == 5.0 && tl.y == 5.0 && bl.x == 5.0 && tr.y == 5.0);
        assert!((br.right() - (l.width_mm - 5.0)).abs() < 1e-9);
        assert!((br.bottom() - (l.height_mm - 5.0)).abs() < 1e-9);
        assert!(tr.x > tl.x && bl.y > tl.y);
        // The QR box holds 29 modules of 0.7 mm.
        assert!((l.qr.symbol_mm.w - 20.3).abs() < 1e-9);
        assert!(l.qr.quiet_mm.contains(&l.qr.symbol_mm));
    }
}

#[test]
fn long_place_names_wrap_instead_of_failing() {
    for paper in [Paper::A4, Paper::A5, Paper::A6] {
        let mut e = election(paper, Marking::Strike, 3, "Tổ trưởng tổ dân phố");
        e.election.commune = "Thị trấn Nông trường Mộc Châu Hòa Bình Xuân".to_string();
        e.election.unit = "Tổ dân phố số 12 Khu phố Đông Sơn Thượng Mới".to_string();
        let l = BallotLayout::for_election(&e).unwrap_or_else(|err| panic!("{paper:?}: {err}"));
        l.check().unwrap();
        let text: Vec<&str> = l.text_runs().map(|t| t.text.as_str()).collect();
        assert!(text.join(" ").contains("NÔNG TRƯỜNG"), "{text:?}");
    }
}

#[test]
fn sizes_shrink_with_more_candidates() {
    let size = |paper, n| {
        let l = BallotLayout::for_election(&election(paper, Marking::Strike, n, "Trưởng thôn"))
            .unwrap();
        l.candidates[0].name_mm.h
    };
    for paper in [Paper::A4, Paper::A5, Paper::A6] {
        assert!(size(paper, 10) <= size(paper, 1));
    }
}

#[test]
fn approve_boxes_need_one_candidate() {
    let e = election(Paper::A5, Marking::ApproveBoxes, 2, "Trưởng thôn");
    assert_eq!(
        BallotLayout::for_election(&e),
        Err(LayoutError::BoxesNeedOneCandidate(2))
    );
    let mut e = election(Paper::A5, Marking::Strike, 1, "Trưởng thôn");
    e.candidates.clear();
    assert_eq!(
        BallotLayout::for_election(&e),
        Err(LayoutError::NoCandidates)
    );
}

#[test]
fn names_print_nfc_and_unprintable_text_is_an_error() {
    let mut e = election(Paper::A5, Marking::Strike, 2, "Trưởng thôn");
    e.candidates[1].name = "Tra\u{0302}\u{0300}n Thi\u{0323} Bi\u{0300}nh".to_string();
    let l = BallotLayout::for_election(&e).unwrap();
    assert_eq!(l.candidates[1].name, "Trần Thị Bình");
    e.candidates[1].name = "Trần 王".to_string();
    assert!(matches!(
        BallotLayout::for_election(&e),
        Err(LayoutError::MissingGlyph { ch: '王', .. })
    ));
    e.candidates[1].name = "Nguyễn ".repeat(30);
    assert!(matches!(
        BallotLayout::for_election(&e),
        Err(LayoutError::DoesNotFit { .. })
    ));
}

#[test]
fn texts_follow_the_election() {
    let l = BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 2, "Trưởng khu phố"))
        .unwrap();
    let texts: Vec<&str> = l.text_runs().map(|t| t.text.as_str()).collect();
    for want in [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG ĐỒNG KỴ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU BẦU TRƯỞNG KHU PHỐ",
        "Nhiệm kỳ 2024-2027",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ] {
        assert!(texts.contains(&want), "{want} missing from {texts:?}");
    }
    let joined = texts.join(" ");
    // Exactly one name is kept (rules.md §14); the stamp is the commune's dấu treo.
    assert!(
        joined.contains("Chỉ giữ lại họ tên 01 người mình chọn;"),
        "{joined}"
    );
    assert!(texts.contains(&STAMP_LABEL) && STAMP_LABEL == "Dấu treo của UBND cấp xã");
    assert!(!joined.contains("Tổ bầu cử"), "{joined}");
    assert!(
        !joined.contains("Bầu lại"),
        "a first count says nothing of rounds"
    );
    // A re-election prints its number beside the term, on every paper size.
    for paper in [Paper::A4, Paper::A5, Paper::A6] {
        let mut e = election(paper, Marking::Strike, 3, "Trưởng khu phố");
        e.election.round = 2;
        let l = BallotLayout::for_election(&e).unwrap();
        let joined: Vec<&str> = l.text_runs().map(|t| t.text.as_str()).collect();
        assert!(
            joined.join(" ").contains("Bầu lại lần 1"),
            "{paper:?}: {joined:?}"
        );
    }
    let one = BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 1, "Trưởng thôn"))
        .unwrap();
    let joined: Vec<&str> = one.text_runs().map(|t| t.text.as_str()).collect();
    assert!(
        joined
            .join(" ")
            .contains("Đồng ý: giữ nguyên họ và tên. Không đồng ý: gạch ngang")
    );
    // single_struck = "invalid": striking is never offered as a way to disagree (rules.md §14).
    let mut e = election(Paper::A5, Marking::Strike, 1, "Trưởng thôn");
    e.settings.single_struck = crate::election::SingleStruck::Invalid;
    let keep = BallotLayout::for_election(&e).unwrap();
    let joined = keep
        .text_runs()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("Đồng ý thì giữ nguyên họ và tên người ứng cử."),
        "{joined}"
    );
    assert!(
        !joined.contains("gạch") && !joined.contains("Không đồng ý"),
        "{joined}"
    );
    // Household mode: a phiếu lấy ý kiến with its subject and the collection deadline.
    let home = BallotLayout::for_election(&household(election(
        Paper::A5,
        Marking::Strike,
        2,
        "Trưởng khu phố",
    )))
    .unwrap();
    let texts: Vec<&str> = home.text_runs().map(|t| t.text.as_str()).collect();
    let joined = texts.join(" ");
    assert!(texts.contains(&"PHIẾU LẤY Ý KIẾN"), "{texts:?}");
    assert!(!joined.contains("PHIẾU BẦU"), "{joined}");
    for want in [
        "Về việc bầu Trưởng khu phố, nhiệm kỳ 2024-2027",
        "Thời hạn thu phiếu: 17 giờ 00 phút, ngày 20/10/2024",
        "Chỉ giữ lại họ tên 01 người",
        "Dấu treo của UBND cấp xã",
    ] {
        assert!(joined.contains(want), "{want} missing from {joined}");
    }
    let boxes = BallotLayout::for_election(&election(
        Paper::A5,
        Marking::ApproveBoxes,
        1,
        "Trưởng thôn",
    ))
    .unwrap();
    let texts: Vec<&str> = boxes.text_runs().map(|t| t.text.as_str()).collect();
    for want in [INSTRUCTION_BOXES, APPROVE_LABEL, DISAPPROVE_LABEL] {
        assert!(texts.contains(&want));
    }
    let b = boxes.boxes.unwrap();
    assert!(b.approve.w == b.approve.h && b.approve.right() < b.disapprove.x);
}

#[test]
fn json_carries_the_contract() {
    let l = BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 3, "Trưởng thôn"))
        .unwrap();
    let text = l.to_json();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["page_mm"]["width"], 148.0);
    assert_eq!(v["page_mm"]["height"], 210.0);
    let fid = v["fiducials_mm"].as_array().unwrap();
    assert_eq!(fid.len(), 4);
    for (j, key) in ["x", "y", "w", "h"].iter().enumerate() {
        let want = [5.0, 5.0, 5.0, 5.0][j];
        assert_eq!(fid[0][key], want);
    }
    for key in ["qr_mm", "stamp_mm"] {
        for k in ["x", "y", "w", "h"] {
            assert!(v[key][k].is_f64(), "{key}.{k}");
        }
    }
    let c = &v["candidates"][2];
    assert_eq!(c["id"], "c3");
    assert_eq!(c["name"], "Lê Thị Huỳnh Hoa");
    let x = c["name_mm"]["x"].as_f64().unwrap();
    assert!((x - l.candidates[2].name_mm.x).abs() <= 0.005);
    assert_eq!((x * 100.0).round() / 100.0, x);
    let back = BallotGeometry::from_json(&text).unwrap();
    assert_eq!(back, l.geometry());
    assert_eq!(back.qr_mm, l.qr.symbol_mm.rounded());
    assert!(back.boxes_mm.is_none());
}
