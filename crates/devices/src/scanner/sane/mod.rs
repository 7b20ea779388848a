//! `sane:DEVICE` — any SANE scanner through libsane, loaded at run time.
//!
//! The device is set up from [`ScanSettings`] (source, duplex, mode, 8-bit depth,
//! resolution snapped to what the device offers, the whole scan area); each sheet is a
//! `sane_start` and reads until EOF. After an I/O error the device is closed and opened
//! again (with the same settings) before the next sheet: a USB scanner's handle is often
//! dead after one.

mod batch;
mod device;
mod encode;
mod ffi;
mod frame;
mod options;
#[cfg(test)]
mod tests;

pub use options::{Constraint, OptionDesc, OptionKind, OptionValue};

use std::time::{Duration, Instant};

use crate::scanner::{
    DeviceInfo, PaperSource, ScanColour, ScanError, ScanSettings, ScanStatus, ScannedPage, Scanner,
    SourceKind,
};

use batch::Feeder;
use device::{SaneDevice, nearest_allowed};

/// The SANE devices libsane can see (needs libsane1; see [`version`]).
pub fn list_devices() -> Result<Vec<DeviceInfo>, ScanError> {
    device::list()
}

/// The version of the loaded libsane as (major, minor, build), or why it cannot be
/// loaded — e.g. to tell the operator to install libsane1.
pub fn version() -> Result<(u8, u8, u16), ScanError> {
    device::version()
}

/// After a fault that moved no sheet (cover open, busy, empty, unplugged) the device is
/// asked again no sooner than this: a caller retrying at once would hammer it.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// A SANE scanner, set up for a batch.
#[derive(Debug)]
pub struct SaneScanner {
    /// `None` after an I/O fault or disconnection: reopened before the next sheet.
    device: Option<SaneDevice>,
    name: String,
    settings: ScanSettings,
    /// Options set through [`set_option`](Self::set_option), re-applied after reopening.
    extra: Vec<(String, OptionValue)>,
    dpi: Option<f64>,
    feeder: Feeder,
    /// When the device may be asked again after a fault (see [`RETRY_PAUSE`]).
    retry_after: Option<Instant>,
}

impl SaneScanner {
    /// Opens the SANE device `name` (e.g. "test:0", "fujitsu:libusb:001:004"; "" for
    /// the first one) and applies `settings`.
    pub fn open(name: &str, settings: &ScanSettings) -> Result<SaneScanner, ScanError> {
        let device = SaneDevice::open(name)?;
        let dpi = apply_settings(&device, settings)?;
        Ok(SaneScanner {
            device: Some(device),
            name: name.to_string(),
            settings: settings.clone(),
            extra: Vec::new(),
            dpi,
            feeder: Feeder::new(format!("sane:{name}"), settings.source, settings.duplex),
            retry_after: None,
        })
    }

    /// The resolution the device actually scans at (after snapping to its choices).
    pub fn dpi(&self) -> Option<f64> {
        self.dpi
    }

    /// The device's options (empty while it is disconnected).
    pub fn options(&self) -> Vec<OptionDesc> {
        self.device
            .as_ref()
            .map(SaneDevice::options)
            .unwrap_or_default()
    }

    /// Reads an option by name.
    pub fn get_option(&self, name: &str) -> Result<OptionValue, ScanError> {
        let dev = self.connected()?;
        let opt = dev
            .option(name)
            .ok_or_else(|| ScanError::other(format!("sane:{}: no option `{name}`", self.name)))?;
        dev.get(&opt)
    }

    /// Sets a backend option by name (e.g. the `test` backend's `read-return-value`,
    /// the `pnm` backend's `filename`); returns the value the device took. The option is
    /// set again if the device has to be reopened.
    pub fn set_option(&mut self, name: &str, value: OptionValue) -> Result<OptionValue, ScanError> {
        if self.device.is_none() {
            self.reconnect()?;
        }
        let took = self.connected()?.set_by_name(name, &value)?;
        self.extra.retain(|(n, _)| n != name);
        self.extra.push((name.to_string(), value));
        // The resolution may have changed with it.
        self.dpi = read_dpi(self.connected()?);
        Ok(took)
    }

    fn connected(&self) -> Result<&SaneDevice, ScanError> {
        self.device.as_ref().ok_or_else(|| {
            ScanError::fault(
                ScanStatus::Disconnected,
                format!("sane:{}: the scanner is not connected", self.name),
            )
        })
    }

    /// Reopens the device after a fault that may have killed its handle.
    fn reconnect(&mut self) -> Result<(), ScanError> {
        let device = SaneDevice::open(&self.name).map_err(|e| ScanError {
            status: Some(match e.status {
                Some(ScanStatus::DeviceBusy) => ScanStatus::DeviceBusy,
                _ => ScanStatus::Disconnected,
            }),
            ..e
        })?;
        self.dpi = apply_settings(&device, &self.settings)?;
        for (name, value) in &self.extra {
            // Best effort: an option the reopened device refuses (inactive in its new
            // state) is not worth stopping the batch for.
            let _ = device.set_by_name(name, value);
        }
        self.device = Some(device);
        Ok(())
    }

    /// One attempt at the next page: reopen the device if a fault closed it, then feed.
    fn next_page_now(&mut self) -> Result<Option<ScannedPage>, ScanError> {
        if self.device.is_none() && self.feeder.running() {
            self.reconnect()?;
        }
        let Some(dev) = self.device.as_mut() else {
            return Ok(None);
        };
        let result = self.feeder.next(dev, self.dpi);
        if let Err(e) = &result
            && matches!(
                e.status,
                Some(ScanStatus::IoError | ScanStatus::Disconnected)
            )
        {
            self.device = None;
        }
        result
    }
}

impl Scanner for SaneScanner {
    fn source_kind(&self) -> SourceKind {
        SourceKind::Device
    }

    fn describe(&self) -> String {
        let source = match (self.settings.source, self.settings.duplex) {
            (PaperSource::Flatbed, _) => "flatbed",
            (PaperSource::Adf, false) => "feeder, one side",
            (PaperSource::Adf, true) => "feeder, both sides",
        };
        let colour = match self.settings.colour {
            ScanColour::Colour => "colour",
            ScanColour::Grey => "grey",
        };
        let dpi = self.dpi.unwrap_or(f64::from(self.settings.dpi));
        format!(
            "SANE scanner {}: {source}, {dpi:.0} dpi, {colour}",
            self.name
        )
    }

    fn start_batch(&mut self) -> Result<(), ScanError> {
        if self.device.is_none() {
            self.reconnect()?;
        }
        // A batch still running (no sane_cancel yet) is ended first.
        if let Some(dev) = self.device.as_mut()
            && self.feeder.running()
        {
            self.feeder.finish(dev);
        }
        self.feeder.start();
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ScannedPage>, ScanError> {
        if let Some(at) = self.retry_after.take() {
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
        }
        let result = self.next_page_now();
        if let Err(e) = &result
            && e.status.is_some()
            && e.refeed_sheet.is_none()
        {
            self.retry_after = Some(Instant::now() + RETRY_PAUSE);
        }
        result
    }

    fn cancel(&mut self) {
        match self.device.as_mut() {
            Some(dev) => self.feeder.finish(dev),
            None => self.feeder.abandon(),
        }
    }
}

/// Sets source, mode, depth, resolution and scan area; returns the resolution taken.
fn apply_settings(dev: &SaneDevice, s: &ScanSettings) -> Result<Option<f64>, ScanError> {
    let label = format!("sane:{}", dev.name());
    set_source(dev, s, &label)?;
    if let Some(mode) = dev.option("mode").filter(options::OptionDesc::settable) {
        let want: &[&str] = match s.colour {
            ScanColour::Colour => &["color", "colour", "rgb"],
            ScanColour::Grey => &["gray", "grey"],
        };
        let pick = mode
            .strings()
            .iter()
            .find(|m| want.iter().any(|w| m.to_lowercase().contains(w)))
            .ok_or_else(|| {
                ScanError::other(format!(
                    "{label}: no {} mode (modes: {})",
                    want[0],
                    mode.strings().join(", ")
                ))
            })?;
        dev.set(&mode, &OptionValue::String(pick.clone()))?;
    }
    if let Some(depth) = dev.option("depth").filter(options::OptionDesc::settable) {
        // 8 bits are all the interpreter uses; 16 would double the data for nothing.
        #[allow(clippy::float_cmp)] // an allowed value, taken as it is, not computed
        if nearest_allowed(&depth, 8.0) == 8.0 {
            dev.set(&depth, &OptionValue::Int(8))?;
        }
    }
    let want = f64::from(s.dpi);
    let res_names: &[&str] = if dev.option("resolution").is_some() {
        &["resolution"]
    } else {
        &["x-resolution", "y-resolution"]
    };
    for name in res_names {
        if let Some(opt) = dev.option(name).filter(options::OptionDesc::settable) {
            let v = nearest_allowed(&opt, want);
            let value = match opt.kind {
                OptionKind::Fixed => OptionValue::Fixed(v),
                _ => OptionValue::Int(v.round() as i32),
            };
            dev.set(&opt, &value)?;
        }
    }
    // The whole area the device can scan: ballots must never be cropped. Paper-size
    // options first (they bound the area on sheet-fed scanners). Best effort: a device
    // that refuses keeps its own area.
    for (name, max) in [
        ("page-width", true),
        ("page-height", true),
        ("tl-x", false),
        ("tl-y", false),
        ("br-x", true),
        ("br-y", true),
    ] {
        if let Some(opt) = dev.option(name).filter(options::OptionDesc::settable)
            && let Constraint::Range { min, max: hi, .. } = opt.constraint
        {
            let v = if max { hi } else { min };
            let value = match opt.kind {
                OptionKind::Fixed => OptionValue::Fixed(v),
                _ => OptionValue::Int(v.round() as i32),
            };
            let _ = dev.set(&opt, &value);
        }
    }
    Ok(read_dpi(dev))
}

fn set_source(dev: &SaneDevice, s: &ScanSettings, label: &str) -> Result<(), ScanError> {
    let source = dev.option("source").filter(options::OptionDesc::settable);
    let choices: Vec<String> = source
        .as_ref()
        .map(|o| o.strings().to_vec())
        .unwrap_or_default();
    let lower = |c: &String| c.to_lowercase();
    let is_feeder = |c: &String| {
        let l = lower(c);
        l.contains("adf") || l.contains("feeder") || l.contains("document")
    };
    let pick = match (s.source, s.duplex) {
        (PaperSource::Flatbed, _) => choices.iter().find(|c| lower(c).contains("flatbed")),
        (PaperSource::Adf, true) => choices.iter().find(|c| lower(c).contains("duplex")),
        (PaperSource::Adf, false) => choices.iter().find(|c| {
            let l = lower(c);
            is_feeder(c) && !l.contains("duplex") && !l.contains("back")
        }),
    };
    let mut duplex_done = false;
    match (source, pick) {
        // No source option: a sheet-fed device with one source; take it as it is.
        (None, _) => {}
        (Some(opt), Some(pick)) => {
            dev.set(&opt, &OptionValue::String(pick.clone()))?;
            duplex_done = s.duplex;
        }
        (Some(opt), None) if s.source == PaperSource::Adf && s.duplex => {
            // Some backends keep "ADF" as the source and switch duplex with a flag.
            if let Some(feeder) = choices.iter().find(|c| is_feeder(c)) {
                dev.set(&opt, &OptionValue::String(feeder.clone()))?;
            }
        }
        (Some(_), None) => {
            let what = match s.source {
                PaperSource::Adf => "document feeder",
                PaperSource::Flatbed => "flatbed",
            };
            return Err(ScanError::other(format!(
                "{label}: the scanner has no {what} (sources: {})",
                choices.join(", ")
            )));
        }
    }
    if s.duplex && !duplex_done {
        match dev
            .option("duplex")
            .filter(|o| o.settable() && o.kind == OptionKind::Bool)
        {
            Some(opt) => {
                dev.set(&opt, &OptionValue::Bool(true))?;
            }
            None => {
                return Err(ScanError::other(format!(
                    "{label}: the scanner cannot scan both sides (no duplex source or option)"
                )));
            }
        }
    }
    Ok(())
}

/// The resolution the device is set to, if it says.
fn read_dpi(dev: &SaneDevice) -> Option<f64> {
    ["resolution", "y-resolution"].iter().find_map(|name| {
        let opt = dev.option(name).filter(options::OptionDesc::readable)?;
        dev.get(&opt).ok()?.as_f64()
    })
}
