//! The corner fiducials and the two-column header at the top of the page.

use super::para::{Line, Para, Wrap, fit_para};
use super::spec::Spec;
use super::{
    DrawItem, FIDUCIAL_INSET_MM, FIDUCIAL_SIZE_MM, HEADER_TOP_MM, ItemRole, LayoutError, RectSet,
    TEXT_SIDE_MM, does_not_fit, nfc,
};
use crate::ballot::fonts::FontStyle;
use crate::election::ElectionInfo;
use crate::geometry::MmRect;

/// Fiducials: isolated filled squares in the four corners (TL, TR, BL, BR).
pub(super) fn fiducials(w: f64, h: f64, items: &mut Vec<DrawItem>) -> [MmRect; 4] {
    let f = FIDUCIAL_SIZE_MM;
    let fi = FIDUCIAL_INSET_MM;
    let fiducials_mm = [
        MmRect::new(fi, fi, f, f),
        MmRect::new(w - fi - f, fi, f, f),
        MmRect::new(fi, h - fi - f, f, f),
        MmRect::new(w - fi - f, h - fi - f, f, f),
    ];
    for r in fiducials_mm {
        items.push(DrawItem::Rects(RectSet {
            rects: vec![r],
            gray: 0,
            role: ItemRole::Fiducial,
        }));
    }
    fiducials_mm
}

/// A column of the header: its left and right edges and its paragraphs.
type Column = ((f64, f64), Vec<Para>);

/// Header: two centred columns, one shared size so baselines align. Returns
/// the lowest ink.
pub(super) fn header(
    info: &ElectionInfo,
    spec: &Spec,
    w: f64,
    items: &mut Vec<DrawItem>,
) -> Result<f64, LayoutError> {
    let columns = columns(info, spec, w);
    let too_big = || does_not_fit(info.paper, "header");
    let mut header_size = spec.header;
    for (col, paras) in &columns {
        for p in paras {
            let lines = fit_para(p, col.1 - col.0)?.ok_or_else(too_big)?;
            if lines.len() == 1 {
                header_size = header_size.min(lines[0].size);
            }
        }
    }
    let mut header_rows: Vec<Vec<(f64, Line)>> = Vec::new();
    for (col, paras) in columns {
        let mut row = 0;
        for mut p in paras {
            p.size = header_size;
            let lines = fit_para(&p, col.1 - col.0)?.ok_or_else(too_big)?;
            for line in lines {
                if header_rows.len() <= row {
                    header_rows.push(Vec::new());
                }
                header_rows[row].push((f64::midpoint(col.0, col.1), line));
                row += 1;
            }
        }
    }
    let mut cursor = HEADER_TOP_MM;
    let mut header_bottom = HEADER_TOP_MM;
    for row in header_rows {
        let above = row.iter().map(|(_, l)| l.above()).fold(0.0, f64::max);
        let below = row.iter().map(|(_, l)| l.below()).fold(0.0, f64::max);
        let base = cursor + above;
        for (cx, line) in row {
            let run = line.place_centred(cx, base);
            header_bottom = header_bottom.max(run.ink_mm.bottom());
            items.push(DrawItem::Text(run));
        }
        cursor = base + below.max(0.22 * header_size) + 0.35 * header_size;
    }
    Ok(header_bottom)
}

/// The committee at the left, the national motto at the right.
fn columns(info: &ElectionInfo, spec: &Spec, w: f64) -> [Column; 2] {
    let content_w = w - 2.0 * TEXT_SIDE_MM;
    let left = (TEXT_SIDE_MM, TEXT_SIDE_MM + 0.4 * content_w);
    let right = (left.1 + 3.0, w - TEXT_SIDE_MM);
    let header_para = |text: &str, style, wrap, max_lines| Para {
        text: text.to_string(),
        style,
        size: spec.header,
        wrap,
        max_lines,
        gray: 0,
        role: ItemRole::Header,
    };
    let commune_upper = nfc(&info.commune.to_uppercase());
    // Only the commune's name may take two lines: it is the one long field.
    [
        (
            left,
            vec![
                header_para("ỦY BAN NHÂN DÂN", FontStyle::Regular, Wrap::None, 1),
                header_para(&commune_upper, FontStyle::Bold, Wrap::Words, 2),
            ],
        ),
        (
            right,
            vec![
                header_para(
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                    FontStyle::Bold,
                    Wrap::None,
                    1,
                ),
                header_para(
                    "Độc lập - Tự do - Hạnh phúc",
                    FontStyle::Bold,
                    Wrap::None,
                    1,
                ),
            ],
        ),
    ]
}
