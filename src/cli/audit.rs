//! `kiemphieu audit`: the hand check at the table (kiểm tra xác suất bằng tay)
//! between reconciliation and confirmation. The witnesses' die rolls draw the
//! papers to pull ("hòm 1, tờ thứ 137"); the officials enter what each paper
//! says before the machine's reading is shown (blind); the station says when
//! the reported outcome is confirmed at the risk limit, asks for more draws,
//! or recommends a full hand count.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use kiemphieu_core::audit::{Audit, AuditPlan, SheetReading};
use kiemphieu_core::election::Election;
use kiemphieu_station::hand_check::summary;
use kiemphieu_station::station::Station;

use super::BadInput;

/// `audit` subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Start the hand check with the witnesses' seed (twenty or more die rolls).
    Start(StartArgs),
    /// The papers to pull, and each paper read so far beside the machine's reading.
    Show(ShowArgs),
    /// Enter what a drawn paper says.
    Read(ReadArgs),
    /// Draw the further papers the check asks for.
    More(MoreArgs),
}

/// Arguments of `audit start`.
#[derive(Args)]
pub struct StartArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The digits the witnesses rolled (spaces allowed), e.g. "3141 5926 5358 9793 2384".
    #[arg(long)]
    pub seed: String,
    /// Risk limit in per cent.
    #[arg(long, default_value_t = 5.0)]
    pub risk_limit: f64,
    /// The official who types the seed (a board member or witness).
    #[arg(long)]
    pub by: String,
}

/// Arguments of `audit show`.
#[derive(Args)]
pub struct ShowArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// Print JSON (the draws, the readings entered, the summary).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `audit read`.
#[derive(Args)]
pub struct ReadArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The draw number (as `audit show` lists it).
    #[arg(long)]
    pub draw: u32,
    /// What the paper says: a candidate's id or name (the one name kept),
    /// `no-vote` (the single candidate disapproved), `invalid`, `not-a-ballot`,
    /// or `not-found` (the paper is not where the list says).
    #[arg(long)]
    pub paper: String,
    /// The official who read the paper.
    #[arg(long)]
    pub by: String,
}

/// Arguments of `audit more`.
#[derive(Args)]
pub struct MoreArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The official asking for the draws.
    #[arg(long)]
    pub by: String,
}

/// Runs an `audit` subcommand.
pub fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    let db = match &cmd {
        AuditCommand::Start(a) => a.db.clone(),
        AuditCommand::Show(a) => a.db.clone(),
        AuditCommand::Read(a) => a.db.clone(),
        AuditCommand::More(a) => a.db.clone(),
    };
    let mut station = Station::open(&db)?;
    let bad =
        |e: kiemphieu_station::station::StationError| BadInput(format!("{}: {e}", db.display()));
    match cmd {
        AuditCommand::Start(a) => {
            let audit = station
                .start_hand_check(&a.seed, a.risk_limit / 100.0, &a.by)
                .map_err(bad)?;
            print_pull_list(&audit);
        }
        AuditCommand::Show(a) => {
            let audit = station.hand_check()?.ok_or_else(|| {
                BadInput(format!(
                    "{}: no hand check started (kiemphieu audit start)",
                    db.display()
                ))
            })?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&show_json(&audit))?);
            } else {
                print_status(&audit, station.election());
            }
        }
        AuditCommand::Read(a) => {
            let reading = parse_paper(&a.paper, station.election())?;
            let audit = station
                .read_hand_check(a.draw, reading.clone(), &a.by)
                .map_err(bad)?;
            let machine = audit.machine_reading(a.draw).cloned();
            println!(
                "draw {}: paper {} · machine {}{}",
                a.draw,
                words(&reading, station.election()),
                machine
                    .as_ref()
                    .map_or_else(String::new, |m| words(m, station.election())),
                if machine.as_ref() == Some(&reading) {
                    ""
                } else {
                    "  ← DIFFERS"
                }
            );
            print_plan(&audit);
        }
        AuditCommand::More(a) => {
            let audit = station.draw_more(&a.by).map_err(bad)?;
            print_pull_list(&audit);
        }
    }
    Ok(())
}

/// Parses an official's reading of a paper.
fn parse_paper(text: &str, election: &Election) -> Result<SheetReading, BadInput> {
    let t = text.trim();
    match t.to_lowercase().as_str() {
        "no-vote" | "khong-dong-y" => return Ok(SheetReading::NoVote),
        "invalid" | "khong-hop-le" => return Ok(SheetReading::Invalid),
        "not-a-ballot" | "khong-phai-phieu" => return Ok(SheetReading::NotABallot),
        "not-found" | "khong-tim-thay" => return Ok(SheetReading::NotFound),
        _ => {}
    }
    election
        .candidates
        .iter()
        .find(|c| c.id == t || kiemphieu_core::rules::same_name(&c.name, t))
        .map(|c| SheetReading::Vote(c.id.clone()))
        .ok_or_else(|| {
            BadInput(format!(
                "--paper `{t}`: not a candidate of this election ({}) nor one of no-vote, invalid, not-a-ballot, not-found",
                election
                    .candidates
                    .iter()
                    .map(|c| format!("{} = {}", c.id, c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// A reading in words.
fn words(r: &SheetReading, election: &Election) -> String {
    match r {
        SheetReading::Vote(id) => {
            let name = election
                .candidates
                .iter()
                .find(|c| &c.id == id)
                .map_or(id.as_str(), |c| c.name.as_str());
            format!("valid for {name}")
        }
        SheetReading::NoVote => "valid, no vote".into(),
        SheetReading::Invalid => "invalid".into(),
        SheetReading::NotABallot => "not a ballot".into(),
        SheetReading::NotFound => "not found".into(),
    }
}

fn print_pull_list(audit: &Audit) {
    let unread: Vec<_> = audit
        .record()
        .draws
        .iter()
        .filter(|d| d.paper.is_none())
        .collect();
    println!("papers to pull ({}):", unread.len());
    for d in unread {
        println!("  draw {:>3}: {}, tờ thứ {}", d.draw, d.batch, d.place);
    }
}

fn print_status(audit: &Audit, election: &Election) {
    for d in &audit.record().draws {
        match &d.paper {
            // Blind: the machine's reading stays hidden until the paper is read.
            None => println!(
                "  draw {:>3}: {}, tờ thứ {} — to read",
                d.draw, d.batch, d.place
            ),
            Some(p) => {
                let machine = audit
                    .machine_reading(d.draw)
                    .map_or_else(String::new, |m| words(m, election));
                println!(
                    "  draw {:>3}: {}, tờ thứ {} — paper {} · machine {} ({})",
                    d.draw,
                    d.batch,
                    d.place,
                    words(&p.reading, election),
                    machine,
                    p.official
                );
            }
        }
    }
    print_plan(audit);
}

fn print_plan(audit: &Audit) {
    let s = summary(audit);
    println!("{}", s.line);
    match s.plan {
        AuditPlan::Confirmed => {}
        AuditPlan::MoreDraws { next } if audit.next_unread().is_some() => {
            println!("read the papers still to pull; then {next} more may be needed");
        }
        AuditPlan::MoreDraws { next } => println!("draw {next} more: kiemphieu audit more"),
        AuditPlan::FullHandCount { .. } => println!(
            "count these batches by hand: {}",
            s.batches_to_count.join(", ")
        ),
    }
}

fn show_json(audit: &Audit) -> serde_json::Value {
    let draws: Vec<serde_json::Value> = audit
        .record()
        .draws
        .iter()
        .map(|d| {
            serde_json::json!({
                "draw": d.draw,
                "batch": d.batch,
                "place": d.place,
                "sheet": d.sheet,
                "paper": d.paper.as_ref().map(|p| &p.reading),
                "read_by": d.paper.as_ref().map(|p| &p.official),
                // Blind: null until the paper is read.
                "machine": audit.machine_reading(d.draw),
            })
        })
        .collect();
    serde_json::json!({ "draws": draws, "summary": summary(audit) })
}
