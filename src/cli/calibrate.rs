//! `kiemphieu calibrate`: derive a scanner profile from scans of the calibration
//! sheet — an unmarked ballot of the election with the seal stamped on it.
#![warn(clippy::as_conversions)]

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiemphieu_core::election::{BallotKey, load_election};
use kiemphieu_interpret::calibrate::{derive, measure};
use kiemphieu_interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Profile, decode_pages};

use super::BadInput;

/// Arguments of `calibrate`.
#[derive(Args)]
pub struct CalibrateArgs {
    /// The election file (TOML), with its key beside it.
    #[arg(long)]
    election: PathBuf,
    /// Name of the scanner, written into the profile.
    #[arg(long, default_value = "scanner")]
    name: String,
    /// Where to write the profile (TOML), e.g. calibration/fi-7160.toml.
    #[arg(long)]
    out: PathBuf,
    /// Scans of the calibration sheet: an unmarked ballot with the seal, scanned at the
    /// settings used for counting (a few scans, both ways up).
    #[arg(required = true)]
    scans: Vec<PathBuf>,
}

/// Runs `calibrate`.
pub fn run(a: &CalibrateArgs) -> anyhow::Result<()> {
    let election = load_election(&a.election)?;
    let key = BallotKey::load(&BallotKey::path_for(&a.election))?;
    let interp = Interpreter::new(&election, key, Profile::default())
        .with_context(|| format!("{}: the ballot cannot be laid out", a.election.display()))?;
    let mut samples = Vec::new();
    for file in &a.scans {
        let bytes =
            std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
        let pages = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET)
            .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
        for (i, page) in pages.iter().enumerate() {
            let s = measure(&interp, page)
                .map_err(|e| BadInput(format!("{}: page {}: {e}", file.display(), i + 1)))?;
            println!(
                "{} page {}: white {}, black {}, scale {:.3}, {} dpi, seal colour {}",
                file.display(),
                i + 1,
                s.white,
                s.black,
                s.scale,
                s.dpi,
                s.stamp_rgb.map_or("—".to_string(), |c| format!(
                    "rgb({}, {}, {})",
                    c[0], c[1], c[2]
                ))
            );
            samples.push(s);
        }
    }
    let profile = derive(&a.name, &samples);
    let body = toml::to_string(&profile).context("writing the profile")?;
    let text = format!(
        "# kiemphieu calibration profile for {}, derived by `kiemphieu calibrate` from {} scan(s).\n\
         # What each threshold means and why: calibration/default.toml in the source.\n\
         # Measured: {}\n\n{body}",
        a.name,
        samples.len(),
        serde_json::to_string(&samples)?
    );
    std::fs::write(&a.out, text).with_context(|| format!("{}: cannot write", a.out.display()))?;
    println!("wrote {}; use it with --profile", a.out.display());
    Ok(())
}
