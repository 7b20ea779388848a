//! The test scan: one sheet through the scanner and the interpreter, shown
//! with its overlay and never counted.
#![warn(clippy::as_conversions)]

use image::RgbImage;

use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_interpret as interpret;
use kiemphieu_synth::scanner::SimContext;

use super::messages::{TestResult, Update};
use crate::source::open_source;

/// Scans and reads one sheet from `source`; `sim` is the election and key
/// loaded (none when neither is).
pub(super) fn test_scan(
    source: &str,
    settings: &ScanSettings,
    sim: Option<SimContext>,
    demo: bool,
) -> Update {
    if source.trim().starts_with("sim:") && !demo {
        return Update::TestSheet {
            result: TestResult::Failed {
                reason: "the simulated scanner runs only in a demo database, never in a real count"
                    .into(),
            },
            picture: None,
        };
    }
    match scan_one(source, settings, sim) {
        Ok((result, picture)) => Update::TestSheet {
            result,
            picture: Some(picture),
        },
        Err(reason) => Update::TestSheet {
            result: TestResult::Failed { reason },
            picture: None,
        },
    }
}

fn scan_one(
    source: &str,
    settings: &ScanSettings,
    sim: Option<SimContext>,
) -> Result<(TestResult, RgbImage), String> {
    let SimContext { election, key } = sim.ok_or("load the election file (and its key) first")?;
    let context = SimContext {
        election: election.clone(),
        key: key.clone(),
    };
    let mut scanner = open_source(source, settings, Some(context)).map_err(|e| e.to_string())?;
    scanner.start_batch().map_err(|e| e.to_string())?;
    let page = scanner.next_page();
    scanner.cancel();
    let page = page
        .map_err(|e| format!("{e}: {}", e.instruction_vi()))?
        .ok_or("the scanner gave no sheet (feeder empty?)")?;
    let pages = interpret::decode_pages(&page.bytes, interpret::DEFAULT_PIXEL_BUDGET)
        .map_err(|e| e.to_string())?;
    let p = pages.into_iter().next().ok_or("no page in the image")?;
    let interp = interpret::Interpreter::new(&election, key, interpret::Profile::default())
        .map_err(|e| e.to_string())?;
    let (reading, trace) = interp.interpret_traced(&p);
    let picture = interpret::overlay::draw(&p.image, &reading, &trace, interp.template());
    let result = TestResult::Read {
        status: kiemphieu_station::station::status_code(reading.status).to_string(),
        dpi: reading.dpi,
        registration_mm: reading.registration_mm,
    };
    Ok((result, picture))
}
