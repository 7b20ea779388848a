//! QR payloads as labelled, blank pages, and a batch of tricky pages.

use super::*;

/// Decodes the QR code from the quiet zone of a clean scan.
fn read_qr(b: &SyntheticBallot, l: &BallotLayout) -> Option<String> {
    let kpx = f64::from(b.truth.scan.dpi) / 25.4;
    let q = l.qr.quiet_mm;
    let crop = image::imageops::crop_imm(
        &b.image.to_luma8(),
        (q.x * kpx) as u32,
        (q.y * kpx) as u32,
        (q.w * kpx) as u32,
        (q.h * kpx) as u32,
    )
    .to_image();
    let mut prepared = rqrr::PreparedImage::prepare(crop);
    let grids = prepared.detect_grids();
    grids
        .first()
        .and_then(|g| g.decode().ok())
        .map(|(_, text)| text)
}

#[test]
fn payloads_are_genuine_foreign_or_forged_as_labelled() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let fp = Fingerprint::of(&e);
    let g = Generator::new(&e, &l, &k).expect("generator");
    let mix = GeneratorMix::clear_only()
        .with_dpi(200)
        .with_format(FileFormat::Png);
    let clean = |b: SyntheticBallot| -> (String, Truth) {
        let text = b.truth.payload.clone().expect("ballot has a payload");
        (text, b.truth)
    };
    let genuine = g.generate(1, &mix).expect("page");
    // The QR actually printed on a (mildly skewed) scan is the recorded payload: check on
    // an exact scan of the same spec.
    let mut spec = g.sample(1, &mix);
    spec.scan = ScanSpec::clean(200);
    let exact_page = g.render(&spec).expect("page");
    assert_eq!(
        read_qr(&exact_page, &l).as_deref(),
        exact_page.truth.payload.as_deref()
    );

    let (text, truth) = clean(genuine);
    let p = Payload::decode(&text).expect("decodes");
    assert_eq!(p.verify(&fp, &k), Ok(()));
    assert_eq!(Some(p.serial), truth.serial);

    let (text, truth) = clean(g.wrong_election(1, &mix).expect("page"));
    assert_eq!(truth.kind, PageKind::WrongElection);
    assert_eq!(
        Payload::decode(&text).and_then(|p| p.verify(&fp, &k)),
        Err(PayloadError::WrongElection)
    );

    let (text, truth) = clean(g.forged(1, &mix).expect("page"));
    assert_eq!(truth.kind, PageKind::Forged);
    assert_eq!(
        Payload::decode(&text).and_then(|p| p.verify(&fp, &k)),
        Err(PayloadError::Forged)
    );

    let (a, b) = g.duplicate_pair(5, &mix).expect("pair");
    assert_eq!(a.truth.serial, b.truth.serial);
    assert_eq!(a.truth.payload, b.truth.payload);
    assert_ne!(a.encoded, b.encoded);
}

#[test]
fn blank_pages_carry_nothing_but_paper() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let spec_scan = ScanSpec::clean(150);
    for duplex in [false, true] {
        let mut spec = g.sample(4, &GeneratorMix::clear_only());
        spec.kind = if duplex {
            PageKind::DuplexBack
        } else {
            PageKind::Blank
        };
        spec.scan = spec_scan;
        let b = g.render(&spec).expect("page");
        assert!(b.truth.payload.is_none() && b.truth.serial.is_none());
        assert!(b.truth.candidates.is_empty());
        assert_eq!(b.truth.stamp_expect, Presence::Absent);
        let grey = b.image.to_luma8();
        let min = grey.pixels().map(|p| p.0[0]).min().unwrap_or(0);
        // Show-through is faint: nothing darker than light grey.
        assert!(min >= 225, "darkest pixel {min}");
        if duplex {
            assert!(min < 255, "duplex back shows the front faintly");
        } else {
            assert_eq!(min, 255);
        }
    }
    let b = g.blank(2, &GeneratorMix::realistic(), true).expect("page");
    assert_eq!(b.truth.kind, PageKind::DuplexBack);
}

#[test]
fn a_batch_of_tricky_pages_renders_without_error() {
    for e in [three(), boxes(), example()] {
        let l = layout(&e);
        let k = key();
        let g = Generator::new(&e, &l, &k).expect("generator");
        let mix = GeneratorMix::tricky_only().with_dpi(150);
        for seed in 0..25 {
            let b = g
                .generate(seed, &mix)
                .unwrap_or_else(|err| panic!("seed {seed}: {err}"));
            assert_eq!(b.truth.candidates.len(), e.candidates.len());
            assert!(image::load_from_memory(&b.encoded).is_ok());
        }
    }
}
