//! Deriving a scanner profile from scans of a calibration sheet: an unmarked,
//! stamped ballot of the election, scanned a few times on the station's scanner.
//! Measures what the thresholds depend on — paper white, ink black, print scale,
//! resolution and the seal's colour — and adapts the profile to them.

use serde::Serialize;

use super::geometry::Point;
use super::view::{PageView, percentile};
use super::{Interpreter, Page, Profile, Status, normalise};

/// What one calibration scan shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationSample {
    /// Paper white: 95th percentile of the page's luminance.
    pub white: u8,
    /// Ink black: mean luminance at the centres of the corner marks.
    pub black: u8,
    /// Print scale from the corner marks (1.0 = as designed).
    pub scale: f64,
    /// Resolution used.
    pub dpi: f64,
    /// Mean colour of the seal's red ink in the stamp area (colour scans with a seal).
    pub stamp_rgb: Option<[u8; 3]>,
}

/// Why a scan cannot calibrate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable ballot of this election ({0}); scan an unmarked, stamped ballot")]
pub struct CalibrationError(pub String);

/// Measures one scan of the calibration sheet.
pub fn measure(interp: &Interpreter, page: &Page) -> Result<CalibrationSample, CalibrationError> {
    let (reading, trace) = interp.interpret_traced(page);
    let Some(h) = trace
        .homography
        .filter(|_| !matches!(reading.status, Status::Rejected | Status::Blank))
    else {
        return Err(CalibrationError(reading.reasons.join(", ")));
    };
    let image = normalise(page.image.clone());
    let view = PageView::new(&image).ok_or_else(|| CalibrationError("pixel format".into()))?;
    let white = percentile(&view.downsample(4), 0.95);
    let t = interp.template();
    let black = t
        .marks_mm
        .iter()
        .map(|&c| f64::from(view.luma_bilinear(h.map(c))))
        .sum::<f64>()
        / 4.0;
    let stamp_rgb = view.is_colour().then(|| {
        let r = t.stamp_mm;
        let (mut sum, mut n) = ([0u64; 3], 0u64);
        let steps = 60;
        for j in 0..steps {
            for i in 0..steps {
                let p = h.map(Point::new(
                    r.x + r.w * (f64::from(i) + 0.5) / f64::from(steps),
                    r.y + r.h * (f64::from(j) + 0.5) / f64::from(steps),
                ));
                let c = view.rgb(p.x as i64, p.y as i64);
                if i32::from(c[0]) - i32::from(c[1].max(c[2])) > 30 {
                    for k in 0..3 {
                        sum[k] += u64::from(c[k]);
                    }
                    n += 1;
                }
            }
        }
        (n >= 20).then(|| sum.map(|s| (s / n) as u8))
    });
    Ok(CalibrationSample {
        white,
        black: black.round() as u8,
        scale: reading.scale,
        dpi: reading.dpi,
        stamp_rgb: stamp_rgb.flatten(),
    })
}

/// A profile adapted to the samples; `name` names the scanner.
pub fn derive(name: &str, samples: &[CalibrationSample]) -> Profile {
    let mut p = Profile::builtin();
    p.name = name.to_string();
    if samples.is_empty() {
        return p;
    }
    let n = samples.len() as f64;
    let dpi = samples.iter().map(|s| s.dpi).sum::<f64>() / n;
    p.scanner_dpi = Some(dpi.round());
    let white = samples.iter().map(|s| f64::from(s.white)).sum::<f64>() / n;
    let black = samples.iter().map(|s| f64::from(s.black)).sum::<f64>() / n;
    // The ink threshold sits between this scanner's black and white, never looser
    // than the default: a grey-looking scanner gets a threshold nearer its black.
    let mid = (black + 0.55 * (white - black)) / white.max(1.0);
    p.ink_fraction_of_white = mid.clamp(0.5, p.ink_fraction_of_white);
    // Seal ink: require half the redness this scanner shows for the real seal.
    let reds: Vec<f64> = samples
        .iter()
        .filter_map(|s| s.stamp_rgb)
        .map(|c| f64::from(c[0]) - f64::from(c[1].max(c[2])))
        .collect();
    if !reds.is_empty() {
        let red = reds.iter().sum::<f64>() / reds.len() as f64;
        p.stamp_redness = ((red * 0.5).round() as u8).clamp(25, 120);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_keeps_defaults_safe_and_uses_the_measures() {
        let s = CalibrationSample {
            white: 240,
            black: 30,
            scale: 1.0,
            dpi: 299.6,
            stamp_rgb: Some([200, 60, 70]),
        };
        let p = derive("Fujitsu fi-7160", &[s.clone(), s]);
        assert_eq!(p.name, "Fujitsu fi-7160");
        assert_eq!(p.scanner_dpi, Some(300.0));
        assert!(p.ink_fraction_of_white <= Profile::builtin().ink_fraction_of_white);
        assert_eq!(p.stamp_redness, 65);
        let grey = CalibrationSample {
            white: 200,
            black: 110,
            scale: 1.0,
            dpi: 200.0,
            stamp_rgb: None,
        };
        let p = derive("grey", &[grey]);
        assert!(p.ink_fraction_of_white < 0.8 && p.ink_fraction_of_white >= 0.5);
        assert_eq!(p.stamp_redness, Profile::builtin().stamp_redness);
    }
}
