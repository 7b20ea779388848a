//! Stage 8: scanner health. Dirt on the glass of a sheet-fed scanner draws a
//! thin dark line along the whole feed direction (image columns); ballots
//! never have such lines, so the page is rejected with a plain instruction
//! instead of being misread.

use image::GrayImage;

/// Columns (coarse pixels) that look like streaks.
pub fn find_streaks(coarse: &GrayImage, white: u8, min_fraction: f64) -> Vec<u32> {
    let (w, h) = coarse.dimensions();
    if w < 20 || h < 20 {
        return Vec::new();
    }
    let threshold = (u32::from(white) * 75 / 100) as u8;
    let mut frac = vec![0f64; w as usize];
    for y in 0..h {
        let row = &coarse.as_raw()[(y * w) as usize..((y + 1) * w) as usize];
        for (x, &v) in row.iter().enumerate() {
            if v < threshold {
                frac[x] += 1.0;
            }
        }
    }
    for f in &mut frac {
        *f /= f64::from(h);
    }
    let mut out = Vec::new();
    for x in 8..(w as usize - 8) {
        // Compare with neighbours 3..8 columns away on both sides: a streak is narrow,
        // a dark scanner background or the sheet's edge is wide.
        let left = (3..=8).map(|d| frac[x - d]).fold(0.0f64, f64::max);
        let right = (3..=8).map(|d| frac[x + d]).fold(0.0f64, f64::max);
        if frac[x] >= min_fraction && frac[x] - left.max(right) >= min_fraction * 0.75 {
            out.push(x as u32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thin_dark_column_is_a_streak_and_a_dark_margin_is_not() {
        let mut img = GrayImage::from_pixel(100, 140, image::Luma([240]));
        for y in 0..140 {
            img.put_pixel(50, y, image::Luma([90]));
            for x in 0..12 {
                img.put_pixel(x, y, image::Luma([20]));
            }
        }
        // Some printed text rows must not matter.
        for x in 20..80 {
            img.put_pixel(x, 30, image::Luma([0]));
        }
        assert_eq!(find_streaks(&img, 240, 0.6), vec![50]);
    }
}
