//! SANE options as owned Rust values.

use std::ffi::c_char;

use super::ffi;

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A whole-word boolean (`SANE_Bool`).
    Bool,
    /// A whole number.
    Int,
    /// A 16.16 fixed-point number, given and returned as `f64`.
    Fixed,
    /// A NUL-terminated string.
    String,
    /// An action without a value.
    Button,
    /// A heading grouping the options after it.
    Group,
}

/// The values an option allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// Anything of the right type.
    None,
    /// A closed range with an optional step (0 = none), in the option's units.
    Range {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Step.
        quant: f64,
    },
    /// One of these numbers.
    Words(Vec<f64>),
    /// One of these strings.
    Strings(Vec<String>),
}

/// An option's value.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// For [`OptionKind::Bool`].
    Bool(bool),
    /// For [`OptionKind::Int`].
    Int(i32),
    /// For [`OptionKind::Fixed`].
    Fixed(f64),
    /// For [`OptionKind::String`].
    String(String),
    /// For [`OptionKind::Button`] (pressing it).
    Button,
}

impl OptionValue {
    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            OptionValue::Int(i) => Some(f64::from(*i)),
            OptionValue::Fixed(f) => Some(*f),
            _ => None,
        }
    }
}

/// One option of an open device, copied out of its `SANE_Option_Descriptor`.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionDesc {
    /// Its number on the device.
    pub index: i32,
    /// Command-line name, e.g. "resolution", "source", "read-return-value".
    pub name: String,
    /// One-line title.
    pub title: String,
    /// Value type.
    pub kind: OptionKind,
    /// Size of the value in bytes (a word per element for numbers).
    pub size: i32,
    /// Capability bits (`SANE_CAP_*`).
    pub cap: i32,
    /// Allowed values.
    pub constraint: Constraint,
}

impl OptionDesc {
    /// Copies a descriptor; `None` for a type this driver does not know.
    ///
    /// # Safety
    /// `d` comes from `sane_get_option_descriptor` of an open handle and its strings and
    /// constraint lists are valid for the call (the SANE lock is held).
    pub(crate) unsafe fn from_raw(index: i32, d: &ffi::OptionDescriptor) -> Option<OptionDesc> {
        let kind = match d.kind {
            ffi::TYPE_BOOL => OptionKind::Bool,
            ffi::TYPE_INT => OptionKind::Int,
            ffi::TYPE_FIXED => OptionKind::Fixed,
            ffi::TYPE_STRING => OptionKind::String,
            ffi::TYPE_BUTTON => OptionKind::Button,
            ffi::TYPE_GROUP => OptionKind::Group,
            _ => return None,
        };
        let num = |w: ffi::Word| {
            if kind == OptionKind::Fixed {
                f64::from(w) / ffi::FIXED_SCALE
            } else {
                f64::from(w)
            }
        };
        let c = d.constraint;
        // SAFETY: (whole block) the constraint pointer's type is given by
        // constraint_type, per the SANE standard; lists are bounded (a count word, or a
        // NULL terminator) and capped here against a broken backend.
        let constraint = unsafe {
            match d.constraint_type {
                ffi::CONSTRAINT_RANGE if !c.is_null() => {
                    let r = &*c.cast::<ffi::Range>();
                    Constraint::Range {
                        min: num(r.min),
                        max: num(r.max),
                        quant: num(r.quant),
                    }
                }
                ffi::CONSTRAINT_WORD_LIST if !c.is_null() => {
                    let words = c.cast::<ffi::Word>();
                    let n = usize::try_from(*words).unwrap_or(0).min(4096);
                    Constraint::Words((1..=n).map(|i| num(*words.add(i))).collect())
                }
                ffi::CONSTRAINT_STRING_LIST if !c.is_null() => {
                    let list = c.cast::<*const c_char>();
                    let mut out = Vec::new();
                    for i in 0..4096 {
                        let p = *list.add(i);
                        match ffi::cstr(p) {
                            Some(s) => out.push(s),
                            None => break,
                        }
                    }
                    Constraint::Strings(out)
                }
                _ => Constraint::None,
            }
        };
        // SAFETY: name/title are NULL or NUL-terminated strings owned by the backend.
        let (name, title) = unsafe { (ffi::cstr(d.name), ffi::cstr(d.title)) };
        Some(OptionDesc {
            index,
            name: name.unwrap_or_default(),
            title: title.unwrap_or_default(),
            kind,
            size: d.size,
            cap: d.cap,
            constraint,
        })
    }

    /// Active (not greyed out by other settings).
    pub fn active(&self) -> bool {
        self.cap & ffi::CAP_INACTIVE == 0
    }

    /// Active and settable by software.
    pub fn settable(&self) -> bool {
        self.active() && self.cap & ffi::CAP_SOFT_SELECT != 0
    }

    /// Active and readable by software (a sensor or a setting).
    pub fn readable(&self) -> bool {
        self.active() && self.cap & ffi::CAP_SOFT_DETECT != 0
    }

    /// The allowed strings of a string-list option (empty otherwise).
    pub fn strings(&self) -> &[String] {
        match &self.constraint {
            Constraint::Strings(s) => s,
            _ => &[],
        }
    }
}
