//! The biên bản's line for the hand check at the table.

use super::super::flow::{Align, Block, styled};
use super::super::text::Weight;
use crate::result::ResultDoc;

/// "Kiểm tra xác suất bằng tay: N phiếu, M sai lệch, mức rủi ro không quá x %", with the
/// witnesses' seed and any batches to count again by hand; or that none was done.
pub(super) fn hand_check_note(doc: &ResultDoc) -> Block {
    let text = match &doc.hand_check {
        None => crate::audit::sheet_line(None),
        Some(h) => {
            let mut t = format!(
                "{} Giới hạn rủi ro {} %; dãy số ngẫu nhiên do người chứng kiến tạo: {}.",
                h.line, h.risk_limit_percent, h.seed
            );
            if !h.batches_to_count.is_empty() {
                t.push_str(" Đề nghị kiểm lại bằng tay: ");
                t.push_str(&h.batches_to_count.join(", "));
                t.push('.');
            }
            t
        }
    };
    styled(text, Weight::Regular, super::BODY, Align::Left)
}
