//! `kiemphieu demo`: the whole count on a built-in example, on any machine —
//! a sample election, the simulated scanner feeding a few hundred marked and
//! degraded ballots, a live tally, review by a scripted "official" (recorded
//! as such), reconciliation and the result.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiemphieu::source::open_source;
use kiemphieu_core::election::EXAMPLE_ELECTION;
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{Setup, Station};

use super::session::{print_count, sim_context};

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
    // A unit sized to the demo batch, so that the rule "votes × 2 > H" can be met.
    let households = (a.sheets * 6 / 5).max(2);
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
            scanner: Some(format!("sim:{},rate={}", a.sheets, a.rate)),
            prefill: Some(setup),
            election_dirs: vec![dir],
            ..Default::default()
        };
        return kiemphieu::kiosk::run(&options, true).context("kiosk");
    }
    let mut station = Station::create(&db, &election_file, &setup, None)?;
    println!(
        "counting board: {} (Tổ trưởng), {}; witnesses {}",
        setup.leader,
        setup.members.join(", "),
        setup.witnesses.join(", ")
    );

    println!("\n1. scanning {} simulated sheets …", a.sheets);
    let spec = format!("sim:{},rate={}", a.sheets, a.rate);
    let scanner = open_source(
        &spec,
        &ScanSettings::default(),
        Some(sim_context(&station, &db)?),
    )?;
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
    let summary = station.run(scanner, "hòm phiếu 1")?;
    drop(station);
    let _ = progress.join();
    let mut station = Station::open(&db)?;
    println!(
        "   {} pages stored and interpreted, {} scanner faults",
        summary.interpreted, summary.faults
    );
    print_count(&station, &station.count()?);

    let queue = station.review_queue()?;
    println!(
        "\n2. review: {} doubtful ballots, decided by a scripted official as the machine suggests",
        queue.len()
    );
    for s in &queue {
        let reading: serde_json::Value = s
            .reading
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        if let Ok(v) =
            serde_json::from_value::<kiemphieu_core::rules::Verdict>(reading["suggestion"].clone())
        {
            station.decide(
                s.sheet.id,
                &v,
                "demo: machine suggestion accepted by script",
                DEMO_OFFICIAL,
            )?;
        }
    }

    let count = station.count()?;
    let returned = count.tally.returned;
    println!("\n3. reconciliation: issued {returned}, returned {returned}");
    let checks = station.close(
        returned,
        returned,
        0,
        Some("demo: issued = returned = ballots counted"),
    )?;
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
