//! The simulated scanner: places the marked sheet on the glass (skew, shift, scale,
//! turns), then optics and sensor (blur, uneven lamp, dirty-glass streak, noise),
//! then the file the scanner writes.

mod sensor;
mod spec;
#[cfg(test)]
mod tests;
mod warp;

pub use spec::{Background, ColourMode, FileFormat, Lighting, ScanSpec, Streak};

use sensor::{Sensor, blur};
use warp::{Look, warp};

use super::SynthError;
use super::geom::{Affine, px_per_mm};
use super::ink::Raster;

/// Scans the marked sheet (rendered at the scan dpi): one inverse-mapped bilinear warp
/// onto the scan area, then blur, lamp, streak and noise. Returns the image.
pub(crate) fn scan(
    page: &Raster,
    page_mm: (f64, f64),
    spec: &ScanSpec,
    seed: u64,
) -> Result<image::DynamicImage, SynthError> {
    spec.validate()?;
    let k = px_per_mm(spec.dpi);
    let (w, h) = spec.image_size(page_mm);
    let (wu, hu) = (w as usize, h as usize);
    // Image pixel centre → page pixel index space (samples at integer positions).
    let inv = spec
        .page_to_image(page_mm)
        .invert()
        .ok_or(SynthError::InvalidScan {
            field: "scale",
            reason: "degenerate transform".into(),
        })?
        .then(&Affine::scale(k))
        .then(&Affine::translate(-0.5, -0.5));
    let look = Look {
        bg: spec.background.level(),
        paper: f32::from(spec.paper_level) / 255.0,
        shadow_px: if spec.background == Background::White {
            (0.6 * k) as f32
        } else {
            0.0
        },
    };
    let data = match page.ch {
        1 => warp::<1>(page, &inv, wu, hu, &look),
        3 => warp::<3>(page, &inv, wu, hu, &look),
        _ => return Err(SynthError::Internal("raster must have 1 or 3 channels")),
    };
    let mut img = Raster {
        w: wu,
        h: hu,
        ch: page.ch,
        data,
    };
    // Lamp, streak and noise are applied to each row as the blur finishes it, while the
    // row is in cache, rather than in another pass over the page.
    let mut sensor = Sensor::new(spec, wu, hu, k, seed);
    if spec.blur_sigma >= 0.2 {
        blur(&mut img, spec.blur_sigma, sensor.as_mut());
    } else if let Some(sensor) = sensor.as_mut() {
        for (y, row) in img.data.chunks_exact_mut(wu * page.ch).enumerate() {
            sensor.row(y, row, page.ch);
        }
    }
    let grey = |data| {
        image::GrayImage::from_raw(w, h, data).ok_or(SynthError::Internal("grey buffer size"))
    };
    Ok(match spec.colour {
        ColourMode::Rgb => image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(w, h, img.data)
                .ok_or(SynthError::Internal("RGB buffer size"))?,
        ),
        ColourMode::Grey => image::DynamicImage::ImageLuma8(grey(img.data)?),
        ColourMode::Bilevel { threshold } => {
            let data = img
                .data
                .iter()
                .map(|&v| if v < threshold { 0 } else { 255 })
                .collect();
            image::DynamicImage::ImageLuma8(grey(data)?)
        }
    })
}
