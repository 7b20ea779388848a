//! `kiemphieu ballots`: print ballots with fresh random serials.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use kiemphieu_core::ballot::{BallotLayout, Payload, Serial, render_ballots_pdf};
use kiemphieu_core::election::{BallotKey, Fingerprint};
use kiemphieu_station::store::Store;
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
    /// Output folder; receives ballots.pdf and layout.json.
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
    let election = store.bind_election(&source, &args.election)?;
    let fingerprint = Fingerprint::of(&election);
    let key = BallotKey::load_or_create(&args.election)?;
    let layout = BallotLayout::for_election(&election)
        .with_context(|| format!("{}: the ballot cannot be laid out", args.election.display()))?;

    let serials = draw_serials(&store, args.count, args.seed)?;
    let texts: Vec<String> = serials
        .iter()
        .map(|s| Payload::sign(&fingerprint, *s, &key).encode())
        .collect();
    let pdf = render_ballots_pdf(&layout, &texts).context("rendering the ballots PDF")?;

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create folder", args.out.display()))?;
    let pdf_path = args.out.join("ballots.pdf");
    let layout_path = args.out.join("layout.json");
    // Write both files fully before recording the serials, so the database never
    // counts ballots that were not produced; rename makes each file appear whole.
    write_atomically(&pdf_path, &pdf)?;
    write_atomically(&layout_path, layout.to_json().as_bytes())?;
    store.record_print_run(&fingerprint, &serials, args.seed.is_some())?;

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
        "recorded in {} ({} ballots printed for this election in all)",
        db.display(),
        store.printed_count()?
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
