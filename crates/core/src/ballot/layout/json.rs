//! The public geometry (layout.json): what the interpreter reads of a layout.

use serde::{Deserialize, Serialize};

use super::{ApproveBoxes, BallotLayout, GEOMETRY_VERSION, MmBand};
use crate::ballot::qr::QR_MODULES;
use crate::election::Marking;
use crate::geometry::MmRect;

/// Serialisable geometry: the public contract other stages read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotGeometry {
    /// Format version ([`GEOMETRY_VERSION`]).
    pub version: u32,
    /// Paper name ("A4", "A5", "A6").
    pub paper: String,
    /// "strike" or "approve_boxes".
    pub marking: Marking,
    /// Page size.
    pub page_mm: PageSize,
    /// TL, TR, BL, BR.
    pub fiducials_mm: Vec<MmRect>,
    /// The QR symbol (without quiet zone).
    pub qr_mm: MmRect,
    /// The QR symbol with its quiet zone.
    pub qr_quiet_mm: MmRect,
    /// Modules per side of the QR symbol.
    pub qr_modules: u32,
    /// Stamp area.
    pub stamp_mm: MmRect,
    /// Candidates in ballot order.
    pub candidates: Vec<CandidateGeometry>,
    /// Approval boxes, for `approve_boxes` ballots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boxes_mm: Option<ApproveBoxes>,
}

/// Page size in the geometry JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageSize {
    /// Width in mm.
    pub width: f64,
    /// Height in mm.
    pub height: f64,
}

/// One candidate in the geometry JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateGeometry {
    /// Candidate id.
    pub id: String,
    /// Printed full name.
    pub name: String,
    /// Tight ink box of the name.
    pub name_mm: MmRect,
    /// Baseline of the name.
    pub baseline_mm: f64,
    /// x-height band of the name.
    pub xheight_band_mm: MmBand,
}

impl BallotGeometry {
    /// Parses the JSON written by [`BallotLayout::to_json`].
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Layout-only helpers on the shared rectangle type.
pub(super) trait Rounded {
    /// Rounded to 0.01 mm, as layout.json prints it.
    fn rounded(&self) -> MmRect;
}

impl Rounded for MmRect {
    fn rounded(&self) -> MmRect {
        MmRect::new(r2(self.x), r2(self.y), r2(self.w), r2(self.h))
    }
}

impl BallotLayout {
    /// The public geometry (millimetres rounded to 0.01).
    pub fn geometry(&self) -> BallotGeometry {
        BallotGeometry {
            version: GEOMETRY_VERSION,
            paper: self.paper.as_str().to_string(),
            marking: self.marking,
            page_mm: PageSize {
                width: r2(self.width_mm),
                height: r2(self.height_mm),
            },
            fiducials_mm: self.fiducials_mm.iter().map(MmRect::rounded).collect(),
            qr_mm: self.qr.symbol_mm.rounded(),
            qr_quiet_mm: self.qr.quiet_mm.rounded(),
            qr_modules: QR_MODULES,
            stamp_mm: self.stamp_mm.rounded(),
            candidates: self
                .candidates
                .iter()
                .map(|c| CandidateGeometry {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    name_mm: c.name_mm.rounded(),
                    baseline_mm: r2(c.baseline_mm),
                    xheight_band_mm: MmBand {
                        top: r2(c.x_band_mm.top),
                        bottom: r2(c.x_band_mm.bottom),
                    },
                })
                .collect(),
            boxes_mm: self.boxes.map(|b| ApproveBoxes {
                approve: b.approve.rounded(),
                disapprove: b.disapprove.rounded(),
            }),
        }
    }

    /// The geometry as JSON text: the contract read by the interpreter.
    #[allow(clippy::expect_used)] // plain numbers and strings always serialise
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.geometry()).expect("geometry serialises")
    }
}
