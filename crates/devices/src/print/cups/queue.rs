//! The queues: listing them (`lpstat`) and asking one for its state (IPP).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Cups, PrintError, PrinterProblem};

/// One queue as `lpstat -p -d` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterInfo {
    /// Queue name.
    pub name: String,
    /// "idle", "printing" or "disabled".
    pub state: String,
    /// False when the queue is stopped (disabled).
    pub enabled: bool,
    /// The system default destination.
    pub is_default: bool,
    /// The printer's message lines (e.g. "Out of paper").
    pub message: String,
}

/// The state of one printer, from IPP Get-Printer-Attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterState {
    /// idle, processing or stopped.
    pub state: String,
    /// printer-state-reasons keywords.
    pub reasons: Vec<String>,
    /// printer-is-accepting-jobs.
    pub accepting: bool,
    /// printer-state-message.
    pub message: String,
}

impl PrinterState {
    /// The first problem that stops printing, if any.
    pub fn problem(&self) -> Option<PrinterProblem> {
        // A specific reason (paper out) says more than "stopped".
        let specific = self
            .reasons
            .iter()
            .filter_map(|r| PrinterProblem::from_reason(r))
            .find(|p| *p != PrinterProblem::Stopped);
        specific.or(
            if self.state == "stopped" || self.reasons.iter().any(|r| r == "paused") {
                Some(PrinterProblem::Stopped)
            } else if !self.accepting {
                Some(PrinterProblem::NotAccepting)
            } else {
                None
            },
        )
    }
}

/// Parses `lpstat -p -d` output (run with `LC_ALL=C`).
pub fn parse_lpstat_printers(text: &str) -> Vec<PrinterInfo> {
    let mut out: Vec<PrinterInfo> = Vec::new();
    let mut default = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let after = rest[name.len()..].trim_start();
            let (state, enabled) = if after.starts_with("disabled") {
                ("disabled", false)
            } else if after.starts_with("now printing") {
                ("printing", true)
            } else {
                ("idle", true)
            };
            out.push(PrinterInfo {
                name,
                state: state.into(),
                enabled,
                is_default: false,
                message: String::new(),
            });
        } else if let Some(d) = line.strip_prefix("system default destination: ") {
            default = Some(d.trim().to_string());
        } else if line.starts_with('\t') || line.starts_with(' ') {
            if let Some(p) = out.last_mut() {
                let m = line.trim();
                if !m.is_empty() {
                    if !p.message.is_empty() {
                        p.message.push_str("; ");
                    }
                    p.message.push_str(m);
                }
            }
        }
    }
    if let Some(d) = default {
        for p in &mut out {
            p.is_default = p.name == d;
        }
    }
    out
}

/// Parses `ipptool -t -v` output into attribute name → value (values of a set joined by ',').
pub fn parse_ipptool(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        // "name (type) = value"
        let Some((left, value)) = line.split_once(" = ") else {
            continue;
        };
        let name = left.split(" (").next().unwrap_or(left).trim();
        if name.is_empty() || name.contains(' ') {
            continue;
        }
        out.entry(name.to_string())
            .or_insert_with(|| value.trim().to_string());
    }
    out
}

pub(super) fn list(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s != "none")
                .collect()
        })
        .unwrap_or_default()
}

/// Escapes a queue name for an IPP resource path.
pub(super) fn uri_path_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}"); // writing to a String cannot fail
        }
    }
    out
}

impl Cups {
    /// All queues and the default one (`lpstat -p -d`).
    pub fn printers(&self) -> Result<Vec<PrinterInfo>, PrintError> {
        let (_, stdout, stderr) =
            self.run("lpstat", "cups-client", &["-p".as_ref(), "-d".as_ref()])?;
        let printers = parse_lpstat_printers(&stdout);
        // "No destinations added." is an empty list, not a failure.
        if printers.is_empty() && !stderr.trim().is_empty() && !stderr.contains("No destinations") {
            return Err(PrintError::Tool {
                tool: "lpstat",
                detail: stderr.trim().to_string(),
            });
        }
        Ok(printers)
    }

    /// The state of a queue; `NoSuchQueue` when there is none.
    pub fn printer_state(&self, queue: &str) -> Result<PrinterState, PrintError> {
        let attrs = self.ipp(
            &format!("/printers/{}", uri_path_escape(queue)),
            "get-printer-attributes.test",
        )?;
        let status = attrs.get("status-code").cloned().unwrap_or_default();
        if status.starts_with("client-error-not-found") {
            return Err(PrintError::NoSuchQueue {
                queue: queue.to_string(),
            });
        }
        if !status.starts_with("successful-ok") {
            return Err(PrintError::Tool {
                tool: "ipptool",
                detail: format!("printer {queue}: {status}"),
            });
        }
        Ok(PrinterState {
            state: attrs.get("printer-state").cloned().unwrap_or_default(),
            reasons: list(attrs.get("printer-state-reasons")),
            accepting: attrs
                .get("printer-is-accepting-jobs")
                .is_none_or(|v| v == "true"),
            message: attrs
                .get("printer-state-message")
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// Fails with the printer's problem, if it has one.
    pub(super) fn check_printer(&self, queue: &str, job: Option<u32>) -> Result<(), PrintError> {
        let st = self.printer_state(queue)?;
        match st.problem() {
            Some(problem) => Err(PrintError::Problem {
                queue: queue.to_string(),
                problem,
                job,
                detail: st.message,
            }),
            None => Ok(()),
        }
    }
}
