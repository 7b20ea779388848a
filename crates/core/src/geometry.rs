//! Plane geometry shared by the ballot's layout, the interpreter and the
//! simulator: points and axis-aligned rectangles in millimetres from the page's
//! top-left corner (x right, y down).

use serde::{Deserialize, Serialize};

/// A point (x right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
}

impl Point {
    /// A point.
    pub const fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }

    /// Euclidean distance.
    pub fn dist(self, o: Point) -> f64 {
        ((self.x - o.x).powi(2) + (self.y - o.y).powi(2)).sqrt()
    }
}

/// An axis-aligned rectangle in millimetres from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct MmRect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl MmRect {
    /// A rectangle from its left, top, width and height.
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        MmRect { x, y, w, h }
    }

    /// Right edge.
    pub fn right(self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(self) -> f64 {
        self.y + self.h
    }

    /// Centre point.
    pub fn centre(self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// The rectangle grown by `d` on every side (shrunk when `d` is negative).
    #[must_use]
    pub fn grow(self, d: f64) -> MmRect {
        MmRect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    /// True when the interiors overlap.
    pub fn intersects(self, o: &MmRect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    /// True when `o` lies inside (edges may touch).
    pub fn contains(self, o: &MmRect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }

    /// True when the point lies inside (edges included).
    pub fn contains_point(self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }

    /// The smallest rectangle covering both.
    #[must_use]
    pub fn union(self, o: &MmRect) -> MmRect {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        MmRect::new(
            x,
            y,
            self.right().max(o.right()) - x,
            self.bottom().max(o.bottom()) - y,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        // Quarter millimetres: exact in binary, so edges compare without rounding.
        fn union_covers_both(a in 0..400u32, b in 0..400u32, w in 1..200u32, h in 1..200u32) {
            let q = |v: u32| f64::from(v) / 4.0;
            let (a, b, w, h) = (q(a), q(b), q(w), q(h));
            let r = MmRect::new(a, b, w, h);
            let s = MmRect::new(b, a, h, w);
            let u = r.union(&s);
            prop_assert!(u.contains(&r) && u.contains(&s));
            prop_assert!(r.grow(1.0).contains(&r));
            prop_assert!(r.contains_point(r.centre()));
        }
    }

    #[test]
    fn edges_and_overlap() {
        let r = MmRect::new(1.0, 2.0, 3.0, 4.0);
        assert_eq!((r.right(), r.bottom()), (4.0, 6.0));
        assert!(r.intersects(&MmRect::new(3.0, 5.0, 2.0, 2.0)));
        assert!(!r.intersects(&MmRect::new(4.0, 2.0, 1.0, 1.0)));
        assert!((Point::new(0.0, 0.0).dist(Point::new(3.0, 4.0)) - 5.0).abs() < 1e-12);
    }
}
