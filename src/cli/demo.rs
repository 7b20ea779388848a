//! `kiemphieu demo`: the whole count on a built-in example, on any machine —
//! a sample election, the simulated scanner feeding a few hundred marked and
//! degraded ballots, a live tally, review by a scripted "official" (recorded
//! as such), reconciliation and the result.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiemphieu::source::open_for_station;
use kiemphieu_core::election::{EXAMPLE_ELECTION, Election};
use kiemphieu_core::rules::{BallotReading, MarkState, Presence, QrStatus, Verdict, judge};
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{Opening, Setup, Station};
use kiemphieu_station::store::{DEMO_MARK, Decision};
use kiemphieu_synth::scanner::SimTruths;
use kiemphieu_synth::{BoxMark, Expect, Truth};

use super::review::proposal;
use super::session::print_count;

/// Who decides doubtful ballots in the demo; the name says it is a script.
pub const DEMO_OFFICIAL: &str = "Máy demo (kịch bản) / scripted demo official";

/// Arguments of `demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo's files [default: a new folder under the system's temporary folder].
    #[arg(long)]
    dir: Option<PathBuf>,
    /// How many sheets the simulated scanner feeds.
    #[arg(long, default_value_t = 300)]
    sheets: u32,
    /// Sheets per minute (0: as fast as the machine goes).
    #[arg(long, default_value_t = 0)]
    rate: u32,
    /// Stay in the terminal even when a display is present.
    #[arg(long)]
    terminal: bool,
}

/// Runs the demo.
pub fn run(a: DemoArgs) -> anyhow::Result<()> {
    let dir = match a.dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("kiemphieu-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    let election_file = dir.join("election.toml");
    let db = dir.join("station.db");
    if db.exists() {
        anyhow::bail!(
            "{}: a demo was already run here; choose another --dir",
            db.display()
        );
    }
    // A unit sized to the demo batch (a tenth of the households stayed away),
    // so that the favourite of the demo's mix wins: votes × 2 > H.
    let households = (a.sheets * 11 / 10).max(2);
    // The demo counts today: its election file says so, so no date question is asked.
    let today = kiemphieu_station::station::today_in_vietnam().format("%Y-%m-%d");
    let text = EXAMPLE_ELECTION
        .replace("households = 412", &format!("households = {households}"))
        .replace("\"2024-10-13\"", &format!("\"{today}\""));
    std::fs::write(&election_file, text)
        .with_context(|| format!("{}: cannot write", election_file.display()))?;
    println!("kiemphieu demo in {}", dir.display());
    let setup = Setup {
        leader: "Nguyễn Thị Hoa".into(),
        members: vec!["Lê Văn Ba".into(), "Phạm Thị Lan".into()],
        witnesses: vec!["Trần Văn Hùng".into(), "Đỗ Thị Mai".into()],
        attendance: (a.sheets * 21 / 20).max(1),
        ..Setup::default()
    };
    if kiemphieu::kiosk::display_available() && !a.terminal {
        // With a display, the demo is the kiosk itself: set-up prefilled, the
        // simulated scanner loaded; the board presses the buttons.
        println!("opening the kiosk (use --terminal to stay in the terminal)");
        let options = kiemphieu::kiosk::KioskOptions {
            db,
            election: Some(election_file),
            scanner: Some(format!("sim:{},rate={},mix=demo", a.sheets, a.rate)),
            prefill: Some(setup),
            election_dirs: vec![dir],
            demo: true,
            ..Default::default()
        };
        return kiemphieu::kiosk::run(&options, true).context("kiosk");
    }
    let opening = Opening {
        setup: setup.clone(),
        demo: true,
        ..Opening::default()
    };
    let mut station = Station::create(&db, &election_file, &opening)?;
    println!("{DEMO_MARK}");
    println!(
        "counting board: {} (Tổ trưởng), {}; witnesses {}",
        setup.leader,
        setup.members.join(", "),
        setup.witnesses.join(", ")
    );

    println!("\n1. scanning {} simulated sheets …", a.sheets);
    let spec = format!("sim:{},rate={},mix=demo", a.sheets, a.rate);
    let opened = open_for_station(&spec, &ScanSettings::default(), &mut station, &db)?;
    let truths = opened.truths.clone();
    let events = station.subscribe();
    let progress = std::thread::spawn(move || {
        let mut read = 0;
        for e in events {
            if let kiemphieu_station::station::Event::Interpreted { .. } = e {
                read += 1;
                if read % 25 == 0 {
                    println!("   … {read} pages read");
                }
            }
        }
    });
    let summary = station.run(opened.scanner, "hòm phiếu 1")?;
    drop(station);
    let _ = progress.join();
    let mut station = Station::open(&db)?;
    println!(
        "   {} pages stored and interpreted, {} scanner faults",
        summary.interpreted, summary.faults
    );
    print_count(&station, &station.count()?);

    scripted_review(&mut station, truths.as_ref())?;

    let count = station.count()?;
    let returned = count.tally.returned;
    println!("\n3. reconciliation: issued {returned}, returned {returned}");
    let checks = station.close(returned, returned, 0, None)?;
    for c in &checks {
        println!("   [{}] {}", if c.holds { "ok" } else { "FAIL" }, c.text_vi);
    }
    for member in std::iter::once(&setup.leader).chain(&setup.members) {
        station.confirm(member)?;
        println!("   confirmed by {member}");
    }
    println!("\n4. result (session closed):");
    print_count(&station, &station.count()?);
    println!("\nfiles: {}", dir.display());
    Ok(())
}

/// The scripted official: blank pages confirmed together, every other page
/// decided as the machine proposes, and a ballot the machine could not read at
/// all read from the simulator's record of what was drawn on it.
fn scripted_review(station: &mut Station, truths: Option<&SimTruths>) -> anyhow::Result<()> {
    let blanks = station.confirm_blank_pages(DEMO_OFFICIAL)?;
    let queue = station.review_queue()?;
    println!(
        "\n2. review: {blanks} blank pages confirmed together; {} pages decided by a scripted official (the machine's proposal, or the simulator's record for a ballot it could not read)",
        queue.len()
    );
    let states = station.sheets()?;
    let count = station.count_of(&states)?;
    for s in &queue {
        let Some(place) = count.sheets.get(&s.sheet.id) else {
            continue;
        };
        let (decision, reason) = if let Some(d) = proposal(place, s) {
            (d, "demo: machine proposal accepted by script")
        } else {
            let truth = truths.and_then(|t| {
                t.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(&s.sheet.source)
                    .cloned()
            });
            let Some(v) = truth.map(|t| read_by_script(station.election(), &t)) else {
                continue;
            };
            (
                Decision::Ballot(v),
                "demo: read by script from the simulator's record of the ballot",
            )
        };
        station.decide(s.sheet.id, &decision, reason, DEMO_OFFICIAL)?;
    }
    Ok(())
}

/// What the simulator drew on a ballot, judged as the rules judge a reading;
/// where the law leaves it to the officials, the machine's suggestion stands.
fn read_by_script(election: &Election, truth: &Truth) -> Verdict {
    let presence = |p: kiemphieu_synth::Presence| match p {
        kiemphieu_synth::Presence::Present => Presence::Present,
        kiemphieu_synth::Presence::Absent => Presence::Absent,
        kiemphieu_synth::Presence::Either => Presence::Doubtful,
    };
    let reading = BallotReading {
        marks: truth
            .candidates
            .iter()
            .map(|c| match c.expect {
                Expect::Struck => MarkState::Struck,
                Expect::Kept => MarkState::Kept,
                Expect::Either => MarkState::Doubtful,
            })
            .collect(),
        boxes: truth.boxes.map(|b| match b.expect {
            Some(BoxMark::Agree) => (Presence::Present, Presence::Absent),
            Some(BoxMark::Disagree) => (Presence::Absent, Presence::Present),
            Some(BoxMark::None) => (Presence::Absent, Presence::Absent),
            Some(BoxMark::Both) => (Presence::Present, Presence::Present),
            None => (Presence::Doubtful, Presence::Doubtful),
        }),
        stamp: presence(truth.stamp_expect),
        extra_writing: presence(truth.extra_expect),
        qr: QrStatus::Valid,
    };
    judge(election, &reading).decided_or_suggestion().clone()
}
