//! Stage 5: is the stamp (dấu) of the Tổ bầu cử on the ballot?
//!
//! Colour scans: red ink in the stamp area. Grey scans: enough ink, shaped
//! like a seal — ink all around a ring near its outer edge.

use super::geometry::{Homography, MmRect};
use super::profile::Profile;
use super::reading::StampScore;
use super::sample::{Patch, sample_luma, sample_rgb};
use super::view::PageView;
use crate::rules::Presence;

/// Millimetres per pixel of the stamp measures: a seal's ring is ≥ 0.6 mm wide.
pub const STAMP_STEP_MM: f64 = 0.3;

/// Measures the stamp area; `printed` marks template pixels of the box outline and label.
#[allow(clippy::needless_range_loop)] // parallel arrays indexed together
pub fn measure(
    page: &PageView<'_>,
    h: &Homography,
    area: MmRect,
    printed: &[bool],
    white: f64,
    profile: &Profile,
) -> StampScore {
    let luma: Patch = sample_luma(page, h, area, STAMP_STEP_MM);
    let (w, hgt) = (luma.w, luma.h);
    let ink_threshold = white * 0.8;
    let mut ink = vec![false; w * hgt];
    let mut usable = 0usize;
    for i in 0..w * hgt {
        if printed.get(i).copied().unwrap_or(false) {
            continue;
        }
        usable += 1;
        ink[i] = f64::from(luma.data[i]) < ink_threshold;
    }
    let usable = usable.max(1) as f64;
    let ink_fraction = ink.iter().filter(|&&b| b).count() as f64 / usable;

    // A colour file whose stamp area has no colour at all (a grey scan saved as RGB,
    // or no stamp) is judged like a grey scan: by the ink's shape.
    let rgb = page
        .is_colour()
        .then(|| sample_rgb(page, h, area, STAMP_STEP_MM).2);
    let chromatic = rgb.as_ref().is_some_and(|px| {
        px.iter()
            .filter(|p| p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0) > 40)
            .count()
            * 200
            > px.len()
    });
    let red_fraction = rgb.filter(|_| chromatic).map(|rgb| {
        let red = rgb
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                !printed.get(*i).copied().unwrap_or(false)
                    && p[0] >= 90
                    && p[0].saturating_sub(p[1].max(p[2])) >= profile.stamp_redness
            })
            .count();
        red as f64 / usable
    });
    let ring_sectors = ring_score(&ink, w, hgt);
    let state = match red_fraction {
        Some(red) => {
            if red >= profile.stamp_red_present {
                Presence::Present
            } else if red < profile.stamp_red_absent && ink_fraction < profile.stamp_gray_absent {
                Presence::Absent
            } else {
                Presence::Doubtful
            }
        }
        None => {
            if ink_fraction >= profile.stamp_gray_present
                && ring_sectors >= profile.stamp_ring_sectors
            {
                Presence::Present
            } else if ink_fraction < profile.stamp_gray_absent {
                Presence::Absent
            } else {
                Presence::Doubtful
            }
        }
    };
    StampScore {
        state,
        red_fraction: red_fraction.map(super::names::round3),
        ink_fraction: super::names::round3(ink_fraction),
        ring_sectors: super::names::round3(ring_sectors),
    }
}

/// Share of 36 angular sectors that hold ink near the outer edge of the ink's extent.
fn ring_score(ink: &[bool], w: usize, h: usize) -> f64 {
    let (mut minx, mut maxx, mut miny, mut maxy) = (usize::MAX, 0, usize::MAX, 0);
    for y in 0..h {
        for x in 0..w {
            if ink[y * w + x] {
                minx = minx.min(x);
                maxx = maxx.max(x);
                miny = miny.min(y);
                maxy = maxy.max(y);
            }
        }
    }
    if minx == usize::MAX {
        return 0.0;
    }
    let cx = (minx + maxx) as f64 / 2.0;
    let cy = (miny + maxy) as f64 / 2.0;
    let r = ((maxx - minx).max(maxy - miny) as f64 / 2.0).max(1.0);
    let mut hits = [0u32; 36];
    for y in miny..=maxy {
        for x in minx..=maxx {
            if !ink[y * w + x] {
                continue;
            }
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            let d = dx.hypot(dy);
            if d >= 0.78 * r && d <= 1.08 * r {
                let a = dy.atan2(dx) + std::f64::consts::PI;
                let s = ((a / (2.0 * std::f64::consts::PI)) * 36.0) as usize % 36;
                hits[s] += 1;
            }
        }
    }
    hits.iter().filter(|&&n| n >= 2).count() as f64 / 36.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_fills_its_sectors_and_a_bar_does_not() {
        let (w, h) = (80, 80);
        let mut ring = vec![false; w * h];
        let mut bar = vec![false; w * h];
        for y in 0..h {
            for x in 0..w {
                let d = ((x as f64 - 40.0).powi(2) + (y as f64 - 40.0).powi(2)).sqrt();
                ring[y * w + x] = (33.0..36.0).contains(&d);
                bar[y * w + x] = (38..42).contains(&y) && (5..75).contains(&x);
            }
        }
        assert!(ring_score(&ring, w, h) > 0.95);
        assert!(ring_score(&bar, w, h) < 0.2);
    }
}
