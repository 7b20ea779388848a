//! `fieldsim eval`: runs the interpreter as a black box over each election's scans, joins its
//! readings with the truth and reports the figures of issue #14, by case.

use crate::make::page_marks;
use crate::truth::{Expect, Outcome, PageTruth, Reason};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

/// How one page came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Decided automatically and rightly.
    Right,
    /// Decided automatically and wrongly.
    Wrong,
    /// Sent to the officials.
    Review,
    /// A genuine ballot rejected, blank, duplicate or missing from the output.
    Unread,
}

/// One page joined with the machine's reading.
#[derive(Debug, Clone, Serialize)]
pub struct Joined {
    /// The truth.
    pub truth: PageTruth,
    /// The machine's status.
    pub status: String,
    /// Classification.
    pub verdict: Verdict,
    /// What differed (per name, stamp, writing, reasons).
    pub notes: Vec<String>,
}

/// Counts for one row of a breakdown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    /// Pages.
    pub pages: usize,
    /// Wrong automatic decisions.
    pub wrong: usize,
    /// Genuine ballots unread.
    pub unread: usize,
    /// Pages sent to review.
    pub review: usize,
    /// Clear pages.
    pub clear: usize,
    /// Clear pages sent to review.
    pub clear_review: usize,
}

impl Row {
    fn add(&mut self, j: &Joined) {
        let clear = j.truth.expect == Expect::Clear;
        self.pages += 1;
        self.wrong += usize::from(j.verdict == Verdict::Wrong);
        self.unread += usize::from(j.verdict == Verdict::Unread);
        self.review += usize::from(j.verdict == Verdict::Review);
        self.clear += usize::from(clear);
        self.clear_review += usize::from(clear && j.verdict == Verdict::Review);
    }
}

/// The whole evaluation.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// All pages.
    pub total: Row,
    /// Wrong automatic decisions (count).
    pub wrong_automatic: usize,
    /// Genuine ballots unreadable or rejected, percent.
    pub unread_pct: f64,
    /// Clear ballots sent to review, percent.
    pub clear_review_pct: f64,
    /// Breakdowns: dimension → case → counts.
    pub by: BTreeMap<String, BTreeMap<String, Row>>,
    /// Failure kinds observed → example files.
    pub failures: BTreeMap<String, Vec<String>>,
}

fn key_of(v: &Value) -> Option<(String, u32)> {
    let file = v.get("file")?.as_str()?;
    let base = Path::new(file).file_name()?.to_string_lossy().into_owned();
    let page = v.get("page").and_then(Value::as_u64).unwrap_or(1) as u32;
    Some((base, page))
}

fn strings(v: &Value, field: &str) -> Vec<String> {
    match v.get(field) {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Maps the interpreter's reason words to rules.md reasons.
pub fn reason_of(s: &str) -> Option<Reason> {
    let s = s.to_lowercase();
    if s.contains("stamp") {
        Some(Reason::NoStamp)
    } else if s.contains("writing") || s.contains("extra") {
        Some(Reason::ExtraWriting)
    } else if s.contains("all") && s.contains("struck") {
        Some(Reason::AllStruck)
    } else if s.contains("kept")
        || s.contains("none")
        || s.contains("no_name")
        || s.contains("too_many")
    {
        Some(Reason::TooManyKept)
    } else {
        None
    }
}

/// Classifies one page.
pub fn judge_page(t: &PageTruth, m: Option<&Value>) -> Joined {
    let Some(m) = m else {
        return Joined {
            truth: t.clone(),
            status: "missing".into(),
            verdict: Verdict::Unread,
            notes: vec!["no output".into()],
        };
    };
    let status = m
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    // A rejected page has no reading to compare: its status says it all.
    let read = matches!(status.as_str(), "valid" | "invalid" | "review");
    let mut notes = if read { name_notes(t, m) } else { Vec::new() };
    let reasons = strings(m, "reasons");
    let verdict = match status.as_str() {
        "valid" => {
            let vote = m.get("vote").and_then(Value::as_str).map(str::to_string);
            let approve = m.get("approve").and_then(Value::as_bool);
            match &t.outcome {
                Outcome::Valid {
                    candidate,
                    approve: a,
                } if t.candidates.len() == 1 && approve == *a => Verdict::Right,
                Outcome::Valid { candidate, .. }
                    if t.candidates.len() > 1 && vote == *candidate =>
                {
                    Verdict::Right
                }
                _ => {
                    notes.push(format!("read valid ({vote:?}, approve {approve:?})"));
                    Verdict::Wrong
                }
            }
        }
        "invalid" => match &t.outcome {
            Outcome::Invalid { reasons: want }
                if reasons
                    .iter()
                    .filter_map(|r| reason_of(r))
                    .any(|r| want.contains(&r)) =>
            {
                Verdict::Right
            }
            _ => {
                notes.push(format!("read invalid {reasons:?}"));
                Verdict::Wrong
            }
        },
        "review" => Verdict::Review,
        _ => {
            notes.push(format!("{status} {reasons:?}"));
            Verdict::Unread
        }
    };
    Joined {
        truth: t.clone(),
        status,
        verdict,
        notes,
    }
}

/// Differences between the machine's per-name reading, stamp and writing, and the truth.
fn name_notes(t: &PageTruth, m: &Value) -> Vec<String> {
    let (struck, kept, doubtful) = (
        strings(m, "struck"),
        strings(m, "kept"),
        strings(m, "doubtful"),
    );
    let mut notes = Vec::new();
    for c in &t.candidates {
        let mark = serde_json::to_value(c.mark)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if doubtful.contains(&c.id) {
            notes.push(format!("{mark} doubtful"));
        } else if struck.contains(&c.id) && !c.struck {
            notes.push(format!("{mark} read as struck"));
        } else if kept.contains(&c.id) && c.struck {
            notes.push(format!("{mark} read as kept"));
        }
    }
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for n in notes.drain(..) {
        *counted.entry(n).or_default() += 1;
    }
    notes = counted
        .into_iter()
        .map(|(n, k)| if k > 1 { format!("{n} ×{k}") } else { n })
        .collect();
    let stamp = m
        .pointer("/stamp/state")
        .and_then(Value::as_str)
        .unwrap_or("");
    let seal = serde_json::to_value(t.seal)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if (stamp == "present") != (t.seal != crate::paper::Seal::Missing) && !stamp.is_empty() {
        notes.push(format!("seal {seal} read as stamp {stamp}"));
    }
    let writing = !strings(m, "extra_writing").is_empty();
    let wrote = t.candidates.iter().any(|c| c.mark.is_writing());
    if writing && !wrote {
        notes.push("extra writing seen where there is none".into());
    } else if wrote && !writing {
        notes.push("extra writing missed".into());
    }
    notes
}

/// Runs the interpreter on each election under `dir` and joins its output with the truth.
pub fn run(kiemphieu: &Path, dir: &Path) -> Result<Vec<Joined>> {
    let mut all = Vec::new();
    let mut elections: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("truth.json").is_file())
        .collect();
    elections.sort();
    if elections.is_empty() {
        bail!(
            "no election folders with truth.json under {}",
            dir.display()
        );
    }
    for e in elections {
        let truths: Vec<PageTruth> =
            serde_json::from_str(&std::fs::read_to_string(e.join("truth.json"))?)
                .with_context(|| format!("parsing {}/truth.json", e.display()))?;
        // Each file once, in first-seen order (a multi-page TIFF holds pages far apart).
        let mut once = std::collections::HashSet::new();
        let files: Vec<String> = truths
            .iter()
            .map(|t| t.file.clone())
            .filter(|f| once.insert(f.clone()))
            .collect();
        let out = Command::new(kiemphieu)
            .arg("interpret")
            .arg("--election")
            .arg(e.join("election.toml"))
            .arg("--json")
            .args(files.iter().map(|f| e.join("scans").join(f)))
            .output()
            .with_context(|| format!("running {}", kiemphieu.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut seen: HashMap<(String, u32), Value> = HashMap::new();
        for v in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
            match v {
                Ok(v) => {
                    if let Some(k) = key_of(&v) {
                        seen.insert(k, v);
                    }
                }
                Err(err) => eprintln!("{}: unparsable interpreter output: {err}", e.display()),
            }
        }
        if seen.is_empty() {
            eprintln!(
                "{}: interpreter said: {}",
                e.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        for t in &truths {
            all.push(judge_page(t, seen.get(&(t.file.clone(), t.page))));
        }
    }
    Ok(all)
}

/// Re-reads each unread or wrongly read page after re-encoding its pixels as a plain grey PNG
/// carrying its true resolution (ImageMagick's `convert`), to tell file-format failures from image
/// failures; the answer is added to the page's notes.
pub fn probe(kiemphieu: &Path, dir: &Path, pages: &mut [Joined]) -> Result<()> {
    let tmp = dir.join("probe");
    std::fs::create_dir_all(&tmp)?;
    for (i, j) in pages.iter_mut().enumerate() {
        if !matches!(j.verdict, Verdict::Unread | Verdict::Wrong) {
            continue;
        }
        let t = &j.truth;
        let src = dir.join(&t.election).join("scans").join(&t.file);
        let png = tmp.join(format!("probe-{i}.png"));
        let st = Command::new("/usr/bin/convert")
            .arg(format!("{}[{}]", src.display(), t.page - 1))
            .args([
                "-colorspace",
                "Gray",
                "-depth",
                "8",
                "-units",
                "PixelsPerInch",
                "-density",
            ])
            .arg(t.variant.dpi.to_string())
            .arg(&png)
            .status();
        if !st.is_ok_and(|s| s.success()) {
            j.notes
                .push("probe: ImageMagick could not convert it".into());
            continue;
        }
        let out = Command::new(kiemphieu)
            .arg("interpret")
            .arg("--election")
            .arg(dir.join(&t.election).join("election.toml"))
            .arg("--json")
            .arg(&png)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let status = serde_json::Deserializer::from_str(&text)
            .into_iter::<Value>()
            .flatten()
            .next()
            .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| "no output".into());
        j.notes.push(format!("same pixels as grey PNG: {status}"));
    }
    Ok(())
}

fn name<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => "?".into(),
    }
}

/// Totals, percentages, breakdowns and failure kinds with example files.
pub fn summarise(pages: &[Joined]) -> Summary {
    let mut total = Row::default();
    let mut by: BTreeMap<String, BTreeMap<String, Row>> = BTreeMap::new();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for j in pages {
        total.add(j);
        let t = &j.truth;
        let v = &t.variant;
        let mut dims: Vec<(&str, String)> = vec![
            ("scenario", t.scenario.clone()),
            ("ink", name(&t.ink)),
            ("seal", name(&t.seal)),
            ("paper", name(&v.paper)),
            ("mode", name(&v.mode)),
            (
                "format",
                format!(
                    "{}{}",
                    name(&v.format),
                    if v.multipage { " (multi-page)" } else { "" }
                ),
            ),
            ("dpi", v.dpi.to_string()),
            ("crop", name(&v.crop)),
            ("candidates", format!("{:02}", t.candidates.len())),
            ("paper_size", t.paper_size.clone()),
            ("expect", name(&t.expect)),
        ];
        for m in page_marks(t) {
            dims.push(("gesture", name(&m)));
        }
        for (d, k) in dims {
            by.entry(d.to_string())
                .or_default()
                .entry(k)
                .or_default()
                .add(j);
        }
        let where_ = format!("{}/scans/{}#{}", t.election, t.file, t.page);
        let kind = match j.verdict {
            Verdict::Wrong => Some("wrong"),
            Verdict::Unread => Some("unread"),
            Verdict::Review if t.expect == Expect::Clear => Some("clear to review"),
            _ => None,
        };
        if let Some(kind) = kind {
            let what = if j.notes.is_empty() {
                "no per-name difference".to_string()
            } else {
                j.notes.join("; ")
            };
            let list = failures.entry(format!("{kind}: {what}")).or_default();
            if list.len() < 3 {
                list.push(where_);
            }
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            (1000.0 * a as f64 / b as f64).round() / 10.0
        }
    };
    Summary {
        wrong_automatic: total.wrong,
        unread_pct: pct(total.unread, total.pages),
        clear_review_pct: pct(total.clear_review, total.clear),
        total,
        by,
        failures,
    }
}

/// The summary as a Markdown table.
pub fn table(s: &Summary) -> String {
    let t = &s.total;
    let mut out = format!(
        "pages {}; wrong automatic decisions {} (target 0); genuine ballots unread {} = {:.1} % (target ≤ 0.5 %); \
         clear ballots to review {} of {} = {:.1} % (target ≤ 2 %); all pages to review {}\n",
        t.pages,
        s.wrong_automatic,
        t.unread,
        s.unread_pct,
        t.clear_review,
        t.clear,
        s.clear_review_pct,
        t.review
    );
    for (dim, rows) in &s.by {
        out.push_str(&format!("\n| {dim} | pages | wrong | unread | review | clear | clear→review |\n|---|---|---|---|---|---|---|\n"));
        for (k, r) in rows {
            out.push_str(&format!(
                "| {k} | {} | {} | {} | {} | {} | {} |\n",
                r.pages, r.wrong, r.unread, r.review, r.clear, r.clear_review
            ));
        }
    }
    out.push_str("\nfailure kinds (up to 3 example pages each):\n\n");
    for (k, v) in &s.failures {
        out.push_str(&format!("- {k}: {}\n", v.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::Format;
    use crate::gesture::Mark;
    use crate::paper::{PaperVariant, Seal};
    use crate::pen::InkKind;
    use crate::scanner::{Crop, Mode};
    use crate::truth::{CandidateTruth, Variant, judge};

    fn page(marks: &[Mark]) -> PageTruth {
        let candidates: Vec<CandidateTruth> = marks
            .iter()
            .enumerate()
            .map(|(i, &mark)| CandidateTruth {
                id: format!("c{}", i + 1),
                name: String::new(),
                mark,
                struck: mark.strikes(),
            })
            .collect();
        PageTruth {
            file: "p0001.png".into(),
            page: 1,
            election: "e".into(),
            paper_size: "A5".into(),
            outcome: judge(&candidates, Seal::Full),
            candidates,
            ink: InkKind::Gel,
            seal: Seal::Full,
            scenario: "clear".into(),
            expect: Expect::Clear,
            variant: Variant {
                paper: PaperVariant::Clean,
                mode: Mode::Grey,
                format: Format::Png,
                dpi: 300,
                skew_deg: 0.0,
                scale: 1.0,
                crop: Crop::Bed,
                quality: None,
                multipage: false,
                seal_visible: true,
            },
        }
    }

    #[test]
    fn decisions_are_judged_against_the_truth() {
        let t = page(&[Mark::Straight, Mark::Untouched]);
        let v = |s: &str| serde_json::from_str::<Value>(s).ok();
        let right = v(r#"{"status":"valid","vote":"c2","struck":["c1"],"kept":["c2"]}"#);
        assert_eq!(judge_page(&t, right.as_ref()).verdict, Verdict::Right);
        let wrong = v(r#"{"status":"invalid","reasons":["too_many_kept"],"kept":["c1","c2"]}"#);
        let j = judge_page(&t, wrong.as_ref());
        assert_eq!(j.verdict, Verdict::Wrong);
        assert!(
            j.notes.iter().any(|n| n == "straight read as kept"),
            "{:?}",
            j.notes
        );
        let review = v(r#"{"status":"review","doubtful":["c1"]}"#);
        assert_eq!(judge_page(&t, review.as_ref()).verdict, Verdict::Review);
        let rejected = v(r#"{"status":"rejected","reasons":["unreadable"]}"#);
        assert_eq!(judge_page(&t, rejected.as_ref()).verdict, Verdict::Unread);
        assert_eq!(judge_page(&t, None).verdict, Verdict::Unread);
    }

    #[test]
    fn an_invalid_reading_needs_a_reason_that_applies() {
        let t = page(&[Mark::Partial, Mark::Untouched]);
        let v = |s: &str| serde_json::from_str::<Value>(s).ok();
        let ok = v(r#"{"status":"invalid","reasons":["too_many_kept"]}"#);
        assert_eq!(judge_page(&t, ok.as_ref()).verdict, Verdict::Right);
        let other = v(r#"{"status":"invalid","reasons":["all_struck"]}"#);
        assert_eq!(judge_page(&t, other.as_ref()).verdict, Verdict::Wrong);
        let partial_as_struck = v(r#"{"status":"valid","vote":"c2","struck":["c1"]}"#);
        let j = judge_page(&t, partial_as_struck.as_ref());
        assert_eq!(j.verdict, Verdict::Wrong);
        assert!(j.notes.iter().any(|n| n == "partial read as struck"));
        assert_eq!(reason_of("no_stamp"), Some(Reason::NoStamp));
    }
}
