//! `fieldsim make`: elections, printed ballots (by the product under test, as a black box),
//! rasterised by poppler, then marked, handled and scanned by this crate's models.

use crate::canvas::Canvas;
use crate::encode::{self, Format};
use crate::gesture::{self, Mark};
use crate::layout::Layout;
use crate::paper;
use crate::pen::{Hand, Ink, render, sample_stroke};
use crate::plan::{self, Plan};
use crate::rng::{Rand, rand_for};
use crate::scanner;
use crate::truth::{self, CandidateTruth, Expect, PageTruth, Variant};
use anyhow::{Context, Result, bail};
use rand::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Long and look-alike Vietnamese names; neighbours differ by one diacritic or word.
const NAMES: [&str; 12] = [
    "Nguyễn Thị Ngọc Huyền",
    "Nguyễn Thị Ngọc Huyến",
    "Trần Văn Hùng",
    "Trần Văn Hưng",
    "Lê Thị Thu Hương",
    "Lê Thị Thu Hường",
    "Tôn Nữ Hoàng Phương Thảo",
    "Phạm Nguyễn Hoàng Phương Quỳnh",
    "Đỗ Văn Đức",
    "Đặng Văn Đức Anh",
    "Huỳnh Thị Mỹ Duyên",
    "Âu Dương Mẫn Nhi",
];

/// The elections of a corpus: (candidates, paper).
pub const ELECTIONS: [(usize, &str); 10] = [
    (1, "A6"),
    (1, "A5"),
    (2, "A5"),
    (2, "A4"),
    (3, "A6"),
    (3, "A5"),
    (5, "A5"),
    (5, "A4"),
    (10, "A4"),
    (10, "A5"),
];

/// Writes an election file with `n` candidates on `paper`.
pub fn election_toml(n: usize, paper: &str, offset: usize) -> String {
    let mut s = String::from(
        "[election]\ntitle = \"Bầu cử Trưởng thôn\"\noffice = \"Trưởng thôn\"\nunit = \"Thôn Đông Sơn\"\n\
         commune = \"Xã Đồng Kỵ\"\nprovince = \"Tỉnh Bắc Ninh\"\nterm = \"2024-2027\"\ndate = \"2024-10-13\"\n\
         households = 412\nmode = \"meeting\"\nmarking = \"strike\"\n",
    );
    s.push_str(&format!("paper = \"{paper}\"\n\n"));
    for i in 0..n {
        let name = NAMES[(offset + i) % NAMES.len()];
        s.push_str(&format!(
            "[[candidates]]\nid = \"c{}\"\nname = \"{name}\"\n\n",
            i + 1
        ));
    }
    s.push_str("[settings]\nrequire_stamp = true\nsingle_struck = \"disapprove\"\nauto_invalidate_flags = false\n");
    s
}

fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd.output().with_context(|| format!("starting {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Reads a binary PGM (P5, 8-bit) as written by pdftoppm.
pub fn read_pgm(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>)> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            bail!("truncated PGM header");
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    if fields[0] != "P5" || fields[3] != "255" {
        bail!("not an 8-bit binary PGM");
    }
    let w: usize = fields[1].parse()?;
    let h: usize = fields[2].parse()?;
    let data = bytes
        .get(i + 1..i + 1 + w * h)
        .context("truncated PGM data")?;
    Ok((w, h, data.to_vec()))
}

/// Which pages a focused corpus keeps (none given: every page as drawn).
#[derive(Debug, Default)]
pub struct Focus {
    /// The pen's name, e.g. `Pencil`.
    pub ink: Option<String>,
    /// The scanner mode's name, e.g. `BwThreshold`.
    pub mode: Option<String>,
}

impl Focus {
    fn keeps(&self, plan: &Plan) -> bool {
        let same = |want: &Option<String>, got: String| want.as_ref().is_none_or(|w| *w == got);
        same(&self.ink, format!("{:?}", plan.ink))
            && same(&self.mode, format!("{:?}", plan.scan.mode))
    }

    /// Draws plans until one is kept: the same model, only its other pages left out.
    fn draw(&self, layout: &Layout, r: &mut crate::rng::Rand) -> Result<Plan> {
        for _ in 0..100_000 {
            let plan = plan::draw(layout, r);
            if self.keeps(&plan) {
                return Ok(plan);
            }
        }
        anyhow::bail!("no page of the model matches {self:?}")
    }
}

/// Makes a corpus of about `pages` scanned pages under `out`.
pub fn make(kiemphieu: &Path, out: &Path, pages: usize, seed: u64, focus: &Focus) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let per = pages.div_ceil(ELECTIONS.len()).max(1);
    for (k, &(n, paper)) in ELECTIONS.iter().enumerate() {
        let name = format!("e{:02}-{n}c-{}", k + 1, paper.to_lowercase());
        let dir = out.join(&name);
        std::fs::create_dir_all(dir.join("scans"))?;
        let toml = dir.join("election.toml");
        std::fs::write(&toml, election_toml(n, paper, k * 5))?;
        let print = dir.join("print");
        run(Command::new(kiemphieu)
            .arg("ballots")
            .arg("--election")
            .arg(&toml)
            .arg("--count")
            .arg(per.to_string())
            .arg("--out")
            .arg(&print)
            .arg("--seed")
            .arg((seed + k as u64).to_string()))?;
        let layout = Layout::load(&print.join("layout.json"))?;
        let truths = election_pages(
            &dir,
            &name,
            paper,
            &layout,
            per,
            seed.wrapping_add(1000 * k as u64),
            focus,
        )?;
        let json = serde_json::to_string_pretty(&truths)?;
        std::fs::write(dir.join("truth.json"), json)?;
        eprintln!("{name}: {} pages", truths.len());
    }
    Ok(())
}

fn election_pages(
    dir: &Path,
    name: &str,
    paper: &str,
    layout: &Layout,
    count: usize,
    seed: u64,
    focus: &Focus,
) -> Result<Vec<PageTruth>> {
    let master_dpi = if paper == "A4" { 300 } else { 400 };
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp)?;
    let mut truths = Vec::new();
    let mut pending: [Vec<(PathBuf, usize)>; 2] = [Vec::new(), Vec::new()];
    for page in 1..=count {
        let mut r = rand_for(seed + page as u64, "page");
        let plan = focus.draw(layout, &mut r)?;
        let prefix = tmp.join("print");
        run(Command::new("pdftoppm")
            .args([
                "-gray",
                "-r",
                &master_dpi.to_string(),
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                "-singlefile",
            ])
            .arg(dir.join("print").join("ballots.pdf"))
            .arg(&prefix))?;
        let pgm = std::fs::read(prefix.with_extension("pgm"))?;
        let (w, h, grey) = read_pgm(&pgm)?;
        let canvas_k = f64::from(master_dpi) / 25.4;
        let tone = [1.0f32; 3];
        let mut canvas = Canvas::from_print(&grey, w, h, canvas_k, tone);
        let dmg = mark_page(&mut canvas, layout, &plan, &mut r);
        let page_mm = (layout.page_mm.width, layout.page_mm.height);
        let scan = scanner::scan(&canvas, &dmg, &plan.scan, page_mm, &mut r);
        let tiff = matches!(
            plan.format,
            Format::TiffG4WhiteIsZero | Format::TiffG4BlackIsZero
        );
        let file = format!("p{page:04}.{}", plan.format.ext());
        if tiff {
            let raw = tmp.join(format!("p{page:04}.raw.tif"));
            std::fs::write(
                &raw,
                encode::tiff_1bit(&scan, plan.format == Format::TiffG4WhiteIsZero)?,
            )?;
            let slot = usize::from(plan.format == Format::TiffG4BlackIsZero);
            pending[slot].push((raw, truths.len()));
        } else {
            encode::write(
                &scan,
                plan.format,
                plan.quality,
                &dir.join("scans").join(&file),
            )?;
        }
        truths.push(page_truth(file, name, paper, layout, &plan));
    }
    for (slot, list) in pending.iter().enumerate() {
        let mut r = rand_for(seed, &format!("tiff{slot}"));
        let mut i = 0;
        while i < list.len() {
            let take = r.random_range(1..=3usize).min(list.len() - i);
            let group = &list[i..i + take];
            let first = truths[group[0].1].file.clone();
            let file = if take > 1 {
                first.replace(".tif", &format!("-{take}pages.tif"))
            } else {
                first
            };
            let inputs: Vec<PathBuf> = group.iter().map(|g| g.0.clone()).collect();
            encode::g4(&inputs, &dir.join("scans").join(&file))?;
            for (k, g) in group.iter().enumerate() {
                truths[g.1].file = file.clone();
                truths[g.1].page = k as u32 + 1;
                truths[g.1].variant.multipage = take > 1;
            }
            i += take;
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
    Ok(truths)
}

/// Paper tone, seal, the voter's pen and the sheet's damage, in the order they happen.
fn mark_page(canvas: &mut Canvas, layout: &Layout, plan: &Plan, r: &mut Rand) -> paper::Damage {
    paper::tone_and_texture(canvas, r);
    paper::seal(canvas, &layout.stamp_mm, plan.seal, r);
    let ink = Ink::of(plan.ink);
    let hand = Hand::random(r);
    for (i, &mark) in plan.marks.iter().enumerate() {
        for stroke in gesture::strokes(mark, layout, i, r) {
            let samples = sample_stroke(&stroke, &hand, 500.0, r);
            render(canvas, &samples, &ink, r);
        }
    }
    paper::apply(plan.paper, canvas, layout, r)
}

fn page_truth(
    file: String,
    election: &str,
    paper: &str,
    layout: &Layout,
    plan: &Plan,
) -> PageTruth {
    let candidates: Vec<CandidateTruth> = layout
        .candidates
        .iter()
        .zip(&plan.marks)
        .map(|(c, &mark)| CandidateTruth {
            id: c.id.clone(),
            name: c.name.clone(),
            mark,
            struck: mark.strikes(),
        })
        .collect();
    let outcome = truth::judge(&candidates, plan.seal);
    let clear = truth::is_clear(
        &candidates,
        plan.seal,
        plan.ink,
        plan.paper,
        plan.seal_visible,
    );
    let jpeg = matches!(plan.format, Format::Jpeg | Format::Jpeg72 | Format::Jpeg96);
    PageTruth {
        file,
        page: 1,
        election: election.to_string(),
        paper_size: paper.to_string(),
        ink: plan.ink,
        seal: plan.seal,
        scenario: plan.scenario.to_string(),
        outcome,
        expect: if clear {
            Expect::Clear
        } else {
            Expect::DoubtfulAcceptable
        },
        variant: Variant {
            paper: plan.paper,
            mode: plan.scan.mode,
            format: plan.format,
            dpi: plan.scan.dpi,
            skew_deg: plan.scan.skew_deg,
            scale: plan.scan.scale,
            crop: plan.scan.crop,
            quality: jpeg.then_some(plan.quality),
            multipage: false,
            seal_visible: plan.seal_visible,
        },
        candidates,
    }
}

/// Marks that appear on a page (for the breakdown), `untouched` only if nothing else.
pub fn page_marks(t: &PageTruth) -> Vec<Mark> {
    let mut m: Vec<Mark> = t
        .candidates
        .iter()
        .map(|c| c.mark)
        .filter(|&m| m != Mark::Untouched)
        .collect();
    m.sort();
    m.dedup();
    if m.is_empty() {
        m.push(Mark::Untouched);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgm_header_with_comment_parses() -> Result<()> {
        let mut b = b"P5\n# made\n3 2\n255\n".to_vec();
        b.extend([1, 2, 3, 4, 5, 6]);
        assert_eq!(read_pgm(&b)?, (3, 2, vec![1, 2, 3, 4, 5, 6]));
        assert!(read_pgm(b"P5\n3 2\n255\n\x01").is_err());
        Ok(())
    }

    #[test]
    fn election_files_name_every_candidate_once() {
        let t = election_toml(10, "A4", 3);
        assert_eq!(t.matches("[[candidates]]").count(), 10);
        assert!(t.contains("paper = \"A4\""));
    }
}
