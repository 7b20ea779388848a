//! A small flow layout for an A4 form: paragraphs, side-by-side columns and
//! ruled tables, placed top to bottom; a block never splits across pages.

use super::text::{Weight, width_mm, wrap};

/// Millimetres per point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.18;
/// Thickness of table rules.
const RULE_MM: f32 = 0.25;

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// One thing to draw, in millimetres from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A line of text; `y` is the baseline.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// Em size in mm.
        size: f32,
        /// Face.
        weight: Weight,
        /// The text.
        text: String,
        /// Grey level (0 black).
        gray: u8,
    },
    /// A filled rectangle (rules, boxes).
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
    /// A QR code of `text`, `size` mm square, top-left at (x, y).
    Qr {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Side.
        size: f32,
        /// Content.
        text: String,
    },
}

impl Item {
    fn shifted(mut self, dx: f32, dy: f32) -> Item {
        match &mut self {
            Item::Text { x, y, .. } | Item::Rect { x, y, .. } | Item::Qr { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
        }
        self
    }
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Text (wrapped to the column).
    pub text: String,
    /// Face.
    pub weight: Weight,
    /// Alignment in the column.
    pub align: Align,
}

impl Cell {
    /// A regular cell.
    pub fn new(text: impl Into<String>, align: Align) -> Cell {
        Cell {
            text: text.into(),
            weight: Weight::Regular,
            align,
        }
    }

    /// A bold cell.
    pub fn bold(text: impl Into<String>, align: Align) -> Cell {
        Cell {
            text: text.into(),
            weight: Weight::Bold,
            align,
        }
    }
}

/// A block of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph in one face and size (points), wrapped.
    Para {
        /// Text.
        text: String,
        /// Face.
        weight: Weight,
        /// Size in points.
        pt: f32,
        /// Alignment.
        align: Align,
        /// Left indent in mm (first and following lines).
        indent: f32,
    },
    /// Vertical space in mm.
    Space(f32),
    /// A short centred rule of this width (under headers).
    Rule(f32),
    /// Columns side by side: (fraction of the width, blocks).
    Columns(Vec<(f32, Vec<Block>)>),
    /// A ruled table: column fractions, rows (the first is the header when `header`).
    Table {
        /// Column widths as fractions of the width.
        widths: Vec<f32>,
        /// Rows of cells.
        rows: Vec<Vec<Cell>>,
        /// Size in points.
        pt: f32,
    },
    /// Blocks kept on one page together.
    Keep(Vec<Block>),
    /// A QR code beside a column of lines (the machine part).
    Qr {
        /// Side of the code in mm.
        size: f32,
        /// Content.
        text: String,
    },
}

/// A left-aligned regular paragraph.
pub fn para(text: impl Into<String>, pt: f32) -> Block {
    Block::Para {
        text: text.into(),
        weight: Weight::Regular,
        pt,
        align: Align::Left,
        indent: 0.0,
    }
}

/// A paragraph with face and alignment.
pub fn styled(text: impl Into<String>, weight: Weight, pt: f32, align: Align) -> Block {
    Block::Para {
        text: text.into(),
        weight,
        pt,
        align,
        indent: 0.0,
    }
}

fn aligned_x(align: Align, x: f32, width: f32, text_w: f32) -> f32 {
    match align {
        Align::Left => x,
        Align::Center => x + (width - text_w) / 2.0,
        Align::Right => x + width - text_w,
    }
}

/// Draws a block at the origin with the given width; returns the items and its height.
pub fn render(block: &Block, width: f32) -> (Vec<Item>, f32) {
    match block {
        Block::Para {
            text,
            weight,
            pt,
            align,
            indent,
        } => {
            let size = pt * MM_PER_PT;
            let line_h = size * LEADING;
            let mut items = Vec::new();
            let mut y = 0.0;
            for paragraph in text.split('\n') {
                for line in wrap(*weight, paragraph, size, width - indent) {
                    let w = width_mm(*weight, &line, size);
                    items.push(Item::Text {
                        x: aligned_x(*align, *indent, width - indent, w),
                        y: y + size * 0.93,
                        size,
                        weight: *weight,
                        text: line,
                        gray: 0,
                    });
                    y += line_h;
                }
            }
            (items, y)
        }
        Block::Space(h) => (Vec::new(), *h),
        Block::Rule(w) => (
            vec![Item::Rect {
                x: (width - w.min(width)) / 2.0,
                y: 0.3,
                w: w.min(width),
                h: RULE_MM,
            }],
            1.2,
        ),
        Block::Columns(cols) => {
            let mut items = Vec::new();
            let (mut x, mut height) = (0.0f32, 0.0f32);
            for (frac, blocks) in cols {
                let w = width * frac;
                let (col_items, h) = stack(blocks, w);
                items.extend(col_items.into_iter().map(|i| i.shifted(x, 0.0)));
                height = height.max(h);
                x += w;
            }
            (items, height)
        }
        Block::Keep(blocks) => stack(blocks, width),
        Block::Table { widths, rows, pt } => table(widths, rows, *pt, width),
        Block::Qr { size, text } => (
            vec![Item::Qr {
                x: width - size,
                y: 0.0,
                size: *size,
                text: text.clone(),
            }],
            *size,
        ),
    }
}

/// Blocks one under the other.
pub fn stack(blocks: &[Block], width: f32) -> (Vec<Item>, f32) {
    let mut items = Vec::new();
    let mut y = 0.0;
    for b in blocks {
        let (its, h) = render(b, width);
        items.extend(its.into_iter().map(|i| i.shifted(0.0, y)));
        y += h;
    }
    (items, y)
}

fn table(widths: &[f32], rows: &[Vec<Cell>], pt: f32, width: f32) -> (Vec<Item>, f32) {
    let size = pt * MM_PER_PT;
    let line_h = size * LEADING;
    let pad = 1.0;
    let xs: Vec<f32> = std::iter::once(0.0)
        .chain(widths.iter().scan(0.0, |acc, w| {
            *acc += w * width;
            Some(*acc)
        }))
        .collect();
    let mut items = Vec::new();
    let mut y = 0.0;
    let rule = |x: f32, y: f32, w: f32, h: f32| Item::Rect { x, y, w, h };
    items.push(rule(0.0, 0.0, width, RULE_MM));
    for row in rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cw = xs.get(i + 1).copied().unwrap_or(width) - xs[i.min(xs.len() - 1)];
                wrap(c.weight, &c.text, size, cw - 2.0 * pad)
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        // Leading already spaces the lines; a little more keeps the rules off the accents.
        let h = lines as f32 * line_h + 2.0 * pad * 0.4;
        for (i, (cell, text_lines)) in row.iter().zip(&wrapped).enumerate() {
            let (x0, x1) = (
                xs[i.min(xs.len() - 1)],
                xs.get(i + 1).copied().unwrap_or(width),
            );
            // Vertically centred in the row.
            let top = y + (h - text_lines.len() as f32 * line_h) / 2.0;
            for (k, line) in text_lines.iter().enumerate() {
                let w = width_mm(cell.weight, line, size);
                items.push(Item::Text {
                    x: aligned_x(cell.align, x0 + pad, x1 - x0 - 2.0 * pad, w),
                    y: top + k as f32 * line_h + size * 0.93,
                    size,
                    weight: cell.weight,
                    text: line.clone(),
                    gray: 0,
                });
            }
        }
        y += h;
        items.push(rule(0.0, y, width, RULE_MM));
    }
    for &x in &xs {
        items.push(rule(x.min(width - RULE_MM), 0.0, RULE_MM, y + RULE_MM));
    }
    (items, y + RULE_MM)
}

/// Places blocks on pages of `height` mm (content area from `top`); a block
/// that does not fit the rest of a page starts the next one.
pub fn paginate(blocks: &[Block], width: f32, top: f32, bottom: f32) -> Vec<Vec<Item>> {
    let mut pages = vec![Vec::new()];
    let mut y = top;
    for b in blocks {
        let (items, h) = render(b, width);
        if y + h > bottom && y > top {
            pages.push(Vec::new());
            y = top;
        }
        if let Some(page) = pages.last_mut() {
            page.extend(items.into_iter().map(|i| i.shifted(0.0, y)));
        }
        y += h;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_never_split_and_overflow_goes_to_the_next_page() {
        let lines: Vec<Block> = (0..80).map(|i| para(format!("dòng {i}"), 11.0)).collect();
        let pages = paginate(&lines, 170.0, 10.0, 280.0);
        assert!(pages.len() >= 2);
        for page in &pages {
            for item in page {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= 280.0 && *y >= 10.0);
                }
            }
        }
        let texts: usize = pages.iter().map(Vec::len).sum();
        assert_eq!(texts, 80);
    }

    #[test]
    fn table_cells_stay_inside_their_columns() {
        let rows = vec![
            vec![
                Cell::bold("STT", Align::Center),
                Cell::bold("Nội dung", Align::Center),
            ],
            vec![
                Cell::new("1", Align::Center),
                Cell::new("Tổng số đại diện hộ gia đình của khu phố", Align::Left),
            ],
        ];
        let (items, h) = render(
            &Block::Table {
                widths: vec![0.2, 0.8],
                rows,
                pt: 10.0,
            },
            50.0,
        );
        assert!(h > 10.0);
        for i in items {
            if let Item::Text {
                x,
                text,
                size,
                weight,
                ..
            } = i
            {
                let w = width_mm(weight, &text, size);
                assert!(x >= 0.0 && x + w <= 50.0, "{text}");
            }
        }
    }
}
