//! Printing a PDF to a named CUPS queue with the CUPS client tools.
//!
//! `lp` submits, `lpstat` lists the queues, and `ipptool` (cups-ipp-utils)
//! asks the scheduler for the state of one printer or job: `lpstat` does not
//! say whether a finished job completed or was aborted. Every tool runs with
//! `LC_ALL=C` (its messages are parsed) and a time limit. The server is
//! `CUPS_SERVER` (a socket path or host[:port]) when set, else the local one.

// The tools' output is outside data: no silent numeric casts on it.
#![warn(clippy::as_conversions)]

mod job;
mod problem;
mod queue;
#[cfg(test)]
mod tests;

pub use job::{JobState, PrintedJob, parse_request_id};
pub use problem::{PrintError, PrinterProblem};
pub use queue::{PrinterInfo, PrinterState, parse_ipptool, parse_lpstat_printers};

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A client of one CUPS server.
#[derive(Debug, Clone)]
pub struct Cups {
    server: String,
    /// Time limit for each tool run.
    tool_timeout: Duration,
}

impl Default for Cups {
    fn default() -> Self {
        Cups::from_env()
    }
}

impl Cups {
    /// The server in `CUPS_SERVER`, else the local scheduler.
    pub fn from_env() -> Cups {
        let server = std::env::var("CUPS_SERVER")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                if Path::new("/run/cups/cups.sock").exists() {
                    "/run/cups/cups.sock".into()
                } else {
                    "localhost:631".into()
                }
            });
        Cups::with_server(&server)
    }

    /// A given server: a domain socket path or host[:port].
    pub fn with_server(server: &str) -> Cups {
        Cups {
            server: server.to_string(),
            tool_timeout: Duration::from_secs(20),
        }
    }

    /// The server this client talks to.
    pub fn server(&self) -> &str {
        &self.server
    }

    fn ipp_uri(&self, resource: &str) -> String {
        let host = if self.server.starts_with('/') {
            self.server.replace('/', "%2F")
        } else {
            self.server.clone()
        };
        format!("ipp://{host}{resource}")
    }

    /// Runs a CUPS tool with this server, `LC_ALL=C` and the time limit: (success, stdout, stderr).
    fn run(
        &self,
        tool: &'static str,
        package: &'static str,
        args: &[&std::ffi::OsStr],
    ) -> Result<(bool, String, String), PrintError> {
        let mut child = Command::new(tool)
            .args(args)
            .env("CUPS_SERVER", &self.server)
            .env("LC_ALL", "C")
            .env("LANG", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => PrintError::ToolMissing { tool, package },
                _ => PrintError::Tool {
                    tool,
                    detail: e.to_string(),
                },
            })?;
        // Drain the pipes on threads so a chatty tool cannot block on a full pipe.
        let mut so = child.stdout.take();
        let mut se = child.stderr.take();
        let out_t = std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(p) = so.as_mut() {
                let _ = p.read_to_string(&mut s);
            }
            s
        });
        let err_t = std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(p) = se.as_mut() {
                let _ = p.read_to_string(&mut s);
            }
            s
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break st,
                Ok(None) if start.elapsed() > self.tool_timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(PrintError::ServiceDown {
                        server: self.server.clone(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    return Err(PrintError::Tool {
                        tool,
                        detail: e.to_string(),
                    });
                }
            }
        };
        let stdout = out_t.join().unwrap_or_default();
        let stderr = err_t.join().unwrap_or_default();
        let text = format!("{stdout}\n{stderr}");
        if text.contains("Scheduler is not running")
            || text.contains("Unable to connect")
            || text.contains("Connection refused")
        {
            return Err(PrintError::ServiceDown {
                server: self.server.clone(),
            });
        }
        Ok((status.success(), stdout, stderr))
    }

    fn ipp(&self, resource: &str, test: &str) -> Result<BTreeMap<String, String>, PrintError> {
        let uri = self.ipp_uri(resource);
        let (_, stdout, stderr) = self.run(
            "ipptool",
            "cups-ipp-utils",
            &["-t".as_ref(), "-v".as_ref(), uri.as_ref(), test.as_ref()],
        )?;
        let attrs = parse_ipptool(&stdout);
        if !attrs.contains_key("status-code") {
            return Err(PrintError::Tool {
                tool: "ipptool",
                detail: format!("{uri}: {}", stderr.trim()),
            });
        }
        Ok(attrs)
    }
}
