//! `review`: the officials decide the ballots the machine did not settle, one
//! by one at the prompt; only `--accept-suggestions`, worded apart, takes the
//! machine's suggestions in bulk, and each such decision says so in the record.
#![warn(clippy::as_conversions)]

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiemphieu_core::rules::{InvalidReason, Verdict, Vote};
use kiemphieu_station::station::Station;

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
    /// Decide EVERY waiting ballot as the machine suggests, without showing them one
    /// by one; each decision is recorded as accepted in bulk.
    #[arg(long)]
    pub accept_suggestions: bool,
}

/// Runs `review`.
pub fn run_review(a: ReviewArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    let queue = station.review_queue()?;
    if queue.is_empty() {
        println!("no ballot waits for review");
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let official = if let Some(o) = a.official {
        o
    } else {
        print!("deciding official's name: ");
        std::io::stdout().flush()?;
        lines
            .next()
            .transpose()?
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    if official.is_empty() {
        return Err(BadInput("--official: the deciding official must be named".into()).into());
    }
    let candidates = station.election().candidates.clone();
    let total = queue.len();
    for (done, s) in queue.into_iter().enumerate() {
        let reading: serde_json::Value = s
            .reading
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let suggestion: Option<Verdict> =
            serde_json::from_value(reading["suggestion"].clone()).ok();
        println!(
            "\nsheet {} ({}): reasons {}; struck {}, kept {}, doubtful {}",
            s.sheet.id,
            s.sheet.source,
            reading["reasons"],
            reading["struck"],
            reading["kept"],
            reading["doubtful"]
        );
        println!(
            "  image: {}",
            station.images().dir().join(&s.sheet.image_path).display()
        );
        if let Some(sg) = &suggestion {
            println!("  machine suggests: {}", describe(sg, &candidates));
        }
        let (verdict, reason) = if a.accept_suggestions {
            let v = suggestion
                .clone()
                .context("no suggestion recorded for this ballot")?;
            (v, BULK_REASON)
        } else {
            println!(
                "  y: accept the suggestion · v ID: valid for candidate · a: approve · d: disapprove · i CODE: invalid (not_issued_form, no_stamp, too_many_kept, all_struck, extra_writing) · s: skip"
            );
            print!("  > ");
            std::io::stdout().flush()?;
            // The end of input decides nothing: the rest wait for the officials.
            let Some(line) = lines.next().transpose()? else {
                println!(
                    "\nend of input: {} ballot(s) still wait for the officials",
                    total - done
                );
                break;
            };
            match parse_decision(line.trim(), suggestion.as_ref(), &candidates) {
                Some(Decision::Decide(v, reason)) => (v, reason),
                Some(Decision::Skip) => continue,
                None => {
                    eprintln!("  not understood; skipped");
                    continue;
                }
            }
        };
        station.decide(s.sheet.id, &verdict, reason, &official)?;
        println!("  recorded: {}", describe(&verdict, &candidates));
    }
    if a.accept_suggestions {
        println!(
            "{total} ballot(s) decided in bulk as the machine suggested, recorded as such (not decided ballot by ballot) under {official}"
        );
    }
    Ok(())
}

fn describe(v: &Verdict, candidates: &[kiemphieu_core::election::Candidate]) -> String {
    let name = |id: &str| {
        candidates
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    };
    match v {
        Verdict::Valid {
            vote: Vote::For(id),
        } => format!("valid, for {}", name(id)),
        Verdict::Valid {
            vote: Vote::Approve(id),
        } => format!("valid, approve {}", name(id)),
        Verdict::Valid {
            vote: Vote::Disapprove,
        } => "valid, disapprove".into(),
        Verdict::Invalid { reasons } => format!(
            "invalid ({})",
            reasons
                .iter()
                .map(kiemphieu_core::rules::InvalidReason::code)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Verdict::Review { .. } => "review".into(),
    }
}

/// How `review --accept-suggestions` records each decision: in bulk, not looked at one by one.
const BULK_REASON: &str = "machine suggestion accepted in bulk (review --accept-suggestions), not decided ballot by ballot";
/// How a decision typed at the prompt is recorded.
const TABLE_REASON: &str = "decided at the table";
/// How an official's "y" to the machine's suggestion for one ballot is recorded.
const SUGGESTION_REASON: &str = "machine suggestion accepted at the table for this ballot";

/// What an official typed at the review prompt.
enum Decision {
    /// Leave the ballot for later.
    Skip,
    /// Decide it so, recorded with this reason.
    Decide(Verdict, &'static str),
}

/// The decision typed; None when it is not understood (an empty line decides nothing).
fn parse_decision(
    line: &str,
    suggestion: Option<&Verdict>,
    candidates: &[kiemphieu_core::election::Candidate],
) -> Option<Decision> {
    let mut words = line.split_whitespace();
    let decide = |v| Some(Decision::Decide(v, TABLE_REASON));
    match (words.next(), words.next()) {
        (Some("y"), None) => suggestion
            .cloned()
            .map(|v| Decision::Decide(v, SUGGESTION_REASON)),
        (Some("s"), _) => Some(Decision::Skip),
        (Some("a"), _) if candidates.len() == 1 => decide(Verdict::Valid {
            vote: Vote::Approve(candidates[0].id.clone()),
        }),
        (Some("d"), _) if candidates.len() == 1 => decide(Verdict::Valid {
            vote: Vote::Disapprove,
        }),
        (Some("v"), Some(id)) if candidates.iter().any(|c| c.id == id) => decide(Verdict::Valid {
            vote: Vote::For(id.to_string()),
        }),
        (Some("i"), Some(code)) => InvalidReason::ALL
            .iter()
            .find(|r| r.code() == code)
            .and_then(|r| decide(Verdict::invalid([*r]))),
        _ => None,
    }
}
