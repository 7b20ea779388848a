//! The top block under the header: the stamp area and the QR code in one row,
//! with the title, term, unit and instruction beside, above or below it.

use super::para::{Line, Para, Wrap, stack};
use super::rows::{NamesFit, fit_names};
use super::spec::Spec;
use super::{
    DEADLINE_LEAD, DrawItem, FIDUCIAL_CLEAR_MM, FIDUCIAL_INSET_MM, FIDUCIAL_SIZE_MM,
    INSTRUCTION_BOXES, INSTRUCTION_KEEP_SINGLE, INSTRUCTION_STRIKE, INSTRUCTION_STRIKE_SINGLE,
    ItemRole, LABEL_GRAY, LayoutError, QR_MODULE_MM, ROW_GAP_MM, ROW_SIDE_MM, RectSet, STAMP_GRAY,
    STAMP_LABEL, STAMP_STROKE_MM, TEXT_SIDE_MM, TITLE_HOUSEHOLD, TITLE_MEETING, TextRun,
    does_not_fit, nfc, rect_frame,
};
use crate::ballot::fonts::FontStyle;
use crate::ballot::qr::{QR_MODULES, QR_QUIET_MODULES};
use crate::election::{Election, Marking, SingleStruck};
use crate::geometry::MmRect;

/// The stamp area (with its label) and the QR quiet zone, side by side.
pub(super) struct Row {
    pub(super) stamp: MmRect,
    label: TextRun,
    pub(super) quiet: MmRect,
    bottom: f64,
}

impl Row {
    fn at(top: f64, page_w: f64, spec: &Spec) -> Result<Row, LayoutError> {
        let stamp = MmRect::new(ROW_SIDE_MM, top, spec.stamp, spec.stamp);
        let label = Line::new(
            STAMP_LABEL,
            FontStyle::Regular,
            spec.label,
            LABEL_GRAY,
            ItemRole::StampLabel,
        )?;
        let base = stamp.bottom() + 0.8 + label.above();
        let label = label.place_centred(stamp.x + stamp.w / 2.0, base);
        let side = f64::from(QR_MODULES + 2 * QR_QUIET_MODULES) * QR_MODULE_MM;
        let quiet = MmRect::new(page_w - ROW_SIDE_MM - side, top, side, side);
        let bottom = label.ink_mm.bottom().max(quiet.bottom());
        Ok(Row {
            stamp,
            label,
            quiet,
            bottom,
        })
    }

    /// Adds the stamp area's frame and label to the display list.
    pub(super) fn draw(self, items: &mut Vec<DrawItem>) {
        items.push(DrawItem::Rects(RectSet {
            rects: rect_frame(self.stamp, STAMP_STROKE_MM),
            gray: STAMP_GRAY,
            role: ItemRole::Stamp,
        }));
        items.push(DrawItem::Text(self.label));
    }
}

/// The chosen top block.
pub(super) struct Top {
    /// Title, term, unit and instruction lines.
    pub(super) runs: Vec<TextRun>,
    /// The names' size and spacing this arrangement leaves room for.
    pub(super) fit: NamesFit,
    /// Where the names' region starts.
    pub(super) names_start: f64,
    /// The stamp and QR row.
    pub(super) row: Row,
}

/// The paragraphs of the title block.
struct TitleBlock {
    title: Para,
    term: Para,
    unit: Para,
    /// Household mode: the collection deadline, under the unit.
    deadline: Option<Para>,
    /// The instruction in the narrow space beside the row.
    instr_mid: Para,
    /// The instruction across the page.
    instr_full: Para,
}

impl TitleBlock {
    fn of(election: &Election, spec: &Spec) -> TitleBlock {
        let info = &election.election;
        let household = election.is_household();
        // A re-election says so on the ballot (rules.md §10): a ballot of another
        // round is told apart by eye as well as by its code.
        let again = election
            .re_election()
            .map(|n| format!(" — Bầu lại lần {n}"))
            .unwrap_or_default();
        // A household ballot is a phiếu lấy ý kiến: its subject goes on the line under the title.
        let (title, term) = if household {
            (
                TITLE_HOUSEHOLD.to_string(),
                nfc(&format!(
                    "Về việc bầu {}, nhiệm kỳ {}{again}",
                    info.office, info.term
                )),
            )
        } else {
            (
                nfc(&format!("{TITLE_MEETING} {}", info.office.to_uppercase())),
                nfc(&format!("Nhiệm kỳ {}{again}", info.term)),
            )
        };
        let unit = nfc(&format!("{}, {}", info.unit, info.commune));
        let instruction = match (info.marking, election.candidates.len()) {
            (Marking::ApproveBoxes, _) => INSTRUCTION_BOXES,
            (Marking::Strike, 1) => match election.settings.single_struck {
                SingleStruck::Disapprove => INSTRUCTION_STRIKE_SINGLE,
                SingleStruck::Invalid => INSTRUCTION_KEEP_SINGLE,
            },
            (Marking::Strike, _) => INSTRUCTION_STRIKE,
        };
        let para = |text: &str, style, size, wrap, max_lines, role| Para {
            text: text.to_string(),
            style,
            size,
            wrap,
            max_lines,
            gray: 0,
            role,
        };
        let (bold, regular) = (FontStyle::Bold, FontStyle::Regular);
        TitleBlock {
            title: para(&title, bold, spec.title, Wrap::None, 1, ItemRole::Title),
            term: if household {
                para(&term, regular, spec.info, Wrap::Comma, 2, ItemRole::Info)
            } else if again.is_empty() {
                para(&term, regular, spec.info, Wrap::None, 1, ItemRole::Info)
            } else {
                para(&term, regular, spec.info, Wrap::Words, 2, ItemRole::Info)
            },
            unit: para(&unit, regular, spec.info, Wrap::Comma, 2, ItemRole::Info),
            deadline: info.collection_deadline.filter(|_| household).map(|d| {
                let text = nfc(&format!("{DEADLINE_LEAD}: {}", d.vi()));
                para(
                    &text,
                    FontStyle::Bold,
                    spec.info,
                    Wrap::Comma,
                    2,
                    ItemRole::Info,
                )
            }),
            instr_mid: para(
                instruction,
                regular,
                spec.instr,
                Wrap::Words,
                4,
                ItemRole::Instruction,
            ),
            instr_full: para(
                instruction,
                regular,
                spec.instr,
                Wrap::Words,
                2,
                ItemRole::Instruction,
            ),
        }
    }

    /// The paragraphs beside the row and below it, for one arrangement.
    fn split(&self, arrangement: usize) -> (Vec<Para>, Vec<Para>) {
        let (beside, below) = self.split_plain(arrangement);
        let Some(deadline) = &self.deadline else {
            return (beside, below);
        };
        // The deadline follows the unit's line, wherever that went.
        let with = |mut paras: Vec<Para>| {
            if let Some(i) = paras.iter().position(|p| p.text == self.unit.text) {
                paras.insert(i + 1, deadline.clone());
            }
            paras
        };
        (with(beside), with(below))
    }

    /// `split` without the deadline line.
    fn split_plain(&self, arrangement: usize) -> (Vec<Para>, Vec<Para>) {
        let (title, term, unit) = (&self.title, &self.term, &self.unit);
        match arrangement {
            0 => (
                vec![],
                vec![
                    title.clone(),
                    term.clone(),
                    unit.clone(),
                    self.instr_full.clone(),
                ],
            ),
            // The title is above the row (see `place`).
            1 => (
                vec![term.clone(), unit.clone(), self.instr_mid.clone()],
                vec![],
            ),
            2 => (
                vec![title.clone(), term.clone(), unit.clone()],
                vec![self.instr_full.clone()],
            ),
            _ => (
                vec![
                    title.clone(),
                    term.clone(),
                    unit.clone(),
                    self.instr_mid.clone(),
                ],
                vec![],
            ),
        }
    }

    /// Places one arrangement under the header: its runs, the lowest ink
    /// (where the names' region starts) and the row; `None` when it does not fit.
    fn place(
        &self,
        arrangement: usize,
        spec: &Spec,
        w: f64,
        header_bottom: f64,
    ) -> Result<Option<(Vec<TextRun>, f64, Row)>, LayoutError> {
        let full = (TEXT_SIDE_MM, w - TEXT_SIDE_MM);
        let first_row_top =
            (header_bottom + 3.0).max(FIDUCIAL_INSET_MM + FIDUCIAL_SIZE_MM + FIDUCIAL_CLEAR_MM);
        // Arrangement 1 puts the title above the row, full width.
        let (mut runs, row_top) = if arrangement == 1 {
            let Some((runs, b)) = stack(
                std::slice::from_ref(&self.title),
                full.0,
                full.1,
                header_bottom + 2.0,
            )?
            else {
                return Ok(None);
            };
            (runs, first_row_top.max(b + 2.5))
        } else {
            (Vec::new(), first_row_top)
        };
        let row = Row::at(row_top, w, spec)?;
        let mid = (
            row.stamp.right() + ROW_GAP_MM + 1.0,
            row.quiet.x - ROW_GAP_MM,
        );
        let (beside, below) = self.split(arrangement);
        let mut bottom = row.bottom;
        if !beside.is_empty() {
            let Some((more, b)) = stack(&beside, mid.0, mid.1, row_top)? else {
                return Ok(None);
            };
            if b > row.bottom {
                return Ok(None);
            }
            runs.extend(more);
        }
        if !below.is_empty() {
            let Some((more, b)) = stack(&below, full.0, full.1, row.bottom + 3.0)? else {
                return Ok(None);
            };
            runs.extend(more);
            bottom = bottom.max(b);
        }
        Ok(Some((runs, bottom, row)))
    }
}

/// The row under the header: stamp area at the left, QR at the right,
/// possibly with text between them. Tries the arrangements of the top block;
/// keeps the one leaving the largest names (ties: the first listed, which
/// gives the title the most room).
pub(super) fn arrange(
    election: &Election,
    spec: &Spec,
    header_bottom: f64,
) -> Result<Top, LayoutError> {
    let info = &election.election;
    let n = election.candidates.len();
    let (w, h) = info.paper.size_mm();
    let block = TitleBlock::of(election, spec);
    let names: Vec<String> = election.candidates.iter().map(|c| nfc(&c.name)).collect();
    let boxes_mode = info.marking == Marking::ApproveBoxes;
    let content_w = w - 2.0 * TEXT_SIDE_MM;
    let mut best: Option<Top> = None;
    for arrangement in 0..4 {
        let Some((runs, bottom, row)) = block.place(arrangement, spec, w, header_bottom)? else {
            continue;
        };
        if let Some(fit) = fit_names(&names, spec, content_w, (bottom, h), boxes_mode)? {
            let better = best.as_ref().is_none_or(|b| fit.size > b.fit.size + 1e-9);
            if better {
                best = Some(Top {
                    runs,
                    fit,
                    names_start: bottom,
                    row,
                });
            }
        }
    }
    best.ok_or_else(|| does_not_fit(info.paper, &format!("{n} candidate names")))
}
