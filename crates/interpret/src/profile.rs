//! Calibration profile: every threshold the interpreter uses, with its meaning.
//! The default lives in `calibration/default.toml`; `kiemphieu calibrate`
//! derives a scanner-specific one from scans of the calibration sheet.

use serde::{Deserialize, Serialize};

/// The default profile's text, compiled in so the binary works anywhere.
pub const DEFAULT_PROFILE_TOML: &str = include_str!("../../../calibration/default.toml");

/// Thresholds and scanner geometry. See `calibration/default.toml` for why each value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default = "Profile::builtin")]
pub struct Profile {
    /// Free-text name of the scanner or profile.
    pub name: String,
    /// Resolution the scanner is set to, when files do not record it.
    pub scanner_dpi: Option<f64>,
    /// Resolutions a scan may have when neither file nor profile says (snap targets).
    pub standard_dpis: Vec<f64>,
    /// Smallest accepted print scale (fit-to-page printing shrinks ballots).
    pub scale_min: f64,
    /// Largest accepted print scale.
    pub scale_max: f64,
    /// Largest accepted RMS deviation of the corner marks from a flat sheet, mm.
    pub registration_max_mm: f64,
    /// Ink is darker than this fraction of the local paper white.
    pub ink_fraction_of_white: f64,
    /// Faint ink is darker than this fraction of the local paper white.
    pub faint_ink_fraction_of_white: f64,
    /// Printed pixels of the template within this distance are not hand ink, mm.
    pub print_mask_mm: f64,
    /// Gaps in a stroke up to this long are pen lifts, bridged, mm.
    pub stroke_gap_bridge_mm: f64,
    /// A name is struck when at least this fraction of its width is crossed...
    pub struck_coverage: f64,
    /// ... at least this fraction through the letters' body ...
    pub struck_body_coverage: f64,
    /// ... at least this fraction through their core (x-height), which over- and underlines miss ...
    pub struck_core_coverage: f64,
    /// ... and every word of it at least this fraction ...
    pub struck_word_coverage: f64,
    /// ... and no uncrossed gap is longer than this, mm.
    pub struck_max_gap_mm: f64,
    /// A name is kept when at most this fraction of its width is crossed through the letters' body.
    pub kept_coverage: f64,
    /// Stamp present (colour scan): red ink covers at least this fraction of the stamp area.
    pub stamp_red_present: f64,
    /// Stamp absent (colour scan): red ink below this fraction.
    pub stamp_red_absent: f64,
    /// Stamp present (grey scan): ink at least this fraction of the area ...
    pub stamp_gray_present: f64,
    /// ... with a ring: this fraction of angular sectors inked near the outer edge.
    pub stamp_ring_sectors: f64,
    /// Stamp absent (grey scan): ink below this fraction.
    pub stamp_gray_absent: f64,
    /// Redness (R − max(G, B)) that makes a pixel stamp ink.
    pub stamp_redness: u8,
    /// Extra writing: a cluster of unexplained ink at least this many mm² ...
    pub extra_min_area_mm2: f64,
    /// ... or this long, mm.
    pub extra_min_extent_mm: f64,
    /// Unexplained ink clusters smaller than this are dust, ignored, mm².
    pub extra_dust_mm2: f64,
    /// A box counts as marked with at least this fraction inked.
    pub box_marked: f64,
    /// A box counts as empty with at most this fraction inked.
    pub box_empty: f64,
    /// A vertical streak darkens at least this fraction of a column more than its neighbours.
    pub streak_column_fraction: f64,
    /// A page is blank when less than this fraction of it is dark and no mark is found.
    pub blank_ink_fraction: f64,
}

impl Default for Profile {
    /// The default profile (equal to `calibration/default.toml`, checked by a test).
    fn default() -> Self {
        Profile::builtin()
    }
}

impl Profile {
    /// The values of `calibration/default.toml`, in code (kept equal by a test).
    pub fn builtin() -> Self {
        Profile {
            name: "default".into(),
            scanner_dpi: None,
            standard_dpis: vec![100.0, 150.0, 200.0, 240.0, 300.0, 400.0, 600.0],
            scale_min: 0.97,
            scale_max: 1.03,
            registration_max_mm: 1.5,
            ink_fraction_of_white: 0.7,
            faint_ink_fraction_of_white: 0.88,
            print_mask_mm: 0.3,
            stroke_gap_bridge_mm: 1.5,
            struck_coverage: 0.9,
            struck_body_coverage: 0.6,
            struck_core_coverage: 0.3,
            struck_word_coverage: 0.8,
            struck_max_gap_mm: 2.0,
            kept_coverage: 0.45,
            stamp_red_present: 0.03,
            stamp_red_absent: 0.004,
            stamp_gray_present: 0.04,
            stamp_ring_sectors: 0.75,
            stamp_gray_absent: 0.008,
            stamp_redness: 45,
            extra_min_area_mm2: 4.0,
            extra_min_extent_mm: 4.0,
            extra_dust_mm2: 1.0,
            box_marked: 0.06,
            box_empty: 0.015,
            streak_column_fraction: 0.6,
            blank_ink_fraction: 0.002,
        }
    }

    /// Parses a profile file's text; missing keys take the default values.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_parses_and_equals_the_builtin() {
        let parsed: Profile = toml::from_str(DEFAULT_PROFILE_TOML).unwrap();
        assert_eq!(parsed, Profile::builtin());
    }

    #[test]
    #[allow(clippy::float_cmp)] // parsed from the same literal: exact
    fn unknown_keys_are_refused() {
        assert!(Profile::from_toml("struck_coverag = 0.5").is_err());
        assert_eq!(
            Profile::from_toml("kept_coverage = 0.4")
                .unwrap()
                .kept_coverage,
            0.4
        );
    }
}
