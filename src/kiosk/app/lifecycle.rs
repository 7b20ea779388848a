//! The kiosk window's life on a real display: full screen (also on a bare X
//! server with no window manager to honour the request), and one way out —
//! a window-manager close, a window destroyed from outside, SIGTERM or SIGINT
//! all end the event loop; `run` then stops the station service, which holds
//! the feeder, finishes the sheet in flight and releases the station lock.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by SIGTERM/SIGINT; the UI thread's timer sees it and ends the event loop.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    STOP.store(true, Ordering::SeqCst);
}

/// SIGTERM and SIGINT end the kiosk as a window close does.
pub(super) fn catch_signals() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: `on_signal` only stores to an atomic, which is async-signal-safe,
        // and the handler stays valid for the life of the process (a static fn).
        unsafe {
            libc::signal(sig, handler);
        }
    }
}

/// True once a signal asked the kiosk to end.
pub(super) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Ends the event loop on a close of any kind.
pub(super) fn end_on_close(window: &slint::Window) {
    window.on_close_requested(|| {
        let _ = slint::quit_event_loop();
        slint::CloseRequestResponse::HideWindow
    });
    #[cfg(feature = "desktop")]
    {
        use i_slint_backend_winit::{EventResult, WinitWindowAccessor, winit::event::WindowEvent};
        // `xdotool windowclose` destroys the X window without asking: winit reports
        // it, Slint alone would keep running with no screen.
        window.on_winit_window_event(|_, event| {
            if matches!(event, WindowEvent::Destroyed) {
                let _ = slint::quit_event_loop();
            }
            EventResult::Propagate
        });
    }
}

/// Makes the window cover the screen. The full-screen request needs a window
/// manager; on a bare X server the window is placed at the origin and sized to
/// the monitor instead. Called once the event loop runs (the native window
/// exists only then).
pub(super) fn cover_screen(window: &slint::Window) {
    window.set_fullscreen(true);
    #[cfg(feature = "desktop")]
    {
        use i_slint_backend_winit::WinitWindowAccessor;
        let monitor = window.with_winit_window(|w| {
            w.set_decorations(false);
            w.current_monitor()
                .or_else(|| w.primary_monitor())
                .map(|m| m.size())
        });
        if let Some(Some(size)) = monitor {
            window.set_position(slint::PhysicalPosition::new(0, 0));
            window.set_size(slint::PhysicalSize::new(size.width, size.height));
        }
    }
}
