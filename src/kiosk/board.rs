//! The board's commands on the counting session: load the election, open the
//! session, decide and undo, reconcile, record complaints, confirm. Each tells
//! the operator how it went and sends a fresh snapshot.

use std::path::{Path, PathBuf};

use kiemphieu_station::station::{Opening, Setup, Station};
use kiemphieu_station::store::Decision;

use super::messages::{Notice, ScannerState, Update};
use super::scan_thread::current_batch;
use super::service::Worker;

impl Worker {
    /// Reads an election file (before a session is open).
    pub(super) fn load_election(&mut self, path: PathBuf) {
        match kiemphieu_core::election::load_election(&path) {
            Ok(election) => {
                self.election = Some((path.clone(), election.clone()));
                self.send(Update::ElectionLoaded {
                    path,
                    election: Box::new(election),
                });
            }
            Err(e) => self.notice(Notice::CannotReadElection {
                reason: e.to_string(),
            }),
        }
    }

    /// Opens the counting session for the election with the board's set-up.
    pub(super) fn open_session(&mut self, election: &Path, setup: &Setup) {
        if self.station.is_some() {
            self.notice(Notice::SessionAlreadyOpen);
            return;
        }
        if setup.leader.trim().is_empty() || setup.attendance == 0 {
            self.notice(Notice::SetupIncomplete);
            return;
        }
        let opening = Opening {
            setup: setup.clone(),
            demo: self.config.demo,
            print_runs: print_runs_beside(election),
            ..Opening::default()
        };
        match Station::create(&self.config.db, election, &opening) {
            Ok(st) => {
                self.batch = current_batch(&st);
                self.station = Some(st);
                self.notice(Notice::SessionOpened);
                self.send(Update::Scanner(ScannerState::Idle));
                self.snapshot();
            }
            Err(e) => self.notice(Notice::CannotOpenSession {
                reason: e.to_string(),
            }),
        }
    }

    /// Records an official's decision on a page waiting for the officials.
    pub(super) fn decide(&mut self, sheet: i64, decision: &Decision, official: &str) {
        let r =
            self.with_station(|st| st.decide(sheet, decision, "decided at the kiosk", official));
        if let Err(e) = r {
            self.notice(Notice::CannotDecide {
                reason: e.to_string(),
            });
        }
        self.snapshot();
    }

    /// Confirms every blank page waiting as not a ballot, together.
    pub(super) fn confirm_blank_pages(&mut self, official: &str) {
        if let Err(e) = self.with_station(|st| st.confirm_blank_pages(official)) {
            self.notice(Notice::CannotDecide {
                reason: e.to_string(),
            });
        }
        self.snapshot();
    }

    /// Withdraws the latest decision.
    pub(super) fn undo(&mut self, official: &str) {
        let notice = match self.with_station(|st| st.undo_decision(official)) {
            Ok(Some(sheet)) => Notice::DecisionWithdrawn { sheet },
            Ok(None) => Notice::NothingToUndo,
            Err(e) => Notice::CannotUndo {
                reason: e.to_string(),
            },
        };
        self.notice(notice);
        self.snapshot();
    }

    /// Enters issued/returned and checks the identities of rules.md §6.
    pub(super) fn reconcile(
        &mut self,
        issued: u32,
        returned: u32,
        spoiled: u32,
        note: Option<&str>,
    ) {
        if self.scan.is_some() {
            self.notice(Notice::StopScanningFirst);
            return;
        }
        let notice = match self.with_station(|st| st.close(issued, returned, spoiled, note)) {
            Ok(checks) if checks.iter().all(|c| c.holds) => Notice::Reconciled,
            Ok(_) => Notice::NotReconciled,
            Err(e) => Notice::CannotReconcile {
                reason: e.to_string(),
            },
        };
        self.notice(notice);
        self.snapshot();
    }

    /// A board member confirms the reconciled count.
    pub(super) fn confirm(&mut self, member: &str) {
        let notice = match self.with_station(|st| st.confirm(member)) {
            Ok(missing) if missing.is_empty() => Notice::BoardConfirmed,
            Ok(missing) => Notice::MemberConfirmed {
                member: member.to_string(),
                missing,
            },
            Err(e) => Notice::CannotConfirm {
                reason: e.to_string(),
            },
        };
        self.notice(notice);
        self.snapshot();
    }

    /// Records a complaint received at the count and how the board handled it.
    pub(super) fn record_complaint(
        &mut self,
        lodged_by: &str,
        content: &str,
        handling: &str,
        recorded_by: &str,
    ) {
        let notice = match self
            .with_station(|st| st.record_complaint(lodged_by, content, handling, recorded_by))
        {
            Ok(_) => Notice::ComplaintRecorded,
            Err(e) => Notice::CannotRecordComplaint {
                reason: e.to_string(),
            },
        };
        self.notice(notice);
        self.snapshot();
    }
}

/// The print-run files `kiemphieu ballots` wrote for this election and round
/// beside the election file (its folder and the folders in it): the ballots
/// they list are the issued forms of the count.
fn print_runs_beside(election: &Path) -> Vec<PathBuf> {
    let Ok(e) = kiemphieu_core::election::load_election(election) else {
        return Vec::new();
    };
    let fingerprint = kiemphieu_core::election::Fingerprint::of(&e).to_hex();
    let folder = match election.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut candidates = vec![folder.join("print-run.json")];
    if let Ok(dir) = std::fs::read_dir(&folder) {
        candidates.extend(
            dir.flatten()
                .filter(|d| d.path().is_dir())
                .map(|d| d.path().join("print-run.json")),
        );
    }
    candidates
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|v| {
                    v["fingerprint"] == fingerprint.as_str()
                        && v["round"].as_u64() == Some(u64::from(e.election.round))
                })
        })
        .collect()
}
