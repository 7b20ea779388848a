//! Wiring: each callback of the window becomes a command to the service (or a
//! change of the view state), one function per screen.

use std::path::PathBuf;
use std::rc::Rc;

use slint::{ComponentHandle, Model, SharedString};

use super::render::render;
use super::{Shared, chosen_official, save_view_state};
use crate::kiosk::present::{ReviewChoice, tr};
use crate::kiosk::service::Command;
use crate::kiosk::{ui, wording};
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
        save_view_state(&s.db, n, s.state.borrow().english);
        render(w, s);
    });
    on!(k, with, on_set_english, |w, s, en: bool| {
        s.state.borrow_mut().english = en;
        let screen = w.global::<ui::Kiosk>().get_screen();
        save_view_state(&s.db, screen, en);
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

/// Review: decide on a doubtful ballot, undo the latest decision.
fn wire_review(k: &ui::Kiosk<'_>, with: &With) {
    on!(k, with, on_decide, |w, s, i: i32| {
        let k = w.global::<ui::Kiosk>();
        let official = usize::try_from(k.get_official_index())
            .ok()
            .and_then(|o| k.get_officials().row_data(o));
        let (sheet, choice) = {
            let st = s.state.borrow();
            let choice = usize::try_from(i)
                .ok()
                .and_then(|i| st.options.get(i).cloned());
            (st.review_sheet, choice)
        };
        let official = official.map(|o| o.to_string());
        match (sheet, choice, official) {
            (Some(sheet), Some(ReviewChoice::Decide(decision)), Some(official)) => {
                s.service.send(Command::Decide {
                    sheet,
                    decision,
                    official,
                });
            }
            (_, Some(ReviewChoice::ConfirmBlankPages), Some(official)) => {
                s.service.send(Command::ConfirmBlankPages { official });
            }
            _ => {}
        }
    });
    on!(k, with, on_undo, |w, s| {
        let k = w.global::<ui::Kiosk>();
        s.service.send(Command::Undo {
            official: chosen_official(&k),
        });
    });
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
