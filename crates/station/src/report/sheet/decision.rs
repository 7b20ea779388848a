//! The community's decision (Decree 59 Mẫu số 03, Law art. 20(2)): the same
//! numbers as the biên bản kiểm phiếu, the decision, the copies, and the four
//! signatures of art. 20(2)(g). It travels with the biên bản (Mẫu 02 or 04).

use super::super::flow::{Align, Block, para, styled};
use super::super::text::Weight;
use super::closing::{copies, outcome, signer_rows};
use super::head::{header, people_list, place};
use super::{BODY, Paper, date_long, pct, pcts};
use crate::rules::Standing;

/// A line for a name nobody entered: filled in by hand.
const BLANK_NAME: &str = "……………………………";

/// The decision's blocks, without the machine foot.
pub(super) fn blocks(p: &Paper<'_>) -> Vec<Block> {
    let e = &p.election.election;
    let mut out = vec![header(p), Block::Space(2.5)];
    out.push(styled(
        if p.household() {
            "BIÊN BẢN TỔNG HỢP KẾT QUẢ LẤY Ý KIẾN HỘ GIA ĐÌNH"
        } else {
            "BIÊN BẢN CUỘC HỌP CỦA CỘNG ĐỒNG DÂN CƯ"
        },
        Weight::Bold,
        13.0,
        Align::Center,
    ));
    out.push(styled(
        "(Quyết định của cộng đồng dân cư)",
        Weight::Bold,
        11.0,
        Align::Center,
    ));
    out.push(styled(
        format!("Về việc bầu {}, nhiệm kỳ {}", p.office_unit, e.term),
        Weight::Bold,
        11.0,
        Align::Center,
    ));
    out.push(styled(
        "(Mẫu số 03 — Nghị định 59/2023/NĐ-CP)",
        Weight::Regular,
        9.0,
        Align::Center,
    ));
    out.push(Block::Space(2.5));
    out.extend(items(p));
    out.push(Block::Space(2.0));
    out.push(Block::Keep(decision_and_signatures(p)));
    out
}

/// Law art. 20(2)(a)–(đ): when and where, the households, who chaired, what was
/// voted on and how, and the result with the biên bản's numbers.
fn items(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    let e = &p.election.election;
    let (h, a) = (doc.households, doc.attendance);
    let absent = h.saturating_sub(a);
    let shares = pcts(&[a, absent], h);
    let chair = doc.board.chair.as_deref().unwrap_or(BLANK_NAME);
    let form = if p.household() { "04" } else { "02" };
    let mut out = Vec::new();
    if p.household() {
        out.push(para(
            format!(
                "1. Thời gian, địa điểm: phiếu lấy ý kiến được phát đến các hộ gia đình ngày {}, thời hạn thu phiếu {}; {} kiểm phiếu {}, tại {}.",
                crate::rules::date_vi(e.date),
                e.collection_deadline
                    .map_or_else(|| "…".to_string(), |d| d.vi()),
                p.body.name_vi(),
                date_long(p.date),
                place(p)
            ),
            BODY,
        ));
        out.push(para(format!("2. Tổng số hộ gia đình thuộc cộng đồng dân cư: {h}; số hộ gia đình được phát phiếu: {a} ({}); số hộ gia đình không được phát phiếu: {absent} ({}).", shares[0], shares[1]), BODY));
        out.push(para(
            format!(
                "3. Tổ phát phiếu lấy ý kiến do {} làm Tổ trưởng.",
                doc.board.leader
            ),
            BODY,
        ));
    } else {
        out.push(para(
            format!(
                "1. Thời gian, địa điểm: {}, tại {}.",
                date_long(p.date),
                place(p)
            ),
            BODY,
        ));
        out.push(para(format!("2. Tổng số hộ gia đình thuộc cộng đồng dân cư: {h}; số người đại diện hộ gia đình có mặt: {a} ({}); số hộ gia đình không có người đại diện tham dự: {absent} ({}).", shares[0], shares[1]), BODY));
        out.push(para(format!("3. Người chủ trì cuộc họp: {chair}."), BODY));
    }
    out.push(para(
        format!(
            "4. Nội dung: bầu {}, nhiệm kỳ {}, bằng hình thức bỏ phiếu kín. {} gồm {} người do {} làm {}, có 02 đại diện hộ gia đình chứng kiến, đã kiểm phiếu và lập Biên bản kiểm phiếu (Mẫu số {form}) kèm theo.",
            p.office_unit,
            e.term,
            p.body.name_vi(),
            1 + doc.board.members.len(),
            doc.board.leader,
            p.body.leader_vi()
        ),
        BODY,
    ));
    out.extend(result_lines(p));
    out
}

/// Art. 20(2)(đ): the result of the vote, the same numbers as the biên bản.
fn result_lines(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    let h = doc.households;
    let returned = doc.returned.unwrap_or(doc.counted);
    let vi = pcts(&[doc.valid, doc.invalid], returned);
    let got = if p.household() {
        "thu về"
    } else {
        "thu vào"
    };
    let num = |n: Option<u32>| n.map_or_else(|| "—".to_string(), |n| n.to_string());
    let mut out = vec![para(
        format!(
            "5. Kết quả biểu quyết: số phiếu phát ra {}; số phiếu {got} {}; số phiếu hợp lệ {} ({}); số phiếu không hợp lệ {} ({}).",
            num(doc.issued),
            returned,
            doc.valid,
            vi[0],
            doc.invalid,
            vi[1]
        ),
        BODY,
    )];
    let lines: Vec<String> = match doc.candidates.as_slice() {
        [c] => vec![
            format!(
                "{} — Đồng ý: {} phiếu, đạt {} tổng số hộ gia đình",
                c.name,
                c.votes,
                pct(c.votes, h)
            ),
            format!(
                "{} — Không đồng ý: {} phiếu, đạt {} tổng số hộ gia đình",
                c.name,
                doc.disapprove,
                pct(doc.disapprove, h)
            ),
        ],
        many => many
            .iter()
            .map(|c| {
                format!(
                    "{}: {} phiếu, đạt {} tổng số hộ gia đình",
                    c.name,
                    c.votes,
                    pct(c.votes, h)
                )
            })
            .collect(),
    };
    out.extend(people_list(&lines));
    out
}

/// Art. 20(2)(e) the decision, the copies, and (g) the four signatures.
fn decision_and_signatures(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    let e = &p.election.election;
    let decision = match &p.standing {
        Standing::Elected { candidate, .. } => format!(
            "6. Cộng đồng dân cư {} quyết định: {} trúng cử {}, nhiệm kỳ {}, với trên 50% tổng số đại diện hộ gia đình tán thành. Đề nghị Ủy ban nhân dân {} xem xét, ra quyết định công nhận.",
            e.unit,
            p.addressed(candidate, candidate),
            p.office_unit,
            e.term,
            p.commune()
        ),
        _ => format!(
            "6. {}",
            outcome(p)
                .split_once(": ")
                .map_or_else(|| outcome(p), |(_, rest)| capitalise(rest))
        ),
    };
    let mut out = vec![styled(decision, Weight::Bold, 10.5, Align::Left)];
    if !doc.is_final {
        out.push(styled(
            format!(
                "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được {} xác nhận và khóa sổ.",
                p.body.name_vi()
            ),
            Weight::Bold,
            BODY,
            Align::Left,
        ));
    }
    out.push(Block::Space(1.0));
    let form = if p.household() { "04" } else { "02" };
    out.extend(copies(
        p,
        "Quyết định này",
        &format!("gửi kèm theo Biên bản kiểm phiếu (Mẫu số {form})"),
    ));
    out.push(Block::Space(3.0));
    let chair_role = if p.household() {
        e.office.to_uppercase()
    } else {
        "CHỦ TRÌ CUỘC HỌP".to_string()
    };
    let name = |n: Option<&String>| n.cloned().unwrap_or_else(|| BLANK_NAME.to_string());
    let mut people = vec![
        (chair_role, name(doc.board.chair.as_ref())),
        (
            "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN".to_string(),
            name(doc.board.front_head.as_ref()),
        ),
    ];
    let representatives = if doc.board.representatives.is_empty() {
        &doc.board.witnesses
    } else {
        &doc.board.representatives
    };
    for i in 0..2 {
        people.push((
            "ĐẠI DIỆN HỘ GIA ĐÌNH".to_string(),
            name(representatives.get(i)),
        ));
    }
    out.extend(signer_rows(&people));
    out
}

/// The first letter in capitals.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
