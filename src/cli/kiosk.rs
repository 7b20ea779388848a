//! `kiemphieu kiosk`: the Slint app for the counting table.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiemphieu::kiosk::{KioskOptions, display_available, run as run_kiosk, run_public};

/// Arguments of `kiosk`.
#[derive(Args)]
pub struct KioskArgs {
    /// The station database (created when the session is opened).
    #[arg(long, default_value = "station.db")]
    db: PathBuf,
    /// An election file to load (else choose one on the set-up screen).
    #[arg(long)]
    election: Option<PathBuf>,
    /// Scanner source: sane:DEVICE, folder:DIR or sim:N.
    #[arg(long)]
    scanner: Option<String>,
    /// A window instead of full screen.
    #[arg(long)]
    windowed: bool,
    /// Start in English (Vietnamese by default).
    #[arg(long)]
    english: bool,
    /// The public view for the meeting hall (công khai): a read-only window on
    /// the same database, for a TV or projector, beside the kiosk's own process.
    #[arg(long)]
    public: bool,
}

/// Runs `kiosk`.
pub fn run(a: KioskArgs) -> anyhow::Result<()> {
    if !display_available() && cfg!(not(feature = "linuxkms")) {
        return Err(super::BadInput(
            "no display: set DISPLAY (X11 or XWayland; build with `--features wayland` for WAYLAND_DISPLAY alone), or build with `--features linuxkms` for a bare kiosk PC".into(),
        )
        .into());
    }
    if a.public {
        return run_public(&a.db, a.english, a.windowed)
            .with_context(|| format!("public view of {}", a.db.display()));
    }
    let options = KioskOptions {
        db: a.db.clone(),
        election: a.election,
        scanner: a.scanner,
        english: a.english,
        ..Default::default()
    };
    run_kiosk(&options, a.windowed).with_context(|| format!("kiosk on {}", a.db.display()))
}
