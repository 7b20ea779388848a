//! Công khai / the public view: a second process on the same station database,
//! read-only (it never takes the station lock and sends no command), showing
//! the hall the live tally and the last ballot with what the machine read. A
//! thread of its own reads the database once a second; the UI thread only sets
//! what it sent.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use image::RgbImage;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::apply::upright;
use super::{KioskError, lifecycle, to_image};
use crate::kiosk::present::{self, TallyLine, tr};
use crate::kiosk::snapshot::fit;
use crate::kiosk::ui;
use kiemphieu_station::station::Station;

/// How often the hall's screen is brought up to date.
const EVERY: Duration = Duration::from_secs(1);

/// What the hall sees, read from the database.
struct HallView {
    title: String,
    tally: Vec<TallyLine>,
    needed: String,
    valid: u32,
    invalid: u32,
    awaiting: u32,
    /// The last ballot stored (only when it changed): its picture and reading.
    last: Option<(RgbImage, String)>,
    updated: String,
}

/// Reads the hall's view until `stop`; the station is opened afresh when
/// missing (the board may open the session after the hall's screen is on).
fn read_loop(db: &Path, en: bool, stop: &AtomicBool, out: &Sender<HallView>) {
    let mut station: Option<Station> = None;
    let mut shown: Option<i64> = None;
    while !stop.load(Ordering::SeqCst) {
        if station.is_none() && db.exists() {
            station = Station::open(db).ok();
        }
        if let Some(st) = &station {
            if let Some(v) = read_view(st, en, &mut shown) {
                if out.send(v).is_err() {
                    return;
                }
            }
        }
        std::thread::sleep(EVERY);
    }
}

fn read_view(st: &Station, en: bool, shown: &mut Option<i64>) -> Option<HallView> {
    let e = st.election();
    let sheets = st.sheets().ok()?;
    let count = st.count_of(&sheets).ok()?;
    // The last ballot read: a page still being read is shown once it is.
    let last = sheets.iter().rev().find(|s| s.reading.is_some());
    let picture = last.filter(|s| Some(s.sheet.id) != *shown).and_then(|s| {
        let reading = s.reading.as_ref()?;
        let (picture, _) = st.sheet_picture(s).ok()?;
        *shown = Some(s.sheet.id);
        let status =
            present::status_label(kiemphieu_station::station::status_code(reading.status), en);
        let words = present::reading_text(e, reading, s.certainty(), en);
        Some((
            upright(&fit(picture, 900), reading.rotation),
            format!("{status}. {words}"),
        ))
    });
    let i = &e.election;
    Some(HallView {
        title: format!("{} — {}, {}", i.title, i.unit, i.commune),
        tally: present::tally_lines(e, &count, en),
        needed: present::needed_text(e, en),
        valid: count.tally.valid,
        invalid: count.tally.invalid,
        awaiting: count.awaiting_review,
        last: picture,
        updated: format!(
            "{} {} {}",
            tr(en, "Đã quét", "Scanned"),
            sheets.len(),
            tr(en, "tờ", "sheets")
        ),
    })
}

fn show(w: &ui::PublicWindow, v: HallView) {
    let h = w.global::<ui::Hall>();
    h.set_title(v.title.into());
    h.set_tally(ModelRc::new(VecModel::from(
        v.tally
            .iter()
            .map(|l| ui::TallyRow {
                label: l.label.as_str().into(),
                votes: i32::try_from(l.votes).unwrap_or(i32::MAX),
                share: l.share.as_str().into(),
                needed: l.needed.as_str().into(),
                passing: l.passing,
            })
            .collect::<Vec<_>>(),
    )));
    h.set_needed_text(v.needed.into());
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    h.set_valid(int(v.valid));
    h.set_invalid(int(v.invalid));
    h.set_awaiting_review(int(v.awaiting));
    if let Some((picture, reading)) = v.last {
        h.set_last_image(to_image(&picture));
        h.set_last_reading(reading.into());
    }
    h.set_updated(v.updated.into());
}

/// Runs the public view of `db` until its window is closed (or SIGTERM).
pub fn run_public(db: &Path, english: bool, windowed: bool) -> Result<(), KioskError> {
    lifecycle::catch_signals();
    let window = ui::PublicWindow::new()?;
    window.global::<ui::Tr>().set_en(english);
    ui::speak(english);
    let (tx, rx): (Sender<HallView>, Receiver<HallView>) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (db, stop): (PathBuf, _) = (db.to_path_buf(), stop.clone());
        std::thread::spawn(move || read_loop(&db, english, &stop, &tx))
    };
    lifecycle::end_on_close(window.window());
    let weak = window.as_weak();
    let mut placed = windowed;
    let timer = slint::Timer::default();
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(200),
        move || {
            let Some(w) = weak.upgrade() else { return };
            if !placed {
                placed = true;
                lifecycle::cover_screen(w.window());
            }
            if lifecycle::stop_requested() {
                let _ = slint::quit_event_loop();
                return;
            }
            for v in rx.try_iter() {
                show(&w, v);
            }
        },
    );
    let ran = window
        .show()
        .and_then(|()| slint::run_event_loop_until_quit());
    timer.stop();
    let _ = window.hide();
    stop.store(true, Ordering::SeqCst);
    let _ = reader.join();
    ran?;
    Ok(())
}
