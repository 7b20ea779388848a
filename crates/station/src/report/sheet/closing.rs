//! The end of the biên bản, kept together on one page: the outcome, the
//! board's note, complaints, the copies and where they go, whether the count
//! is confirmed, and the signatures.

use super::super::flow::{Align, Block, para, styled};
use super::super::text::Weight;
use super::{BODY, Paper, pct};
use crate::result::ResultDoc;
use crate::rules::{
    NONE_ELECTED_VI, NoWinnerReason, Standing, date_vi, send_by_date, votes_needed,
};

/// The blocks that stay together on the last page, in the order of the form.
pub(super) fn closing(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    let mut tail = vec![
        styled(outcome(p), Weight::Bold, 10.5, Align::Left),
        Block::Space(1.5),
    ];
    if let Some(note) = doc.note.as_deref().filter(|n| !n.trim().is_empty()) {
        tail.push(para(
            format!(
                "Ghi chú của {} khi đối chiếu số liệu: {note}",
                p.body.name_vi()
            ),
            BODY,
        ));
    }
    tail.extend(
        complaint_lines(&doc.complaints)
            .into_iter()
            .map(|l| para(l, BODY)),
    );
    tail.extend(copies(
        p,
        "Biên bản",
        "gửi kèm theo Quyết định của cộng đồng dân cư (Mẫu số 03)",
    ));
    tail.push(confirmation(p));
    tail.push(Block::Space(2.0));
    tail.extend(signature_rows(p));
    tail
}

/// "03 bản" and where they go (Decree 59 art. 3(5)(c)), and the send-by date
/// (art. 3(5)(d); art. 4(7) in household mode). `what`: "Biên bản" or "Quyết
/// định này"; `with`: the paper that travels with it.
pub(super) fn copies(p: &Paper<'_>, what: &str, with: &str) -> Vec<Block> {
    let e = &p.election.election;
    let commune = p.commune();
    let (from, counted_from) = match e.collection_deadline.filter(|_| p.household()) {
        Some(d) => (d.date, "kể từ ngày kết thúc thời hạn thu phiếu"),
        None => (p.date, "kể từ ngày kết thúc cuộc họp"),
    };
    vec![
        para(
            format!(
                "{what} lập thành 03 bản, {with} đến Ủy ban nhân dân {commune}, Ủy ban Mặt trận Tổ quốc Việt Nam {commune} và lưu tại {}.",
                e.unit
            ),
            BODY,
        ),
        para(
            format!(
                "Gửi đến Ủy ban nhân dân và Ủy ban Mặt trận Tổ quốc Việt Nam {commune} chậm nhất ngày {} (05 ngày làm việc {counted_from}).",
                date_vi(send_by_date(from, &p.election.settings.holidays))
            ),
            BODY,
        ),
    ]
}

/// What is declared: the winner, or why nobody was elected, or why nobody can be declared.
pub(super) fn outcome(p: &Paper<'_>) -> String {
    let doc = p.doc;
    let h = doc.households;
    let term = &p.election.election.term;
    let prefix = if doc.is_final {
        "Kết quả"
    } else {
        "Kết quả tạm tính (chưa xác nhận)"
    };
    let whole = if p.household() {
        "tổng số hộ gia đình"
    } else {
        "tổng số đại diện hộ gia đình"
    };
    let commune = p.commune();
    match &p.standing {
        Standing::Elected { candidate, votes } => format!(
            "{prefix}: {} trúng cử {}, nhiệm kỳ {term}, với {votes} phiếu, đạt {} {whole} (trên 50%: {votes} × 2 > {h}).",
            p.addressed(candidate, candidate),
            p.office_unit,
            pct(*votes, h)
        ),
        Standing::NoneElected { reason } => format!(
            "{prefix}: {NONE_ELECTED_VI}. Lý do: {}{}. Báo cáo Ủy ban nhân dân {commune} xem xét, quyết định việc tổ chức bầu lại.",
            reason.label_vi(),
            highest(p, *reason)
        ),
        Standing::NoQuorum => format!(
            "{prefix}: {NONE_ELECTED_VI}. Lý do: cuộc họp không đủ số đại diện hộ gia đình tham dự ({} × 2 không quá {h}), nên không thể bầu được {} tại cuộc họp. Báo cáo Ủy ban nhân dân {commune} xem xét, quyết định việc tổ chức phát phiếu lấy ý kiến hộ gia đình (Mẫu số 04) hoặc bầu lại.",
            doc.attendance, p.office_unit
        ),
        Standing::Submitted { returned, issued } => format!(
            "{prefix}: chưa xác định người trúng cử. Số phiếu {} nhiều hơn số phiếu phát ra ({returned} > {issued}); {} trình Ủy ban nhân dân {commune} xem xét, quyết định kết quả kiểm phiếu.",
            if p.household() {
                "thu về"
            } else {
                "thu vào"
            },
            p.body.name_vi()
        ),
    }
}

/// The highest vote when nobody passed: every candidate who has it (a tie names them all).
fn highest(p: &Paper<'_>, reason: NoWinnerReason) -> String {
    let doc = p.doc;
    let h = doc.households;
    let top = doc.candidates.iter().map(|c| c.votes).max().unwrap_or(0);
    if top == 0 {
        return String::new();
    }
    let leaders: Vec<String> = doc
        .candidates
        .iter()
        .filter(|c| c.votes == top)
        .map(|c| p.addressed(&c.id, &c.name))
        .collect();
    let need = votes_needed(h);
    if leaders.len() > 1 || reason == NoWinnerReason::Tie {
        format!(
            " (số phiếu cao nhất bằng nhau: {}, mỗi người {top} phiếu, đạt {}; cần ít nhất {need} phiếu)",
            join_and(&leaders),
            pct(top, h)
        )
    } else if doc.candidates.len() == 1 {
        format!(
            " ({} được {top} phiếu đồng ý, đạt {}; cần ít nhất {need} phiếu)",
            leaders[0],
            pct(top, h)
        )
    } else {
        format!(
            " (số phiếu cao nhất: {}, {top} phiếu, đạt {}; cần ít nhất {need} phiếu)",
            leaders[0],
            pct(top, h)
        )
    }
}

/// "A, B và C".
fn join_and(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} và {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// When the body confirmed the count, or the draft warning.
fn confirmation(p: &Paper<'_>) -> Block {
    let doc = p.doc;
    let body = p.body.name_vi();
    if let (Some(t), true) = (&doc.closed_at, doc.is_final) {
        return para(
            format!(
                "Kiểm phiếu kết thúc và được {body} xác nhận lúc {}.",
                p.when(t)
            ),
            BODY,
        );
    }
    let waiting = if doc.awaiting_review > 0 {
        format!(
            " Còn {} phiếu chờ {body} quyết định, chưa được tính.",
            doc.awaiting_review
        )
    } else {
        String::new()
    };
    styled(
        format!(
            "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được {body} xác nhận và khóa sổ.{waiting}"
        ),
        Weight::Bold,
        BODY,
        Align::Left,
    )
}

/// The biên bản's lines on complaints received at the count and how each was handled.
pub(super) fn complaint_lines(complaints: &[crate::store::Complaint]) -> Vec<String> {
    const HEAD: &str = "Khiếu nại, tố cáo nhận được trong quá trình kiểm phiếu";
    if complaints.is_empty() {
        return vec![format!("{HEAD}: không có.")];
    }
    // Entered text may or may not end a sentence; print each part as one.
    let sentence = |t: &str| {
        let t = t.trim();
        if t.ends_with(['.', '!', '?', '…']) {
            t.to_string()
        } else {
            format!("{t}.")
        }
    };
    std::iter::once(format!("{HEAD}: {}.", complaints.len()))
        .chain(complaints.iter().enumerate().map(|(i, c)| {
            format!(
                "{}. Người khiếu nại, tố cáo: {}. Nội dung: {} Cách giải quyết: {}",
                i + 1,
                c.lodged_by.trim().trim_end_matches('.'),
                sentence(&c.content),
                sentence(&c.handling)
            )
        }))
        .collect()
}

/// The text width of an A4 sheet between its margins, in millimetres.
const TEXT_WIDTH_MM: f32 = 175.0;

/// One signature column: the role, "(Ký, ghi rõ họ tên)", room to sign, the
/// name; the role's type made smaller where needed so that it stays on one line
/// of `width_mm` (five columns side by side leave about 35 mm each).
fn signer(role: &str, name: &str, width_mm: f32) -> Vec<Block> {
    const ROLE_PT: f32 = 9.5;
    let natural =
        super::super::text::width_mm(Weight::Bold, role, ROLE_PT * super::super::flow::MM_PER_PT);
    let role_pt = if natural > width_mm {
        (ROLE_PT * width_mm / natural).max(6.5)
    } else {
        ROLE_PT
    };
    vec![
        styled(role, Weight::Bold, role_pt, Align::Center),
        styled("(Ký, ghi rõ họ tên)", Weight::Regular, 8.5, Align::Center),
        Block::Space(10.0),
        styled(name, Weight::Bold, 10.0, Align::Center),
    ]
}

/// A row of signers of equal width (at most five a row).
pub(super) fn signer_rows(people: &[(String, String)]) -> Vec<Block> {
    let per_row = people.len().clamp(1, 5);
    let frac = 1.0 / per_row as f32;
    let mut rows = Vec::new();
    for chunk in people.chunks(per_row) {
        let cols = chunk
            .iter()
            .map(|(role, name)| (frac, signer(role, name, TEXT_WIDTH_MM * frac - 3.0)))
            .collect();
        rows.push(Block::Columns(cols));
        rows.push(Block::Space(2.0));
    }
    rows
}

/// The signatures, the counting body and the two witnesses each under its own
/// heading: side by side in one row of equal columns when five or fewer sign
/// (the usual body of three), else the body on its row(s) and the witnesses on theirs.
fn signature_rows(p: &Paper<'_>) -> Vec<Block> {
    let doc: &ResultDoc = p.doc;
    let mut body: Vec<(String, String)> =
        vec![(p.body.leader_vi().to_uppercase(), doc.board.leader.clone())];
    body.extend(
        doc.board
            .members
            .iter()
            .map(|m| ("THÀNH VIÊN".to_string(), m.clone())),
    );
    let witnesses: Vec<(String, String)> = doc
        .board
        .witnesses
        .iter()
        .map(|w| ("ĐẠI DIỆN HỘ GIA ĐÌNH".to_string(), w.clone()))
        .collect();
    let heading = |t: String| styled(t, Weight::Bold, 9.0, Align::Center);
    let body_heading = heading(p.body.name_vi().to_uppercase());
    let witness_heading = heading("CHỨNG KIẾN VIỆC KIỂM PHIẾU".to_string());
    let total = body.len() + witnesses.len();
    if total <= 5 {
        let each = 1.0 / total as f32;
        let group = |people: &[(String, String)]| {
            Block::Columns(
                people
                    .iter()
                    .map(|(role, name)| {
                        // The column's share of the text width, less a gutter.
                        let column_mm = TEXT_WIDTH_MM * each - 3.0;
                        (1.0 / people.len() as f32, signer(role, name, column_mm))
                    })
                    .collect(),
            )
        };
        return vec![Block::Columns(vec![
            (
                each * body.len() as f32,
                vec![body_heading, Block::Space(1.0), group(&body)],
            ),
            (
                each * witnesses.len() as f32,
                vec![witness_heading, Block::Space(1.0), group(&witnesses)],
            ),
        ])];
    }
    let mut out = vec![body_heading, Block::Space(1.0)];
    out.extend(signer_rows(&body));
    out.push(witness_heading);
    out.push(Block::Space(1.0));
    out.extend(signer_rows(&witnesses));
    out
}
