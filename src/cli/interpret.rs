//! `kiemphieu interpret`: read scanned pages and print one reading per page.
#![warn(clippy::as_conversions)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use kiemphieu_core::election::{BallotKey, load_election};
use kiemphieu_interpret::{
    DEFAULT_PIXEL_BUDGET, DecodeError, Interpreter, Profile, Reading, Status, decode_pages, overlay,
};
use rayon::prelude::*;
use serde_json::json;

use super::BadInput;

/// Arguments of `kiemphieu interpret`.
#[derive(Args)]
pub struct InterpretArgs {
    /// The election file (TOML); its key (`FILE.key`) must be beside it.
    #[arg(long)]
    election: PathBuf,
    /// One JSON object per page, one per line (default: a readable table).
    #[arg(long)]
    json: bool,
    /// Write a picture of what was seen on each page into this folder.
    #[arg(long)]
    overlay: Option<PathBuf>,
    /// Worker threads [default: every core].
    #[arg(long)]
    jobs: Option<usize>,
    /// Calibration profile (TOML) [default: calibration/default.toml, built in].
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Scanned images: PNG, JPEG, TIFF (multi-page), PNM.
    #[arg(required = true)]
    images: Vec<PathBuf>,
}

/// A line of `--json` output: file and page first, then the reading.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    page: usize,
    #[serde(flatten)]
    reading: &'a Reading,
    ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_of: Option<serde_json::Value>,
}

/// One page's outcome, or why the file could not be read.
struct PageResult {
    file: PathBuf,
    page: usize,
    outcome: Result<Reading, String>,
    ms: f64,
}

/// Runs `interpret`.
pub fn run(args: &InterpretArgs) -> anyhow::Result<()> {
    let election = load_election(&args.election)?;
    let key_path = BallotKey::path_for(&args.election);
    let key = BallotKey::load(&key_path).with_context(|| {
        format!("the election's key is needed to check ballot codes (print ballots first, or copy {} here)", key_path.display())
    })?;
    let profile = match &args.profile {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read", p.display()))?;
            Profile::from_toml(&text)
                .map_err(|e| BadInput(format!("{}: {}", p.display(), e.message())))?
        }
        None => Profile::default(),
    };
    let interpreter = Interpreter::new(&election, key, profile)
        .with_context(|| format!("{}: the ballot cannot be laid out", args.election.display()))?;
    if let Some(dir) = &args.overlay {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting worker threads")?;

    // Files are processed in parallel; results are printed in input order.
    let per_file: Vec<Vec<PageResult>> = pool.install(|| {
        args.images
            .par_iter()
            .map(|file| interpret_file(&interpreter, file, args.overlay.as_deref()))
            .collect()
    });

    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    let mut failures = 0usize;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !args.json {
        writeln!(
            out,
            "{:<28} {:>4}  {:<9} {:<6} {:<18} reasons",
            "file", "page", "status", "vote", "serial"
        )?;
    }
    for r in per_file.into_iter().flatten() {
        let name = r.file.display().to_string();
        match r.outcome {
            Ok(mut reading) => {
                let mut duplicate_of = None;
                if let Some(serial) = &reading.serial {
                    if matches!(
                        reading.status,
                        Status::Valid | Status::Invalid | Status::Review
                    ) {
                        if let Some(first) = seen.get(serial) {
                            duplicate_of = Some(first.clone());
                            reading.status = Status::Duplicate;
                            reading.vote = None;
                            reading.approve = None;
                            reading.reasons = vec!["duplicate_serial".into()];
                        } else {
                            seen.insert(serial.clone(), (name.clone(), r.page));
                        }
                    }
                }
                if args.json {
                    let line = JsonLine {
                        file: &name,
                        page: r.page,
                        reading: &reading,
                        ms: (r.ms * 10.0).round() / 10.0,
                        duplicate_of: duplicate_of
                            .map(|(file, page)| json!({"file": file, "page": page})),
                    };
                    writeln!(out, "{}", serde_json::to_string(&line)?)?;
                } else {
                    writeln!(
                        out,
                        "{:<28} {:>4}  {:<9} {:<6} {:<18} {}",
                        truncate(&name, 28),
                        r.page,
                        format!("{:?}", reading.status).to_lowercase(),
                        reading.vote.as_deref().unwrap_or("-"),
                        reading.serial.as_deref().unwrap_or("-"),
                        reading.reasons.join(", ")
                    )?;
                }
            }
            Err(message) => {
                failures += 1;
                eprintln!("error: {name}: page {}: {message}", r.page);
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"file": name, "page": r.page, "status": "error", "error": message})
                    )?;
                }
            }
        }
    }
    if failures > 0 {
        return Err(BadInput(format!("{failures} file(s) or page(s) could not be read")).into());
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let tail: String = s
            .chars()
            .rev()
            .take(n - 1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    }
}

/// Decodes a file and interprets each of its pages (pages of one file in parallel too).
fn interpret_file(
    interp: &Interpreter,
    file: &Path,
    overlay_dir: Option<&Path>,
) -> Vec<PageResult> {
    let start = Instant::now();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return vec![PageResult {
                file: file.to_path_buf(),
                page: 1,
                outcome: Err(format!("cannot read: {e}")),
                ms: 0.0,
            }];
        }
    };
    let pages = match decode_pages(&bytes, DEFAULT_PIXEL_BUDGET) {
        Ok(p) => p,
        Err(e) => {
            // The page is printed beside the file; the message need not repeat it.
            let (page, message) = match e {
                DecodeError::Damaged { page, message } => {
                    (page, format!("damaged or truncated image: {message}"))
                }
                DecodeError::TooLarge {
                    page,
                    width,
                    height,
                    budget,
                } => (
                    page,
                    format!("{width}×{height} pixels, over the budget of {budget} pixels"),
                ),
                other => (1, other.to_string()),
            };
            return vec![PageResult {
                file: file.to_path_buf(),
                page,
                outcome: Err(message),
                ms: 0.0,
            }];
        }
    };
    let decode_ms = start.elapsed().as_secs_f64() * 1000.0
        / f64::from(u32::try_from(pages.len().max(1)).unwrap_or(u32::MAX));
    pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let t = Instant::now();
            let (reading, trace) = interp.interpret_traced(page);
            let ms = t.elapsed().as_secs_f64() * 1000.0 + decode_ms;
            let mut outcome = Ok(reading);
            if let (Some(dir), Ok(reading)) = (overlay_dir, &outcome) {
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
                let path = dir.join(format!("{stem}-p{}.png", i + 1));
                let picture = overlay::draw(&page.image, reading, &trace, interp.template());
                if let Err(e) = picture.save(&path) {
                    outcome = Err(format!("cannot write overlay {}: {e}", path.display()));
                }
            }
            PageResult {
                file: file.to_path_buf(),
                page: i + 1,
                outcome,
                ms,
            }
        })
        .collect()
}
