//! Stage 6: writing anywhere else on the ballot (art. 74 đ): added names,
//! notes, signatures. Compared with the rendered blank ballot at 0.5 mm per
//! cell, outside the places where marks belong.

use image::GrayImage;

use super::geometry::{Homography, MmRect, Point};
use super::profile::Profile;
use super::reading::ExtraInk;
use crate::rules::Presence;

/// Millimetres per cell of the whole-page comparison.
pub const PAGE_STEP_MM: f64 = 0.5;

/// The blank page at `PAGE_STEP_MM`, with the places excluded from the search.
#[derive(Debug, Clone)]
pub struct PageTemplate {
    /// Cells wide.
    pub w: usize,
    /// Cells high.
    pub h: usize,
    /// True where ink is expected or allowed (print, names' rows, stamp, QR, marks, borders).
    pub excluded: Vec<bool>,
}

impl PageTemplate {
    /// Builds it from the rendered blank page (`PAGE_STEP_MM` per pixel) and the allowed zones.
    pub fn new(rendered: &GrayImage, zones: &[MmRect]) -> Self {
        let (w, h) = (rendered.width() as usize, rendered.height() as usize);
        let printed: Vec<bool> = rendered.as_raw().iter().map(|&v| v < 245).collect();
        // Two cells (1 mm) of slack around print absorbs registration error at this scale.
        let mut excluded = super::sample::dilate(&printed, w, h, 2);
        for y in 0..h {
            for x in 0..w {
                let p = Point::new(
                    (x as f64 + 0.5) * PAGE_STEP_MM,
                    (y as f64 + 0.5) * PAGE_STEP_MM,
                );
                if zones.iter().any(|z| z.contains_point(p)) {
                    excluded[y * w + x] = true;
                }
            }
        }
        PageTemplate { w, h, excluded }
    }
}

/// Finds clusters of unexplained ink; `coarse` is the downsampled scan (`factor` px per cell).
pub fn find(
    coarse: &GrayImage,
    factor: u32,
    h: &Homography,
    t: &PageTemplate,
    white: f64,
    profile: &Profile,
) -> (Presence, Vec<ExtraInk>) {
    let threshold = white * 0.72;
    let (cw, ch) = (i64::from(coarse.width()), i64::from(coarse.height()));
    let f = f64::from(factor);
    let mut ink = vec![false; t.w * t.h];
    let n = (t.w.max(2) - 1) as f64;
    for y in 0..t.h {
        // Map the row's ends and interpolate: the homography is near-affine at this scale.
        let my = (y as f64 + 0.5) * PAGE_STEP_MM;
        let a = h.map(Point::new(0.5 * PAGE_STEP_MM, my));
        let b = h.map(Point::new((t.w as f64 - 0.5) * PAGE_STEP_MM, my));
        for x in 0..t.w {
            let i = y * t.w + x;
            if t.excluded[i] {
                continue;
            }
            let k = x as f64 / n;
            let (px, py) = (a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k);
            let (cx, cy) = ((px / f) as i64, (py / f) as i64);
            if px < 0.0 || py < 0.0 || cx >= cw || cy >= ch {
                continue;
            }
            ink[i] = f64::from(coarse.as_raw()[(cy * cw + cx) as usize]) < threshold;
        }
    }
    let cell_area = PAGE_STEP_MM * PAGE_STEP_MM;
    let mut seen = vec![false; ink.len()];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..ink.len() {
        if !ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut minx, mut maxx, mut miny, mut maxy, mut n) =
            (usize::MAX, 0, usize::MAX, 0, 0usize);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % t.w, i / t.w);
            n += 1;
            minx = minx.min(x);
            maxx = maxx.max(x);
            miny = miny.min(y);
            maxy = maxy.max(y);
            // 8-connected, with one cell of slack: handwriting strokes have small breaks.
            for dy in -2i64..=2 {
                for dx in -2i64..=2 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= t.w as i64 || ny >= t.h as i64 {
                        continue;
                    }
                    let j = ny as usize * t.w + nx as usize;
                    if ink[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let area = n as f64 * cell_area;
        if area < profile.extra_dust_mm2 {
            continue;
        }
        let rect = MmRect::new(
            minx as f64 * PAGE_STEP_MM,
            miny as f64 * PAGE_STEP_MM,
            (maxx - minx + 1) as f64 * PAGE_STEP_MM,
            (maxy - miny + 1) as f64 * PAGE_STEP_MM,
        );
        let extent = rect.w.max(rect.h);
        let state = if area >= profile.extra_min_area_mm2 || extent >= profile.extra_min_extent_mm {
            Presence::Present
        } else {
            Presence::Doubtful
        };
        found.push(ExtraInk {
            rect_mm: rect,
            area_mm2: super::names::round3(area),
            state,
        });
    }
    let overall = if found.iter().any(|e| e.state == Presence::Present) {
        Presence::Present
    } else if found.is_empty() {
        Presence::Absent
    } else {
        Presence::Doubtful
    };
    (overall, found)
}
