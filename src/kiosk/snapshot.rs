//! The view of the counting session the service sends: built from one read of
//! the sheets, with the next doubtful ballot's pictures scaled here, on the
//! service thread, and kept while that ballot waits.
#![warn(clippy::as_conversions)]

use image::RgbImage;

use kiemphieu_core::election::Election;
use kiemphieu_core::rules::{Check, Counts};
use kiemphieu_station::station::{Count, Place, Setup, Station, StationError};
use kiemphieu_station::store::{Decision, Reconciliation, SessionState, SheetRecord, StationMode};

/// The pictures of the doubtful ballot last shown: its sheet, picture and zoom.
pub(super) type ReviewCache = Option<(i64, Option<RgbImage>, Option<RgbImage>)>;

/// A page waiting for the officials, as shown to them.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    /// The sheet.
    pub sheet: SheetRecord,
    /// Where the machine puts it and why it waits.
    pub place: Place,
    /// The machine's reading.
    pub reading: Option<kiemphieu_interpret::Reading>,
    /// The whole page with the overlay.
    pub picture: Option<RgbImage>,
    /// The doubtful part, enlarged — or, for a repeated serial, the first paper
    /// that carries it, shown beside the second.
    pub zoom: Option<RgbImage>,
}

/// The latest decision still in force (what undo would withdraw).
#[derive(Debug, Clone, PartialEq)]
pub struct LastDecision {
    /// Sheet id.
    pub sheet: i64,
    /// The decision.
    pub decision: Decision,
    /// Who decided.
    pub official: String,
}

/// The state of the counting session.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The election counted.
    pub election: Election,
    /// Real or demo (a demo says so on every screen).
    pub mode: StationMode,
    /// Session id.
    pub session: i64,
    /// Session state.
    pub state: SessionState,
    /// Board, witnesses, attendance.
    pub setup: Setup,
    /// The count so far.
    pub count: Count,
    /// Sheets stored in the session.
    pub sheets: u32,
    /// Issued/returned, once entered.
    pub reconciliation: Option<Reconciliation>,
    /// The identities of rules.md §6, once issued/returned are entered.
    pub checks: Vec<Check>,
    /// Board members who confirmed.
    pub confirmations: Vec<String>,
    /// Complaints received at the count.
    pub complaints: Vec<kiemphieu_station::store::Complaint>,
    /// The next doubtful ballot (least certain first), if any.
    pub review: Option<ReviewItem>,
    /// The latest decision still in force.
    pub last_decision: Option<LastDecision>,
    /// The current batch's name.
    pub batch: String,
}

/// The snapshot of the session from one read of its sheets.
pub(super) fn build_snapshot(
    st: &Station,
    states: &[SheetRecord],
    batch: &str,
    cache: &mut ReviewCache,
) -> Result<Snapshot, StationError> {
    let count = st.count_of(states)?;
    let setup = st.setup()?;
    let store = st.store();
    let reconciliation = store.reconciliation(st.session())?;
    let checks = reconciliation
        .as_ref()
        .map(|r| {
            kiemphieu_core::rules::reconcile(
                st.election(),
                &Counts {
                    households: st.election().election.households,
                    attendance: setup.attendance,
                    issued: r.issued,
                    returned: r.returned,
                    spoiled: r.spoiled,
                },
                &count.tally,
            )
        })
        .unwrap_or_default();
    let review = kiemphieu_station::station::review_queue_of(states, &count)
        .first()
        .map(|s| {
            let place = count
                .sheets
                .get(&s.sheet.id)
                .cloned()
                .unwrap_or(Place::Pending);
            let (picture, zoom) = match cache {
                Some((id, p, z)) if *id == s.sheet.id => (p.clone(), z.clone()),
                _ => {
                    let (p, mut z) = match st.sheet_picture(s) {
                        Ok((p, z)) => (Some(fit(p, 900)), z.map(|z| fit(z, 900))),
                        Err(_) => (None, None),
                    };
                    // A repeated serial: the first paper beside the second.
                    if let Place::Awaiting {
                        first: Some(first), ..
                    } = &place
                    {
                        z = states
                            .iter()
                            .find(|f| f.sheet.id == *first)
                            .and_then(|f| st.sheet_picture(f).ok())
                            .map(|(p, _)| fit(p, 900));
                    }
                    *cache = Some((s.sheet.id, p.clone(), z.clone()));
                    (p, z)
                }
            };
            ReviewItem {
                sheet: (*s).clone(),
                reading: s.reading.clone(),
                place,
                picture,
                zoom,
            }
        });
    let last_decision = store
        .last_decision(st.session())?
        .map(|(sheet, d)| LastDecision {
            sheet,
            decision: d.decision,
            official: d.official,
        });
    Ok(Snapshot {
        election: st.election().clone(),
        mode: st.mode(),
        session: st.session(),
        state: st.state()?,
        setup,
        sheets: u32::try_from(states.len()).unwrap_or(u32::MAX),
        count,
        reconciliation,
        checks,
        confirmations: store.confirmations(st.session())?,
        complaints: store.complaints(st.session())?,
        review,
        last_decision,
        batch: batch.to_string(),
    })
}

/// A picture no larger than `max_side` on its longer side: scaled here, on the
/// service thread, so the UI thread never copies or scales a full-size overlay.
pub(super) fn fit(img: RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= max_side {
        return img;
    }
    let s = f64::from(max_side) / f64::from(w.max(h));
    // s < 1, so each scaled side fits in a u32.
    #[allow(clippy::as_conversions)]
    let scaled = |side: u32| ((f64::from(side) * s) as u32).max(1);
    image::imageops::resize(
        &img,
        scaled(w),
        scaled(h),
        image::imageops::FilterType::Triangle,
    )
}
