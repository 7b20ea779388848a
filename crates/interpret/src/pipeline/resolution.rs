//! The page's resolution is measured, not believed (issue 14): scanner
//! software often writes 72 or 96 dpi into JPEG and PNG headers whatever the
//! scan's real resolution. The file's (or profile's) resolution is tried
//! first; when the corner marks are not where it puts them, the resolutions
//! the page itself makes plausible are tried, and the marks' spacing then
//! gives the resolution (snapped to the standard ones, as for a file without
//! a header).

use super::{Coarse, Interpreter, PageView, Point, Stage, Trace, fiducials};

/// Lowest and highest ratio of measured to stated resolution that is a print
/// or scanner scale error rather than a wrong header: the profile's print-scale
/// limits refuse shrunk prints; beyond these the header is simply wrong.
const AGREE: (f64, f64) = (0.75, 1.33);

/// Whether a stated resolution agrees with the one measured from the marks.
pub(super) fn agrees(stated: f64, measured: f64) -> bool {
    let r = measured / stated;
    (AGREE.0..=AGREE.1).contains(&r)
}

impl Interpreter {
    /// The coarse view and the four corner marks, at the stated resolution or,
    /// failing that, at each resolution the page makes plausible.
    pub(super) fn locate(
        &self,
        view: &PageView<'_>,
        file_dpi: Option<f64>,
        trace: &mut Trace,
    ) -> Stage<(Coarse, [Point; 4])> {
        let stated = file_dpi.or(self.profile.scanner_dpi);
        let first = self.coarse(view, stated, None, trace)?;
        if self.marks_found(view, &first) >= 3 {
            return self.corner_marks(view, &first, trace).map(|m| (first, m));
        }
        let mut tried = vec![first.guess_dpi];
        for dpi in self.plausible_dpis(view, stated.is_some()) {
            if tried.iter().any(|&t| (dpi / t - 1.0).abs() < 0.04) {
                continue;
            }
            tried.push(dpi);
            let Ok(coarse) = self.coarse(view, None, Some(dpi), trace) else {
                continue;
            };
            if self.marks_found(view, &coarse) >= 3 {
                return self.corner_marks(view, &coarse, trace).map(|m| (coarse, m));
            }
        }
        // Nothing better: the first view's judgement (blank, or not a ballot's geometry).
        let m = self.corner_marks(view, &first, trace)?;
        Ok((first, m))
    }

    /// How many corner marks the coarse view shows at its resolution.
    fn marks_found(&self, view: &PageView<'_>, coarse: &Coarse) -> usize {
        let px_per_mm = coarse.guess_dpi / 25.4 / f64::from(coarse.factor);
        let marks = fiducials::find_marks(
            &coarse.image,
            coarse.factor,
            coarse.white,
            self.template.mark_side_mm * px_per_mm,
            view,
        );
        marks.iter().filter(|m| m.is_some()).count()
    }

    /// Resolutions to try, most likely first: the sheet filling the scan (when
    /// a stated one failed), then each standard resolution at which the scan
    /// is between 0.9 and 2.2 times the paper (a small sheet on a flatbed).
    fn plausible_dpis(&self, view: &PageView<'_>, stated: bool) -> Vec<f64> {
        let (w, h) = view.dimensions();
        let (pw, ph) = self.template.page_mm;
        let long_px = f64::from(w.max(h));
        let long_mm = pw.max(ph);
        let fill = long_px / (long_mm / 25.4) * 0.97;
        let mut out: Vec<f64> = self
            .profile
            .standard_dpis
            .iter()
            .copied()
            .filter(|&d| {
                let scan_mm = long_px / d * 25.4;
                (0.9..=2.2).contains(&(scan_mm / long_mm))
            })
            .collect();
        out.sort_by(|a, b| (a - fill).abs().total_cmp(&(b - fill).abs()));
        if stated {
            out.insert(0, fill);
        }
        out
    }
}
