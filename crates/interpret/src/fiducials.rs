//! Stage 2a: finding the four corner marks.
//!
//! Searched only in the four corner windows of the coarse image, as dark,
//! filled, square blobs of the expected size that do not touch the image
//! border (a dark scanner background does), then refined to sub-pixel
//! centres on the full-resolution page.

use image::GrayImage;

use super::geometry::Point;
use super::view::PageView;

/// A corner mark as found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FoundMark {
    /// Centre in full-resolution pixels.
    pub centre: Point,
    /// Side length in full-resolution pixels (square root of the inked area).
    pub side: f64,
}

/// Searches the four corner windows; `expected_side` is the mark's side in coarse pixels.
/// Returns marks in image order TL, TR, BL, BR (None where none was found).
pub fn find_marks(
    coarse: &GrayImage,
    factor: u32,
    white: u8,
    expected_side: f64,
    page: &PageView<'_>,
) -> [Option<FoundMark>; 4] {
    let (cw, ch) = coarse.dimensions();
    let ww = (f64::from(cw) * 0.32) as u32;
    let wh = (f64::from(ch) * 0.26) as u32;
    let threshold = (u32::from(white) * 55 / 100) as u8;
    let windows = [
        (0, 0, true, true),
        (cw - ww, 0, false, true),
        (0, ch - wh, true, false),
        (cw - ww, ch - wh, false, false),
    ];
    windows.map(|(x0, y0, left, top)| {
        let blob = best_blob(coarse, x0, y0, ww, wh, threshold, expected_side, left, top)?;
        Some(refine(page, blob, factor))
    })
}

#[derive(Debug, Clone, Copy)]
struct Blob {
    cx: f64,
    cy: f64,
    side: f64,
}

#[allow(clippy::too_many_arguments)]
fn best_blob(
    img: &GrayImage,
    x0: u32,
    y0: u32,
    w: u32,
    h: u32,
    threshold: u8,
    expected: f64,
    left: bool,
    top: bool,
) -> Option<Blob> {
    let (iw, ih) = img.dimensions();
    let mut seen = vec![false; (w * h) as usize];
    let mut stack = Vec::new();
    let mut best: Option<(f64, Blob)> = None;
    let dark = |x: u32, y: u32| img.as_raw()[((y0 + y) * iw + x0 + x) as usize] < threshold;
    for sy in 0..h {
        for sx in 0..w {
            let i = (sy * w + sx) as usize;
            if seen[i] || !dark(sx, sy) {
                continue;
            }
            // Flood fill one component.
            seen[i] = true;
            stack.push((sx, sy));
            let (mut minx, mut maxx, mut miny, mut maxy) = (sx, sx, sy, sy);
            let (mut area, mut sumx, mut sumy) = (0u64, 0u64, 0u64);
            let mut touches_border = false;
            let mut too_big = false;
            while let Some((x, y)) = stack.pop() {
                area += 1;
                sumx += u64::from(x);
                sumy += u64::from(y);
                minx = minx.min(x);
                maxx = maxx.max(x);
                miny = miny.min(y);
                maxy = maxy.max(y);
                let (gx, gy) = (x0 + x, y0 + y);
                if gx == 0
                    || gy == 0
                    || gx + 1 >= iw
                    || gy + 1 >= ih
                    || x == 0
                    || y == 0
                    || x + 1 >= w
                    || y + 1 >= h
                {
                    touches_border = true;
                }
                if area as f64 > expected * expected * 6.0 {
                    too_big = true;
                }
                let mut push = |nx: u32, ny: u32| {
                    let j = (ny * w + nx) as usize;
                    if !seen[j] && dark(nx, ny) {
                        seen[j] = true;
                        stack.push((nx, ny));
                    }
                };
                if x > 0 {
                    push(x - 1, y);
                }
                if x + 1 < w {
                    push(x + 1, y);
                }
                if y > 0 {
                    push(x, y - 1);
                }
                if y + 1 < h {
                    push(x, y + 1);
                }
            }
            if touches_border || too_big {
                continue;
            }
            let bw = f64::from(maxx - minx + 1);
            let bh = f64::from(maxy - miny + 1);
            let fill = area as f64 / (bw * bh);
            let squareness = bw.min(bh) / bw.max(bh);
            if bw < expected * 0.55
                || bw > expected * 1.6
                || bh < expected * 0.55
                || bh > expected * 1.6
            {
                continue;
            }
            if fill < 0.7 || squareness < 0.75 {
                continue;
            }
            let cx = f64::from(x0) + sumx as f64 / area as f64 + 0.5;
            let cy = f64::from(y0) + sumy as f64 / area as f64 + 0.5;
            // Prefer the blob nearest the page corner: marks are the outermost content.
            let corner_x = if left { 0.0 } else { f64::from(iw) };
            let corner_y = if top { 0.0 } else { f64::from(ih) };
            let d = (cx - corner_x).hypot(cy - corner_y);
            let blob = Blob {
                cx,
                cy,
                side: (area as f64).sqrt(),
            };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, blob));
            }
        }
    }
    best.map(|(_, b)| b)
}

/// Sub-pixel centre on the full page: darkness-weighted centroid in a window.
fn refine(page: &PageView<'_>, blob: Blob, factor: u32) -> FoundMark {
    let f = f64::from(factor);
    let (cx, cy) = (blob.cx * f, blob.cy * f);
    let half = (blob.side * f * 0.95).max(3.0);
    let (x0, x1) = ((cx - half).floor() as i64, (cx + half).ceil() as i64);
    let (y0, y1) = ((cy - half).floor() as i64, (cy + half).ceil() as i64);
    let (mut lo, mut hi) = (255u8, 0u8);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = page.luma(x, y);
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let mid = f64::midpoint(f64::from(lo), f64::from(hi));
    let (mut sw, mut sx, mut sy, mut count) = (0.0, 0.0, 0.0, 0.0f64);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = f64::from(page.luma(x, y));
            if v < mid {
                // Full weight inside, partial on anti-aliased edges.
                let wgt = ((mid - v) / (mid - f64::from(lo)).max(1.0)).min(1.0);
                sw += wgt;
                sx += wgt * (x as f64 + 0.5);
                sy += wgt * (y as f64 + 0.5);
                count += 1.0;
            }
        }
    }
    if sw <= 0.0 {
        return FoundMark {
            centre: Point::new(cx, cy),
            side: blob.side * f,
        };
    }
    FoundMark {
        centre: Point::new(sx / sw, sy / sw),
        side: count.sqrt(),
    }
}
