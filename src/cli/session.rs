//! Counting-session commands: `session open`, `scan`, `tally`, `close`, `confirm`, `complaint`.
#![warn(clippy::as_conversions)]

use std::io::{BufRead, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use kiemphieu::source::{SourceError, SourceSpec, open_for_station};
use kiemphieu_core::election::CountingBody;
use kiemphieu_core::rules;
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{
    Count, CountDateError, DateMismatch, Event, Opening, Setup, Station, StationError,
    counting_body,
};
use kiemphieu_station::store::{DEMO_MARK, StationMode};

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
    /// Head of the counting body (Trưởng ban kiểm phiếu, or Tổ trưởng).
    #[arg(long)]
    pub leader: String,
    /// A member of the counting body (repeat the option; a Ban kiểm phiếu has 3–5 people with its head).
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// A witnessing household representative (exactly 2; repeat the option).
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// A: household representatives present (households given a ballot, in household mode).
    #[arg(long)]
    pub attendance: u32,
    /// The closed count a re-election follows (the election file says `round = 2`
    /// or more) [default: the latest closed count of the round before].
    #[arg(long)]
    pub previous: Option<i64>,
    /// A print-run file written by `kiemphieu ballots` (ballots printed on another
    /// PC); repeat for several runs. Only printed serials are the issued form.
    #[arg(long = "print-run")]
    pub print_runs: Vec<PathBuf>,
    /// Make this new database a demo station: the simulated scanner is allowed,
    /// and everything it prints says "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ", for good.
    #[arg(long)]
    pub demo: bool,
    /// Which body counts when the meeting chose another than the election file names:
    /// ban_kiem_phieu, to_bau_cu (to_phat_phieu in household mode).
    #[arg(long, value_parser = parse_body)]
    pub counting_body: Option<CountingBody>,
    /// The day of the count, YYYY-MM-DD, when the election file's date and the clock differ
    /// (asked for on the terminal otherwise).
    #[arg(long, value_parser = parse_day)]
    pub count_date: Option<NaiveDate>,
    /// Chair of the meeting (signs Mẫu 03; in household mode the unit's head).
    #[arg(long)]
    pub chair: Option<String>,
    /// Head of the village Front working committee (signs Mẫu 03).
    #[arg(long)]
    pub front_head: Option<String>,
    /// A household representative who signs Mẫu 03 (exactly 2 when given; the witnesses otherwise).
    #[arg(long = "representative")]
    pub representatives: Vec<String>,
}

fn parse_body(text: &str) -> Result<CountingBody, String> {
    [
        CountingBody::BanKiemPhieu,
        CountingBody::ToBauCu,
        CountingBody::ToPhatPhieu,
    ]
    .into_iter()
    .find(|b| b.code() == text)
    .ok_or_else(|| format!("`{text}`: ban_kiem_phieu, to_bau_cu or to_phat_phieu"))
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("`{text}`: YYYY-MM-DD"))
}

/// Arguments of `scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// Station database.
    #[arg(long)]
    pub db: PathBuf,
    /// sane:DEVICE | folder:DIR | sim:N[,rate=R][,fault-every=K][,seed=S][,mix=demo] (sim: demo databases only)
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
        SessionCommand::Open(a) => run_open(a),
    }
}

/// Opens the session; when the election file's date is not the clock's, asks
/// which is the day of the count (or takes `--count-date`), never silently.
fn run_open(a: OpenArgs) -> anyhow::Result<()> {
    let mut opening = Opening {
        setup: Setup {
            leader: a.leader,
            members: a.members,
            witnesses: a.witnesses,
            attendance: a.attendance,
            counting_body: a.counting_body,
            count_date: a.count_date,
            chair: a.chair,
            front_head: a.front_head,
            representatives: a.representatives,
        },
        previous: a.previous,
        print_runs: a.print_runs,
        demo: a.demo,
    };
    let refused = |e: &dyn std::fmt::Display| BadInput(format!("{}: {e}", a.election.display()));
    let station = loop {
        match Station::create(&a.db, &a.election, &opening) {
            Ok(station) => break station,
            Err(StationError::CountDate(CountDateError::Mismatch(m))) => {
                opening.setup.count_date = Some(ask_count_date(m).ok_or_else(|| refused(&m))?);
            }
            Err(e @ (StationError::Board(_) | StationError::CountDate(_))) => {
                return Err(refused(&e).into());
            }
            Err(e @ (StationError::State(_) | StationError::PrintRun(_))) => {
                return Err(BadInput(format!("{}: {e}", a.db.display())).into());
            }
            Err(e) => return Err(e.into()),
        }
    };
    let e = &station.election().election;
    let h = e.households;
    let settled = station.setup()?;
    let body = counting_body(&settled, station.election());
    println!(
        "session {} open in {} for {}{}",
        station.session(),
        a.db.display(),
        e.unit,
        match station.election().re_election() {
            Some(n) => format!(", re-election {n} (round {})", station.round()),
            None => String::new(),
        }
    );
    println!(
        "counting body: {} ({} people); day of the count: {}",
        body.name_vi(),
        settled.board().len(),
        settled.count_date.map_or_else(String::new, rules::date_vi)
    );
    if station.mode() == StationMode::Demo {
        println!("{DEMO_MARK}: a demo station database, for the simulated scanner only");
    }
    let printed = station.printed()?.len();
    if printed == 0 && station.mode() == StationMode::Real {
        eprintln!(
            "warning: no ballot printed for round {} is recorded in {}: every ballot will wait for the officials as not the issued form. Print with `kiemphieu ballots --db {}` or give --print-run FILE",
            station.round(),
            a.db.display(),
            a.db.display()
        );
    } else {
        println!("{printed} ballots printed for this round are recorded");
    }
    if !station.election().is_household() && rules::quorum_warning(h, settled.attendance) {
        eprintln!(
            "warning: attendance {} is not more than half of the {h} households: the meeting has no quorum and nobody can be elected at it; the biên bản records this (the commune may direct household ballots, Mẫu 04)",
            settled.attendance
        );
    }
    Ok(())
}

/// Asks on the terminal which of the two dates is the day of the count; None at
/// the end of input or for an answer that is neither.
fn ask_count_date(m: DateMismatch) -> Option<NaiveDate> {
    eprintln!(
        "The election file's date is {} but the station's clock says {}.",
        rules::date_vi(m.expected),
        rules::date_vi(m.clock)
    );
    eprintln!(
        "Which is the day of the count?\n  1: {} (the clock is wrong)\n  2: {} (the election file's date is wrong)",
        rules::date_vi(m.expected),
        rules::date_vi(m.clock)
    );
    eprint!("answer 1 or 2: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    match line.trim() {
        "1" => Some(m.expected),
        "2" => Some(m.clock),
        _ => None,
    }
}

/// A source-opening error as the CLI reports it: the simulator on a real
/// database and a bad spec are bad input (exit 2).
fn source_error(spec: &str, e: SourceError) -> anyhow::Error {
    match e {
        SourceError::Station(StationError::Simulated(m)) => {
            BadInput(format!("--source {spec}: {m}")).into()
        }
        SourceError::Scan(e) => BadInput(format!("--source {spec}: {e}")).into(),
        SourceError::Station(e) => e.into(),
    }
}

/// Runs `scan`.
pub fn run_scan(a: &ScanArgs) -> anyhow::Result<()> {
    let mut station = Station::open(&a.db)?;
    // Refused before anything is opened or stored.
    if matches!(SourceSpec::parse(&a.source), Ok(SourceSpec::Sim(_))) {
        station
            .require_source(kiemphieu_station::scan::SourceKind::Simulator)
            .map_err(|e| source_error(&a.source, SourceError::Station(e)))?;
    }
    let mut settings = ScanSettings {
        dpi: a.dpi,
        ..ScanSettings::default()
    };
    if !a.until_idle {
        // Without --until-idle a hot folder is watched until Ctrl-C.
        settings.folder_idle = std::time::Duration::from_secs(u64::from(u32::MAX));
    }
    let opened = open_for_station(&a.source, &settings, &mut station, &a.db)
        .map_err(|e| source_error(&a.source, e))?;
    let events = station.subscribe();
    let printer = std::thread::spawn(move || print_events(events));
    let summary = station.run(opened.scanner, &a.batch);
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
    if station.mode() == StationMode::Demo {
        println!("{DEMO_MARK}");
    }
    println!(
        "{}{} — H = {h}, a winner needs {} votes",
        e.election.unit,
        e.re_election()
            .map(|n| format!(" (bầu lại lần {n})"))
            .unwrap_or_default(),
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
        "  returned {} = valid {} + invalid {}; waiting for the officials {}, not yet read {}",
        count.tally.returned,
        count.tally.valid,
        count.tally.invalid,
        count.awaiting_review,
        count.pending
    );
    for (reason, n) in &count.tally.invalid_by_reason {
        println!("    invalid, {}: {n}", reason.label_en());
    }
    for (kind, n) in &count.not_issued {
        println!(
            "      of which not the issued form, {}: {n}",
            kind.label_en()
        );
    }
    for (kind, n) in &count.set_aside {
        println!(
            "  set aside, {}: {n} (listed, not counted)",
            kind.label_en()
        );
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
            "returned": count.tally.returned,
            "places": count.places,
            "not_issued": count.not_issued.iter().map(|(k, n)| (k.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "set_aside": count.set_aside.iter().map(|(k, n)| (k.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "round": station.round(),
            "demo": station.mode() == StationMode::Demo,
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
