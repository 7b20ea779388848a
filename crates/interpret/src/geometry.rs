//! Plane geometry: points, rectangles in millimetres, and the homography that
//! maps the ballot layout (mm) onto the scanned image (pixels).

use serde::{Deserialize, Serialize};

pub use kiemphieu_core::geometry::{MmRect, Point};

/// A projective map of the plane, as a row-major 3×3 matrix with h[8] = 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// The exact homography taking `from[i]` to `to[i]` (four points, no three collinear).
    pub fn from_points(from: &[Point; 4], to: &[Point; 4]) -> Option<Homography> {
        // Direct linear transform with h33 = 1: 8 equations, 8 unknowns.
        let mut a = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = (from[i].x, from[i].y);
            let (u, v) = (to[i].x, to[i].y);
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        let h = solve8(a)?;
        Some(Homography([
            h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0,
        ]))
    }

    /// Maps a point.
    #[inline]
    pub fn map(&self, p: Point) -> Point {
        let h = &self.0;
        let w = h[6] * p.x + h[7] * p.y + h[8];
        Point::new(
            (h[0] * p.x + h[1] * p.y + h[2]) / w,
            (h[3] * p.x + h[4] * p.y + h[5]) / w,
        )
    }

    /// Local scale (image units per layout unit) around a point, averaged over x and y.
    pub fn scale_at(&self, p: Point) -> f64 {
        let o = self.map(p);
        let dx = self.map(Point::new(p.x + 1.0, p.y)).dist(o);
        let dy = self.map(Point::new(p.x, p.y + 1.0)).dist(o);
        f64::midpoint(dx, dy)
    }
}

/// Gaussian elimination with partial pivoting on an 8×9 augmented matrix.
#[allow(clippy::needless_range_loop)] // index form mirrors the maths
fn solve8(mut a: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = a[row][col] / a[col][col];
                for k in col..9 {
                    a[row][k] -= f * a[col][k];
                }
            }
        }
    }
    let mut x = [0.0; 8];
    for i in 0..8 {
        x[i] = a[i][8] / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Least-squares affine fit `from → to`; returns the RMS residual in `to` units.
///
/// A flat sheet scanned flat is affine; the residual measures folds, curl and
/// mis-detected marks, which the exact 4-point homography would hide.
pub fn affine_residual(from: &[Point], to: &[Point]) -> f64 {
    let n = from.len().min(to.len());
    if n < 3 {
        return 0.0;
    }
    // Normal equations for [a b c] in u = a x + b y + c (and likewise for v).
    let mut m = [[0.0f64; 3]; 3];
    let mut bu = [0.0f64; 3];
    let mut bv = [0.0f64; 3];
    for i in 0..n {
        let r = [from[i].x, from[i].y, 1.0];
        for j in 0..3 {
            for k in 0..3 {
                m[j][k] += r[j] * r[k];
            }
            bu[j] += r[j] * to[i].x;
            bv[j] += r[j] * to[i].y;
        }
    }
    let (Some(cu), Some(cv)) = (solve3(m, bu), solve3(m, bv)) else {
        return f64::INFINITY;
    };
    let mut sum = 0.0;
    for i in 0..n {
        let u = cu[0] * from[i].x + cu[1] * from[i].y + cu[2];
        let v = cv[0] * from[i].x + cv[1] * from[i].y + cv[2];
        sum += (u - to[i].x).powi(2) + (v - to[i].y).powi(2);
    }
    (sum / n as f64).sqrt()
}

fn solve3(m: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-12 {
        return None;
    }
    let mut out = [0.0; 3];
    for (c, slot) in out.iter_mut().enumerate() {
        let mut mc = m;
        for r in 0..3 {
            mc[r][c] = b[r];
        }
        *slot = det(mc) / d;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_its_points_and_inverts_a_rotation() {
        let from = [
            Point::new(0.0, 0.0),
            Point::new(100.0, 0.0),
            Point::new(0.0, 200.0),
            Point::new(100.0, 200.0),
        ];
        let (s, c) = (0.05f64.sin(), 0.05f64.cos());
        let to = from.map(|p| {
            Point::new(
                10.0 + 3.0 * (c * p.x - s * p.y),
                20.0 + 3.0 * (s * p.x + c * p.y),
            )
        });
        let h = Homography::from_points(&from, &to).unwrap();
        for i in 0..4 {
            assert!(h.map(from[i]).dist(to[i]) < 1e-9);
        }
        let mid = h.map(Point::new(50.0, 100.0));
        let expect = Point::new(
            10.0 + 3.0 * (c * 50.0 - s * 100.0),
            20.0 + 3.0 * (s * 50.0 + c * 100.0),
        );
        assert!(mid.dist(expect) < 1e-9);
        assert!((h.scale_at(Point::new(50.0, 50.0)) - 3.0).abs() < 1e-9);
        assert!(affine_residual(&from, &to) < 1e-9);
    }

    #[test]
    fn degenerate_points_give_none_and_bent_sheets_a_residual() {
        let p = Point::new(1.0, 1.0);
        assert!(Homography::from_points(&[p; 4], &[p; 4]).is_none());
        let from = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(0.0, 10.0),
            Point::new(10.0, 10.0),
        ];
        let mut to = from;
        to[3] = Point::new(11.0, 11.0);
        assert!(affine_residual(&from, &to) > 0.3);
    }
}
