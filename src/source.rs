//! Where sheets come from, by spec: `sane:DEVICE`, `folder:DIR`, `sim:N[,rate=R][,fault-every=K][,seed=S][,mix=demo]`.
#![warn(clippy::as_conversions)]

use std::path::PathBuf;

use kiemphieu_core::election::BallotKey;
use kiemphieu_devices::scanner::{FolderScanner, SaneScanner};
use kiemphieu_station::scan::{ScanError, ScanSettings, Scanner};
use kiemphieu_station::station::{Station, StationError, round_key_path};
use kiemphieu_station::store::StationMode;
use kiemphieu_synth::GeneratorMix;
use kiemphieu_synth::scanner::{SimContext, SimOptions, SimScanner, SimTruths};

/// A parsed source spec.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    /// A SANE device by name ("" = the first one found).
    Sane {
        /// SANE device name, e.g. "test:0" or "fujitsu:libusb:001:004".
        device: String,
    },
    /// A hot folder.
    Folder {
        /// The folder.
        dir: PathBuf,
    },
    /// The simulated feeder.
    Sim(SimOptions),
}

const FORMS: &str =
    "`sane:DEVICE`, `folder:DIR` or `sim:N[,rate=R][,fault-every=K][,seed=S][,mix=demo]`";

impl SourceSpec {
    /// Parses a spec; the error names the part that is wrong.
    pub fn parse(spec: &str) -> Result<SourceSpec, ScanError> {
        let bad = |why: String| ScanError::other(format!("scanner source {spec:?}: {why}"));
        let (scheme, rest) = spec
            .split_once(':')
            .ok_or_else(|| bad(format!("expected {FORMS}")))?;
        match scheme {
            // Everything after the first colon: SANE names contain colons themselves.
            "sane" => Ok(SourceSpec::Sane {
                device: rest.to_string(),
            }),
            "folder" if rest.is_empty() => Err(bad("no folder given".into())),
            "folder" => Ok(SourceSpec::Folder {
                dir: PathBuf::from(rest),
            }),
            "sim" => parse_sim(rest).map(SourceSpec::Sim).map_err(bad),
            other => Err(bad(format!("unknown source `{other}`; expected {FORMS}"))),
        }
    }
}

fn parse_sim(rest: &str) -> Result<SimOptions, String> {
    let mut opts = SimOptions::default();
    for (i, item) in rest.split(',').map(str::trim).enumerate() {
        if item.is_empty() && rest.trim().is_empty() {
            break;
        }
        match item.split_once('=') {
            None if i == 0 => {
                opts.sheets = item
                    .parse()
                    .map_err(|_| format!("`{item}` is not a number of sheets"))?;
            }
            None => return Err(format!("`{item}`: expected KEY=VALUE")),
            Some(("rate", v)) => {
                opts.rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or_else(|| format!("rate `{v}`: expected sheets per minute, 0 or more"))?;
            }
            Some(("fault-every", v)) => {
                let k: u64 = v
                    .parse()
                    .map_err(|_| format!("fault-every `{v}`: expected a whole number"))?;
                opts.fault_every = (k > 0).then_some(k);
            }
            Some(("seed", v)) => {
                opts.seed = v
                    .parse()
                    .map_err(|_| format!("seed `{v}`: expected a whole number"))?;
            }
            Some(("mix", "demo")) => {
                opts.mix = GeneratorMix::demo();
                opts.refeed_one = true;
            }
            Some(("mix", "realistic")) => opts.mix = GeneratorMix::realistic(),
            Some(("mix", v)) => {
                return Err(format!("mix `{v}`: expected `realistic` or `demo`"));
            }
            Some((k, _)) => {
                return Err(format!(
                    "unknown option `{k}` (expected rate, fault-every, seed, mix)"
                ));
            }
        }
    }
    Ok(opts)
}

/// Opens a source from its spec: `sane:DEVICE`, `folder:DIR` or
/// `sim:N[,rate=R][,fault-every=K][,seed=S][,mix=demo]` (which needs `sim`, the loaded election).
pub fn open_source(
    spec: &str,
    settings: &ScanSettings,
    sim: Option<SimContext>,
) -> Result<Box<dyn Scanner>, ScanError> {
    match SourceSpec::parse(spec)? {
        SourceSpec::Sane { device } => Ok(Box::new(SaneScanner::open(&device, settings)?)),
        SourceSpec::Folder { dir } => Ok(Box::new(FolderScanner::new(
            dir,
            settings.folder_idle,
            settings.duplex,
        ))),
        SourceSpec::Sim(opts) => {
            let ctx = sim.ok_or_else(|| {
                ScanError::other("the simulated scanner (sim:) needs a loaded election")
            })?;
            Ok(Box::new(SimScanner::new(opts, settings, ctx)?))
        }
    }
}

/// Why a source cannot feed a station.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The spec is wrong, or the scanner cannot be opened (bad input).
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The simulator offered to a real count (bad input), or the station failed.
    #[error(transparent)]
    Station(#[from] StationError),
}

/// A source opened for a station, and what the simulator drew on its pages.
pub struct Opened {
    /// The scanner.
    pub scanner: Box<dyn Scanner>,
    /// The simulator's record of each page (only for `sim:`).
    pub truths: Option<SimTruths>,
}

/// Opens a source to scan into `station` (database `db`): the simulator only
/// in a demo database, where its tray is first recorded as a simulated print run.
pub fn open_for_station(
    spec: &str,
    settings: &ScanSettings,
    station: &mut Station,
    db: &std::path::Path,
) -> Result<Opened, SourceError> {
    let parsed = SourceSpec::parse(spec)?;
    let SourceSpec::Sim(opts) = parsed else {
        return Ok(Opened {
            scanner: open_source(spec, settings, None)?,
            truths: None,
        });
    };
    if station.mode() != StationMode::Demo {
        station.require_source(kiemphieu_station::scan::SourceKind::Simulator)?;
    }
    let key = BallotKey::load(&round_key_path(db, station.round()))
        .map_err(|e| SourceError::Station(e.into()))?;
    let ctx = SimContext {
        election: station.election().clone(),
        key,
    };
    let sim = SimScanner::new(opts, settings, ctx)?;
    station.record_simulated_print_run(sim.serials())?;
    let truths = sim.truths();
    Ok(Opened {
        scanner: Box::new(sim),
        truths: Some(truths),
    })
}
