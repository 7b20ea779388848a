//! Counting-session commands: `session open`, `scan`, `review`, `tally`, `close`.
#![warn(clippy::as_conversions)]

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use kiemphieu::source::open_source;
use kiemphieu_core::election::BallotKey;
use kiemphieu_core::rules::{self, InvalidReason, Verdict, Vote};
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{Count, Event, Setup, Station, key_path};
use kiemphieu_synth::scanner::SimContext;

use super::BadInput;

/// Session commands.
#[derive(Subcommand)]
pub enum SessionCommand {
    /// Open a counting session: election, counting board, witnesses, attendance.
    Open(OpenArgs),
}

/// Arguments of `session open`.
#[derive(Args)]
pub struct OpenArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The election file (TOML), with its key beside it.
    #[arg(long)]
    pub election: PathBuf,
    /// Head of the counting board (Tổ trưởng).
    #[arg(long)]
    pub leader: String,
    /// A member of the counting board (up to 4; repeat the option).
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// A witnessing household representative (exactly 2; repeat the option).
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// A: household representatives present.
    #[arg(long)]
    pub attendance: u32,
    /// Link to an earlier (closed) session: this count is a re-election.
    #[arg(long)]
    pub previous: Option<i64>,
}

/// Arguments of `scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// sane:DEVICE | folder:DIR | sim:N[,rate=R][,fault-every=K][,seed=S]
    #[arg(long)]
    pub source: String,
    /// Batch name (ballot box or cluster, cụm dân cư).
    #[arg(long, default_value = "1")]
    pub batch: String,
    /// Stop when the source has nothing more (folder: no new file for 5 s).
    #[arg(long)]
    pub until_idle: bool,
    /// Scan resolution (SANE, sim).
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
}

/// Arguments of `review`.
#[derive(Args)]
pub struct ReviewArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The deciding official (asked for when absent).
    #[arg(long)]
    pub official: Option<String>,
    /// Decide every waiting ballot as the machine suggests (recorded as such).
    #[arg(long)]
    pub accept_suggestions: bool,
}

/// Arguments of `tally`.
#[derive(Args)]
pub struct TallyArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `close`.
#[derive(Args)]
pub struct CloseArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// Ballots issued (phát ra).
    #[arg(long)]
    pub issued: u32,
    /// Ballots returned (thu vào).
    #[arg(long)]
    pub returned: u32,
    /// Spoiled ballots exchanged at the table.
    #[arg(long, default_value_t = 0)]
    pub spoiled: u32,
    /// Written explanation when the counts do not reconcile.
    #[arg(long)]
    pub note: Option<String>,
}

/// Runs `session …`.
pub fn run_session(cmd: SessionCommand) -> anyhow::Result<()> {
    match cmd {
        SessionCommand::Open(a) => {
            if a.members.len() > 4 {
                return Err(
                    BadInput("--member: at most 4 members besides the leader".into()).into(),
                );
            }
            if a.witnesses.len() != 2 {
                return Err(BadInput(format!(
                    "--witness: exactly 2 witnessing household representatives (got {})",
                    a.witnesses.len()
                ))
                .into());
            }
            let setup = Setup {
                leader: a.leader,
                members: a.members,
                witnesses: a.witnesses,
                attendance: a.attendance,
            };
            let station = Station::create(&a.db, &a.election, &setup, a.previous)?;
            let h = station.election().election.households;
            println!(
                "session {} open in {} for {}",
                station.session(),
                a.db.display(),
                station.election().election.unit
            );
            if rules::quorum_warning(h, setup.attendance) {
                eprintln!(
                    "warning: attendance {} is not more than half of the {h} households: nobody can be elected at this meeting (consider household ballots, Mẫu 04)",
                    setup.attendance
                );
            }
            Ok(())
        }
    }
}

/// Opens the simulated-scanner context from the station's election and key.
pub fn sim_context(station: &Station, db: &Path) -> anyhow::Result<SimContext> {
    let key = BallotKey::load(&key_path(db))?;
    Ok(SimContext {
        election: station.election().clone(),
        key,
    })
}

/// Runs `scan`.
pub fn run_scan(a: &ScanArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    let mut settings = ScanSettings {
        dpi: a.dpi,
        ..ScanSettings::default()
    };
    if !a.until_idle {
        // Without --until-idle a hot folder is watched until Ctrl-C.
        settings.folder_idle = std::time::Duration::from_secs(u64::from(u32::MAX));
    }
    let scanner = open_source(&a.source, &settings, Some(sim_context(&station, &a.db)?))
        .map_err(|e| BadInput(format!("--source {}: {e}", a.source)))?;
    let events = station.subscribe();
    let printer = std::thread::spawn(move || print_events(events));
    let summary = station.run(scanner, &a.batch);
    drop(station);
    let _ = printer.join();
    let summary = summary?;
    let station = Station::open(&a.db)?;
    let count = station.count()?;
    eprintln!(
        "batch {}: {} pages stored ({} already stored), {} interpreted, {} scanner faults",
        a.batch, summary.received, summary.repeated, summary.interpreted, summary.faults
    );
    print_count(&station, &count);
    Ok(())
}

/// Prints station events as a progress line on stderr (faults always).
fn print_events(events: std::sync::mpsc::Receiver<Event>) {
    use std::io::IsTerminal;
    let live = std::io::stderr().is_terminal();
    let (mut received, mut read) = (0u64, 0u64);
    let mut by: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::default();
    for e in events {
        match e {
            Event::PageReceived { .. } => received += 1,
            Event::Interpreted { status, .. } => {
                read += 1;
                *by.entry(status).or_default() += 1;
            }
            Event::ScannerFault {
                instruction_vi,
                instruction_en,
                ..
            } => {
                eprintln!("\n! {instruction_vi}\n  {instruction_en}");
            }
            Event::Error { message } => eprintln!("\nerror: {message}"),
        }
        if live {
            let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k} {v}")).collect();
            eprint!(
                "\rreceived {received}, read {read}: {}    ",
                parts.join(", ")
            );
            let _ = std::io::stderr().flush();
        }
    }
    if live {
        eprintln!();
    }
}

/// Prints the count as a table.
pub fn print_count(station: &Station, count: &Count) {
    let e = station.election();
    let h = e.election.households;
    println!(
        "{} — H = {h}, a winner needs {} votes",
        e.election.unit,
        rules::votes_needed(h)
    );
    for c in &e.candidates {
        let v = count.tally.votes_for(&c.id);
        println!(
            "  {:<28} {:>5}  {:>7}% of H",
            c.name,
            v,
            rules::percent(u64::from(v), u64::from(h))
        );
    }
    if e.is_single_candidate() {
        println!(
            "  {:<28} {:>5}",
            "Không đồng ý / disapprove", count.tally.disapprove
        );
    }
    println!(
        "  valid {}, invalid {}, waiting for review {}, not yet read {}",
        count.tally.valid, count.tally.invalid, count.awaiting_review, count.pending
    );
    for (reason, n) in &count.tally.invalid_by_reason {
        println!("    invalid, {}: {n}", reason.label_en());
    }
    for key in ["blank", "rejected", "duplicate"] {
        if let Some(n) = count.by_status.get(key) {
            println!("  {key}: {n} (listed, not counted)");
        }
    }
    match &count.outcome {
        rules::Outcome::Elected { candidate, votes } => {
            let name = e
                .candidate(candidate)
                .map_or(candidate.as_str(), |c| c.name.as_str());
            println!("  result: {name} elected with {votes} of {h} households");
        }
        rules::Outcome::NoneElected { reason } => println!(
            "  result: {} ({})",
            rules::NONE_ELECTED_EN,
            reason.label_en()
        ),
    }
}

/// Runs `tally`.
pub fn run_tally(a: &TallyArgs) -> anyhow::Result<()> {
    let station = Station::open(&a.db)?;
    let count = station.count()?;
    if a.json {
        let mut votes = serde_json::Map::new();
        for c in &station.election().candidates {
            votes.insert(
                c.id.clone(),
                serde_json::json!({"votes": count.tally.votes_for(&c.id)}),
            );
        }
        let mut out = serde_json::json!({
            "session": station.session(),
            "households": station.election().election.households,
            "candidates": votes,
            "valid": count.tally.valid,
            "invalid": count.tally.invalid,
            "invalid_by_reason": count.tally.invalid_by_reason.iter().map(|(r, n)| (r.code().to_string(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "statuses": count.by_status,
            "awaiting_review": count.awaiting_review,
            "pending": count.pending,
            "outcome": count.outcome,
            "batches": count.by_batch,
            "complaints": station.complaints()?,
        });
        if station.election().is_single_candidate() {
            out["disapprove"] = serde_json::json!(count.tally.disapprove);
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_count(&station, &count);
        let complaints = station.complaints()?.len();
        if complaints > 0 {
            println!("  complaints recorded: {complaints} (kiemphieu complaint --list)");
        }
    }
    Ok(())
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
    for s in queue {
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
        let verdict = if a.accept_suggestions {
            suggestion
                .clone()
                .context("no suggestion recorded for this ballot")?
        } else {
            println!(
                "  [enter] accept suggestion · v ID: valid for candidate · a: approve · d: disapprove · i CODE: invalid (not_issued_form, no_stamp, too_many_kept, all_struck, extra_writing) · s: skip"
            );
            print!("  > ");
            std::io::stdout().flush()?;
            let line = lines.next().transpose()?.unwrap_or_default();
            match parse_decision(line.trim(), suggestion.as_ref(), &candidates) {
                Some(Decision::Decide(v)) => v,
                Some(Decision::Skip) => continue,
                None => {
                    eprintln!("  not understood; skipped");
                    continue;
                }
            }
        };
        let reason = if a.accept_suggestions {
            "machine suggestion accepted"
        } else {
            "decided at the table"
        };
        station.decide(s.sheet.id, &verdict, reason, &official)?;
        println!("  recorded: {}", describe(&verdict, &candidates));
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

/// What an official typed at the review prompt.
enum Decision {
    /// Leave the ballot for later.
    Skip,
    /// Decide it so.
    Decide(Verdict),
}

/// The decision typed; None when it is not understood.
fn parse_decision(
    line: &str,
    suggestion: Option<&Verdict>,
    candidates: &[kiemphieu_core::election::Candidate],
) -> Option<Decision> {
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => suggestion.cloned().map(Decision::Decide),
        (Some("s"), _) => Some(Decision::Skip),
        (Some("a"), _) if candidates.len() == 1 => Some(Decision::Decide(Verdict::Valid {
            vote: Vote::Approve(candidates[0].id.clone()),
        })),
        (Some("d"), _) if candidates.len() == 1 => Some(Decision::Decide(Verdict::Valid {
            vote: Vote::Disapprove,
        })),
        (Some("v"), Some(id)) if candidates.iter().any(|c| c.id == id) => {
            Some(Decision::Decide(Verdict::Valid {
                vote: Vote::For(id.to_string()),
            }))
        }
        (Some("i"), Some(code)) => InvalidReason::ALL
            .iter()
            .find(|r| r.code() == code)
            .map(|r| Decision::Decide(Verdict::invalid([*r]))),
        _ => None,
    }
}

/// Arguments of `confirm`.
#[derive(Args)]
pub struct ConfirmArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// The confirming member of the counting board, as entered at set-up.
    #[arg(long)]
    pub member: String,
}

/// Runs `confirm`.
pub fn run_confirm(a: &ConfirmArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    let missing = station
        .confirm(&a.member)
        .map_err(|e| BadInput(format!("{}: {e}", a.db.display())))?;
    if missing.is_empty() {
        println!(
            "confirmed by the whole board: session {} is closed",
            station.session()
        );
    } else {
        println!(
            "{} confirmed; still to confirm: {}",
            a.member,
            missing.join(", ")
        );
    }
    Ok(())
}

/// Arguments of `complaint`.
#[derive(Args)]
pub struct ComplaintArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// Who lodged the complaint (người khiếu nại, tố cáo).
    #[arg(long = "from", required_unless_present = "list")]
    pub lodged_by: Option<String>,
    /// What the complaint says.
    #[arg(long = "text", required_unless_present = "list")]
    pub content: Option<String>,
    /// How the counting board handled it.
    #[arg(long, required_unless_present = "list")]
    pub handling: Option<String>,
    /// The board member recording it, as entered at set-up.
    #[arg(long = "by", required_unless_present = "list")]
    pub recorded_by: Option<String>,
    /// List the session's complaints instead.
    #[arg(long, conflicts_with_all = ["lodged_by", "content", "handling", "recorded_by"])]
    pub list: bool,
}

/// Runs `complaint`.
pub fn run_complaint(a: ComplaintArgs) -> anyhow::Result<()> {
    if a.list {
        let station = Station::open(&a.db)?;
        let complaints = station.complaints()?;
        if complaints.is_empty() {
            println!("session {}: no complaints recorded", station.session());
        }
        for (i, c) in complaints.iter().enumerate() {
            println!(
                "{}. {} — from {}: {} — handled: {} (recorded by {})",
                i + 1,
                c.at,
                c.lodged_by,
                c.content,
                c.handling,
                c.recorded_by
            );
        }
        return Ok(());
    }
    let mut station = Station::open(&a.db)?;
    let field = |v: Option<String>| v.unwrap_or_default();
    let c = station
        .record_complaint(
            &field(a.lodged_by),
            &field(a.content),
            &field(a.handling),
            &field(a.recorded_by),
        )
        .map_err(|e| BadInput(format!("{}: {e}", a.db.display())))?;
    let n = station.complaints()?.len();
    println!(
        "complaint {n} recorded in session {} by {}; the biên bản lists it",
        station.session(),
        c.recorded_by
    );
    Ok(())
}

/// Runs `close`.
pub fn run_close(a: &CloseArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    let checks = station
        .close(a.issued, a.returned, a.spoiled, a.note.as_deref())
        .map_err(|e| BadInput(format!("{}: {e}", a.db.display())))?;
    for c in &checks {
        println!("  [{}] {}", if c.holds { "ok" } else { "FAIL" }, c.text_en);
    }
    let count = station.count()?;
    print_count(&station, &count);
    let setup = station.setup()?;
    let board = setup.board();
    println!(
        "session {} reconciled; each member of the board now confirms: kiemphieu confirm --db {} --member NAME ({})",
        station.session(),
        a.db.display(),
        board.join(", ")
    );
    Ok(())
}
