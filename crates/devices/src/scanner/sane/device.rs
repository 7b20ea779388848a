//! An open SANE device: options, start, parameters, read, cancel — each call made under
//! the process-wide SANE lock.

// Option descriptors and values come from the device: no silent numeric casts on it.
#![warn(clippy::as_conversions)]

use std::ffi::{CString, c_int, c_void};

use crate::scanner::{DeviceInfo, ScanError, ScanStatus};

use super::ffi::{self, Api, Handle, Status};
use super::options::{Constraint, OptionDesc, OptionKind, OptionValue};

/// The devices libsane knows of (local and network).
pub fn list() -> Result<Vec<DeviceInfo>, ScanError> {
    let api = ffi::api()?;
    let mut session = ffi::lock();
    session.acquire(api)?;
    let mut list: *const *const ffi::Device = std::ptr::null();
    // SAFETY: valid out-pointer; SANE_FALSE asks for network devices too.
    let st = unsafe { (api.get_devices)(&raw mut list, 0) };
    let mut out = Vec::new();
    if st == ffi::STATUS_GOOD && !list.is_null() {
        // SAFETY: a NULL-terminated array of device pointers, valid until the next
        // sane_get_devices or sane_exit; both need the lock we hold.
        unsafe {
            let mut i = 0;
            loop {
                let d = *list.add(i);
                if d.is_null() {
                    break;
                }
                let d = &*d;
                let name = ffi::cstr(d.name).unwrap_or_default();
                out.push(DeviceInfo {
                    spec: format!("sane:{name}"),
                    name,
                    vendor: ffi::cstr(d.vendor).unwrap_or_default(),
                    model: ffi::cstr(d.model).unwrap_or_default(),
                    kind: ffi::cstr(d.kind).unwrap_or_default(),
                });
                i += 1;
            }
        }
    }
    session.release(api);
    if st != ffi::STATUS_GOOD {
        return Err(ScanError::other(format!(
            "sane_get_devices failed: {}",
            api.status_text(st)
        )));
    }
    Ok(out)
}

/// The libsane version as (major, minor, build); initialises SANE once to ask.
pub fn version() -> Result<(u8, u8, u16), ScanError> {
    let api = ffi::api()?;
    let mut session = ffi::lock();
    session.acquire(api)?;
    let v = session.version();
    session.release(api);
    // SANE_VERSION_CODE packs major, minor, build into 8, 8 and 16 bits.
    let [major, minor, build_hi, build_lo] = v.to_be_bytes();
    Ok((major, minor, u16::from_be_bytes([build_hi, build_lo])))
}

/// An open device handle. Closed (and SANE released) on drop.
pub struct SaneDevice {
    api: &'static Api,
    handle: Handle,
    name: String,
}

// SAFETY: a SANE handle is a plain pointer the backend gives out; the standard lets any
// thread use it as long as calls do not overlap. Every call here holds the global SANE
// lock and needs `&mut self` or `&self` of the single owner.
unsafe impl Send for SaneDevice {}

impl std::fmt::Debug for SaneDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaneDevice")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SaneDevice {
    /// Opens a device by its SANE name (e.g. "test:0"); "" opens the first one.
    pub fn open(name: &str) -> Result<SaneDevice, ScanError> {
        let api = ffi::api()?;
        let cname = CString::new(name)
            .map_err(|_| ScanError::other(format!("SANE device name {name:?} contains NUL")))?;
        let mut session = ffi::lock();
        session.acquire(api)?;
        let mut handle: Handle = std::ptr::null_mut();
        // SAFETY: NUL-terminated name and a valid out-pointer.
        let st = unsafe { (api.open)(cname.as_ptr(), &raw mut handle) };
        if st != ffi::STATUS_GOOD || handle.is_null() {
            session.release(api);
            let text = api.status_text(st);
            return Err(match st {
                ffi::STATUS_DEVICE_BUSY => ScanError::fault(
                    ScanStatus::DeviceBusy,
                    format!("sane:{name}: the scanner is in use ({text})"),
                ),
                ffi::STATUS_ACCESS_DENIED => ScanError::other(format!(
                    "sane:{name}: access denied ({text}); the station's user needs \
                     permission for the scanner (group `scanner` or `lp`)"
                )),
                _ => ScanError::fault(
                    ScanStatus::Disconnected,
                    format!(
                        "sane:{name}: cannot open the scanner ({text}); is it connected and switched on?"
                    ),
                ),
            });
        }
        Ok(SaneDevice {
            api,
            handle,
            name: name.to_string(),
        })
    }

    /// The SANE device name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The library's text for a status.
    pub fn status_text(&self, status: Status) -> String {
        self.api.status_text(status)
    }

    /// All options, in the backend's order (option 0, the count, left out).
    pub fn options(&self) -> Vec<OptionDesc> {
        let _session = ffi::lock();
        let mut out = Vec::new();
        // Option 0 always exists and holds the number of options; a backend that lies
        // about it is stopped by the NULL descriptor check below.
        let mut count: ffi::Word = 0;
        // SAFETY: option 0 is an INT of one word; `count` is that word.
        let st = unsafe {
            (self.api.control_option)(
                self.handle,
                0,
                ffi::ACTION_GET_VALUE,
                (&raw mut count).cast::<c_void>(),
                std::ptr::null_mut(),
            )
        };
        if st != ffi::STATUS_GOOD {
            return out;
        }
        for index in 1..count.clamp(0, 10_000) {
            // SAFETY: index < count; the descriptor (or NULL) stays valid until options
            // are reloaded, which needs a control_option call we do not make meanwhile.
            let d = unsafe { (self.api.get_option_descriptor)(self.handle, index) };
            if d.is_null() {
                continue;
            }
            // SAFETY: non-null descriptor from the backend, read under the lock.
            if let Some(desc) = unsafe { OptionDesc::from_raw(index, &*d) } {
                out.push(desc);
            }
        }
        out
    }

    /// The option called `name`, if the backend has it.
    pub fn option(&self, name: &str) -> Option<OptionDesc> {
        self.options().into_iter().find(|o| o.name == name)
    }

    /// Reads an option's value (the first element of arrays).
    pub fn get(&self, opt: &OptionDesc) -> Result<OptionValue, ScanError> {
        let mut buf = value_buffer(opt, 0);
        let _session = ffi::lock();
        // SAFETY: `buf` holds at least `opt.size` bytes, word-aligned.
        let st = unsafe {
            (self.api.control_option)(
                self.handle,
                opt.index,
                ffi::ACTION_GET_VALUE,
                buf.as_mut_ptr().cast::<c_void>(),
                std::ptr::null_mut(),
            )
        };
        if st != ffi::STATUS_GOOD {
            return Err(self.option_error(opt, "read", st));
        }
        Ok(decode_value(opt, &buf))
    }

    /// Sets an option; returns the value the backend actually took (it may round).
    pub fn set(&self, opt: &OptionDesc, value: &OptionValue) -> Result<OptionValue, ScanError> {
        if !opt.settable() {
            return Err(ScanError::other(format!(
                "sane:{}: option `{}` cannot be set now",
                self.name, opt.name
            )));
        }
        let mut buf = encode_value(opt, value).map_err(|reason| {
            ScanError::other(format!(
                "sane:{}: option `{}`: {reason}",
                self.name, opt.name
            ))
        })?;
        {
            let _session = ffi::lock();
            // SAFETY: `buf` holds at least `opt.size` bytes in the option's type
            // (strings NUL-terminated); a NULL info pointer is allowed.
            let st = unsafe {
                (self.api.control_option)(
                    self.handle,
                    opt.index,
                    ffi::ACTION_SET_VALUE,
                    buf.as_mut_ptr().cast::<c_void>(),
                    std::ptr::null_mut(),
                )
            };
            if st != ffi::STATUS_GOOD {
                return Err(self.option_error(opt, "set", st));
            }
        }
        if opt.kind == OptionKind::Button {
            return Ok(OptionValue::Button);
        }
        // Read back: the backend may round or clamp, and not every backend says so with
        // SANE_INFO_INEXACT. The descriptor is fetched again first: setting an option may
        // reload all of them, and backends may refuse access until the frontend has
        // (the test backend does).
        let fresh = {
            let _session = ffi::lock();
            // SAFETY: open handle; index from a descriptor of this handle.
            let d = unsafe { (self.api.get_option_descriptor)(self.handle, opt.index) };
            // SAFETY: non-null descriptor, read under the lock.
            (!d.is_null())
                .then(|| unsafe { OptionDesc::from_raw(opt.index, &*d) })
                .flatten()
        };
        self.get(fresh.as_ref().unwrap_or(opt))
    }

    /// Sets the option called `name` (looked up afresh: setting one option may change
    /// others' constraints).
    pub fn set_by_name(&self, name: &str, value: &OptionValue) -> Result<OptionValue, ScanError> {
        let opt = self
            .option(name)
            .ok_or_else(|| ScanError::other(format!("sane:{}: no option `{name}`", self.name)))?;
        self.set(&opt, value)
    }

    fn option_error(&self, opt: &OptionDesc, what: &str, st: Status) -> ScanError {
        ScanError::other(format!(
            "sane:{}: cannot {what} option `{}`: {}",
            self.name,
            opt.name,
            self.status_text(st)
        ))
    }

    /// `sane_start`: begins a frame (the next page, on a feeder).
    pub fn start(&mut self) -> Status {
        let _session = ffi::lock();
        // SAFETY: open handle.
        unsafe { (self.api.start)(self.handle) }
    }

    /// `sane_get_parameters` for the current frame.
    pub fn parameters(&mut self) -> Result<ffi::Parameters, Status> {
        let mut p = ffi::Parameters::default();
        let _session = ffi::lock();
        // SAFETY: open handle, valid out-pointer.
        let st = unsafe { (self.api.get_parameters)(self.handle, &raw mut p) };
        if st == ffi::STATUS_GOOD {
            Ok(p)
        } else {
            Err(st)
        }
    }

    /// `sane_read` into `buf`; returns the status and the number of bytes written.
    pub fn read(&mut self, buf: &mut [u8]) -> (Status, usize) {
        let max = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        let mut len: ffi::Word = 0;
        let _session = ffi::lock();
        // SAFETY: `buf` is writable for `max` bytes; len is a valid out-pointer.
        let st = unsafe { (self.api.read)(self.handle, buf.as_mut_ptr(), max, &raw mut len) };
        // A backend reporting more than it was given is broken; never trust it past
        // the buffer.
        let n = usize::try_from(len).unwrap_or(0).min(buf.len());
        (st, n)
    }

    /// `sane_cancel`: ends the scan (at batch end, or to recover after a fault).
    pub fn cancel(&mut self) {
        let _session = ffi::lock();
        // SAFETY: open handle; cancel is allowed in any state.
        unsafe { (self.api.cancel)(self.handle) }
    }
}

impl Drop for SaneDevice {
    fn drop(&mut self) {
        let mut session = ffi::lock();
        // SAFETY: open handle, closed exactly once; SANE then released.
        unsafe { (self.api.close)(self.handle) };
        session.release(self.api);
    }
}

/// A zeroed, word-aligned buffer for an option's value: `size` bytes, at least one
/// word, and room for `extra` more bytes (a string being set).
fn value_buffer(opt: &OptionDesc, extra: usize) -> Vec<ffi::Word> {
    let bytes = usize::try_from(opt.size).unwrap_or(0).max(extra).max(4);
    vec![0; bytes.div_ceil(4)]
}

fn decode_value(opt: &OptionDesc, buf: &[ffi::Word]) -> OptionValue {
    let first = buf.first().copied().unwrap_or(0);
    match opt.kind {
        OptionKind::Bool => OptionValue::Bool(first != 0),
        OptionKind::Int => OptionValue::Int(first),
        OptionKind::Fixed => OptionValue::Fixed(f64::from(first) / ffi::FIXED_SCALE),
        OptionKind::String => {
            let bytes: Vec<u8> = buf.iter().flat_map(|w| w.to_ne_bytes()).collect();
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            OptionValue::String(String::from_utf8_lossy(&bytes[..end]).into_owned())
        }
        OptionKind::Button | OptionKind::Group => OptionValue::Button,
    }
}

fn encode_value(opt: &OptionDesc, value: &OptionValue) -> Result<Vec<ffi::Word>, String> {
    let word = |w: ffi::Word| -> Vec<ffi::Word> {
        // Arrays (gamma tables…) get the same value in every element.
        let mut buf = value_buffer(opt, 0);
        buf.fill(w);
        buf
    };
    match (opt.kind, value) {
        (OptionKind::Bool, OptionValue::Bool(b)) => Ok(word(ffi::Word::from(*b))),
        (OptionKind::Int, OptionValue::Int(i)) => Ok(word(*i)),
        (OptionKind::Int, OptionValue::Fixed(f)) => Ok(word(saturating_word(f.round()))),
        (OptionKind::Fixed, OptionValue::Fixed(f)) => Ok(word(to_fixed(*f)?)),
        (OptionKind::Fixed, OptionValue::Int(i)) => Ok(word(to_fixed(f64::from(*i))?)),
        (OptionKind::String, OptionValue::String(s)) => {
            let size = usize::try_from(opt.size).unwrap_or(0);
            if s.len() >= size || s.as_bytes().contains(&0) {
                return Err(format!("value {s:?} does not fit ({size} bytes with NUL)"));
            }
            let mut buf = value_buffer(opt, s.len() + 1);
            let mut bytes: Vec<u8> = buf.iter().flat_map(|w| w.to_ne_bytes()).collect();
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            for (w, chunk) in buf.iter_mut().zip(bytes.chunks(4)) {
                let mut a = [0u8; 4];
                a.copy_from_slice(chunk);
                *w = ffi::Word::from_ne_bytes(a);
            }
            Ok(buf)
        }
        (OptionKind::Button, OptionValue::Button) => Ok(word(0)),
        (kind, v) => Err(format!("a {kind:?} option cannot take {v:?}")),
    }
}

/// A whole number as a SANE word, out-of-range values clamped to the word's range.
#[allow(clippy::as_conversions)] // no `From` for float to int; `as` saturates, as wanted here
fn saturating_word(f: f64) -> ffi::Word {
    f as ffi::Word
}

fn to_fixed(f: f64) -> Result<ffi::Word, String> {
    let v = (f * ffi::FIXED_SCALE).round();
    if v.is_finite() && v >= f64::from(ffi::Word::MIN) && v <= f64::from(ffi::Word::MAX) {
        Ok(saturating_word(v))
    } else {
        Err(format!("{f} is out of the fixed-point range"))
    }
}

/// The value in the option's allowed set nearest to `want` (numeric options).
pub fn nearest_allowed(opt: &OptionDesc, want: f64) -> f64 {
    match &opt.constraint {
        Constraint::Range { min, max, quant } => {
            let mut v = want.clamp(*min, *max);
            if *quant > 0.0 {
                v = min + ((v - min) / quant).round() * quant;
                v = v.clamp(*min, *max);
            }
            v
        }
        Constraint::Words(list) => list
            .iter()
            .copied()
            .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
            .unwrap_or(want),
        _ => want,
    }
}
