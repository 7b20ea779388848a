//! The geometry contract printed beside the ballots (`layout.json`), read leniently.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

/// A rectangle in millimetres from the page's top-left corner.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Centre point.
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// Page size in millimetres.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PageSize {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// One printed candidate name.
#[derive(Debug, Clone, Deserialize)]
pub struct CandidateBox {
    /// Candidate id from the election file.
    pub id: String,
    /// Full name as printed.
    pub name: String,
    /// Tight box of the printed name.
    pub name_mm: Rect,
    /// Baseline of the name's text, if given.
    #[serde(default)]
    pub baseline_mm: Option<f64>,
    /// The lowercase letters' body (x-height band), if given.
    #[serde(default)]
    pub xheight_band_mm: Option<Band>,
}

/// A vertical band in millimetres.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Band {
    /// Top edge.
    pub top: f64,
    /// Bottom edge.
    pub bottom: f64,
}

/// The parts of `layout.json` this simulator uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Layout {
    /// Paper size.
    pub page_mm: PageSize,
    /// Corner marks: TL, TR, BL, BR.
    pub fiducials_mm: Vec<Rect>,
    /// QR code area.
    pub qr_mm: Rect,
    /// Stamp area (dấu treo).
    pub stamp_mm: Rect,
    /// Candidates in ballot order.
    pub candidates: Vec<CandidateBox>,
}

impl Layout {
    /// Reads and checks a layout file.
    pub fn load(path: &Path) -> Result<Layout> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let layout: Layout =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        anyhow::ensure!(
            layout.fiducials_mm.len() == 4,
            "{}: expected 4 corner marks",
            path.display()
        );
        anyhow::ensure!(
            !layout.candidates.is_empty(),
            "{}: no candidates",
            path.display()
        );
        Ok(layout)
    }

    /// Vertical band (top, bottom) that belongs to candidate `i`'s row: halfway to its neighbours.
    pub fn row_band(&self, i: usize) -> (f64, f64) {
        let c = &self.candidates[i].name_mm;
        let pitch = self.row_pitch();
        let top = if i > 0 {
            let p = &self.candidates[i - 1].name_mm;
            (p.bottom() + c.y) / 2.0
        } else {
            c.y - (pitch - c.h) / 2.0
        };
        let bottom = if i + 1 < self.candidates.len() {
            let n = &self.candidates[i + 1].name_mm;
            (c.bottom() + n.y) / 2.0
        } else {
            c.bottom() + (pitch - c.h) / 2.0
        };
        (top, bottom)
    }

    /// Distance between successive names' tops (or a guess from the name height for one name).
    pub fn row_pitch(&self) -> f64 {
        let c = &self.candidates;
        if c.len() >= 2 {
            (c[c.len() - 1].name_mm.y - c[0].name_mm.y) / (c.len() - 1) as f64
        } else {
            c[0].name_mm.h * 2.5
        }
    }
}

/// Vertical metrics of a printed name, derived from its tight box and baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NameMetrics {
    /// Baseline (mm).
    pub baseline: f64,
    /// Estimated em size (mm).
    pub em: f64,
}

impl NameMetrics {
    /// Metrics from the x-height band when the layout gives it (x-height ≈ 0.54 em in Noto Sans),
    /// else estimated: the tight box top is a diacritic over a capital, ≈ 0.95 em over the baseline.
    pub fn of(c: &CandidateBox) -> NameMetrics {
        if let Some(b) = c.xheight_band_mm.filter(|b| b.bottom > b.top) {
            return NameMetrics {
                baseline: b.bottom,
                em: (b.bottom - b.top) / 0.54,
            };
        }
        let r = c.name_mm;
        let baseline = c.baseline_mm.unwrap_or(r.y + r.h * 0.8);
        let above = (baseline - r.y).max(r.h * 0.5);
        NameMetrics {
            baseline,
            em: above / 0.95,
        }
    }
    /// Centre of the lowercase letters' body (half the x-height above the baseline).
    pub fn body_centre(&self) -> f64 {
        self.baseline - 0.27 * self.em
    }
    /// Height of the lowercase body (x-height).
    pub fn x_height(&self) -> f64 {
        0.54 * self.em
    }
    /// Height where capitals end (above the body).
    pub fn cap_top(&self) -> f64 {
        self.baseline - 0.7 * self.em
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(y: f64) -> CandidateBox {
        CandidateBox {
            id: "c".into(),
            name: "Nguyễn Văn An".into(),
            name_mm: Rect {
                x: 20.0,
                y,
                w: 40.0,
                h: 6.0,
            },
            baseline_mm: Some(y + 5.0),
            xheight_band_mm: None,
        }
    }

    #[test]
    fn metrics_put_the_body_between_cap_top_and_baseline() {
        let m = NameMetrics::of(&cand(50.0));
        assert!(m.body_centre() < m.baseline && m.body_centre() > m.cap_top());
        assert!(m.cap_top() > 50.0);
    }

    #[test]
    fn row_bands_touch_and_contain_names() {
        let l = Layout {
            page_mm: PageSize {
                width: 148.0,
                height: 210.0,
            },
            fiducials_mm: vec![],
            qr_mm: Rect {
                x: 0.0,
                y: 0.0,
                w: 1.0,
                h: 1.0,
            },
            stamp_mm: Rect {
                x: 0.0,
                y: 0.0,
                w: 1.0,
                h: 1.0,
            },
            candidates: vec![cand(50.0), cand(62.0), cand(74.0)],
        };
        let (t0, b0) = l.row_band(0);
        let (t1, b1) = l.row_band(1);
        assert!((b0 - t1).abs() < 1e-9);
        assert!(t0 < 50.0 && b0 > 56.0 && t1 < 62.0 && b1 > 68.0);
    }
}
