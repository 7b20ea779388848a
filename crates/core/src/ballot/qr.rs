//! The QR matrix of a ballot payload, shared by the PDF and raster renderers.

use qrcode::{EcLevel, QrCode, Version};

/// Modules per side of the version the layout reserves room for (version 3).
pub const QR_MODULES: u32 = 29;
/// Width of the white quiet zone, in modules (ISO/IEC 18004 requires 4).
pub const QR_QUIET_MODULES: u32 = 4;

/// Why a text cannot be drawn as the ballot QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text is too long for any QR code at level Q.
    #[error("text does not fit a QR code: {0}")]
    TooLong(String),
}

/// A square matrix of QR modules, row-major, `true` = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: u32,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text`: version 3 / level Q when it fits (the 43-character
    /// ballot payload always does), else the smallest version at level Q.
    pub fn encode(text: &str) -> Result<Self, QrError> {
        // Forcing the version keeps every ballot's code the same size, so the
        // layout's box and the interpreter's crop never depend on the serial.
        let code = QrCode::with_version(text.as_bytes(), Version::Normal(3), EcLevel::Q)
            .or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q))
            .map_err(|e| QrError::TooLong(e.to_string()))?;
        let width = code.width() as u32;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix { width, dark })
    }

    /// Modules per side.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// True when the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        self.dark[(y * self.width + x) as usize]
    }

    /// Horizontal runs of dark modules as `(row, first column, length)`;
    /// drawing runs instead of single modules keeps the PDF small and seamless.
    pub fn dark_runs(&self) -> Vec<(u32, u32, u32)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballot_payload_is_version_3() {
        let text = "KP2ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH";
        assert_eq!(text.len(), 43);
        let m = QrMatrix::encode(text).unwrap();
        // Version 3 at level Q holds 34 data bytes: 43 characters fit only in
        // alphanumeric mode (byte mode would need 45 bytes), so this also proves the mode.
        assert_eq!(m.width(), QR_MODULES);
        // Finder pattern corner.
        assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(7, 7));
        let dark: u32 = m.dark_runs().iter().map(|r| r.2).sum();
        let count = (0..29).flat_map(|y| (0..29).map(move |x| (x, y)));
        assert_eq!(
            dark as usize,
            count.filter(|&(x, y)| m.is_dark(x, y)).count()
        );
    }

    #[test]
    fn longer_text_grows_the_version() {
        let text = "x".repeat(200);
        let m = QrMatrix::encode(&text).unwrap();
        assert!(m.width() > QR_MODULES);
        assert!(QrMatrix::encode(&"x".repeat(5000)).is_err());
    }
}
