//! Debug overlay: a picture of what the interpreter saw on a page — corner
//! marks, QR code, each name coloured by its state, the stamp area, extra
//! writing, and the verdict in a banner.

use std::fmt::Write as _;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{DynamicImage, Rgb, RgbImage};

use super::geometry::{MmRect, Point};
use super::reading::{Reading, Status};
use super::{Template, Trace};
use crate::rules::{MarkState, Presence};

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const GREEN: Rgb<u8> = Rgb([20, 160, 60]);
const AMBER: Rgb<u8> = Rgb([240, 150, 0]);
const BLUE: Rgb<u8> = Rgb([30, 90, 230]);
const CYAN: Rgb<u8> = Rgb([0, 170, 200]);
const GREY: Rgb<u8> = Rgb([110, 110, 110]);
const ORANGE: Rgb<u8> = Rgb([255, 100, 0]);

/// Longest side of the overlay picture, pixels.
const MAX_SIDE: u32 = 1400;

/// Draws the overlay for a page and its reading.
pub fn draw(
    image: &DynamicImage,
    reading: &Reading,
    trace: &Trace,
    template: &Template,
) -> RgbImage {
    let (w, h) = (image.width(), image.height());
    let s = (f64::from(MAX_SIDE) / f64::from(w.max(h))).min(1.0);
    let (ow, oh) = (
        ((f64::from(w) * s).round() as u32).max(1),
        ((f64::from(h) * s).round() as u32).max(1),
    );
    let mut out = image::imageops::resize(
        &image.to_rgb8(),
        ow,
        oh,
        image::imageops::FilterType::Triangle,
    );
    // Fade the scan so the marks stand out.
    for p in out.pixels_mut() {
        for c in &mut p.0 {
            *c = 120 + (u16::from(*c) * 135 / 255) as u8;
        }
    }
    let sc = |p: Point| Point::new(p.x * s, p.y * s);
    for m in &trace.marks {
        cross(&mut out, sc(*m), 12.0, BLUE);
    }
    for x in &trace.streaks {
        line(
            &mut out,
            Point::new(x * s, 0.0),
            Point::new(x * s, f64::from(oh)),
            RED,
            3.0,
        );
    }
    if let Some(c) = trace.qr_corners {
        polygon(&mut out, &c.map(sc), CYAN, 3.0);
    }
    if let Some(hm) = &trace.homography {
        let quad = |r: MmRect| -> [Point; 4] {
            [
                Point::new(r.x, r.y),
                Point::new(r.right(), r.y),
                Point::new(r.right(), r.bottom()),
                Point::new(r.x, r.bottom()),
            ]
            .map(|p| sc(hm.map(p)))
        };
        for name in &template.names {
            let colour = match reading.scores.get(&name.id).map(|s| s.state) {
                Some(MarkState::Struck) => RED,
                Some(MarkState::Kept) => GREEN,
                Some(MarkState::Doubtful) => AMBER,
                None => GREY,
            };
            polygon(&mut out, &quad(name.name_mm.grow(0.8)), colour, 3.0);
        }
        let stamp_colour = match reading.stamp.as_ref().map(|s| s.state) {
            Some(Presence::Present) => GREEN,
            Some(Presence::Absent) => RED,
            Some(Presence::Doubtful) => AMBER,
            None => GREY,
        };
        polygon(&mut out, &quad(template.stamp_mm), stamp_colour, 3.0);
        if let (Some(boxes), Some(bt)) = (&reading.boxes, &template.boxes) {
            for i in 0..2 {
                let colour = match boxes[i].state {
                    Presence::Present => RED,
                    Presence::Absent => GREEN,
                    Presence::Doubtful => AMBER,
                };
                polygon(&mut out, &quad(bt[i].interior.grow(1.0)), colour, 3.0);
            }
        }
        for e in &reading.extra_writing {
            let colour = if e.state == Presence::Present {
                ORANGE
            } else {
                AMBER
            };
            polygon(&mut out, &quad(e.rect_mm.grow(1.0)), colour, 2.0);
        }
    }
    banner(&mut out, reading);
    out
}

/// The part of the overlay picture (x, y, width, height in its pixels) the officials
/// should look at closely: the doubtful names, stamp, boxes or writing, else every name.
pub fn focus(
    image_size: (u32, u32),
    reading: &Reading,
    trace: &Trace,
    template: &Template,
) -> Option<(u32, u32, u32, u32)> {
    let hm = trace.homography.as_ref()?;
    let (w, h) = image_size;
    let s = (f64::from(MAX_SIDE) / f64::from(w.max(h))).min(1.0);
    let doubtful_name = |id: &str| {
        reading.doubtful.iter().any(|d| d == id)
            || reading.scores.get(id).map(|sc| sc.state) == Some(MarkState::Doubtful)
    };
    let mut rects: Vec<MmRect> = template
        .names
        .iter()
        .filter(|n| doubtful_name(&n.id))
        .map(|n| n.name_mm.grow(2.0))
        .collect();
    if reading.stamp.as_ref().map(|st| st.state) != Some(Presence::Present) {
        rects.push(template.stamp_mm.grow(2.0));
    }
    if let (Some(boxes), Some(bt)) = (&reading.boxes, &template.boxes) {
        for i in 0..2 {
            if boxes[i].state == Presence::Doubtful {
                rects.push(bt[i].interior.grow(2.0));
            }
        }
    }
    rects.extend(reading.extra_writing.iter().map(|e| e.rect_mm.grow(2.0)));
    if rects.is_empty() {
        rects = template.names.iter().map(|n| n.name_mm.grow(2.0)).collect();
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for r in &rects {
        for p in [
            Point::new(r.x, r.y),
            Point::new(r.right(), r.y),
            Point::new(r.right(), r.bottom()),
            Point::new(r.x, r.bottom()),
        ] {
            let q = hm.map(p);
            x0 = x0.min(q.x * s);
            y0 = y0.min(q.y * s);
            x1 = x1.max(q.x * s);
            y1 = y1.max(q.y * s);
        }
    }
    let (ow, oh) = ((f64::from(w) * s).round(), (f64::from(h) * s).round());
    let (x0, y0) = (x0.clamp(0.0, ow - 1.0), y0.clamp(0.0, oh - 1.0));
    let (x1, y1) = (x1.clamp(x0 + 1.0, ow), y1.clamp(y0 + 1.0, oh));
    Some((x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32))
}

fn banner(out: &mut RgbImage, reading: &Reading) {
    let colour = match reading.status {
        Status::Valid => GREEN,
        Status::Invalid => RED,
        Status::Review => AMBER,
        Status::Blank | Status::Duplicate | Status::Rejected => GREY,
    };
    let bh = 44u32.min(out.height());
    for y in 0..bh {
        for x in 0..out.width() {
            out.put_pixel(x, y, colour);
        }
    }
    let mut text = format!("{:?}", reading.status).to_uppercase();
    if let Some(v) = &reading.vote {
        let _ = write!(text, "  vote: {v}");
    }
    if let Some(a) = reading.approve {
        text.push_str(if a { "  (approve)" } else { "  (disapprove)" });
    }
    if !reading.reasons.is_empty() {
        let _ = write!(text, "  {}", reading.reasons.join(", "));
    }
    draw_text(out, &text, 10.0, 31.0, 26.0, Rgb([255, 255, 255]));
}

/// Draws text with the bundled font; `baseline` in pixels.
pub fn draw_text(
    out: &mut RgbImage,
    text: &str,
    x: f64,
    baseline: f64,
    size: f32,
    colour: Rgb<u8>,
) {
    let Ok(font) = FontRef::try_from_slice(crate::ballot::fonts::FontStyle::Bold.data()) else {
        return;
    };
    let scaled = font.as_scaled(PxScale::from(size));
    let mut pen = x as f32;
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        let glyph = id.with_scale_and_position(size, ab_glyph::point(pen, baseline as f32));
        pen += scaled.h_advance(id);
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, c| {
                let (px, py) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                if px >= 0 && py >= 0 && (px as u32) < out.width() && (py as u32) < out.height() {
                    let p = out.get_pixel_mut(px as u32, py as u32);
                    for k in 0..3 {
                        p.0[k] = (f32::from(p.0[k]) * (1.0 - c) + f32::from(colour.0[k]) * c) as u8;
                    }
                }
            });
        }
    }
}

fn line(out: &mut RgbImage, a: Point, b: Point, colour: Rgb<u8>, width: f64) {
    let n = (a.dist(b).ceil() as usize).max(1);
    let r = (width / 2.0).ceil() as i64;
    for i in 0..=n {
        let t = i as f64 / n as f64;
        let (x, y) = (
            (a.x + (b.x - a.x) * t) as i64,
            (a.y + (b.y - a.y) * t) as i64,
        );
        for dy in -r..=r {
            for dx in -r..=r {
                let (px, py) = (x + dx, y + dy);
                if px >= 0 && py >= 0 && (px as u32) < out.width() && (py as u32) < out.height() {
                    out.put_pixel(px as u32, py as u32, colour);
                }
            }
        }
    }
}

fn polygon(out: &mut RgbImage, pts: &[Point; 4], colour: Rgb<u8>, width: f64) {
    for i in 0..4 {
        line(out, pts[i], pts[(i + 1) % 4], colour, width);
    }
}

fn cross(out: &mut RgbImage, c: Point, r: f64, colour: Rgb<u8>) {
    line(
        out,
        Point::new(c.x - r, c.y),
        Point::new(c.x + r, c.y),
        colour,
        2.0,
    );
    line(
        out,
        Point::new(c.x, c.y - r),
        Point::new(c.x, c.y + r),
        colour,
        2.0,
    );
}
