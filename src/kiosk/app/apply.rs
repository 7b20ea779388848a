//! Applying the service's updates to the view state: what the service sent is
//! kept, and worded (`wording`) so that a change of language needs no new update.

use std::time::Instant;

use image::RgbImage;
use slint::ComponentHandle;

use super::{Shared, fill_board, to_image};
use crate::kiosk::service::{Notice, ScannerState, Update};
use crate::kiosk::{ui, wording};
use kiemphieu_station::store::SessionState;

/// Keeps one update in the view state (and sets the pictures it brings).
pub(super) fn apply(w: &ui::KioskWindow, s: &Shared, u: Update) {
    let k = w.global::<ui::Kiosk>();
    let mut st = s.state.borrow_mut();
    match u {
        Update::ElectionLoaded { path, election } => {
            k.set_election_path(path.display().to_string().into());
            st.election = Some((path, *election));
            st.notice = None;
        }
        Update::ElectionFiles(files) => st.election_files = files,
        Update::ScannerSources(v) => st.sources = v,
        Update::Snapshot(snap) => {
            if !st.board_filled {
                st.board_filled = true;
                fill_board(w, &snap.setup);
                if let Some(r) = &snap.reconciliation {
                    k.set_issued(r.issued.to_string().into());
                    k.set_returned(r.returned.to_string().into());
                    k.set_spoiled(r.spoiled.to_string().into());
                }
            }
            let review = snap.review.as_ref();
            if review.map(|r| r.sheet.sheet.id) != st.review_sheet {
                st.review_sheet = review.map(|r| r.sheet.sheet.id);
                let shown = st.review_sheet;
                st.debounce.shown(shown, Instant::now());
                // Shown upright: the scan is turned back by the rotation the reading found.
                let rotation = review
                    .and_then(|r| r.reading.as_ref())
                    .map_or(0, |r| r.rotation);
                let show = |img: Option<&RgbImage>| {
                    img.map_or_else(slint::Image::default, |i| to_image(&upright(i, rotation)))
                };
                k.set_review_image(show(review.and_then(|r| r.picture.as_ref())));
                k.set_review_zoom(show(review.and_then(|r| r.zoom.as_ref())));
            }
            if std::mem::take(&mut st.interrupted) {
                let (vi, en) = wording::scan_interrupted(&snap.batch, snap.sheets);
                st.notice = Some((vi, en, false));
            }
            if st.screen.is_none() {
                st.screen = Some(match snap.state {
                    SessionState::Setup | SessionState::Counting | SessionState::Review => 1,
                    SessionState::Reconciled => 3,
                    SessionState::Confirmed | SessionState::Closed => 4,
                });
            }
            st.snapshot = Some(snap);
        }
        Update::Scanner(state) => {
            let running = matches!(
                state,
                ScannerState::Running { .. }
                    | ScannerState::Paused { .. }
                    | ScannerState::Fault { .. }
            );
            st.scanner = Some(state);
            if running != st.scan_started {
                st.scan_started = running;
                drop(st);
                s.save_view();
            }
        }
        Update::LastSheet {
            sheet,
            status,
            serial,
            picture,
        } => {
            k.set_last_image(to_image(&picture));
            st.last_caption = Some((sheet, status, serial));
        }
        Update::TestSheet { result, picture } => {
            if let Some(p) = picture {
                k.set_test_image(to_image(&p));
            }
            st.test_message = Some(wording::test_result(&result));
        }
        Update::SheetWritten {
            path,
            is_final,
            preview,
        } => {
            if let Some(p) = preview {
                k.set_sheet_preview(to_image(&p));
            }
            let (vi, en) = wording::sheet_written(&path, is_final);
            st.notice = Some((vi, en, false));
            k.set_report_status(path.display().to_string().into());
        }
        Update::Notice(notice) => {
            if notice == Notice::SessionOpened {
                st.screen = Some(1);
            }
            let (vi, en) = wording::notice_texts(&notice);
            st.notice = Some((vi, en, notice.is_error()));
        }
    }
}

/// A scan turned upright: `rotation` is how far the page was found turned, clockwise.
pub(super) fn upright(img: &RgbImage, rotation: u16) -> RgbImage {
    match rotation {
        90 => image::imageops::rotate270(img),
        180 => image::imageops::rotate180(img),
        270 => image::imageops::rotate90(img),
        _ => img.clone(),
    }
}
