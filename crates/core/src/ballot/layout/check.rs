//! The layout's promises, verified on the finished display list.

use super::{BallotLayout, FIDUCIAL_CLEAR_MM, ItemRole, NAME_CLEARANCE_MM, PAGE_MARGIN_MM};
use crate::geometry::MmRect;

impl BallotLayout {
    /// Verifies the layout's promises; `Err` names the first broken one.
    pub fn check(&self) -> Result<(), String> {
        let page = MmRect::new(0.0, 0.0, self.width_mm, self.height_mm).grow(-PAGE_MARGIN_MM);
        let mut boxes: Vec<(String, MmRect)> = self
            .items
            .iter()
            .map(|i| (format!("{:?}", i.role()), i.bounds()))
            .collect();
        boxes.push(("QR quiet zone".into(), self.qr.quiet_mm));
        boxes.push(("stamp".into(), self.stamp_mm));
        for (what, b) in &boxes {
            if !page.contains(b) {
                return Err(format!("{what} leaves the {PAGE_MARGIN_MM} mm margin"));
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            let b = item.bounds();
            if b.intersects(&self.qr.quiet_mm) {
                return Err(format!("{:?} enters the QR quiet zone", item.role()));
            }
            if item.role() != ItemRole::Stamp && b.intersects(&self.stamp_mm) {
                return Err(format!("{:?} enters the stamp area", item.role()));
            }
            if item.role() != ItemRole::Fiducial {
                for f in &self.fiducials_mm {
                    if b.intersects(&f.grow(FIDUCIAL_CLEAR_MM - 1e-9)) {
                        return Err(format!("{:?} crowds a fiducial", item.role()));
                    }
                }
            }
            if let ItemRole::Name(k) = item.role() {
                let zone = b.grow(NAME_CLEARANCE_MM - 1e-9);
                for (j, other) in self.items.iter().enumerate() {
                    if j != i && zone.intersects(&other.bounds()) {
                        return Err(format!("{:?} crowds name {k}", other.role()));
                    }
                }
                if zone.intersects(&self.qr.quiet_mm) || zone.intersects(&self.stamp_mm) {
                    return Err(format!("name {k} crowds the QR code or the stamp"));
                }
            }
        }
        Ok(())
    }
}
