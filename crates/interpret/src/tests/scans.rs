//! Scanner files as they come: a header's resolution is a claim checked
//! against the page, never trusted alone (issue 14).

use super::*;

#[test]
fn a_wrong_header_resolution_is_measured_from_the_page() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for (dpi, stated) in [
        (200.0f32, Some(72.0)),
        (300.0, Some(96.0)),
        (200.0, Some(600.0)),
        (240.0, None),
    ] {
        let mut img = printed(&election, &key, &layout, dpi, 4321);
        strike_name(&mut img, dpi, &layout, 1, [0, 0, 0]);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&Page {
            image: DynamicImage::ImageRgb8(img),
            dpi: stated,
        });
        assert_eq!(
            r.status,
            Status::Valid,
            "{dpi} dpi stated {stated:?}: {r:#?}"
        );
        assert_eq!(r.vote.as_deref(), Some("c1"));
        assert!(
            (r.dpi - f64::from(dpi)).abs() < 1.0,
            "{dpi} dpi read as {}",
            r.dpi
        );
    }
}

#[test]
fn a_small_sheet_on_a_flatbed_is_found_without_a_header() {
    // The ballot in the middle of a bed 1.6 times its size, no resolution stated.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0f32;
    let mut img = printed(&election, &key, &layout, dpi, 55);
    strike_name(&mut img, dpi, &layout, 0, [0, 0, 0]);
    stamp(&mut img, dpi, &layout);
    let (w, h) = img.dimensions();
    let (bw, bh) = (w * 8 / 5, h * 8 / 5);
    let mut bed = RgbImage::from_pixel(bw, bh, Rgb([250, 250, 250]));
    image::imageops::overlay(
        &mut bed,
        &img,
        i64::from((bw - w) / 2),
        i64::from((bh - h) / 2),
    );
    let r = interp.interpret(&Page {
        image: DynamicImage::ImageRgb8(bed),
        dpi: None,
    });
    assert_eq!(r.status, Status::Valid, "{r:#?}");
    assert_eq!(r.vote.as_deref(), Some("c2"));
    assert!(
        (r.dpi - f64::from(dpi)).abs() < 1.0,
        "read as {} dpi",
        r.dpi
    );
}

/// Floyd–Steinberg error diffusion to 1 bit, as ADFs do in black-and-white mode,
/// over the page toned down to a grey paper (`paper` of 255).
fn dithered(img: &RgbImage, paper: f32) -> image::GrayImage {
    let g = DynamicImage::ImageRgb8(img.clone()).to_luma8();
    let (w, h) = g.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let mut v: Vec<f32> = g
        .as_raw()
        .iter()
        .map(|&p| f32::from(p) * paper / 255.0)
        .collect();
    let mut out = vec![0u8; wu * hu];
    for y in 0..hu {
        for x in 0..wu {
            let i = y * wu + x;
            let new = if v[i] >= 128.0 { 255.0 } else { 0.0 };
            let e = v[i] - new;
            out[i] = new as u8;
            if x + 1 < wu {
                v[i + 1] += e * 7.0 / 16.0;
            }
            if y + 1 < hu {
                if x > 0 {
                    v[i + wu - 1] += e * 3.0 / 16.0;
                }
                v[i + wu] += e * 5.0 / 16.0;
                if x + 1 < wu {
                    v[i + wu + 1] += e / 16.0;
                }
            }
        }
    }
    image::GrayImage::from_raw(w, h, out).unwrap()
}

#[test]
fn dithered_one_bit_scans_keep_untouched_names_kept() {
    // Grey paper dithered to 1 bit scatters specks everywhere: not a dotted stroke.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for (dpi, paper) in [(300.0f32, 245.0f32), (300.0, 232.0), (200.0, 232.0)] {
        let mut img = printed(&election, &key, &layout, dpi, 91);
        strike_name(&mut img, dpi, &layout, 0, [0, 0, 0]);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&Page {
            image: DynamicImage::ImageLuma8(dithered(&img, paper)),
            dpi: Some(f64::from(dpi)),
        });
        let c2 = r.scores.get("c2").map(|s| s.state);
        assert_eq!(
            c2,
            Some(MarkState::Kept),
            "{dpi} dpi, paper {paper}: {r:#?}"
        );
    }
}

#[test]
fn a_scan_too_noisy_to_tell_paper_from_ink_is_never_decided() {
    // Dark grey paper dithered to 1 bit: specks as dense as a pen's line everywhere.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 300.0f32;
    let mut img = printed(&election, &key, &layout, dpi, 92);
    strike_name(&mut img, dpi, &layout, 0, [0, 0, 0]);
    stamp(&mut img, dpi, &layout);
    let r = interp.interpret(&Page {
        image: DynamicImage::ImageLuma8(dithered(&img, 200.0)),
        dpi: Some(f64::from(dpi)),
    });
    assert!(
        !matches!(r.status, Status::Valid | Status::Invalid),
        "decided a page of noise: {r:#?}"
    );
}
