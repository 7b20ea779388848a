//! `kiemphieu review`: every page waiting for the officials — doubtful and
//! unreadable ballots, papers that are not the issued form, repeated serials,
//! blank pages — with its image and the machine's proposal, decided one by one
//! at the prompt. The end of input decides nothing; only `--accept-suggestions`,
//! worded apart, takes the machine's proposals in bulk, and each such decision
//! says so in the record.
#![warn(clippy::as_conversions)]

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::Args;
use kiemphieu_core::election::Candidate;
use kiemphieu_core::rules::{InvalidReason, Verdict, Vote};
use kiemphieu_station::station::{Destination, Place, Station, ballot_allowed};
use kiemphieu_station::store::{Decision, SheetRecord};

use super::BadInput;

/// Arguments of `review`.
#[derive(Args)]
pub struct ReviewArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The deciding official (asked for when absent).
    #[arg(long)]
    pub official: Option<String>,
    /// Decide EVERY waiting page as the machine proposes, without showing them one
    /// by one; each decision is recorded as accepted in bulk. A ballot the machine
    /// could not read at all is left for the officials.
    #[arg(long)]
    pub accept_suggestions: bool,
    /// Confirm every blank page waiting as not a ballot, together.
    #[arg(long)]
    pub confirm_blank: bool,
    /// Only list the waiting pages with their images; decide nothing.
    #[arg(long)]
    pub list: bool,
}

/// What the machine proposes for a waiting page, if anything.
pub fn proposal(place: &Place, sheet: &SheetRecord) -> Option<Decision> {
    let Place::Awaiting { destination, .. } = place else {
        return None;
    };
    match destination {
        Destination::Ballot => sheet
            .reading
            .as_ref()
            .and_then(|r| r.suggestion.clone())
            .filter(Verdict::is_decided)
            .map(Decision::Ballot),
        Destination::NotIssuedForm(_) => Some(Decision::NotIssuedForm),
        // A re-fed sheet is the common case; a copy is the officials' call.
        Destination::NotABallot(_) => Some(Decision::NotABallot),
    }
}

/// Runs `review`.
pub fn run_review(a: &ReviewArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let needs_official = !a.list;
    let official = match (&a.official, needs_official) {
        (Some(o), _) => o.trim().to_string(),
        (None, false) => String::new(),
        (None, true) => {
            print!("deciding official's name: ");
            std::io::stdout().flush()?;
            lines
                .next()
                .transpose()?
                .unwrap_or_default()
                .trim()
                .to_string()
        }
    };
    if needs_official && official.is_empty() {
        return Err(BadInput("--official: the deciding official must be named".into()).into());
    }
    if a.confirm_blank {
        let n = station
            .confirm_blank_pages(&official)
            .map_err(|e| BadInput(format!("{}: {e}", a.db.display())))?;
        println!("{n} blank pages confirmed as not ballots (listed, not counted)");
    }
    let states = station.sheets()?;
    let count = station.count_of(&states)?;
    let queue: Vec<SheetRecord> = kiemphieu_station::station::review_queue_of(&states, &count)
        .into_iter()
        .cloned()
        .collect();
    if queue.is_empty() {
        println!("no page waits for the officials");
        return Ok(());
    }
    let candidates = station.election().candidates.clone();
    let mut decided = 0usize;
    for s in &queue {
        let Some(place) = count.sheets.get(&s.sheet.id) else {
            continue;
        };
        show(&station, s, place, &states, &candidates);
        if a.list {
            continue;
        }
        let proposed = proposal(place, s);
        let (decision, reason) = if a.accept_suggestions {
            let Some(d) = proposed else {
                println!("  no proposal: left for the officials to read on the image");
                continue;
            };
            (d, BULK_REASON)
        } else {
            let ballot = place.destination().is_some_and(ballot_allowed);
            println!("  {}", choices(ballot, candidates.len()));
            print!("  > ");
            std::io::stdout().flush()?;
            // The end of input decides nothing: the rest wait for the officials.
            let Some(line) = lines.next().transpose()? else {
                println!("\nend of input: nothing more is decided");
                break;
            };
            match parse_decision(line.trim(), proposed.as_ref(), &candidates, ballot) {
                Some(Typed::Decide(d, why)) => (d, why),
                Some(Typed::Skip) => {
                    continue;
                }
                None => {
                    eprintln!("  not understood; skipped");
                    continue;
                }
            }
        };
        station
            .decide(s.sheet.id, &decision, reason, &official)
            .map_err(|e| BadInput(format!("{}: sheet {}: {e}", a.db.display(), s.sheet.id)))?;
        println!("  recorded: {}", describe(&decision, &candidates));
        decided += 1;
    }
    if a.list {
        println!("\n{} pages wait for the officials", queue.len());
    } else if decided < queue.len() {
        println!(
            "\n{} pages still wait for the officials",
            queue.len() - decided
        );
    }
    if a.accept_suggestions && decided > 0 {
        println!(
            "{decided} pages decided in bulk as the machine proposed, recorded as such (not decided page by page) under {official}"
        );
    }
    Ok(())
}

/// One waiting page: what it is, why it waits, its image, and the machine's reading.
fn show(
    station: &Station,
    s: &SheetRecord,
    place: &Place,
    states: &[SheetRecord],
    candidates: &[Candidate],
) {
    let image = |r: &SheetRecord| station.images().dir().join(&r.sheet.image_path);
    println!(
        "\nsheet {} ({}, {}): {}",
        s.sheet.id,
        s.sheet.source,
        s.sheet.source_kind.code(),
        place.words(true)
    );
    println!("  image: {}", image(s).display());
    if let Place::Awaiting {
        first: Some(first), ..
    } = place
    {
        if let Some(f) = states.iter().find(|r| r.sheet.id == *first) {
            println!(
                "  first paper with serial {}: sheet {} ({}), image: {}",
                s.serial().unwrap_or("-"),
                f.sheet.id,
                f.sheet.source,
                image(f).display()
            );
        }
    }
    if let Some(r) = &s.reading {
        if matches!(place.destination(), Some(Destination::Ballot)) {
            println!(
                "  machine: reasons {}; struck {:?}, kept {:?}, doubtful {:?}; serial {}",
                r.reasons.join(", "),
                r.struck,
                r.kept,
                r.doubtful,
                r.serial.as_deref().unwrap_or("-")
            );
        }
    }
    if let Some(p) = proposal(place, s) {
        println!("  machine proposes: {}", describe(&p, candidates));
    }
}

/// The choices offered for a page.
fn choices(ballot: bool, candidates: usize) -> String {
    let mut parts = vec!["y: accept the proposal".to_string()];
    if ballot {
        if candidates == 1 {
            parts.push("a: valid, approve · d: valid, disapprove".into());
        } else {
            parts.push("v ID: valid for candidate".into());
        }
        parts.push(
            "i CODE: invalid (no_stamp, too_many_kept, all_struck, extra_writing, no_box_marked, both_boxes_marked)"
                .into(),
        );
    }
    parts.push("n: not the issued form or a copy (invalid, art. 74 a)".into());
    parts.push("x: not a ballot (blank, separator, the same paper scanned twice)".into());
    parts.push("s: skip".into());
    parts.join(" · ")
}

/// A decision in words.
pub fn describe(d: &Decision, candidates: &[Candidate]) -> String {
    let name = |id: &str| {
        candidates
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    };
    match d {
        Decision::Ballot(Verdict::Valid {
            vote: Vote::For(id),
        }) => format!("valid, for {}", name(id)),
        Decision::Ballot(Verdict::Valid {
            vote: Vote::Approve(id),
        }) => format!("valid, approve {}", name(id)),
        Decision::Ballot(Verdict::Valid {
            vote: Vote::Disapprove,
        }) => "valid, disapprove".into(),
        Decision::Ballot(Verdict::Invalid { reasons }) => format!(
            "invalid ({})",
            reasons
                .iter()
                .map(InvalidReason::code)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Decision::Ballot(Verdict::Review { .. }) => "review".into(),
        Decision::NotIssuedForm => "not the issued form: invalid (art. 74 a)".into(),
        Decision::NotABallot => "not a ballot: listed, not counted".into(),
    }
}

/// How `review --accept-suggestions` records each decision: in bulk, not looked at one by one.
const BULK_REASON: &str =
    "machine proposal accepted in bulk (review --accept-suggestions), not decided page by page";
/// How a decision typed at the prompt is recorded.
const TABLE_REASON: &str = "decided at the table";
/// How an official's "y" to the machine's proposal for one page is recorded.
const PROPOSAL_REASON: &str = "machine proposal accepted at the table for this page";

/// What an official typed at the review prompt.
enum Typed {
    /// Leave the page for later.
    Skip,
    /// Decide it so, recorded with this reason.
    Decide(Decision, &'static str),
}

/// The decision typed; None when it is not understood (or not allowed here). An
/// empty line decides nothing: a stray Enter never records a decision.
fn parse_decision(
    line: &str,
    proposal: Option<&Decision>,
    candidates: &[Candidate],
    ballot: bool,
) -> Option<Typed> {
    let mut words = line.split_whitespace();
    let verdict = |v: Verdict| ballot.then_some(Typed::Decide(Decision::Ballot(v), TABLE_REASON));
    match (words.next(), words.next()) {
        (Some("y"), None) => proposal.cloned().map(|d| Typed::Decide(d, PROPOSAL_REASON)),
        (Some("s"), _) => Some(Typed::Skip),
        (Some("n"), _) => Some(Typed::Decide(Decision::NotIssuedForm, TABLE_REASON)),
        (Some("x"), _) => Some(Typed::Decide(Decision::NotABallot, TABLE_REASON)),
        (Some("a"), _) if candidates.len() == 1 => verdict(Verdict::Valid {
            vote: Vote::Approve(candidates[0].id.clone()),
        }),
        (Some("d"), _) if candidates.len() == 1 => verdict(Verdict::Valid {
            vote: Vote::Disapprove,
        }),
        (Some("v"), Some(id)) if candidates.iter().any(|c| c.id == id) => verdict(Verdict::Valid {
            vote: Vote::For(id.to_string()),
        }),
        (Some("i"), Some(code)) => InvalidReason::ALL
            .iter()
            .filter(|r| **r != InvalidReason::NotIssuedForm)
            .find(|r| r.code() == code)
            .and_then(|r| verdict(Verdict::invalid([*r]))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_paper_cannot_be_typed_into_a_vote() {
        let c = vec![
            Candidate {
                id: "c1".into(),
                name: "An".into(),
                honorific: None,
            },
            Candidate {
                id: "c2".into(),
                name: "Bình".into(),
                honorific: None,
            },
        ];
        assert!(parse_decision("v c1", None, &c, false).is_none());
        assert!(matches!(
            parse_decision("v c1", None, &c, true),
            Some(Typed::Decide(Decision::Ballot(_), _))
        ));
        assert!(matches!(
            parse_decision("n", None, &c, false),
            Some(Typed::Decide(Decision::NotIssuedForm, _))
        ));
        assert!(matches!(
            parse_decision("y", Some(&Decision::NotABallot), &c, false),
            Some(Typed::Decide(Decision::NotABallot, PROPOSAL_REASON))
        ));
        // A stray Enter decides nothing.
        assert!(parse_decision("", Some(&Decision::NotABallot), &c, false).is_none());
    }
}
