//! The generator: print the ballot at the scan resolution, stamp it, let the voter
//! mark it, scan it, and record the truth.

use std::sync::{Arc, Mutex};

use image::GrayImage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::ballot::layout::{BallotLayout, PAGE_MARGIN_MM};
use crate::ballot::raster::{region_px, render_ballot_gray, render_region_gray};
use crate::ballot::{Payload, Serial};
use crate::election::{BallotKey, Election, Fingerprint};
use kiemphieu_core::geometry::MmRect;

use super::encode::encode;
use super::geom::px_per_mm;
use super::ink::{InkLay, Raster, composite};
use super::marks::{BoxMark, box_paths, mark_paths};
use super::mix::{GeneratorMix, sample_spec};
use super::rnd::{PixelNoise, uniform};
use super::scan::{ColourMode, scan};
use super::sheet::Sheet;
use super::spec::BallotSpec;
use super::stamp::{Seal, StampSpec, draw_seal, place_seal};
use super::stroke::{PenPath, rasterize};
use super::truth::{
    BoxTruth, CandidateTruth, PageKind, Presence, Truth, expect_for, extra_expect, ink_visible,
};
use super::writing::{ExtraWriting, WritingPlan, writing_paths};
use super::{SynthError, SyntheticBallot};

/// Generates pages for one election and layout; keeps the printed template per dpi so
/// that only the QR code is rendered per page.
#[derive(Debug)]
pub struct Generator<'a> {
    election: &'a Election,
    layout: &'a BallotLayout,
    key: &'a BallotKey,
    fingerprint: Fingerprint,
    sheet: Sheet,
    ring_text: String,
    templates: Mutex<Vec<(u32, Arc<GrayImage>)>>,
}

impl<'a> Generator<'a> {
    /// A generator for `election` printed with `layout` and signed with `key`.
    pub fn new(
        election: &'a Election,
        layout: &'a BallotLayout,
        key: &'a BallotKey,
    ) -> Result<Self, SynthError> {
        let ids_match = layout.candidates.len() == election.candidates.len()
            && layout
                .candidates
                .iter()
                .zip(&election.candidates)
                .all(|(l, c)| l.id == c.id);
        if !ids_match {
            return Err(SynthError::Layout(
                "the layout's candidates are not the election's".into(),
            ));
        }
        let info = &election.election;
        let outer = info.district.as_deref().unwrap_or(&info.province);
        Ok(Generator {
            election,
            layout,
            key,
            fingerprint: Fingerprint::of(election),
            sheet: Sheet::from_layout(layout)?,
            ring_text: format!(
                "ỦY BAN NHÂN DÂN {} * {} *",
                info.commune.to_uppercase(),
                outer.to_uppercase()
            ),
            templates: Mutex::new(Vec::new()),
        })
    }

    /// The page spec `generate` would render for this seed.
    pub fn sample(&self, seed: u64, mix: &GeneratorMix) -> BallotSpec {
        sample_spec(self.election, seed, mix)
    }

    /// A genuine ballot drawn from the mix.
    pub fn generate(&self, seed: u64, mix: &GeneratorMix) -> Result<SyntheticBallot, SynthError> {
        self.render(&self.sample(seed, mix))
    }

    /// A marked ballot whose QR code belongs to another election.
    pub fn wrong_election(
        &self,
        seed: u64,
        mix: &GeneratorMix,
    ) -> Result<SyntheticBallot, SynthError> {
        let spec = BallotSpec {
            kind: PageKind::WrongElection,
            ..self.sample(seed, mix)
        };
        self.render(&spec)
    }

    /// A marked ballot with this election's fingerprint but a MAC from another key.
    pub fn forged(&self, seed: u64, mix: &GeneratorMix) -> Result<SyntheticBallot, SynthError> {
        let spec = BallotSpec {
            kind: PageKind::Forged,
            ..self.sample(seed, mix)
        };
        self.render(&spec)
    }

    /// A blank sheet; with `duplex_back` the back of a ballot showing faintly through.
    pub fn blank(
        &self,
        seed: u64,
        mix: &GeneratorMix,
        duplex_back: bool,
    ) -> Result<SyntheticBallot, SynthError> {
        let spec = BallotSpec {
            kind: if duplex_back {
                PageKind::DuplexBack
            } else {
                PageKind::Blank
            },
            marks: Vec::new(),
            boxes: None,
            stamp: StampSpec::Absent,
            extra: ExtraWriting::None,
            ..self.sample(seed, mix)
        };
        self.render(&spec)
    }

    /// Two genuine ballots with the same serial (a photocopied ballot), marked and
    /// scanned independently. The first is the one to count.
    pub fn duplicate_pair(
        &self,
        seed: u64,
        mix: &GeneratorMix,
    ) -> Result<(SyntheticBallot, SyntheticBallot), SynthError> {
        let first = self.sample(seed, mix);
        let second = BallotSpec {
            serial: first.serial,
            ..self.sample(seed ^ 0xD0B1_E5E7_1A1C_0FFE, mix)
        };
        Ok((self.render(&first)?, self.render(&second)?))
    }

    /// The printed ballot without QR at `dpi`, rendered once per resolution.
    fn template(&self, dpi: u32) -> Arc<GrayImage> {
        let mut cache = self
            .templates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, t)) = cache.iter().find(|(d, _)| *d == dpi) {
            return Arc::clone(t);
        }
        let t = Arc::new(render_ballot_gray(self.layout, None, dpi as f32));
        cache.push((dpi, Arc::clone(&t)));
        t
    }

    /// The printed ballot with `payload` in its QR code.
    fn printed(&self, dpi: u32, payload: &str) -> GrayImage {
        let mut page = (*self.template(dpi)).clone();
        let quiet = self.layout.qr.quiet_mm;
        let at = region_px(self.layout, dpi as f32, quiet);
        let patch = render_region_gray(self.layout, Some(payload), dpi as f32, quiet);
        // The quiet zone holds nothing else, so pasting the patch equals a full render.
        for (x, y, p) in patch.enumerate_pixels() {
            if let Some(dst) = page.get_pixel_mut_checked(at.x + x, at.y + y) {
                *dst = *p;
            }
        }
        page
    }

    /// The round the ballots are printed for (the election's).
    fn round(&self) -> u32 {
        self.election.election.round
    }

    /// QR text for a ballot page of this kind.
    fn payload(&self, kind: PageKind, serial: Serial, rng: &mut impl Rng) -> String {
        match kind {
            PageKind::WrongElection => {
                let mut other = Fingerprint(rng.random());
                if other.short() == self.fingerprint.short() {
                    other.0[0] ^= 0xFF;
                }
                Payload::sign_round(
                    &other,
                    self.round(),
                    serial,
                    &BallotKey::from_bytes(rng.random()),
                )
                .encode()
            }
            PageKind::Forged => {
                let mut key: [u8; 32] = rng.random();
                if &key == self.key.as_bytes() {
                    key[0] ^= 0xFF;
                }
                Payload::sign_round(
                    &self.fingerprint,
                    self.round(),
                    serial,
                    &BallotKey::from_bytes(key),
                )
                .encode()
            }
            _ => Payload::sign_round(&self.fingerprint, self.round(), serial, self.key).encode(),
        }
    }

    /// Renders a page spec: print, stamp, mark, write, scan, encode.
    pub fn render(&self, spec: &BallotSpec) -> Result<SyntheticBallot, SynthError> {
        self.check_spec(spec)?;
        let dpi = spec.scan.dpi;
        let ch = if spec.scan.colour == ColourMode::Rgb {
            3
        } else {
            1
        };
        // Separate streams: the payload draw never shifts the strokes, so the same
        // seed gives the same marks whatever the page kind.
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let mut payload_rng = StdRng::seed_from_u64(spec.seed ^ 0x9A71_0AD5_EED0_0001);
        let mut noise = PixelNoise::new(spec.seed.rotate_left(29) ^ 0x1EAF_1EAF);
        let (payload, mut raster, printed) = self.paper(spec, ch, &mut rng, &mut payload_rng);
        let (candidates, boxes) = match &printed {
            Some(printed) => self.mark_page(spec, printed, &mut raster, &mut rng, &mut noise)?,
            None => (Vec::new(), None),
        };
        let image = scan(&raster, self.sheet.page, &spec.scan, spec.seed)?;
        let (encoded, extension) = encode(&image, spec.scan.colour, spec.scan.format, dpi)?;
        let truth = self.truth(spec, payload, candidates, boxes);
        Ok(SyntheticBallot {
            image,
            encoded,
            extension,
            truth,
        })
    }

    /// Refuses a spec that does not fit the scan limits or this ballot's layout.
    fn check_spec(&self, spec: &BallotSpec) -> Result<(), SynthError> {
        spec.scan.validate()?;
        let ballot = spec.kind.is_ballot();
        let n = self.sheet.names.len();
        if ballot && spec.marks.len() != n {
            return Err(SynthError::MarkCount {
                marks: spec.marks.len(),
                candidates: n,
            });
        }
        if ballot && spec.boxes.is_some() != self.sheet.boxes.is_some() {
            return Err(SynthError::Boxes {
                layout_has_boxes: self.sheet.boxes.is_some(),
            });
        }
        Ok(())
    }

    /// The sheet before the voter: its payload, its pixels, and the printed ballot
    /// (none for a blank page or the back of a duplex sheet).
    fn paper(
        &self,
        spec: &BallotSpec,
        ch: usize,
        rng: &mut StdRng,
        payload_rng: &mut StdRng,
    ) -> (Option<String>, Raster, Option<GrayImage>) {
        let dpi = spec.scan.dpi;
        match spec.kind {
            PageKind::Blank => {
                let t = self.template(dpi);
                (
                    None,
                    Raster::filled(t.width() as usize, t.height() as usize, ch, 255),
                    None,
                )
            }
            PageKind::DuplexBack => {
                let front = self.printed(
                    dpi,
                    &self.payload(PageKind::Genuine, spec.serial, payload_rng),
                );
                (
                    None,
                    show_through(&front, ch, uniform(rng, 0.03, 0.08)),
                    None,
                )
            }
            _ => {
                let text = self.payload(spec.kind, spec.serial, payload_rng);
                let page = self.printed(dpi, &text);
                let raster = Raster::from_gray(&page, ch);
                (Some(text), raster, Some(page))
            }
        }
    }

    /// Stamps the seal, then marks each name, the boxes and any extra writing, in
    /// that order (the draws of `rng` follow it); returns what was marked.
    fn mark_page(
        &self,
        spec: &BallotSpec,
        printed: &GrayImage,
        raster: &mut Raster,
        rng: &mut StdRng,
        noise: &mut PixelNoise,
    ) -> Result<(Vec<CandidateTruth>, Option<BoxTruth>), SynthError> {
        let k = px_per_mm(spec.scan.dpi);
        let page_rect = MmRect::new(0.0, 0.0, self.sheet.page.0, self.sheet.page.1);
        let seal = (spec.stamp != StampSpec::Absent).then(|| {
            let mut avoid: Vec<MmRect> =
                self.sheet.names.iter().map(|g| g.rect.grow(1.0)).collect();
            avoid.push(self.sheet.qr);
            avoid.extend(self.sheet.fiducials.iter().map(|f| f.grow(1.0)));
            place_seal(rng, &self.sheet.stamp, &avoid, &page_rect)
        });
        if let Some(seal) = &seal {
            draw_seal(
                raster,
                k,
                seal,
                spec.stamp == StampSpec::Faint,
                &self.ring_text,
                rng,
                noise,
            );
        }
        let lay = spec.pen.lay();
        let mut candidates = Vec::new();
        for ((g, mark), cand) in self
            .sheet
            .names
            .iter()
            .zip(&spec.marks)
            .zip(&self.election.candidates)
        {
            let paths =
                mark_paths(rng, *mark, g, &spec.pen).map_err(|reason| SynthError::Mark {
                    id: cand.id.clone(),
                    reason,
                })?;
            ink(raster, paths, k, &lay, noise);
            candidates.push(CandidateTruth {
                id: cand.id.clone(),
                mark: *mark,
                expect: expect_for(mark, &spec.pen, &spec.scan),
            });
        }
        let mut boxes = None;
        if let (Some(b), Some([agree, disagree])) = (spec.boxes, self.sheet.boxes) {
            let targets: &[MmRect] = match b.mark {
                BoxMark::None => &[],
                BoxMark::Agree => &[agree],
                BoxMark::Disagree => &[disagree],
                BoxMark::Both => &[agree, disagree],
            };
            for t in targets {
                let paths = box_paths(rng, b.glyph, t, &spec.pen);
                ink(raster, paths, k, &lay, noise);
            }
            boxes = Some(BoxTruth {
                drawn: b,
                expect: ink_visible(&spec.pen, &spec.scan).then_some(b.mark),
            });
        }
        if spec.extra != ExtraWriting::None {
            let mut plan = WritingPlan::sample(rng, spec.extra);
            let room = self.find_room(rng, printed, k, &mut plan, seal.as_ref())?;
            let paths = writing_paths(rng, &plan, &room, spec.pen.width_mm);
            ink(raster, paths, k, &lay, noise);
        }
        Ok((candidates, boxes))
    }

    /// What was drawn and how it must be read; a page that is no ballot has no seal
    /// or writing to read.
    fn truth(
        &self,
        spec: &BallotSpec,
        payload: Option<String>,
        candidates: Vec<CandidateTruth>,
        boxes: Option<BoxTruth>,
    ) -> Truth {
        let ballot = spec.kind.is_ballot();
        Truth {
            seed: spec.seed,
            kind: spec.kind,
            serial: ballot.then_some(spec.serial),
            payload,
            candidates,
            boxes,
            stamp: if ballot {
                spec.stamp
            } else {
                StampSpec::Absent
            },
            stamp_expect: if ballot {
                spec.stamp.expect(&spec.scan)
            } else {
                Presence::Absent
            },
            extra: if ballot {
                spec.extra
            } else {
                ExtraWriting::None
            },
            extra_expect: if ballot {
                extra_expect(spec.extra, &spec.pen, &spec.scan)
            } else {
                Presence::Absent
            },
            pen: spec.pen,
            scan: spec.scan,
            page_to_image: spec.scan.page_to_image(self.sheet.page),
        }
    }

    /// A place for writing clear of names, QR, fiducials, boxes and the seal, on blank
    /// paper if possible. Added names go under the list when there is room.
    fn find_room(
        &self,
        rng: &mut impl Rng,
        printed: &GrayImage,
        k: f64,
        plan: &mut WritingPlan,
        seal: Option<&Seal>,
    ) -> Result<MmRect, SynthError> {
        let mut avoid = self.sheet.keep_clear();
        avoid.extend(seal.map(|s| s.rect().grow(1.0)));
        let inner = MmRect::new(0.0, 0.0, self.sheet.page.0, self.sheet.page.1)
            .grow(-(PAGE_MARGIN_MM + 1.0));
        let blank = |r: &MmRect| {
            // Sample every other pixel: enough to see printed text.
            let (x0, y0) = ((r.x * k) as u32, (r.y * k) as u32);
            let (x1, y1) = ((r.right() * k) as u32, (r.bottom() * k) as u32);
            let (mut dark, mut total) = (0u32, 0u32);
            for y in (y0..y1.min(printed.height())).step_by(2) {
                for x in (x0..x1.min(printed.width())).step_by(2) {
                    total += 1;
                    dark += u32::from(printed.get_pixel(x, y).0[0] < 200);
                }
            }
            dark * 500 <= total
        };
        let fits = |r: &MmRect, strict: bool| {
            inner.contains(r) && !avoid.iter().any(|a| a.intersects(r)) && (!strict || blank(r))
        };
        for round in 0..4 {
            let (w, h) = plan.size();
            let strict = round < 3;
            if plan.kind == ExtraWriting::AddedName
                && let Some(last) = self.sheet.names.last()
            {
                let left = self
                    .sheet
                    .names
                    .iter()
                    .map(|g| g.rect.x)
                    .fold(f64::INFINITY, f64::min);
                for _ in 0..30 {
                    let r = MmRect::new(
                        left + uniform(rng, -4.0, 6.0),
                        last.rect.bottom() + uniform(rng, 3.0, 14.0),
                        w,
                        h,
                    );
                    if fits(&r, strict) {
                        return Ok(r);
                    }
                }
            }
            for _ in 0..300 {
                let r = MmRect::new(
                    uniform(rng, inner.x, inner.right() - w),
                    uniform(rng, inner.y, inner.bottom() - h),
                    w,
                    h,
                );
                if fits(&r, strict) {
                    return Ok(r);
                }
            }
            plan.xh *= 0.8;
        }
        Err(SynthError::NoRoom(match plan.kind {
            ExtraWriting::Signature => "a signature",
            ExtraWriting::AddedName => "an added name",
            _ => "a note",
        }))
    }
}

/// The back of a printed sheet: the front mirrored left to right, seen faintly through
/// the paper (`alpha` of its contrast).
fn show_through(front: &GrayImage, ch: usize, alpha: f64) -> Raster {
    let (w, h) = (front.width() as usize, front.height() as usize);
    let mut r = Raster::filled(w, h, ch, 255);
    let a = alpha as f32;
    for y in 0..h {
        for x in 0..w {
            let v = f32::from(front.as_raw()[y * w + (w - 1 - x)]);
            let out = (255.0 - a * (255.0 - v)).round() as u8;
            for c in 0..ch {
                r.data[(y * w + x) * ch + c] = out;
            }
        }
    }
    r
}

/// One genuine ballot drawn from `mix` (convenience for a single page; reuse a
/// [`Generator`] for many pages, it caches the printed template).
pub fn generate(
    election: &Election,
    layout: &BallotLayout,
    key: &BallotKey,
    seed: u64,
    mix: &GeneratorMix,
) -> Result<SyntheticBallot, SynthError> {
    Generator::new(election, layout, key)?.generate(seed, mix)
}

/// Lays the pen's ink along each path onto the page.
fn ink(raster: &mut Raster, paths: Vec<PenPath>, k: f64, lay: &InkLay, noise: &mut PixelNoise) {
    for p in paths {
        if let Some(m) = rasterize(&p, k, raster.w, raster.h) {
            composite(raster, &m, lay, noise);
        }
    }
}
