//! The warp, the blur and the sensor noise, each against what it must keep.

use super::sensor::{Sensor, blur};
use super::warp::{Look, warp};
use super::*;

#[test]
fn blur_keeps_uniform_areas_and_ink_mass() {
    for (ch, sigma) in [(1, 0.5), (1, 1.0), (3, 0.8)] {
        let mut r = Raster::filled(9, 7, ch, 200);
        blur(&mut r, sigma, None);
        assert!(r.data.iter().all(|&v| v == 200), "uniform stays uniform");
        let mut r = Raster::filled(9, 7, ch, 0);
        let centre = (3 * 9 + 4) * ch;
        r.data[centre] = 255;
        blur(&mut r, sigma, None);
        let mass: u32 = r.data.iter().map(|&v| u32::from(v)).sum();
        assert!((245..=265).contains(&mass), "σ {sigma}: mass {mass}");
        // Symmetric left/right and up/down.
        assert_eq!(r.data[centre - ch], r.data[centre + ch]);
        assert_eq!(r.data[centre - 9 * ch], r.data[centre + 9 * ch]);
        assert!(r.data[centre] < 255 && r.data[centre + ch] > 0);
    }
}

#[test]
fn blur_handles_images_narrower_than_its_kernel() {
    for (w, h) in [(1, 1), (2, 3), (1, 6)] {
        let mut r = Raster::filled(w, h, 3, 90);
        blur(&mut r, 1.1, None);
        assert!(r.data.iter().all(|&v| v == 90));
    }
}

#[test]
fn warp_by_whole_pixels_is_an_exact_shift() {
    let mut page = Raster::filled(40, 30, 1, 255);
    for (i, v) in page.data.iter_mut().enumerate() {
        *v = (i * 7 % 251) as u8;
    }
    let look = Look {
        bg: 30.0,
        paper: 1.0,
        shadow_px: 0.0,
    };
    // Image pixel centre (i + 0.5, j + 0.5) samples page index (i + 3, j − 2).
    let inv = Affine::translate(2.5, -2.5);
    let out = warp::<1>(&page, &inv, 40, 30, &look);
    for j in 2..29 {
        for i in 0..36 {
            assert_eq!(
                out[j * 40 + i],
                page.data[(j - 2) * 40 + i + 3],
                "({i}, {j})"
            );
        }
    }
    // Off the sheet: background.
    assert_eq!(out[39], 30);
}

#[test]
fn upside_down_maps_corners_to_opposite_corners() {
    let spec = ScanSpec {
        quarter_turns: 2,
        ..ScanSpec::clean(254)
    };
    let m = spec.page_to_image((148.0, 210.0));
    let (x, y) = m.apply(0.0, 0.0);
    assert!((x - 1480.0).abs() < 1e-6 && (y - 2100.0).abs() < 1e-6);
    let sideways = ScanSpec {
        quarter_turns: 1,
        ..ScanSpec::clean(254)
    };
    assert_eq!(sideways.image_size((148.0, 210.0)), (2100, 1480));
    // Turned clockwise: the top-left corner goes to the top-right.
    let (x, y) = sideways.page_to_image((148.0, 210.0)).apply(0.0, 0.0);
    assert!((x - 2100.0).abs() < 1e-6 && y.abs() < 1e-6);
}

#[test]
fn sensor_noise_has_the_requested_spread() {
    let mut r = Raster::filled(200, 100, 1, 128);
    let spec = ScanSpec {
        noise_sigma: 6.0,
        ..ScanSpec::clean(200)
    };
    let mut sensor = Sensor::new(&spec, 200, 100, 8.0, 1).expect("noise is a change");
    for (y, row) in r.data.chunks_exact_mut(200).enumerate() {
        sensor.row(y, row, 1);
    }
    let n = r.data.len() as f64;
    let mean = r.data.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = r
        .data
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    assert!((mean - 128.0).abs() < 0.5, "mean {mean}");
    assert!((var.sqrt() - 6.0).abs() < 0.4, "σ {}", var.sqrt());
}
