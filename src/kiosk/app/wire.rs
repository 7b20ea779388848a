//! Wiring: each callback of the window becomes a command to the service (or a
//! change of the view state), one function per screen.

use std::path::PathBuf;
use std::rc::Rc;

use slint::{ComponentHandle, Model, SharedString};

use super::render::render;
use super::{Shared, chosen_official};
use crate::kiosk::present::{ReviewChoice, tr};
use crate::kiosk::service::Command;
use crate::kiosk::{review_input, ui, wording};
use kiemphieu_station::station::Setup;

/// Runs a callback's body with the window and the shared state, while the window lives.
type With = Rc<dyn Fn(&dyn Fn(&ui::KioskWindow, &Shared))>;

/// Connects `$setter`'s callback to a body that gets the window and the shared state.
macro_rules! on {
    ($k:expr, $with:expr, $setter:ident, |$w:ident, $s:ident $(, $arg:ident : $ty:ty)*| $body:block) => {{
        let with = $with.clone();
        $k.$setter(move |$($arg: $ty),*| with(&|$w: &ui::KioskWindow, $s: &Shared| $body));
    }};
}

/// Connects every callback of the window.
pub(super) fn wire(window: &ui::KioskWindow, shared: &Rc<Shared>) {
    let weak = window.as_weak();
    let sh = shared.clone();
    let with: With = Rc::new(move |f: &dyn Fn(&ui::KioskWindow, &Shared)| {
        if let Some(w) = weak.upgrade() {
            f(&w, &sh);
        }
    });
    let k = window.global::<ui::Kiosk>();
    wire_navigation(&k, &with);
    wire_setup(&k, &with);
    wire_counting(&k, &with);
    wire_review(&k, &with);
    wire_reconcile(&k, &with);
    wire_sheet(&k, &with);
}

/// Screens and language, remembered beside the database.
fn wire_navigation(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_go, |w, s, n: i32| {
        s.state.borrow_mut().screen = Some(n);
        s.save_view();
        render(w, s);
    });
    on!(k, with, on_set_english, |w, s, en: bool| {
        {
            let mut st = s.state.borrow_mut();
            st.english = en;
            st.screen = Some(w.global::<ui::Kiosk>().get_screen());
        }
        s.save_view();
        render(w, s);
    });
}

/// Set-up: the election file, the scanner, the test sheet and the board.
fn wire_setup(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_load_election, |w, s| {
        let path = w.global::<ui::Kiosk>().get_election_path().to_string();
        if !path.trim().is_empty() {
            s.service
                .send(Command::LoadElection(PathBuf::from(path.trim())));
        }
    });
    on!(k, with, on_choose_election, |w, s, i: i32| {
        let path = usize::try_from(i)
            .ok()
            .and_then(|i| s.state.borrow().election_files.get(i).cloned());
        if let Some(p) = path {
            w.global::<ui::Kiosk>()
                .set_election_path(p.display().to_string().into());
            s.service.send(Command::LoadElection(p));
        }
    });
    on!(k, with, on_choose_source, |w, s, i: i32| {
        let source = usize::try_from(i)
            .ok()
            .and_then(|i| s.state.borrow().sources.get(i).cloned());
        if let Some(src) = source {
            w.global::<ui::Kiosk>().set_scanner_source(src.into());
        }
    });
    on!(k, with, on_open_session, |w, s| {
        let k = w.global::<ui::Kiosk>();
        let loaded = s.state.borrow().election.clone();
        let Some((election, file)) = loaded else {
            return;
        };
        // The day of the count as the board answered (rules.md §12); unanswered
        // while the dates differ, the station refuses to open and says why.
        let (file_date, clock_date) = super::render::count_dates(&file);
        let count_date = match k.get_count_date_choice() {
            1 => Some(file_date),
            2 => Some(clock_date),
            _ => None,
        };
        let list = |t: SharedString| -> Vec<String> {
            t.split([',', ';'])
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let attendance = k.get_attendance().trim().parse::<u32>().unwrap_or(0);
        // rules.md: the count is witnessed by two household representatives.
        if list(k.get_witnesses()).len() < 2 {
            let (vi, en) = wording::two_witnesses_needed();
            s.state.borrow_mut().notice = Some((vi, en, true));
            render(w, s);
            return;
        }
        let setup = Setup {
            leader: k.get_leader().trim().to_string(),
            members: list(k.get_members()),
            witnesses: list(k.get_witnesses()),
            attendance,
            count_date,
            ..Setup::default()
        };
        s.service.send(Command::OpenSession { election, setup });
    });
    on!(k, with, on_test_scanner, |w, s| {
        let source = w.global::<ui::Kiosk>().get_scanner_source().to_string();
        s.state.borrow_mut().test_message = Some(wording::test_scanning());
        s.service.send(Command::TestScan { source });
        render(w, s);
    });
}

/// Counting: start, pause, new batch.
fn wire_counting(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_start_scan, |w, s| {
        let source = w.global::<ui::Kiosk>().get_scanner_source().to_string();
        s.service.send(Command::StartScan { source });
    });
    on!(k, with, on_pause_scan, |_w, s| {
        s.service.send(Command::Pause);
    });
    on!(k, with, on_new_batch, |_w, s| {
        s.service.send(Command::NewBatch);
    });
}

/// Review: decide on a doubtful ballot (by button or key), undo the latest decision.
fn wire_review(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_decide, |w, s, i: i32| {
        if let Ok(i) = usize::try_from(i) {
            decide(w, s, i);
        }
    });
    let w2 = with.clone();
    k.on_verdict_key(move |key| {
        let known = std::cell::Cell::new(false);
        w2(&|w, s| {
            let options = s.state.borrow().options.len();
            if let Some(i) = review_input::verdict_index(&key, options) {
                known.set(true);
                decide(w, s, i);
            }
        });
        known.get()
    });
    on!(k, with, on_undo, |w, s| {
        let k = w.global::<ui::Kiosk>();
        s.state.borrow_mut().debounce.undone();
        s.service.send(Command::Undo {
            official: chosen_official(&k),
        });
    });
}

/// Sends the `i`-th verdict on the ballot shown, once: a second tap (or key) on
/// the same sheet, or one landing on a ballot that has only just appeared, is
/// ignored; with no official chosen, the notice says what to do first.
fn decide(w: &ui::KioskWindow, s: &Shared, i: usize) {
    let k = w.global::<ui::Kiosk>();
    let official = usize::try_from(k.get_official_index())
        .ok()
        .and_then(|o| k.get_officials().row_data(o));
    let Some(official) = official else {
        let (vi, en) = wording::choose_official_first();
        s.state.borrow_mut().notice = Some((vi, en, true));
        render(w, s);
        return;
    };
    let mut st = s.state.borrow_mut();
    let (Some(sheet), Some(choice)) = (st.review_sheet, st.options.get(i).cloned()) else {
        return;
    };
    let delay = st.debounce_time;
    if st
        .debounce
        .decide(sheet, std::time::Instant::now(), delay)
        .is_ok()
    {
        drop(st);
        let official = official.to_string();
        s.service.send(match choice {
            ReviewChoice::Decide(decision) => Command::Decide {
                sheet,
                decision,
                official,
            },
            ReviewChoice::ConfirmBlankPages => Command::ConfirmBlankPages { official },
        });
    }
}

/// Reconcile: the figures, complaints, each member's confirmation.
fn wire_reconcile(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_reconcile, |w, s| {
        let k = w.global::<ui::Kiosk>();
        let num = |t: SharedString| t.trim().parse::<u32>().ok();
        if let (Some(issued), Some(returned)) = (num(k.get_issued()), num(k.get_returned())) {
            let note = k.get_reconcile_note().trim().to_string();
            s.service.send(Command::Reconcile {
                issued,
                returned,
                spoiled: num(k.get_spoiled()).unwrap_or(0),
                note: (!note.is_empty()).then_some(note),
            });
        } else {
            let (vi, en) = wording::figures_missing();
            s.state.borrow_mut().notice = Some((vi, en, true));
            render(w, s);
        }
    });
    on!(k, with, on_confirm, |_w, s, i: i32| {
        let member = s.state.borrow().snapshot.as_ref().and_then(|snap| {
            usize::try_from(i)
                .ok()
                .and_then(|i| snap.setup.board().get(i).cloned())
        });
        if let Some(member) = member {
            s.service.send(Command::Confirm { member });
        }
    });
    on!(k, with, on_record_complaint, |w, s| {
        let k = w.global::<ui::Kiosk>();
        let recorded_by = chosen_official(&k);
        let known = s
            .state
            .borrow()
            .snapshot
            .as_ref()
            .map_or(0, |snap| snap.complaints.len());
        s.state.borrow_mut().complaint_sent = Some(known);
        s.service.send(Command::RecordComplaint {
            lodged_by: k.get_complaint_from().to_string(),
            content: k.get_complaint_text().to_string(),
            handling: k.get_complaint_handling().to_string(),
            recorded_by,
        });
    });
}

/// The copies typed on the tally-sheet screen (1–20).
fn copies(k: &ui::Kiosk<'_>) -> u32 {
    k.get_copies()
        .trim()
        .parse::<u32>()
        .unwrap_or(1)
        .clamp(1, 20)
}

/// Tally sheet: print the biên bản or the community's decision, export the bundle.
fn wire_sheet(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_print_sheet, |w, s| {
        let k = w.global::<ui::Kiosk>();
        k.set_report_status(
            tr(
                s.state.borrow().english,
                "Đang lập biên bản…",
                "Writing the tally sheet…",
            )
            .into(),
        );
        s.service.send(Command::PrintSheet {
            copies: copies(&k),
            decision: false,
        });
    });
    on!(k, with, on_print_decision, |w, s| {
        let k = w.global::<ui::Kiosk>();
        k.set_report_status(
            tr(
                s.state.borrow().english,
                "Đang lập quyết định của cộng đồng dân cư (Mẫu 03)…",
                "Writing the community's decision (Mẫu 03)…",
            )
            .into(),
        );
        s.service.send(Command::PrintSheet {
            copies: copies(&k),
            decision: true,
        });
    });
    on!(k, with, on_export_bundle, |w, s| {
        let out = w.global::<ui::Kiosk>().get_export_path().trim().to_string();
        if !out.is_empty() {
            s.service.send(Command::Export {
                out: PathBuf::from(out),
            });
        }
    });
}
