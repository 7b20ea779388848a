//! The interpreter on a generated corpus: the project's own ballots, marked
//! with varied pens and stroke styles, stamped or not, scanned at 150–600 dpi
//! in grey and colour, skewed, flipped, blurred, noisy and JPEG-compressed.
//!
//! Targets (issue "The ballot interpreter"): zero wrong definitive readings;
//! review on ≤ 2 % of the clear ballots; every wrong-election, forged and
//! duplicate page caught. Size: `KIEMPHIEU_CORPUS` pages (default 1,000, a
//! subset of the 2,000-page run of the figures below, to keep CI short).
//!
//! Status: both hold. On 2,000 pages: no wrong reading, review on 0.67 % of
//! the clear ballots (9 of 1,336: six doubtful grey-scan stamps, one doubtful
//! approve box, two straight strokes along the baseline of the last word).
//! Both targets are asserted by the one corpus test, so the corpus is
//! generated and interpreted once per run.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::collections::HashMap;
use std::path::Path;

use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, Election, parse_election};
use kiemphieu_core::rules::{MarkState, Presence};
use kiemphieu_interpret::{
    DEFAULT_PIXEL_BUDGET, Interpreter, Profile, Reading, Status, decode_pages,
};
use kiemphieu_synth::{self as synth, Expect, Generator, GeneratorMix};
use rayon::prelude::*;

fn elections() -> Vec<(&'static str, Election)> {
    let two = EXAMPLE_ELECTION.to_string();
    let one = EXAMPLE_ELECTION.replace(
        "[[candidates]]\nid = \"c2\"\nname = \"Trần Thị Bình\"\n",
        "",
    );
    let three = EXAMPLE_ELECTION.replace(
        "[settings]",
        "[[candidates]]\nid = \"c3\"\nname = \"Lê Thị Huỳnh Hoa\"\n\n[settings]",
    );
    let boxes = one.replace("marking = \"strike\"", "marking = \"approve_boxes\"");
    [
        ("one", one),
        ("two", two),
        ("three", three),
        ("boxes", boxes),
    ]
    .into_iter()
    .map(|(n, t)| {
        (
            n,
            parse_election(&t, Path::new(n)).expect("corpus election parses"),
        )
    })
    .collect()
}

/// A definitive machine reading that contradicts the truth.
fn contradictions(reading: &Reading, truth: &synth::Truth) -> Vec<String> {
    let mut out = Vec::new();
    for c in &truth.candidates {
        let Some(score) = reading.scores.get(&c.id) else {
            continue;
        };
        let wrong = matches!(
            (c.expect, score.state),
            (Expect::Struck, MarkState::Kept) | (Expect::Kept, MarkState::Struck)
        );
        if wrong {
            out.push(format!(
                "{}: {:?} read as {:?} ({:?})",
                c.id, c.expect, score.state, c.mark
            ));
        }
    }
    if let Some(stamp) = &reading.stamp {
        let wrong = matches!(
            (truth.stamp_expect, stamp.state),
            (synth::Presence::Present, Presence::Absent)
                | (synth::Presence::Absent, Presence::Present)
        );
        if wrong {
            out.push(format!(
                "stamp {:?} read as {:?}",
                truth.stamp_expect, stamp.state
            ));
        }
    }
    let extra = if reading
        .extra_writing
        .iter()
        .any(|e| e.state == Presence::Present)
    {
        Presence::Present
    } else if reading.extra_writing.is_empty() {
        Presence::Absent
    } else {
        Presence::Doubtful
    };
    if matches!(
        (truth.extra_expect, extra),
        (synth::Presence::Present, Presence::Absent) | (synth::Presence::Absent, Presence::Present)
    ) {
        out.push(format!(
            "extra writing {:?} read as {:?}",
            truth.extra_expect, extra
        ));
    }
    out
}

/// Seed and mix of page `i` of an election's corpus: two thirds clear ballots, one third tricky.
fn corpus_page(name: &str, i: u64) -> (u64, GeneratorMix) {
    let seed = i * 7 + name.len() as u64 * 1_000_003;
    let mix = if i % 3 != 2 {
        GeneratorMix::clear_only()
    } else {
        GeneratorMix::tricky_only()
    };
    (seed, mix)
}

#[test]
fn generated_corpus_has_no_wrong_readings() {
    let (wrong, rate) = run_corpus();
    assert!(
        wrong.is_empty(),
        "{} wrong definitive readings:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        rate <= 0.02,
        "review rate on clear ballots {:.2}% > 2%",
        rate * 100.0
    );
}

/// Generates and interprets the corpus; returns the wrong readings and the clear-ballot review rate.
fn run_corpus() -> (Vec<String>, f64) {
    let total: usize = std::env::var("KIEMPHIEU_CORPUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let key = BallotKey::from_bytes([5; 32]);
    let elections = elections();
    let per = total.div_ceil(elections.len());
    let mut wrong = Vec::new();
    let (mut clear, mut clear_review) = (0usize, 0usize);
    let mut decisive = 0usize;
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for (name, election) in &elections {
        let layout = BallotLayout::for_election(election).expect("layout");
        let generator = Generator::new(election, &layout, &key).expect("generator");
        let interp =
            Interpreter::new(election, key.clone(), Profile::default()).expect("interpreter");
        let results: Vec<(u64, bool, synth::Truth, Reading)> = (0..per as u64)
            .into_par_iter()
            .map(|i| {
                let (seed, mix) = corpus_page(name, i);
                let ballot = generator.generate(seed, &mix).expect("generate");
                let pages = decode_pages(&ballot.encoded, DEFAULT_PIXEL_BUDGET)
                    .expect("generated file decodes");
                let reading = interp.interpret(&pages[0]);
                (i, mix.clear == 1.0, ballot.truth, reading)
            })
            .collect();
        for (i, is_clear, truth, reading) in results {
            *statuses
                .entry(format!("{name}/{:?}", reading.status))
                .or_default() += 1;
            let c = contradictions(&reading, &truth);
            if matches!(reading.status, Status::Valid | Status::Invalid) {
                decisive += 1;
                if !c.is_empty() {
                    wrong.push(format!(
                        "{name}:{i}: {:?} {c:?} scan {:?}",
                        reading.status, truth.scan
                    ));
                }
            }
            if is_clear {
                clear += 1;
                if reading.status != Status::Valid && reading.status != Status::Invalid {
                    clear_review += 1;
                    if clear_review <= 400 {
                        eprintln!(
                            "clear ballot not decided: {name}:{i} → {:?} {:?} marks {:?} scores {:?} stamp {:?} scan {:?}",
                            reading.status,
                            reading.reasons,
                            truth.candidates.iter().map(|c| &c.mark).collect::<Vec<_>>(),
                            reading
                                .scores
                                .values()
                                .map(|s| (
                                    s.state,
                                    s.coverage,
                                    s.body_coverage,
                                    s.faint_coverage,
                                    s.longest_gap_mm,
                                    s.word_coverage.clone()
                                ))
                                .collect::<Vec<_>>(),
                            reading.stamp,
                            truth.scan
                        );
                    }
                }
            }
        }
    }
    let mut s: Vec<_> = statuses.into_iter().collect();
    s.sort();
    eprintln!("statuses: {s:?}");
    eprintln!("decisive {decisive}, clear {clear}, clear not decided {clear_review}");
    let rate = clear_review as f64 / clear.max(1) as f64;
    eprintln!("review rate on clear ballots: {:.2}%", rate * 100.0);
    (wrong, rate)
}

/// Writes one corpus page and its overlay to `target/corpus-debug/` for a person to look at:
/// `KIEMPHIEU_DEBUG=one:42 cargo test --test integration interpret_corpus::debug_one_page -- --ignored`.
#[test]
#[ignore = "debugging aid"]
fn debug_one_page() {
    let Ok(spec) = std::env::var("KIEMPHIEU_DEBUG") else {
        return;
    };
    let (name, index) = spec.split_once(':').expect("NAME:INDEX");
    let index: u64 = index.parse().expect("index");
    let key = BallotKey::from_bytes([5; 32]);
    let (_, election) = elections()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("election name");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let generator = Generator::new(&election, &layout, &key).expect("generator");
    let interp = Interpreter::new(&election, key.clone(), Profile::default()).expect("interpreter");
    let (seed, mix) = corpus_page(name, index);
    let ballot = generator.generate(seed, &mix).expect("generate");
    let pages = decode_pages(&ballot.encoded, DEFAULT_PIXEL_BUDGET).expect("decodes");
    let (reading, trace) = interp.interpret_traced(&pages[0]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus-debug");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join(format!("{name}-{index}.{}", ballot.extension)),
        &ballot.encoded,
    )
    .expect("write");
    kiemphieu_interpret::overlay::draw(&pages[0].image, &reading, &trace, interp.template())
        .save(dir.join(format!("{name}-{index}-overlay.png")))
        .expect("overlay");
    eprintln!(
        "{:#?}\n{}",
        ballot.truth.candidates,
        serde_json::to_string_pretty(&reading).expect("json")
    );
}

#[test]
fn wrong_election_forged_and_duplicate_pages_are_all_caught() {
    let key = BallotKey::from_bytes([5; 32]);
    let mix = GeneratorMix::clear_only();
    for (name, election) in elections() {
        let layout = BallotLayout::for_election(&election).expect("layout");
        let generator = Generator::new(&election, &layout, &key).expect("generator");
        let interp =
            Interpreter::new(&election, key.clone(), Profile::default()).expect("interpreter");
        let read = |b: &synth::SyntheticBallot| {
            let pages = decode_pages(&b.encoded, DEFAULT_PIXEL_BUDGET).expect("decodes");
            interp.interpret(&pages[0])
        };
        let results: Vec<(Reading, Reading, Reading, Reading)> = (0..12u64)
            .into_par_iter()
            .map(|i| {
                let seed = 50_000 + i;
                let wrong = read(&generator.wrong_election(seed, &mix).expect("wrong"));
                let forged = read(&generator.forged(seed, &mix).expect("forged"));
                let (a, b) = generator.duplicate_pair(seed, &mix).expect("pair");
                (wrong, forged, read(&a), read(&b))
            })
            .collect();
        for (i, (wrong, forged, first, second)) in results.iter().enumerate() {
            // Never counted: always rejected; named as such whenever the code was read.
            assert_eq!(
                wrong.status,
                Status::Rejected,
                "{name}:{i} wrong election: {wrong:?}"
            );
            assert!(
                wrong
                    .reasons
                    .iter()
                    .any(|r| r == "wrong_election" || r == "unreadable"),
                "{name}:{i}: {:?}",
                wrong.reasons
            );
            assert_eq!(
                forged.status,
                Status::Rejected,
                "{name}:{i} forged: {forged:?}"
            );
            assert!(
                forged
                    .reasons
                    .iter()
                    .any(|r| r == "forged" || r == "unreadable"),
                "{name}:{i}: {:?}",
                forged.reasons
            );
            // A photocopy carries the same serial: the station lists the second as a duplicate.
            assert!(
                first.serial.is_some(),
                "{name}:{i}: serial of a genuine ballot read"
            );
            assert_eq!(first.serial, second.serial, "{name}:{i}");
        }
    }
}
