//! Synthetic elections for judging the audit: a true paper count, a machine
//! count with misreads, and the table's audit played to its end. Used by the
//! audit's tests and by `benches/audit.rs`, which prints the figures of
//! docs/audit.md.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::assertion::Contest;
use super::measure::{AuditPlan, Comparison, SheetReading, measure};
use crate::rules::passes;

/// One synthetic unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// H.
    pub households: u32,
    /// N: pages in the box (ballots returned), N ≤ H.
    pub pages: u32,
    /// True votes per candidate (their sum ≤ N; the other pages are invalid).
    pub true_votes: Vec<u32>,
    /// Chance that the machine misreads a page.
    pub error_rate: f64,
    /// Where misreads go: to this candidate (an error that favours one side),
    /// or, with None, to any other reading at random.
    pub misread_to: Option<usize>,
}

/// One audit played through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trial {
    /// The machine's reported outcome is the paper's.
    pub reported_correct: bool,
    /// The audit confirmed the reported outcome.
    pub confirmed: bool,
    /// Pages drawn.
    pub draws: u32,
}

/// Plays one audit of a scenario at risk limit `alpha`, reproducibly from `seed`.
pub fn trial(s: &Scenario, alpha: f64, seed: u64) -> Trial {
    let mut rng = StdRng::seed_from_u64(seed);
    let names: Vec<String> = (0..s.true_votes.len()).map(|i| format!("c{i}")).collect();
    let truth = truth(s, &names);
    let machine: Vec<SheetReading> = truth
        .iter()
        .map(|t| misread(s, &names, t, &mut rng))
        .collect();
    let contest = contest(s, &names, &machine);
    let true_winner = winner(s, &names, &truth);
    let mut drawn: Vec<Comparison> = Vec::new();
    let mut m = measure(&contest, alpha, &drawn);
    let mut want = m.estimate.max(1);
    loop {
        match m.plan {
            AuditPlan::Confirmed | AuditPlan::FullHandCount { .. } => break,
            AuditPlan::MoreDraws { next } => want = want.max(next),
        }
        for _ in 0..want {
            let i = rng.random_range(0..truth.len());
            drawn.push(Comparison {
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                machine: machine[i].clone(),
                paper: truth[i].clone(),
            });
        }
        m = measure(&contest, alpha, &drawn);
        want = 1;
    }
    Trial {
        reported_correct: contest.winner == true_winner,
        confirmed: m.plan == AuditPlan::Confirmed,
        draws: u32::try_from(drawn.len()).unwrap_or(u32::MAX),
    }
}

fn truth(s: &Scenario, names: &[String]) -> Vec<SheetReading> {
    let mut pages: Vec<SheetReading> = s
        .true_votes
        .iter()
        .zip(names)
        .flat_map(|(&v, c)| (0..v).map(move |_| SheetReading::Vote(c.clone())))
        .collect();
    let n = usize::try_from(s.pages).unwrap_or(0);
    pages.resize(n.max(pages.len()), SheetReading::Invalid);
    pages
}

fn misread(s: &Scenario, names: &[String], t: &SheetReading, rng: &mut StdRng) -> SheetReading {
    if !rng.random_bool(s.error_rate.clamp(0.0, 1.0)) {
        return t.clone();
    }
    match s.misread_to {
        Some(c) => SheetReading::Vote(names[c].clone()),
        // Any reading but the true one: a candidate or invalid.
        None => loop {
            let k = rng.random_range(0..=names.len());
            let r = names
                .get(k)
                .map_or(SheetReading::Invalid, |c| SheetReading::Vote(c.clone()));
            if &r != t {
                break r;
            }
        },
    }
}

fn contest(s: &Scenario, names: &[String], machine: &[SheetReading]) -> Contest {
    let votes: Vec<(String, u32)> = names
        .iter()
        .map(|c| {
            let v = machine.iter().filter(|m| m.vote() == Some(c)).count();
            (c.clone(), u32::try_from(v).unwrap_or(u32::MAX))
        })
        .collect();
    Contest {
        households: s.households,
        pages: u32::try_from(machine.len()).unwrap_or(u32::MAX),
        winner: votes
            .iter()
            .find(|(_, v)| passes(*v, s.households))
            .map(|(c, _)| c.clone()),
        votes,
    }
}

fn winner(s: &Scenario, names: &[String], truth: &[SheetReading]) -> Option<String> {
    names
        .iter()
        .find(|c| {
            let v = truth.iter().filter(|t| t.vote() == Some(c)).count();
            passes(u32::try_from(v).unwrap_or(u32::MAX), s.households)
        })
        .cloned()
}

/// A 500-household unit with every ballot returned, the winner `points` above
/// half of H, the machine misreading `error_rate` of the pages at random.
fn correct_count(points: f64, error_rate: f64) -> Scenario {
    let h = 500u32;
    let w = (f64::from(h) * (0.5 + points / 100.0)).round() as u32;
    Scenario {
        households: h,
        pages: h,
        true_votes: vec![w, h - w],
        error_rate,
        misread_to: None,
    }
}

/// The figures of docs/audit.md, `trials` audits per row: mean draws (and the
/// share that ended in a full hand count) for correct counts by margin and
/// error rate; and the share of wrong reported outcomes the audit confirmed.
pub fn figures(trials: u64, alpha: f64) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let rates = [0.0, 0.005, 0.01, 0.02];
    let _ = writeln!(
        out,
        "Correct counts, 500 households, all returned, α = {alpha}: mean draws (full hand counts)\n"
    );
    let _ = write!(out, "| margin (points of H) |");
    for r in rates {
        let _ = write!(out, " misreads {:.1} % |", r * 100.0);
    }
    let _ = writeln!(out, "\n|---|---|---|---|---|");
    for points in [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0] {
        let _ = write!(out, "| {points:.1} |");
        for r in rates {
            let s = correct_count(points, r);
            let (mut draws, mut full) = (0u64, 0u64);
            for seed in 0..trials {
                let t = trial(&s, alpha, seed);
                draws += u64::from(t.draws);
                full += u64::from(!t.confirmed);
            }
            let n = trials.max(1) as f64;
            let _ = write!(
                out,
                " {:.0} ({:.0} %) |",
                draws as f64 / n,
                100.0 * full as f64 / n
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\nWrong reported outcomes: on paper nobody is elected; every misread favours candidate 1\n\n| true share of H | misreads | wrong outcomes | confirmed |\n|---|---|---|---|"
    );
    for (share, rate) in [(0.49, 0.03), (0.495, 0.02), (0.498, 0.01), (0.45, 0.15)] {
        let (h, pages) = (500u32, 480u32);
        let w = (f64::from(h) * share).round() as u32;
        let s = Scenario {
            households: h,
            pages,
            true_votes: vec![w, pages - w - 10],
            error_rate: rate,
            misread_to: Some(0),
        };
        let (mut wrong, mut confirmed) = (0u64, 0u64);
        for seed in 0..trials * 3 {
            let t = trial(&s, alpha, seed);
            if !t.reported_correct {
                wrong += 1;
                confirmed += u64::from(t.confirmed);
            }
        }
        let _ = writeln!(
            out,
            "| {:.1} % | {:.1} % | {wrong} | {:.2} % |",
            share * 100.0,
            rate * 100.0,
            100.0 * confirmed as f64 / wrong.max(1) as f64
        );
    }
    out
}
