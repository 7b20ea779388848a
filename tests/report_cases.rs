//! `kiemphieu report` on the special counts: a tie, one candidate under both
//! `single_struck` settings, household mode, a meeting below its quorum, more
//! ballots returned than issued, clusters and a re-election round (helpers in
//! `report.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use kiemphieu_core::rules::InvalidReason;

use crate::report::*;

#[test]
fn a_tie_names_every_tied_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(
        90,
        "meeting",
        &["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"],
    );
    let db = Count::new(
        toml,
        70,
        70,
        vec![
            valid("c1", "1", 30),
            valid("c2", "1", 30),
            valid("c3", "1", 9),
        ],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            // 30 + 30 + 9 of 69 valid: 43,48 + 43,48 + 13,04 = 100,00.
            "1 Nguyễn Văn An 30 33,33% 43,48%",
            "2 Trần Thị Bình 30 33,33% 43,48%",
            "3 Lê Hoàng Cường 9 10,00% 13,04%",
            "Lý do: Các người ứng cử có số phiếu cao nhất bằng nhau, không có người nào đạt trên 50% tổng số đại diện hộ gia đình (số phiếu cao nhất bằng nhau: Nguyễn Văn An và Trần Thị Bình, mỗi người 30 phiếu, đạt 33,33%; cần ít nhất 46 phiếu).",
        ],
        &["Nguyễn Văn An và Trần Thị Bình, mỗi người 30 phiếu"],
    );
    snapshots(dir.path(), "report_tie", &sheet, &decision);
}

/// One candidate, 25 approve, 8 disapprove (or struck), 1 with extra writing.
fn one_candidate(single_struck: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(40, "meeting", &["Nguyễn Văn An"]).replace(
        "single_struck = \"disapprove\"",
        &format!("single_struck = \"{single_struck}\""),
    );
    let struck = if single_struck == "invalid" {
        invalid(InvalidReason::AllStruck, "1", 8)
    } else {
        disapprove(8)
    };
    let db = Count::new(
        toml,
        36,
        35,
        vec![
            approve(25),
            struck,
            invalid(InvalidReason::ExtraWriting, "1", 1),
        ],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    (dir, sheet, decision)
}

#[test]
fn sheet_for_one_candidate_when_a_struck_name_disagrees() {
    let (dir, sheet, decision) = one_candidate("disapprove");
    check(
        &sheet,
        &decision,
        &[
            "1 Nguyễn Văn An — Đồng ý 25 62,50% 75,76%",
            "2 Nguyễn Văn An — Không đồng ý 8 20,00% 24,24%",
            "7 Số phiếu hợp lệ, so với số phiếu thu vào 33 97,06%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu vào 1 2,94%",
            "với 25 phiếu, đạt 62,50% tổng số đại diện hộ gia đình (trên 50%: 25 × 2 > 40).",
        ],
        &[
            "1. Nguyễn Văn An — Đồng ý: 25 phiếu, đạt 62,50% tổng số hộ gia đình",
            "2. Nguyễn Văn An — Không đồng ý: 8 phiếu, đạt 20,00% tổng số hộ gia đình",
        ],
    );
    snapshots(dir.path(), "report_one_candidate", &sheet, &decision);
}

#[test]
fn sheet_for_one_candidate_when_a_struck_name_is_invalid() {
    let (dir, sheet, decision) = one_candidate("invalid");
    check(
        &sheet,
        &decision,
        &[
            "1 Nguyễn Văn An — Đồng ý 25 62,50% 100,00%",
            "2 Nguyễn Văn An — Không đồng ý 0 0,00% 0,00%",
            "7 Số phiếu hợp lệ, so với số phiếu thu vào 25 73,53%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu vào 9 26,47%",
            "8.1 – Phiếu gạch xóa hết tên người ứng cử 8",
            "với 25 phiếu, đạt 62,50% tổng số đại diện hộ gia đình (trên 50%: 25 × 2 > 40).",
        ],
        &["số phiếu hợp lệ 25 (73,53%); số phiếu không hợp lệ 9 (26,47%)"],
    );
    snapshots(
        dir.path(),
        "report_one_candidate_struck_invalid",
        &sheet,
        &decision,
    );
}

#[test]
fn sheet_in_household_ballot_mode() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "household", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        55,
        55,
        vec![
            valid("c1", "1", 35),
            valid("c2", "1", 10),
            invalid(InvalidReason::AllStruck, "1", 2),
        ],
    );
    // Counted the day the collection ends.
    count.count_date = "2024-10-20";
    let db = count.session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    let common: Vec<String> = COMMON
        .iter()
        .map(|l| {
            l.replace("Ban kiểm phiếu gồm", "Tổ phát phiếu lấy ý kiến gồm")
                .replace("Trưởng ban", "Tổ trưởng")
                .replace("BAN KIỂM PHIẾU", "TỔ PHÁT PHIẾU LẤY Ý KIẾN")
                .replace("TRƯỞNG BAN", "TỔ TRƯỞNG")
                .replace("được Ban kiểm phiếu", "được Tổ phát phiếu lấy ý kiến")
                .replace("ngày 13 tháng 10", "ngày 20 tháng 10")
        })
        .collect();
    must_have(
        &sheet,
        &common.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let joined = sheet.replace('\n', " ");
    must_have(
        &joined,
        &[
            "(Phát phiếu lấy ý kiến hộ gia đình)",
            "(Mẫu số 04 — Nghị định 59/2023/NĐ-CP)",
            "Hôm nay, ngày 20 tháng 10 năm 2024, tại Nhà văn hóa khu phố Đông Sơn, Phường Đồng Kỵ, Thành phố Từ Sơn, Tỉnh Bắc Ninh, Tổ phát phiếu lấy ý kiến Khu phố Đông Sơn tiến hành kiểm phiếu lấy ý kiến hộ gia đình về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027",
            "Phiếu lấy ý kiến được phát đến các hộ gia đình ngày 13/10/2024; thời hạn thu phiếu: 17 giờ 00 phút, ngày 20/10/2024.",
            "1 Tổng số hộ gia đình của Khu phố Đông Sơn (H) 60",
            "2 Số hộ gia đình được phát phiếu (A), so với H 55 91,67%",
            "3 Số hộ gia đình không được phát phiếu (H – A), so với H 5 8,33%",
            "4 Số phiếu phát ra (phát đến hộ gia đình) 55",
            "6 Số phiếu thu về, so với số phiếu phát ra 47 85,45%",
            "7 Số phiếu hợp lệ, so với số phiếu thu về 45 95,74%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu về 2 4,26%",
            "1 Nguyễn Văn An 35 58,33% 77,78%",
            "đạt 58,33% tổng số hộ gia đình (trên 50%: 35 × 2 > 60).",
            "chậm nhất ngày 25/10/2024 (05 ngày làm việc kể từ ngày kết thúc thời hạn thu phiếu).",
        ],
    );
    for never in ["thu vào", "có mặt", "cuộc họp", "Ban kiểm phiếu"] {
        assert!(!sheet.contains(never), "`{never}` in Mẫu 04:\n{sheet}");
    }
    let decision_joined = decision.replace('\n', " ");
    must_have(
        &decision_joined,
        &[
            "BIÊN BẢN TỔNG HỢP KẾT QUẢ LẤY Ý KIẾN HỘ GIA ĐÌNH",
            "phiếu lấy ý kiến được phát đến các hộ gia đình ngày 13/10/2024, thời hạn thu phiếu 17 giờ 00 phút, ngày 20/10/2024",
            "số hộ gia đình được phát phiếu: 55 (91,67%)",
            "(Mẫu số 04) kèm theo",
            "TRƯỞNG KHU PHỐ",
        ],
    );
    snapshots(dir.path(), "report_household", &sheet, &decision);
}

#[test]
fn below_quorum_the_meeting_elects_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(100, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = Count::new(
        toml,
        40,
        40,
        vec![valid("c1", "1", 30), valid("c2", "1", 10)],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "Số đại diện hộ gia đình có mặt (40) không vượt quá một nửa tổng số đại diện hộ gia đình (100): 40 × 2 không quá 100. Cuộc họp không đủ số đại diện hộ gia đình tham dự",
            "Kết quả: Không có người trúng cử. Lý do: cuộc họp không đủ số đại diện hộ gia đình tham dự (40 × 2 không quá 100), nên không thể bầu được Trưởng khu phố Đông Sơn tại cuộc họp. Báo cáo Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định việc tổ chức phát phiếu lấy ý kiến hộ gia đình (Mẫu số 04) hoặc bầu lại.",
        ],
        &["6. Không có người trúng cử. Lý do: cuộc họp không đủ số đại diện hộ gia đình tham dự"],
    );
    assert!(!sheet.contains("Không có người ứng cử nào đạt"), "{sheet}");
    snapshots(dir.path(), "report_below_quorum", &sheet, &decision);
}

#[test]
fn more_returned_than_issued_declares_no_winner() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(40, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        30,
        20,
        vec![valid("c1", "1", 24), valid("c2", "1", 6)],
    );
    count.note =
        Some("Hòm phiếu có 30 phiếu trong khi chỉ phát 20 phiếu; đã niêm phong để báo cáo.");
    let db = count.session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "Số phiếu thu vào (30) nhiều hơn số phiếu phát ra (20), thừa 10 phiếu: số liệu không khớp, Ban kiểm phiếu không công bố người trúng cử; kết quả kiểm phiếu được trình Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định.",
            "Kết quả: chưa xác định người trúng cử. Số phiếu thu vào nhiều hơn số phiếu phát ra (30 > 20); Ban kiểm phiếu trình Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định kết quả kiểm phiếu.",
            "Ghi chú của Ban kiểm phiếu khi đối chiếu số liệu: Hòm phiếu có 30 phiếu",
        ],
        &["6. Chưa xác định người trúng cử. Số phiếu thu vào nhiều hơn số phiếu phát ra (30 > 20)"],
    );
    assert!(!sheet.contains("trúng cử Trưởng"), "{sheet}");
    assert!(!decision.contains("trúng cử Trưởng"), "{decision}");
    snapshots(
        dir.path(),
        "report_more_returned_than_issued",
        &sheet,
        &decision,
    );
}

#[test]
fn sheet_with_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(80, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = Count::new(
        toml,
        62,
        62,
        vec![
            valid("c1", "cụm 1", 15),
            valid("c2", "cụm 1", 5),
            valid("c1", "cụm 2", 12),
            valid("c2", "cụm 2", 8),
            invalid(InvalidReason::NoStamp, "cụm 2", 1),
            valid("c1", "cụm 3", 14),
            valid("c2", "cụm 3", 3),
        ],
    )
    .session(dir.path());
    // The table by cluster takes the sheet onto a second page (its initials
    // lines on both, rules.md §12).
    let (sheet, decision) = report_on(dir.path(), &db, 2);
    check(
        &sheet,
        &decision,
        &[
            "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
            "cụm 1 20 20 0 15 5",
            "cụm 2 21 20 1 12 8",
            "cụm 3 17 17 0 14 3",
            "Cộng 58 57 1 41 16",
            "1 Nguyễn Văn An 41 51,25% 71,93%",
            "với 41 phiếu, đạt 51,25% tổng số đại diện hộ gia đình (trên 50%: 41 × 2 > 80).",
        ],
        &["1. Nguyễn Văn An: 41 phiếu, đạt 51,25% tổng số hộ gia đình"],
    );
    // The cluster table names the candidates.
    must_have(&sheet, &["Nguyễn Văn An", "Trần Thị Bình"]);
    assert!(!sheet.contains("ƯCV"), "{sheet}");
    snapshots(dir.path(), "report_clusters", &sheet, &decision);
}

#[test]
fn a_re_election_round_has_its_own_papers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let first = Count::new(
        toml.clone(),
        50,
        50,
        vec![valid("c1", "1", 25), valid("c2", "1", 25)],
    )
    .record(&db, None);
    // A re-election is its own round (rules.md §10), its ballots printed as such.
    let mut again = Count::new(
        toml.replacen("[election]\n", "[election]\nround = 2\n", 1),
        52,
        52,
        vec![valid("c1", "1", 34), valid("c2", "1", 18)],
    );
    again.count_date = "2024-10-27";
    let second = again.record(&db, Some(first));
    assert_eq!(second, first + 1);
    let (sheet, decision) = report(dir.path(), &db);
    let common: Vec<String> = COMMON
        .iter()
        .map(|l| l.replace("ngày 13 tháng 10", "ngày 27 tháng 10"))
        .collect();
    must_have(
        &sheet,
        &common.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    must_have(
        &sheet.replace('\n', " "),
        &[
            "Hôm nay, ngày 27 tháng 10 năm 2024",
            "Kết quả: Nguyễn Văn An trúng cử Trưởng khu phố Đông Sơn",
            "chậm nhất ngày 01/11/2024",
            "Phiên kiểm phiếu: 2",
        ],
    );
    must_have(&decision, &["Khu phố Đông Sơn, ngày 27 tháng 10 năm 2024"]);
    snapshots(dir.path(), "report_re_election", &sheet, &decision);
}
