//! The kiosk app: the window bound to a running station service. Updates are
//! applied (`apply`) to a small view state, rendered (`render`) screen by
//! screen; callbacks are wired (`wire`) to commands.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::{ComponentHandle, Model};

use super::beside;
use super::present::ReviewChoice;
use super::review_input::{DEBOUNCE, Debounce};
use super::service::{Command, ScannerState, Service, ServiceConfig, Snapshot};
use super::ui;
use kiemphieu_core::election::Election;
use kiemphieu_station::station::Setup;

mod apply;
mod lifecycle;
mod public;
mod render;
mod view_state;
mod wire;

pub use public::run_public;
pub use view_state::view_state_path;
use view_state::{SavedView, load_view_state, save_view_state};

/// How the kiosk is started.
#[derive(Debug, Clone, Default)]
pub struct KioskOptions {
    /// The station database.
    pub db: PathBuf,
    /// An election file to load at start.
    pub election: Option<PathBuf>,
    /// The scanner source to offer first.
    pub scanner: Option<String>,
    /// Board and attendance to prefill (the demo).
    pub prefill: Option<Setup>,
    /// Start in English.
    pub english: bool,
    /// Folders searched for election files; empty: /media and the working folder.
    pub election_dirs: Vec<PathBuf>,
    /// A demo: a new database is made a demo station, the simulator is offered.
    pub demo: bool,
    /// How long a newly shown review ballot ignores taps (None: `review_input::DEBOUNCE`).
    pub debounce: Option<Duration>,
}

/// A kiosk failure.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    /// No windowing system could be used.
    #[error("cannot open the kiosk window: {0}")]
    Platform(#[from] slint::PlatformError),
    /// The event loop failed.
    #[error("kiosk event loop: {0}")]
    EventLoop(#[from] slint::EventLoopError),
}

/// What the kiosk keeps of the service's updates, and the choices on screen.
// Four independent facts of the view (language, an interrupted run, a batch
// scanning, the board typed in), not one state that an enum would name.
#[allow(clippy::struct_excessive_bools)]
#[derive(Default)]
struct ViewState {
    english: bool,
    screen: Option<i32>,
    snapshot: Option<Box<Snapshot>>,
    election: Option<(PathBuf, Election)>,
    election_files: Vec<PathBuf>,
    sources: Vec<String>,
    scanner: Option<ScannerState>,
    notice: Option<(String, String, bool)>,
    test_message: Option<(String, String)>,
    last_caption: Option<(i64, String, Option<String>)>,
    options: Vec<ReviewChoice>,
    review_sheet: Option<i64>,
    /// One tap, one decision (`review_input`).
    debounce: Debounce,
    debounce_time: Duration,
    /// The last run was closed while scanning: say so once the session is read.
    interrupted: bool,
    /// A batch is being scanned (saved, so that a restart knows it was cut short).
    scan_started: bool,
    board_filled: bool,
    /// Complaints known when one was sent: the form closes once the count grows.
    complaint_sent: Option<usize>,
}

/// The service and the view state, shared by the callbacks.
struct Shared {
    service: Service,
    state: RefCell<ViewState>,
    db: PathBuf,
}

impl Shared {
    /// Saves the screen, the language and whether a batch is being scanned.
    fn save_view(&self) {
        let st = self.state.borrow();
        save_view_state(
            &self.db,
            SavedView {
                screen: st.screen.unwrap_or(0),
                english: st.english,
                scanning: st.scan_started,
            },
        );
    }
}

/// The kiosk window bound to a running station service.
pub struct KioskApp {
    window: ui::KioskWindow,
    shared: Rc<Shared>,
}

impl KioskApp {
    /// Creates the window (on the current Slint platform) and starts the service.
    pub fn new(options: &KioskOptions) -> Result<KioskApp, KioskError> {
        let window = ui::KioskWindow::new()?;
        let mut config = ServiceConfig::new(&options.db);
        config.election.clone_from(&options.election);
        if !options.election_dirs.is_empty() {
            config.election_dirs.clone_from(&options.election_dirs);
        }
        config.demo = options.demo;
        let saved = load_view_state(&options.db);
        let state = ViewState {
            english: saved.map_or(options.english, |s| s.english),
            screen: saved.map(|s| s.screen),
            interrupted: saved.is_some_and(|s| s.scanning),
            debounce_time: options.debounce.unwrap_or(DEBOUNCE),
            ..Default::default()
        };
        let shared = Rc::new(Shared {
            service: Service::start(config),
            state: RefCell::new(state),
            db: options.db.clone(),
        });
        let k = window.global::<ui::Kiosk>();
        if let Some(s) = &options.scanner {
            k.set_scanner_source(s.into());
        }
        k.set_export_path(beside(&options.db, ".export").display().to_string().into());
        if let Some(p) = &options.election {
            k.set_election_path(p.display().to_string().into());
        }
        if let Some(setup) = &options.prefill {
            fill_board(&window, setup);
        }
        wire::wire(&window, &shared);
        let app = KioskApp { window, shared };
        app.render();
        Ok(app)
    }

    /// The Slint window.
    pub fn window(&self) -> &ui::KioskWindow {
        &self.window
    }

    /// Applies every update the service has sent; returns how many.
    pub fn pump(&self) -> usize {
        let updates = self.shared.service.drain();
        let n = updates.len();
        if n > 0 {
            for u in updates {
                apply::apply(&self.window, &self.shared, u);
            }
            self.render();
        }
        n
    }

    /// Pumps until `done` holds or `timeout` passes (tests, scripted runs).
    pub fn pump_until(&self, timeout: Duration, done: impl Fn(&ui::KioskWindow) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.pump();
            if done(&self.window) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks the service for a fresh snapshot.
    pub fn refresh(&self) {
        self.shared.service.send(Command::Refresh);
    }
    fn render(&self) {
        render::render(&self.window, &self.shared);
    }
}

/// The official chosen on screen (the first one when none is).
fn chosen_official(k: &ui::Kiosk<'_>) -> String {
    k.get_officials()
        .row_data(usize::try_from(k.get_official_index().max(0)).unwrap_or(0))
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Fills the board and attendance fields.
fn fill_board(w: &ui::KioskWindow, setup: &Setup) {
    let k = w.global::<ui::Kiosk>();
    k.set_leader(setup.leader.as_str().into());
    k.set_members(setup.members.join(", ").into());
    k.set_witnesses(setup.witnesses.join(", ").into());
    k.set_attendance(setup.attendance.to_string().into());
}

/// A picture as Slint shows it.
fn to_image(img: &image::RgbImage) -> slint::Image {
    slint::Image::from_rgb8(
        slint::SharedPixelBuffer::<slint::Rgb8Pixel>::clone_from_slice(
            img.as_raw(),
            img.width(),
            img.height(),
        ),
    )
}

/// True when a window can be opened here: a windowing backend is built in and
/// a display (X11 or Wayland) is set in the environment.
pub fn display_available() -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    (cfg!(feature = "desktop") && set("DISPLAY"))
        || (cfg!(feature = "wayland") && set("WAYLAND_DISPLAY"))
}

/// Runs the kiosk on the platform's window system until the window is closed
/// (any way: `lifecycle`); full screen unless `windowed`. On the way out the
/// service is stopped before this returns: the feeder is held, the sheet in
/// flight is stored and the station lock released.
pub fn run(options: &KioskOptions, windowed: bool) -> Result<(), KioskError> {
    lifecycle::catch_signals();
    let app = Rc::new(KioskApp::new(options)?);
    lifecycle::end_on_close(app.window().window());
    let timer = slint::Timer::default();
    let pumped = Rc::downgrade(&app);
    let mut placed = windowed;
    // The only periodic work on the UI thread: apply what the service has sent.
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(40),
        move || {
            let Some(app) = pumped.upgrade() else { return };
            if !placed {
                placed = true;
                lifecycle::cover_screen(app.window().window());
            }
            if lifecycle::stop_requested() {
                let _ = slint::quit_event_loop();
                return;
            }
            app.pump();
        },
    );
    let shown = app.window().show();
    let ran = shown.and_then(|()| slint::run_event_loop_until_quit());
    timer.stop();
    let _ = app.window().hide();
    app.shared.service.stop();
    ran?;
    Ok(())
}
