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
