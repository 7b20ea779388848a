//! Stage 6: writing anywhere else on the ballot (art. 74 đ): added names,
//! notes, signatures. Compared with the rendered blank ballot at 0.5 mm per
//! cell, outside the places where marks belong.
//!
//! A name's row is searched too (a voter may write "giữ" beside the name,
//! issue 14), with the strike's own ink told apart: a cluster that touches
//! the name itself is the strike (its overshoot, a hook, a run into the
//! neighbouring row) when what lies beyond the name's measured region is a
//! thin line, and at most doubtful otherwise; a thin line that stays within
//! the rows (a piece of a skipping pen, a circle) is a mark, not writing.

use image::GrayImage;

use super::geometry::{Homography, MmRect, Point};
use super::profile::Profile;
use super::reading::ExtraInk;
use crate::rules::Presence;

/// Millimetres per cell of the whole-page comparison.
pub const PAGE_STEP_MM: f64 = 0.5;

/// Thin-line test: a cluster whose ink area is at most this many mm² per mm
/// of its longest side is a line (a 0.9 mm felt pen covers ≈ 1.5 cells of
/// 0.5 mm); a written word folds several strokes into its length.
const LINE_MM: f64 = 1.6;

/// How far the excluded slack around a name's letters reaches beyond its box, mm.
const NAME_PRINT_SLACK_MM: f64 = 1.0;

/// A cluster with this share of interior cells (inked with all four
/// neighbours inked) is a patch — torn paper, a shadow — not strokes: a pen's
/// line is one or two 0.5 mm cells wide, so almost all of it is its edge.
const PATCH_INTERIOR: f64 = 0.4;

/// A cell darker than this fraction of the paper's white holds ink.
const STRONG: f64 = 0.72;
/// Darker than this, it may hold a light pencil's or a pale pen's stroke.
const FAINT: f64 = 0.85;

/// What a cell of the page is, for the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Open paper: any ink is writing.
    Open,
    /// A name's row, away from the name: writing, unless a strike's line.
    Row,
    /// Around a name, inside the region its measurement samples.
    Ring,
    /// The name itself: a strike's ink.
    Name,
    /// Print, stamp, code, marks, borders: not searched.
    Excluded,
}

/// Where a name's strike belongs: the name, the region measured around it, and its row.
#[derive(Debug, Clone, Copy)]
pub struct NameZones {
    /// The printed name, slightly grown.
    pub name: MmRect,
    /// The region its measurement samples.
    pub ring: MmRect,
    /// Its row: where strikes wander.
    pub row: MmRect,
}

/// The blank page at `PAGE_STEP_MM`, with the places excluded from the search.
#[derive(Debug, Clone)]
pub struct PageTemplate {
    /// Cells wide.
    pub w: usize,
    /// Cells high.
    pub h: usize,
    /// Each cell's zone.
    pub zones: Vec<Zone>,
    /// Excluded cells of a name's own print (its letters and their slack):
    /// ink next to them is the strike's, cut off from the rest of its line by
    /// the letters, which are not searched.
    pub name_print: Vec<bool>,
    /// Cells of the page's unsearched border band: a solid cluster against it
    /// is the paper's edge (a torn corner over a dark backing), not writing.
    pub edge: Vec<bool>,
}

impl PageTemplate {
    /// Builds it from the rendered blank page (`PAGE_STEP_MM` per pixel), the
    /// zones where ink is allowed (stamp, QR, marks, boxes, borders), the names'
    /// and the width of the page's border band, mm.
    pub fn new(
        rendered: &GrayImage,
        allowed: &[MmRect],
        names: &[NameZones],
        border_mm: f64,
    ) -> Self {
        let (w, h) = (rendered.width() as usize, rendered.height() as usize);
        let printed: Vec<bool> = rendered.as_raw().iter().map(|&v| v < 245).collect();
        // Two cells (1 mm) of slack around print absorbs registration error at this scale.
        let excluded = super::sample::dilate(&printed, w, h, 2);
        let mut zones = vec![Zone::Open; w * h];
        let mut name_print = vec![false; w * h];
        let mut edge = vec![false; w * h];
        let (pw, ph) = (w as f64 * PAGE_STEP_MM, h as f64 * PAGE_STEP_MM);
        for y in 0..h {
            for x in 0..w {
                let p = Point::new(
                    (x as f64 + 0.5) * PAGE_STEP_MM,
                    (y as f64 + 0.5) * PAGE_STEP_MM,
                );
                let i = y * w + x;
                edge[i] = p.x < border_mm
                    || p.y < border_mm
                    || p.x > pw - border_mm
                    || p.y > ph - border_mm;
                name_print[i] = excluded[i]
                    && names
                        .iter()
                        .any(|n| n.name.grow(NAME_PRINT_SLACK_MM).contains_point(p));
                zones[i] = if excluded[i] || allowed.iter().any(|z| z.contains_point(p)) {
                    Zone::Excluded
                } else if names.iter().any(|n| n.name.contains_point(p)) {
                    Zone::Name
                } else if names.iter().any(|n| n.ring.contains_point(p)) {
                    Zone::Ring
                } else if names.iter().any(|n| n.row.contains_point(p)) {
                    Zone::Row
                } else {
                    Zone::Open
                };
            }
        }
        PageTemplate {
            w,
            h,
            zones,
            name_print,
            edge,
        }
    }
}

/// One cluster of ink, counted by zone.
#[derive(Debug, Default)]
#[allow(clippy::struct_excessive_bools)] // independent facts about one cluster, not a state machine
struct Cluster {
    /// Cells on a name.
    on_name: usize,
    /// Whether it reaches a name's own print (see `PageTemplate::name_print`).
    by_name: bool,
    /// Whether it reaches the page's border band (see `PageTemplate::edge`).
    at_edge: bool,
    /// Whether it is a solid patch rather than strokes (see `PATCH_INTERIOR`).
    patch: bool,
    /// Cells on open paper.
    open: usize,
    /// Bounding box and count of the cells outside names and rings.
    far: Cells,
    /// Bounding box and count of the cells outside names.
    near: Cells,
    /// Whether its strokes fold back across most of its rows (see `folded`).
    folded: bool,
}

/// A count of cells and their bounding box.
#[derive(Debug, Clone, Copy)]
struct Cells {
    n: usize,
    min: (usize, usize),
    max: (usize, usize),
}

impl Default for Cells {
    fn default() -> Self {
        Cells {
            n: 0,
            min: (usize::MAX, usize::MAX),
            max: (0, 0),
        }
    }
}

impl Cells {
    fn add(&mut self, x: usize, y: usize) {
        self.n += 1;
        self.min = (self.min.0.min(x), self.min.1.min(y));
        self.max = (self.max.0.max(x), self.max.1.max(y));
    }

    fn rect(&self) -> MmRect {
        MmRect::new(
            self.min.0 as f64 * PAGE_STEP_MM,
            self.min.1 as f64 * PAGE_STEP_MM,
            (self.max.0 - self.min.0 + 1) as f64 * PAGE_STEP_MM,
            (self.max.1 - self.min.1 + 1) as f64 * PAGE_STEP_MM,
        )
    }

    fn area(&self) -> f64 {
        self.n as f64 * PAGE_STEP_MM * PAGE_STEP_MM
    }

    /// A thin line rather than writing.
    fn line_like(&self) -> bool {
        let r = self.rect();
        self.area() <= LINE_MM * r.w.max(r.h)
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
    let level = sample(coarse, factor, h, t);
    let strong: Vec<bool> = level.iter().map(|&v| v < white * STRONG).collect();
    let mut found = Vec::new();
    for (mut c, members) in clusters(&strong, t) {
        // Only ink that touches no name can be judged as a word (see `judge`).
        if c.on_name == 0 && !c.by_name {
            c.folded = folded(&members, t.w, &c.near);
            // Measured only where it is used: against the border band.
            c.patch = c.at_edge && patch(&members, &strong, t);
        }
        if let Some((rect, area, state)) = judge(&c, profile) {
            found.push(ExtraInk {
                rect_mm: rect,
                area_mm2: super::names::round3(area),
                state,
            });
        }
    }
    // A light pencil or a pale pen writes a word that only the faint level
    // shows (issue 14: "giữ" in pencil beside a name, read as nothing): a
    // faint cluster of its own that folds like writing is doubtful.
    let faint: Vec<bool> = level.iter().map(|&v| v < white * FAINT).collect();
    let strong_found = found.len();
    for (c, members) in clusters(&faint, t) {
        if c.near.n == 0 || c.on_name > 0 || c.by_name {
            continue;
        }
        let (rect, area) = (c.near.rect(), c.near.area());
        // The cheap tests first: most faint clusters are specks or lie under writing found above.
        if area >= profile.extra_dust_mm2
            && !found[..strong_found]
                .iter()
                .any(|e| e.rect_mm.intersects(&rect))
            && folded(&members, t.w, &c.near)
        {
            found.push(ExtraInk {
                rect_mm: rect,
                area_mm2: super::names::round3(area),
                state: Presence::Doubtful,
            });
        }
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

/// Each searched cell's grey level on the coarse scan (255 where not searched).
fn sample(coarse: &GrayImage, factor: u32, h: &Homography, t: &PageTemplate) -> Vec<f64> {
    let (cw, ch) = (i64::from(coarse.width()), i64::from(coarse.height()));
    let f = f64::from(factor);
    let mut level = vec![255.0; t.w * t.h];
    let n = (t.w.max(2) - 1) as f64;
    for y in 0..t.h {
        // Map the row's ends and interpolate: the homography is near-affine at this scale.
        let my = (y as f64 + 0.5) * PAGE_STEP_MM;
        let a = h.map(Point::new(0.5 * PAGE_STEP_MM, my));
        let b = h.map(Point::new((t.w as f64 - 0.5) * PAGE_STEP_MM, my));
        for x in 0..t.w {
            let i = y * t.w + x;
            if t.zones[i] == Zone::Excluded {
                continue;
            }
            let k = x as f64 / n;
            let (px, py) = (a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k);
            let (cx, cy) = ((px / f) as i64, (py / f) as i64);
            if px < 0.0 || py < 0.0 || cx >= cw || cy >= ch {
                continue;
            }
            level[i] = f64::from(coarse.as_raw()[(cy * cw + cx) as usize]);
        }
    }
    level
}

/// The connected clusters of `ink` cells, each with its cells outside the names.
fn clusters(ink: &[bool], t: &PageTemplate) -> Vec<(Cluster, Vec<usize>)> {
    let mut seen = vec![false; ink.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..ink.len() {
        if !ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut c = Cluster::default();
        let mut members = Vec::new();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % t.w, i / t.w);
            match t.zones[i] {
                Zone::Name => c.on_name += 1,
                Zone::Ring => {
                    c.near.add(x, y);
                    members.push(i);
                }
                Zone::Row | Zone::Open | Zone::Excluded => {
                    c.near.add(x, y);
                    c.far.add(x, y);
                    c.open += usize::from(t.zones[i] == Zone::Open);
                    members.push(i);
                }
            }
            // 8-connected, with one cell of slack: handwriting strokes have small breaks.
            for dy in -2i64..=2 {
                for dx in -2i64..=2 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= t.w as i64 || ny >= t.h as i64 {
                        continue;
                    }
                    let j = ny as usize * t.w + nx as usize;
                    c.by_name |= t.name_print[j];
                    c.at_edge |= t.edge[j];
                    if ink[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        out.push((c, members));
    }
    out
}

/// Whether a cluster is writing: its box, area and presence; None when it is
/// dust or a strike's (or another mark's) own ink.
fn judge(c: &Cluster, profile: &Profile) -> Option<(MmRect, f64, Presence)> {
    // Ink touching a name belongs to its strike as far as the name's measurement
    // sees it; beyond that, a thin line is the stroke running on, anything else
    // may be writing added to the stroke: the officials look.
    // Ink reaching a name's letters is attached too: a strike's tail beyond
    // the last letter (a zig-zag's last turn, a scribble's loop) is cut off
    // from the line by the letters' print, which is not searched (issue 14:
    // fieldsim's zig-zag tails were taken for writing). A word written beside
    // a name stands apart from it (fieldsim: 4–9 mm).
    let attached = c.on_name > 0 || c.by_name;
    let cells = if attached { c.far } else { c.near };
    let area = cells.area();
    if cells.n == 0 || area < profile.extra_dust_mm2 {
        return None;
    }
    // Solid and against the border band: the paper's own edge — a torn
    // corner over a dark scanner backing, a shadow along a crop — not a
    // hand's (issue 14: fieldsim's torn corners on black backing were taken
    // for writing). Strokes fill far less of their box.
    if !attached && c.at_edge && c.patch {
        return None;
    }
    if cells.line_like() && (attached || c.open == 0) {
        // A short word in a name's row ("giữ" beside the name, issue 14) is as
        // compact as a felt-pen line, but its strokes fold back: the officials look.
        if !attached && c.folded {
            return Some((cells.rect(), area, Presence::Doubtful));
        }
        return None;
    }
    let rect = cells.rect();
    let large =
        area >= profile.extra_min_area_mm2 || rect.w.max(rect.h) >= profile.extra_min_extent_mm;
    let state = match (attached, large) {
        (true, false) => return None,
        (true, true) | (false, false) => Presence::Doubtful,
        (false, true) => Presence::Present,
    };
    Some((rect, area, state))
}

/// Whether most of a cluster's cells (`members`, of the ink map `ink`) are
/// interior ones: a solid patch, not a pen's strokes.
fn patch(members: &[usize], ink: &[bool], t: &PageTemplate) -> bool {
    let inked = |x: usize, y: usize| x < t.w && y < t.h && ink[y * t.w + x];
    let interior = members
        .iter()
        .filter(|&&i| {
            let (x, y) = (i % t.w, i / t.w);
            x > 0
                && y > 0
                && inked(x - 1, y)
                && inked(x + 1, y)
                && inked(x, y - 1)
                && inked(x, y + 1)
        })
        .count();
    interior as f64 >= PATCH_INTERIOR * members.len().max(1) as f64
}

/// Whether a cluster's strokes fold back both ways: two or more separate runs
/// of ink along most of its rows and along a third of its columns (a written
/// word: stems side by side, and dots, diacritics or loops above one another).
/// A line at any angle has one run per row and per column, a zig-zag or a
/// strike's loose piece folds one way only.
fn folded(members: &[usize], w: usize, bbox: &Cells) -> bool {
    if members.is_empty() || bbox.max.1 < bbox.min.1 + 2 || bbox.max.0 < bbox.min.0 + 2 {
        return false;
    }
    let (x0, y0) = bbox.min;
    let (bw, bh) = (bbox.max.0 - x0 + 1, bbox.max.1 - y0 + 1);
    let mut grid = vec![false; bw * bh];
    for &i in members {
        grid[(i / w - y0) * bw + (i % w - x0)] = true;
    }
    // Runs separated by at least one empty cell.
    let runs = |cells: &mut dyn Iterator<Item = bool>| {
        let (mut n, mut prev) = (0, false);
        for c in cells {
            n += usize::from(c && !prev);
            prev = c;
        }
        n
    };
    let split_rows = (0..bh)
        .filter(|&y| runs(&mut (0..bw).map(|x| grid[y * bw + x])) >= 2)
        .count();
    let split_cols = (0..bw)
        .filter(|&x| runs(&mut (0..bh).map(|y| grid[y * bw + x])) >= 2)
        .count();
    split_rows * 2 > bh && split_cols * 3 > bw
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 30 × 12 cell page inside a name's ring: the name's letters (print,
    /// excluded) in columns 2..10 of rows 4..8.
    fn ring_with_a_name() -> PageTemplate {
        let (w, h) = (30, 12);
        let mut zones = vec![Zone::Ring; w * h];
        let mut name_print = vec![false; w * h];
        for y in 4..8 {
            for x in 2..10 {
                zones[y * w + x] = Zone::Excluded;
                name_print[y * w + x] = true;
            }
        }
        PageTemplate {
            w,
            h,
            zones,
            name_print,
            edge: vec![false; w * h],
        }
    }

    /// The judgement of a 4 × 6 cell blob of ink whose left column is `x0`.
    fn blob_at(x0: usize) -> Option<Presence> {
        let t = ring_with_a_name();
        let mut ink = vec![false; t.w * t.h];
        for y in 3..9 {
            for x in x0..x0 + 4 {
                ink[y * t.w + x] = true;
            }
        }
        let found = clusters(&ink, &t);
        assert_eq!(found.len(), 1);
        judge(&found[0].0, &Profile::builtin()).map(|(_, _, state)| state)
    }

    /// The judgement of ink cells `cells` on a 30 × 20 open page whose left
    /// two columns are the border band.
    fn at_the_edge(cells: &[(usize, usize)]) -> Option<Presence> {
        let (w, h) = (30, 20);
        let mut zones = vec![Zone::Open; w * h];
        let mut edge = vec![false; w * h];
        for y in 0..h {
            for x in 0..2 {
                zones[y * w + x] = Zone::Excluded;
                edge[y * w + x] = true;
            }
        }
        let t = PageTemplate {
            w,
            h,
            zones,
            name_print: vec![false; w * h],
            edge,
        };
        let mut ink = vec![false; w * h];
        for &(x, y) in cells {
            ink[y * w + x] = true;
        }
        let mut found = clusters(&ink, &t);
        assert_eq!(found.len(), 1);
        let (c, members) = &mut found[0];
        c.patch = c.at_edge && patch(members, &ink, &t);
        judge(c, &Profile::builtin()).map(|(_, _, state)| state)
    }

    #[test]
    fn a_solid_patch_against_the_border_is_the_papers_edge_but_strokes_there_are_writing() {
        // A torn corner's dark triangle over a black backing, against the border band.
        let triangle: Vec<(usize, usize)> = (0..14)
            .flat_map(|y| (2..16 - y).map(move |x| (x, y)))
            .collect();
        assert_eq!(at_the_edge(&triangle), None);
        // Strokes one cell wide against the same border (a comb: a bar and four
        // stems, as letters are): judged as writing.
        let mut scrawl: Vec<(usize, usize)> = (2..17).map(|x| (x, 0)).collect();
        scrawl.extend(
            [2, 6, 10, 14]
                .iter()
                .flat_map(|&x| (1..13).map(move |y| (x, y))),
        );
        assert_eq!(at_the_edge(&scrawl), Some(Presence::Present));
    }

    #[test]
    fn ink_reaching_a_names_letters_is_its_strike_and_ink_apart_is_judged() {
        // Next to the last letter (one cell of paper between): a strike's tail.
        assert_eq!(blob_at(11), None);
        // 3 mm from it, the same blob is something written beside the name.
        assert_eq!(blob_at(16), Some(Presence::Present));
    }
}
