//! Tests of the audit: the draw, the assertions, the measured risk, and the
//! simulated elections that show the risk limit holds.

use proptest::prelude::*;

use super::simulate::{Scenario, trial};
use super::*;

fn seed() -> Seed {
    Seed::parse("3141 5926 5358 9793 2384").expect("20 digits")
}

fn contest(h: u32, n: u32, votes: &[(&str, u32)], winner: Option<&str>) -> Contest {
    Contest {
        households: h,
        pages: n,
        votes: votes.iter().map(|(c, v)| ((*c).to_string(), *v)).collect(),
        winner: winner.map(str::to_string),
    }
}

fn same(position: u32, c: &str) -> Comparison {
    Comparison {
        position,
        machine: SheetReading::Vote(c.into()),
        paper: SheetReading::Vote(c.into()),
    }
}

#[test]
fn seeds_are_digits_only_and_long_enough() {
    assert!(Seed::parse("12345678901234567890").is_ok());
    assert_eq!(Seed::parse("1234"), Err(DrawError::Length { digits: 4 }));
    assert_eq!(
        Seed::parse("1234567890123456789x"),
        Err(DrawError::NotDigits { found: 'x' })
    );
    assert_eq!(seed().digits(), "31415926535897932384");
}

#[test]
fn the_draw_is_rivests_sampler() {
    // SHA-256("31415926535897932384,1") mod 500 + 1, as `sampler.py` computes it
    // (checked with: python3 -c 'import hashlib;print(int(hashlib.sha256(b"31415926535897932384,1").hexdigest(),16)%500+1)').
    let d = draw(&seed(), 500, 0, 3).expect("draw");
    assert_eq!(d, vec![77, 316, 160]);
    assert_eq!(d, draw(&seed(), 500, 0, 3).expect("again"), "reproducible");
    assert_eq!(
        d[1..],
        draw(&seed(), 500, 1, 2).expect("later")[..],
        "continues"
    );
    assert!(d.iter().all(|&p| (1..=500).contains(&p)));
    assert_eq!(draw(&seed(), 0, 0, 1), Err(DrawError::NoPages));
}

#[test]
fn a_winner_needs_one_assertion_and_nobody_needs_one_per_candidate() {
    let won = contest(500, 480, &[("a", 300), ("b", 150)], Some("a"));
    assert_eq!(assertions(&won), vec![Assertion::Wins("a".into())]);
    let none = contest(500, 480, &[("a", 240), ("b", 230)], None);
    assert_eq!(
        assertions(&none),
        vec![
            Assertion::DoesNotWin("a".into()),
            Assertion::DoesNotWin("b".into())
        ]
    );
    // With fewer pages than half of H nobody could have won: nothing to check.
    let few = contest(500, 250, &[("a", 240)], None);
    assert!(assertions(&few).is_empty());
    let m = measure(&few, 0.05, &[]);
    assert_eq!(m.plan, AuditPlan::Confirmed);
}

#[test]
fn assorter_means_are_above_half_exactly_when_the_rule_says() {
    for h in [3u32, 10, 101, 500] {
        for n in (h / 2 + 1)..=h {
            for v in 0..=n {
                let c = contest(h, n, &[("a", v)], None);
                let wins = Assertion::Wins("a".into()).reported_mean(&c) > 0.5;
                let loses = Assertion::DoesNotWin("a".into()).reported_mean(&c) > 0.5;
                assert_eq!(wins, u64::from(v) * 2 > u64::from(h), "h {h} n {n} v {v}");
                assert_eq!(loses, u64::from(v) * 2 < u64::from(h), "h {h} n {n} v {v}");
            }
        }
    }
}

#[test]
fn a_clean_sample_confirms_a_ten_point_margin_in_a_few_dozen_draws() {
    // 500 households, all returned, the winner at 60 % of H.
    let c = contest(500, 500, &[("a", 300), ("b", 200)], Some("a"));
    let m = measure(&c, 0.05, &[]);
    assert!((25..=45).contains(&m.estimate), "estimate {}", m.estimate);
    assert_eq!(m.plan, AuditPlan::MoreDraws { next: m.estimate });
    let drawn: Vec<Comparison> = (0..m.estimate).map(|i| same(i + 1, "a")).collect();
    let m = measure(&c, 0.05, &drawn);
    assert_eq!(m.plan, AuditPlan::Confirmed, "{m:?}");
    assert!(m.risk <= 0.05);
    assert_eq!(m.overstatements(), 0);
}

#[test]
fn an_overstatement_asks_for_more_and_too_many_call_for_a_full_count() {
    let c = contest(500, 500, &[("a", 300), ("b", 200)], Some("a"));
    let mut drawn: Vec<Comparison> = (0..30).map(|i| same(i + 1, "a")).collect();
    // The machine counted a vote for the winner on a paper that is invalid.
    drawn[3].paper = SheetReading::Invalid;
    let m = measure(&c, 0.05, &drawn);
    assert_eq!(m.overstatements(), 1);
    assert!(m.findings[3].differs);
    let AuditPlan::MoreDraws { next } = m.plan else {
        panic!("expected more draws: {m:?}")
    };
    assert!(next > 10, "next {next}");
    // Every paper against the count: the bound is reached.
    let bad: Vec<Comparison> = (0..200)
        .map(|i| Comparison {
            position: i + 1,
            machine: SheetReading::Vote("a".into()),
            paper: SheetReading::Vote("b".into()),
        })
        .collect();
    let m = measure(&c, 0.05, &bad);
    assert_eq!(
        m.plan,
        AuditPlan::FullHandCount {
            reason: FullCountReason::TooManyDraws
        }
    );
}

#[test]
fn a_paper_not_found_counts_against_the_outcome() {
    let c = contest(500, 500, &[("a", 300), ("b", 200)], Some("a"));
    let drawn = vec![Comparison {
        position: 7,
        machine: SheetReading::Vote("b".into()),
        paper: SheetReading::NotFound,
    }];
    // Even a page counted for the loser: not found is the worst the paper could be.
    let m = measure(&c, 0.05, &drawn);
    assert_eq!(m.findings[0].discrepancy, Discrepancy::None);
    let drawn = vec![Comparison {
        machine: SheetReading::Vote("a".into()),
        ..drawn[0].clone()
    }];
    let m = measure(&c, 0.05, &drawn);
    assert_eq!(m.findings[0].discrepancy, Discrepancy::Overstatement);
}

#[test]
fn a_margin_too_small_for_a_sample_calls_for_the_hand_count_at_once() {
    // 0.5 points above half: a clean sample would need more draws than the 500 pages.
    let c = contest(500, 500, &[("a", 253), ("b", 247)], Some("a"));
    let m = measure(&c, 0.05, &[]);
    assert!(m.estimate > 500, "{}", m.estimate);
    assert_eq!(
        m.plan,
        AuditPlan::FullHandCount {
            reason: FullCountReason::SmallMargin
        }
    );
}

#[test]
fn exactly_half_cannot_be_confirmed_by_sampling() {
    let c = contest(500, 500, &[("a", 250), ("b", 250)], None);
    let m = measure(&c, 0.05, &[]);
    assert_eq!(
        m.plan,
        AuditPlan::FullHandCount {
            reason: FullCountReason::NoMargin
        }
    );
}

#[test]
fn wrong_outcomes_are_confirmed_at_most_alpha_of_the_time() {
    // The paper has nobody elected (a at 49 % of H); the machine's misreads all go to a,
    // so the reported outcome is often "a elected": the audit must catch it.
    let s = Scenario {
        households: 500,
        pages: 480,
        true_votes: vec![245, 200],
        error_rate: 0.03,
        misread_to: Some(0),
    };
    let (mut wrong, mut confirmed_wrong) = (0u32, 0u32);
    for seed in 0..400 {
        let t = trial(&s, 0.05, seed);
        if !t.reported_correct {
            wrong += 1;
            confirmed_wrong += u32::from(t.confirmed);
        }
    }
    assert!(wrong > 100, "the scenario makes wrong outcomes ({wrong})");
    // Binomial slack over α = 5 %.
    assert!(
        f64::from(confirmed_wrong)
            <= 0.05 * f64::from(wrong) + 3.0 * (0.05 * f64::from(wrong)).sqrt(),
        "{confirmed_wrong} of {wrong} wrong outcomes confirmed"
    );
}

proptest! {
    #[test]
    fn risk_is_a_probability_and_agreeing_papers_never_raise_it(
        h in 10u32..2000, share in 0.0f64..1.0, agree in 0usize..60,
    ) {
        let n = h;
        let v = (f64::from(n) * share) as u32;
        let winner = passes_(v, h).then_some("a");
        let c = contest(h, n, &[("a", v), ("b", n - v)], winner);
        let mut last = 1.0f64;
        for k in 0..agree {
            let who = if k % 2 == 0 { "a" } else { "b" };
            let drawn: Vec<Comparison> = (0..=k).map(|i| same(u32::try_from(i).unwrap_or(0) + 1, if i % 2 == 0 { "a" } else { who })).collect();
            let m = measure(&c, 0.05, &drawn);
            prop_assert!((0.0..=1.0).contains(&m.risk));
            prop_assert!(m.risk <= last + 1e-12, "risk rose from {last} to {}", m.risk);
            last = m.risk;
        }
    }

    #[test]
    fn draws_stay_in_range(pages in 1u32..1_000_000, done in 0u32..1000, count in 0u32..50) {
        let d = draw(&seed(), pages, done, count).expect("draw");
        prop_assert_eq!(d.len(), usize::try_from(count).unwrap_or(0));
        prop_assert!(d.iter().all(|&p| (1..=pages).contains(&p)));
    }
}

fn passes_(v: u32, h: u32) -> bool {
    crate::rules::passes(v, h)
}

/// Prints the figures of docs/audit.md (as `cargo bench --bench audit` does):
/// `cargo test -p kiemphieu-core --release audit_figures -- --ignored --nocapture`.
#[test]
#[ignore = "a few minutes; the figures of docs/audit.md"]
fn audit_figures() {
    println!("{}", simulate::figures(300, 0.05));
}
