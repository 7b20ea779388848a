//! The affine map from the sheet (millimetres) to the scan (pixels), and small helpers.

use serde::{Deserialize, Serialize};

use kiemphieu_core::geometry::MmRect;

/// Pixels per millimetre at a resolution (the renderer's convention).
pub(crate) fn px_per_mm(dpi: u32) -> f64 {
    crate::ballot::raster::px_per_mm(dpi as f32)
}

/// Centre of a rectangle.
pub(crate) fn centre(r: &MmRect) -> (f64, f64) {
    (r.x + r.w / 2.0, r.y + r.h / 2.0)
}

/// An affine map `(x, y) → (a·x + b·y + c, d·x + e·y + f)`, stored as `[a, b, c, d, e, f]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Affine(pub [f64; 6]);

impl Affine {
    /// The identity map.
    pub const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);

    /// Uniform scaling about the origin.
    pub fn scale(s: f64) -> Affine {
        Affine([s, 0.0, 0.0, 0.0, s, 0.0])
    }

    /// Translation.
    pub fn translate(dx: f64, dy: f64) -> Affine {
        Affine([1.0, 0.0, dx, 0.0, 1.0, dy])
    }

    /// Rotation about the origin; positive angles turn clockwise on screen (y points down).
    pub fn rotate(radians: f64) -> Affine {
        let (s, c) = radians.sin_cos();
        Affine([c, -s, 0.0, s, c, 0.0])
    }

    /// Maps a point.
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// `other ∘ self`: first this map, then `other`.
    #[must_use]
    pub fn then(&self, other: &Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [p, q, r, s, t, u] = other.0;
        Affine([
            p * a + q * d,
            p * b + q * e,
            p * c + q * f + r,
            s * a + t * d,
            s * b + t * e,
            s * c + t * f + u,
        ])
    }

    /// The inverse map, if the map is not degenerate.
    pub fn invert(&self) -> Option<Affine> {
        let [a, b, c, d, e, f] = self.0;
        let det = a * e - b * d;
        if !det.is_finite() || det.abs() < 1e-12 {
            return None;
        }
        let (ia, ib, id, ie) = (e / det, -b / det, -d / det, a / det);
        Some(Affine([
            ia,
            ib,
            -(ia * c + ib * f),
            id,
            ie,
            -(id * c + ie * f),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affine_inverse_round_trips() {
        let m = Affine::rotate(0.3)
            .then(&Affine::scale(1.7))
            .then(&Affine::translate(5.0, -3.0));
        let inv = m.invert().expect("invertible");
        let (x, y) = m.apply(12.0, 7.5);
        let (bx, by) = inv.apply(x, y);
        assert!((bx - 12.0).abs() < 1e-9 && (by - 7.5).abs() < 1e-9);
    }

    #[test]
    fn rotation_is_clockwise_with_y_down() {
        let (x, y) = Affine::rotate(std::f64::consts::FRAC_PI_2).apply(1.0, 0.0);
        assert!(x.abs() < 1e-12 && (y - 1.0).abs() < 1e-12);
    }
}
