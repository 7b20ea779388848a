//! `kiemphieu ballots`: print ballots with fresh random serials.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use kiemphieu_core::ballot::{BallotLayout, Payload, Serial, render_ballots_pdf};
use kiemphieu_core::election::{BallotKey, Fingerprint};
use kiemphieu_station::print_run::PrintRunFile;
use kiemphieu_station::station::round_key_path;
use kiemphieu_station::store::{RunOrigin, SessionState, StationMode, Store};
use rand::SeedableRng;

use super::{BadInput, default_db_for};

/// Most ballots in one print run.
const MAX_COUNT: u32 = 100_000;

/// Arguments of `kiemphieu ballots`.
#[derive(Args)]
pub struct BallotsArgs {
    /// The election file (TOML).
    #[arg(long)]
    election: PathBuf,
    /// How many ballots to print.
    #[arg(long)]
    count: u32,
    /// Output folder; receives ballots.pdf, layout.json and print-run.json (the
    /// serials, for a counting station on another PC: `session open --print-run`).
    #[arg(long)]
    out: PathBuf,
    /// Station database recording the printed serials [default: the election file with .db].
    #[arg(long)]
    db: Option<PathBuf>,
    /// Reproducible serials from this seed. For tests and demos only: never for a real election.
    #[arg(long)]
    seed: Option<u64>,
}

/// Runs `ballots`.
pub fn run(args: &BallotsArgs) -> anyhow::Result<()> {
    if args.count == 0 || args.count > MAX_COUNT {
        return Err(BadInput(format!(
            "--count: must be from 1 to {MAX_COUNT} (got {})",
            args.count
        ))
        .into());
    }
    let source = kiemphieu_core::election::read_election_source(&args.election)?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| default_db_for(&args.election));
    let mut store = Store::open(&db)?;
    if store.mode()? == StationMode::Demo {
        return Err(BadInput(format!(
            "{}: a demo station database; ballots for a real election are printed into a real one",
            db.display()
        ))
        .into());
    }
    let election = kiemphieu_core::election::parse_election(&source, &args.election)?;
    let fingerprint = Fingerprint::of(&election);
    let round = election.election.round;
    // A closed round's key is disclosed in its bundle: it never prints again.
    if let Some(closed) = store.sessions()?.into_iter().find(|s| {
        s.fingerprint == fingerprint.to_hex() && s.round == round && s.state == SessionState::Closed
    }) {
        return Err(BadInput(format!(
            "{}: round {round} of this election was counted and closed in session {}; no ballot is printed for a closed round (a re-election is `round = {}` in the election file, with a new key)",
            args.election.display(),
            closed.id,
            round + 1
        ))
        .into());
    }
    let key = BallotKey::load_or_create_at(&BallotKey::path_for_round(&args.election, round))?;
    for r in store
        .sessions()?
        .iter()
        .filter(|s| s.state == SessionState::Closed)
    {
        if BallotKey::load(&round_key_path(&db, r.round)).is_ok_and(|k| k == key) {
            return Err(BadInput(format!(
                "{}: this key is the key of round {} (session {}), disclosed when it closed; remove it so that round {round} gets a new one",
                BallotKey::path_for_round(&args.election, round).display(),
                r.round,
                r.id
            ))
            .into());
        }
    }
    store.set_mode(StationMode::Real)?;
    store.bind_election(&source, &args.election)?;
    let layout = BallotLayout::for_election(&election)
        .with_context(|| format!("{}: the ballot cannot be laid out", args.election.display()))?;

    let serials = draw_serials(&store, args.count, args.seed)?;
    let texts: Vec<String> = serials
        .iter()
        .map(|s| Payload::sign_round(&fingerprint, round, *s, &key).encode())
        .collect();
    let pdf = render_ballots_pdf(&layout, &texts).context("rendering the ballots PDF")?;

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create folder", args.out.display()))?;
    let pdf_path = args.out.join("ballots.pdf");
    let layout_path = args.out.join("layout.json");
    let run_path = args.out.join("print-run.json");
    // Write both files fully before recording the serials, so the database never
    // counts ballots that were not produced; rename makes each file appear whole.
    write_atomically(&pdf_path, &pdf)?;
    write_atomically(&layout_path, layout.to_json().as_bytes())?;
    let run = PrintRunFile::new(&fingerprint, round, &serials, args.seed.is_some(), &key);
    write_atomically(&run_path, run.to_json().as_bytes())?;
    store.record_print_run(
        &fingerprint,
        round,
        &serials,
        args.seed.is_some(),
        RunOrigin::Printed,
    )?;

    if args.seed.is_some() {
        eprintln!(
            "warning: --seed makes serials reproducible; use it for tests and demos only, never for a real election"
        );
    }
    println!(
        "wrote {} ballots to {} and the layout to {}",
        args.count,
        pdf_path.display(),
        layout_path.display()
    );
    println!(
        "recorded in {} ({} ballots printed for round {round} in all); the serials are in {} for a station on another PC",
        db.display(),
        store.printed_serials(&fingerprint, round)?.len(),
        run_path.display()
    );
    Ok(())
}

/// Draws distinct serials not printed before.
fn draw_serials(store: &Store, count: u32, seed: Option<u64>) -> anyhow::Result<Vec<Serial>> {
    let mut rng: Box<dyn rand::RngCore> = match seed {
        Some(s) => Box::new(rand::rngs::StdRng::seed_from_u64(s)),
        None => Box::new(rand::rngs::StdRng::from_os_rng()),
    };
    let mut seen = std::collections::HashSet::with_capacity(count as usize);
    let mut serials = Vec::with_capacity(count as usize);
    let mut attempts = 0u64;
    while serials.len() < count as usize {
        attempts += 1;
        if attempts > u64::from(count) * 4 + 64 {
            anyhow::bail!(
                "could not draw {count} new serials: this seed was already used for this election (omit --seed)"
            );
        }
        let serial = Serial::random(&mut rng);
        if seen.insert(serial) && !store.is_printed(serial)? {
            serials.push(serial);
        }
    }
    Ok(serials)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("{}: cannot write", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}
