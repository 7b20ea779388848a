//! The SANE C interface (sane/sane.h, SANE standard 1.0), loaded at run time.
//!
//! libsane is opened with `dlopen` rather than linked, so the crate builds and runs on
//! machines without libsane-dev; only the `sane:` source needs the library, and its
//! absence is a clear error naming the Debian package. The functions are the twelve
//! the driver needs; types follow the header exactly (`SANE_Word` is a C `int`, enums
//! are C `int`s, SANE_Bool is a whole word — never a one-byte bool).

use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::{Mutex, MutexGuard, OnceLock};

use libloading::Library;

use crate::scanner::ScanError;

/// `SANE_Word`, `SANE_Int`, `SANE_Bool` and `SANE_Fixed` are all a C `int`.
pub type Word = c_int;
/// `SANE_Status` (a C enum: an `int`). Kept as an integer: a backend may return a code
/// this file does not know, which would be undefined behaviour in a Rust enum.
pub type Status = c_int;
/// `SANE_Handle`.
pub type Handle = *mut c_void;

/// `SANE_STATUS_GOOD`.
pub const STATUS_GOOD: Status = 0;
/// `SANE_STATUS_UNSUPPORTED`.
pub const STATUS_UNSUPPORTED: Status = 1;
/// `SANE_STATUS_CANCELLED`.
pub const STATUS_CANCELLED: Status = 2;
/// `SANE_STATUS_DEVICE_BUSY`.
pub const STATUS_DEVICE_BUSY: Status = 3;
/// `SANE_STATUS_INVAL`.
pub const STATUS_INVAL: Status = 4;
/// `SANE_STATUS_EOF`.
pub const STATUS_EOF: Status = 5;
/// `SANE_STATUS_JAMMED`.
pub const STATUS_JAMMED: Status = 6;
/// `SANE_STATUS_NO_DOCS`.
pub const STATUS_NO_DOCS: Status = 7;
/// `SANE_STATUS_COVER_OPEN`.
pub const STATUS_COVER_OPEN: Status = 8;
/// `SANE_STATUS_IO_ERROR`.
pub const STATUS_IO_ERROR: Status = 9;
/// `SANE_STATUS_NO_MEM`.
pub const STATUS_NO_MEM: Status = 10;
/// `SANE_STATUS_ACCESS_DENIED`.
pub const STATUS_ACCESS_DENIED: Status = 11;

/// `SANE_TYPE_BOOL`.
pub const TYPE_BOOL: c_int = 0;
/// `SANE_TYPE_INT`.
pub const TYPE_INT: c_int = 1;
/// `SANE_TYPE_FIXED`.
pub const TYPE_FIXED: c_int = 2;
/// `SANE_TYPE_STRING`.
pub const TYPE_STRING: c_int = 3;
/// `SANE_TYPE_BUTTON`.
pub const TYPE_BUTTON: c_int = 4;
/// `SANE_TYPE_GROUP`.
pub const TYPE_GROUP: c_int = 5;

/// `SANE_CAP_SOFT_SELECT`.
pub const CAP_SOFT_SELECT: c_int = 1 << 0;
/// `SANE_CAP_SOFT_DETECT`.
pub const CAP_SOFT_DETECT: c_int = 1 << 2;
/// `SANE_CAP_INACTIVE`.
pub const CAP_INACTIVE: c_int = 1 << 5;

/// `SANE_CONSTRAINT_RANGE`.
pub const CONSTRAINT_RANGE: c_int = 1;
/// `SANE_CONSTRAINT_WORD_LIST`.
pub const CONSTRAINT_WORD_LIST: c_int = 2;
/// `SANE_CONSTRAINT_STRING_LIST`.
pub const CONSTRAINT_STRING_LIST: c_int = 3;

/// `SANE_ACTION_GET_VALUE`.
pub const ACTION_GET_VALUE: c_int = 0;
/// `SANE_ACTION_SET_VALUE`.
pub const ACTION_SET_VALUE: c_int = 1;

/// `SANE_FRAME_GRAY`.
pub const FRAME_GRAY: c_int = 0;
/// `SANE_FRAME_RGB`.
pub const FRAME_RGB: c_int = 1;
/// `SANE_FRAME_RED`.
pub const FRAME_RED: c_int = 2;
/// `SANE_FRAME_GREEN`.
pub const FRAME_GREEN: c_int = 3;
/// `SANE_FRAME_BLUE`.
pub const FRAME_BLUE: c_int = 4;

/// `SANE_FIXED_SCALE_SHIFT`: fixed-point values are 16.16.
pub const FIXED_SCALE: f64 = 65536.0;

/// `SANE_Device`.
#[repr(C)]
pub struct Device {
    pub name: *const c_char,
    pub vendor: *const c_char,
    pub model: *const c_char,
    pub kind: *const c_char,
}

/// `SANE_Range`.
#[repr(C)]
pub struct Range {
    pub min: Word,
    pub max: Word,
    pub quant: Word,
}

/// `SANE_Option_Descriptor`. The constraint is a union of three pointers, so one
/// pointer-sized field with the same alignment.
#[repr(C)]
pub struct OptionDescriptor {
    pub name: *const c_char,
    pub title: *const c_char,
    pub desc: *const c_char,
    pub kind: c_int,
    pub unit: c_int,
    pub size: Word,
    pub cap: Word,
    pub constraint_type: c_int,
    pub constraint: *const c_void,
}

/// `SANE_Parameters`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Parameters {
    pub format: c_int,
    pub last_frame: Word,
    pub bytes_per_line: Word,
    pub pixels_per_line: Word,
    pub lines: Word,
    pub depth: Word,
}

type AuthCallback = Option<unsafe extern "C" fn(*const c_char, *mut c_char, *mut c_char)>;

/// The entry points of libsane, resolved once.
pub struct Api {
    pub init: unsafe extern "C" fn(*mut Word, AuthCallback) -> Status,
    pub exit: unsafe extern "C" fn(),
    pub get_devices: unsafe extern "C" fn(*mut *const *const Device, Word) -> Status,
    pub open: unsafe extern "C" fn(*const c_char, *mut Handle) -> Status,
    pub close: unsafe extern "C" fn(Handle),
    pub get_option_descriptor: unsafe extern "C" fn(Handle, Word) -> *const OptionDescriptor,
    pub control_option: unsafe extern "C" fn(Handle, Word, c_int, *mut c_void, *mut Word) -> Status,
    pub get_parameters: unsafe extern "C" fn(Handle, *mut Parameters) -> Status,
    pub start: unsafe extern "C" fn(Handle) -> Status,
    pub read: unsafe extern "C" fn(Handle, *mut u8, Word, *mut Word) -> Status,
    pub cancel: unsafe extern "C" fn(Handle),
    pub strstatus: unsafe extern "C" fn(Status) -> *const c_char,
    /// Keeps the code behind the pointers above mapped; never dropped (see [`api`]).
    _lib: Library,
}

/// File names tried in order: the Debian/Fedora soname, the development link, macOS.
const LIBRARY_NAMES: [&str; 3] = ["libsane.so.1", "libsane.so", "libsane.1.dylib"];

/// The loaded library, or why it could not be loaded. Loaded once per process and
/// never unloaded: backends keep threads and handlers that must not lose their code.
pub fn api() -> Result<&'static Api, ScanError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(load)
        .as_ref()
        .map_err(|e| ScanError::other(e.clone()))
}

fn load() -> Result<Api, String> {
    load_from(&LIBRARY_NAMES)
}

/// Loads the first of `names` that opens.
pub(crate) fn load_from(names: &[&str]) -> Result<Api, String> {
    // The first name's error is the telling one (the soname on Linux).
    let mut first: Option<String> = None;
    for &name in names {
        // SAFETY: loading libsane runs its (and glibc's) initialisers only; libsane has
        // no load-time side effects beyond that.
        match unsafe { Library::new(name) } {
            Ok(lib) => return resolve(lib).map_err(|e| format!("{name}: {e}")),
            Err(e) => {
                first.get_or_insert_with(|| e.to_string());
            }
        }
    }
    Err(format!(
        "cannot load the SANE library libsane.so.1 ({}); install the Debian package \
         libsane1 (apt-get install libsane1) to use a `sane:` scanner",
        first.unwrap_or_default()
    ))
}

fn resolve(lib: Library) -> Result<Api, libloading::Error> {
    // SAFETY: each symbol is looked up with the exact C signature of sane/sane.h; the
    // pointers stay valid because `Api` owns the library and is never dropped.
    unsafe {
        Ok(Api {
            init: *lib.get(b"sane_init\0")?,
            exit: *lib.get(b"sane_exit\0")?,
            get_devices: *lib.get(b"sane_get_devices\0")?,
            open: *lib.get(b"sane_open\0")?,
            close: *lib.get(b"sane_close\0")?,
            get_option_descriptor: *lib.get(b"sane_get_option_descriptor\0")?,
            control_option: *lib.get(b"sane_control_option\0")?,
            get_parameters: *lib.get(b"sane_get_parameters\0")?,
            start: *lib.get(b"sane_start\0")?,
            read: *lib.get(b"sane_read\0")?,
            cancel: *lib.get(b"sane_cancel\0")?,
            strstatus: *lib.get(b"sane_strstatus\0")?,
            _lib: lib,
        })
    }
}

impl Api {
    /// The library's own text for a status, e.g. "Document feeder jammed".
    pub fn status_text(&self, status: Status) -> String {
        // SAFETY: sane_strstatus returns a static string (or NULL for unknown codes in
        // some builds).
        unsafe { cstr((self.strstatus)(status)) }.unwrap_or_else(|| format!("status {status}"))
    }
}

/// Copies a C string; `None` for NULL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub unsafe fn cstr(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-null and NUL-terminated per the caller's contract.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// Process-wide SANE state. SANE's global functions (`sane_init`, `sane_exit`,
/// `sane_get_devices`) are not thread-safe and backends need not be reentrant, so every
/// call into libsane is made while holding this lock; `users` counts open handles so
/// that `sane_init` runs before the first and `sane_exit` after the last.
pub struct Session {
    users: usize,
    version: Word,
}

static SESSION: Mutex<Session> = Mutex::new(Session {
    users: 0,
    version: 0,
});

/// Locks the SANE session. A panic while holding it leaves no broken invariant the
/// next caller depends on, so a poisoned lock is simply taken over.
pub fn lock() -> MutexGuard<'static, Session> {
    SESSION
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session {
    /// Runs `sane_init` if nobody else holds SANE open, and counts one more user.
    pub fn acquire(&mut self, api: &Api) -> Result<(), ScanError> {
        if self.users == 0 {
            let mut version: Word = 0;
            // SAFETY: valid out-pointer; no authorisation callback (network backends
            // needing a password then fail to open, with a status we report).
            let st = unsafe { (api.init)(&raw mut version, None) };
            if st != STATUS_GOOD {
                return Err(ScanError::other(format!(
                    "sane_init failed: {}",
                    api.status_text(st)
                )));
            }
            self.version = version;
        }
        self.users += 1;
        Ok(())
    }

    /// Counts one user less, running `sane_exit` after the last.
    pub fn release(&mut self, api: &Api) {
        self.users = self.users.saturating_sub(1);
        if self.users == 0 {
            // SAFETY: every handle has been closed (each holds a user count).
            unsafe { (api.exit)() };
        }
    }

    /// The version code `sane_init` returned.
    pub fn version(&self) -> Word {
        self.version
    }
}
