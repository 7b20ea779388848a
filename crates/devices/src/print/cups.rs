//! Printing a PDF to a named CUPS queue with the CUPS client tools.
//!
//! `lp` submits, `lpstat` lists the queues, and `ipptool` (cups-ipp-utils)
//! asks the scheduler for the state of one printer or job: `lpstat` does not
//! say whether a finished job completed or was aborted. Every tool runs with
//! `LC_ALL=C` (its messages are parsed) and a time limit. The server is
//! `CUPS_SERVER` (a socket path or host[:port]) when set, else the local one.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Something at the printer that stops printing, told in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterProblem {
    /// No paper in the tray (`media-empty`).
    PaperOut,
    /// Paper stuck in the printer (`media-jam`).
    PaperJam,
    /// A cover or door is open.
    CoverOpen,
    /// Toner or ink is used up (`marker-supply-empty`, `toner-empty`).
    TonerOut,
    /// The printer does not answer (switched off, cable, network).
    Offline,
    /// The queue is stopped (`cupsdisable`, or stopped after an error).
    Stopped,
    /// The queue refuses new jobs (`cupsreject`).
    NotAccepting,
}

impl PrinterProblem {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            PrinterProblem::PaperOut => "paper_out",
            PrinterProblem::PaperJam => "paper_jam",
            PrinterProblem::CoverOpen => "cover_open",
            PrinterProblem::TonerOut => "toner_out",
            PrinterProblem::Offline => "offline",
            PrinterProblem::Stopped => "stopped",
            PrinterProblem::NotAccepting => "not_accepting",
        }
    }

    /// What happened and what to do, in Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            PrinterProblem::PaperOut => "máy in hết giấy — nạp giấy vào khay rồi in lại",
            PrinterProblem::PaperJam => "máy in kẹt giấy — mở máy, lấy tờ giấy kẹt ra rồi in lại",
            PrinterProblem::CoverOpen => "nắp máy in đang mở — đóng nắp rồi in lại",
            PrinterProblem::TonerOut => "máy in hết mực — thay hộp mực rồi in lại",
            PrinterProblem::Offline => {
                "máy in không kết nối — kiểm tra nguồn điện và dây cáp rồi in lại"
            }
            PrinterProblem::Stopped => {
                "hàng đợi máy in đang dừng — bật lại máy in (cupsenable) rồi in lại"
            }
            PrinterProblem::NotAccepting => {
                "máy in đang từ chối lệnh in — cho phép lại (cupsaccept) rồi in lại"
            }
        }
    }

    /// What happened and what to do, in English.
    pub fn message_en(self) -> &'static str {
        match self {
            PrinterProblem::PaperOut => "the printer is out of paper — load paper and print again",
            PrinterProblem::PaperJam => {
                "paper is jammed in the printer — remove the stuck sheet and print again"
            }
            PrinterProblem::CoverOpen => "a printer cover is open — close it and print again",
            PrinterProblem::TonerOut => {
                "the printer is out of toner or ink — replace it and print again"
            }
            PrinterProblem::Offline => {
                "the printer is offline — check its power and cable and print again"
            }
            PrinterProblem::Stopped => {
                "the printer queue is stopped — enable it (cupsenable) and print again"
            }
            PrinterProblem::NotAccepting => {
                "the printer queue rejects jobs — let it accept them (cupsaccept) and print again"
            }
        }
    }

    /// The problem an IPP `printer-state-reasons` keyword reports, if it blocks printing.
    ///
    /// Only `-error` reasons (or no suffix) block; `-warning` and `-report`
    /// ones (paper low, toner low) do not, except `offline-report`.
    pub fn from_reason(reason: &str) -> Option<PrinterProblem> {
        let reason = reason.trim();
        if reason.ends_with("-warning") {
            return None;
        }
        let base = reason
            .strip_suffix("-error")
            .or_else(|| reason.strip_suffix("-report"))
            .unwrap_or(reason);
        let report = reason.ends_with("-report");
        // Offline is final even as a report; other reports only inform.
        if base == "offline" || base == "shutdown" {
            return Some(PrinterProblem::Offline);
        }
        if report {
            return None;
        }
        match base {
            "media-empty" | "media-needed" | "input-tray-missing" => Some(PrinterProblem::PaperOut),
            "media-jam" => Some(PrinterProblem::PaperJam),
            "cover-open" | "door-open" | "interlock-open" => Some(PrinterProblem::CoverOpen),
            "marker-supply-empty" | "toner-empty" | "marker-waste-full" => {
                Some(PrinterProblem::TonerOut)
            }
            "paused" | "stopped" => Some(PrinterProblem::Stopped),
            _ => None,
        }
    }
}

/// A print failure, naming the queue or file; `Display` gives Vietnamese then English.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The file cannot be read.
    #[error("không đọc được tệp {file} / cannot read {file}: {source}", file = .file.display())]
    File {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a PDF.
    #[error("{file} không phải tệp PDF / {file} is not a PDF file", file = .file.display())]
    NotPdf {
        /// The file.
        file: PathBuf,
    },
    /// A CUPS client tool is not installed.
    #[error(
        "chưa cài lệnh {tool} (gói {package}) / the command {tool} is not installed (package {package})"
    )]
    ToolMissing {
        /// The tool.
        tool: &'static str,
        /// The Debian package that has it.
        package: &'static str,
    },
    /// The print service does not answer.
    #[error(
        "dịch vụ in CUPS không chạy tại {server} / the print service CUPS is not running at {server}"
    )]
    ServiceDown {
        /// Where it was looked for.
        server: String,
    },
    /// No such queue.
    #[error(
        "không có máy in «{queue}» trong CUPS (xem: kiemphieu printers) / there is no printer queue \"{queue}\" in CUPS (see: kiemphieu printers)"
    )]
    NoSuchQueue {
        /// The queue asked for.
        queue: String,
    },
    /// The printer cannot print now.
    #[error("máy in «{queue}»: {vi}{detail_vi} / printer \"{queue}\": {en}{detail_en}",
        vi = .problem.message_vi(), en = .problem.message_en(),
        detail_vi = job_note_vi(*.job, .detail), detail_en = job_note_en(*.job, .detail))]
    Problem {
        /// The queue.
        queue: String,
        /// What is wrong.
        problem: PrinterProblem,
        /// The job that waits in the queue, if one was sent.
        job: Option<u32>,
        /// The printer's own message, if any.
        detail: String,
    },
    /// The job ended without printing.
    #[error("máy in «{queue}»: lệnh in {job} thất bại ({state}){sep}{message} / printer \"{queue}\": job {job} failed ({state}){sep}{message}",
        sep = if .message.is_empty() { "" } else { ": " })]
    JobFailed {
        /// The queue.
        queue: String,
        /// The CUPS job id.
        job: u32,
        /// The final IPP job state (aborted, canceled).
        state: String,
        /// The printer's message.
        message: String,
    },
    /// The job did not finish in time.
    #[error(
        "máy in «{queue}»: lệnh in {job} chưa xong sau {secs} giây (trạng thái {state}) / printer \"{queue}\": job {job} not finished after {secs} s (state {state})"
    )]
    Timeout {
        /// The queue.
        queue: String,
        /// The CUPS job id.
        job: u32,
        /// Seconds waited.
        secs: u64,
        /// Last job state seen.
        state: String,
    },
    /// A tool failed in an unexpected way.
    #[error("{tool}: {detail}")]
    Tool {
        /// The tool.
        tool: &'static str,
        /// Its message.
        detail: String,
    },
}

fn job_note_vi(job: Option<u32>, detail: &str) -> String {
    let mut s = String::new();
    if !detail.is_empty() {
        s.push_str(&format!(" ({detail})"));
    }
    if let Some(j) = job {
        s.push_str(&format!("; lệnh in {j} vẫn chờ trong hàng đợi"));
    }
    s
}

fn job_note_en(job: Option<u32>, detail: &str) -> String {
    let mut s = String::new();
    if !detail.is_empty() {
        s.push_str(&format!(" ({detail})"));
    }
    if let Some(j) = job {
        s.push_str(&format!("; job {j} is still waiting in the queue"));
    }
    s
}

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

/// The state of one job, from IPP Get-Job-Attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    /// pending, pending-held, processing, processing-stopped, canceled, aborted, completed.
    pub state: String,
    /// job-state-reasons keywords.
    pub reasons: Vec<String>,
    /// job-printer-state-message.
    pub message: String,
}

/// A job that printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedJob {
    /// The queue.
    pub queue: String,
    /// The CUPS job id.
    pub job: u32,
    /// Copies asked for.
    pub copies: u32,
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

fn list(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s != "none")
                .collect()
        })
        .unwrap_or_default()
}

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

    /// The state of a job.
    pub fn job_state(&self, job: u32) -> Result<JobState, PrintError> {
        let attrs = self.ipp(&format!("/jobs/{job}"), "get-job-attributes.test")?;
        let status = attrs.get("status-code").cloned().unwrap_or_default();
        if !status.starts_with("successful-ok") {
            return Err(PrintError::Tool {
                tool: "ipptool",
                detail: format!("job {job}: {status}"),
            });
        }
        Ok(JobState {
            state: attrs.get("job-state").cloned().unwrap_or_default(),
            reasons: list(attrs.get("job-state-reasons")),
            message: attrs
                .get("job-printer-state-message")
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// Checks the file is a readable PDF.
    fn check_pdf(file: &Path) -> Result<(), PrintError> {
        let mut head = [0u8; 5];
        let mut f = std::fs::File::open(file).map_err(|source| PrintError::File {
            file: file.to_path_buf(),
            source,
        })?;
        let n = f.read(&mut head).map_err(|source| PrintError::File {
            file: file.to_path_buf(),
            source,
        })?;
        if &head[..n] != b"%PDF-" {
            return Err(PrintError::NotPdf {
                file: file.to_path_buf(),
            });
        }
        Ok(())
    }

    /// Fails with the printer's problem, if it has one.
    fn check_printer(&self, queue: &str, job: Option<u32>) -> Result<(), PrintError> {
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

    /// Submits the file (`lp`) and returns the job id; checks nothing first.
    pub fn submit(
        &self,
        queue: &str,
        file: &Path,
        copies: u32,
        title: &str,
    ) -> Result<u32, PrintError> {
        let copies = copies.max(1).to_string();
        let (ok, stdout, stderr) = self.run(
            "lp",
            "cups-client",
            &[
                "-d".as_ref(),
                queue.as_ref(),
                "-n".as_ref(),
                copies.as_ref(),
                "-t".as_ref(),
                title.as_ref(),
                "--".as_ref(),
                file.as_os_str(),
            ],
        )?;
        if !ok {
            if stderr.contains("does not exist") {
                return Err(PrintError::NoSuchQueue {
                    queue: queue.to_string(),
                });
            }
            if stderr.contains("not accepting") {
                return Err(PrintError::Problem {
                    queue: queue.to_string(),
                    problem: PrinterProblem::NotAccepting,
                    job: None,
                    detail: String::new(),
                });
            }
            return Err(PrintError::Tool {
                tool: "lp",
                detail: format!("{queue}, {}: {}", file.display(), stderr.trim()),
            });
        }
        parse_request_id(&stdout, queue).ok_or_else(|| PrintError::Tool {
            tool: "lp",
            detail: format!("no job id in {:?}", stdout.trim()),
        })
    }

    /// Prints a PDF on a queue and waits until the job completes or fails.
    ///
    /// Checks the printer first, so a stopped queue or a printer out of paper
    /// prints nothing; while waiting, a printer problem ends the wait with the
    /// problem (the job stays queued and prints once it is fixed).
    pub fn print_pdf(
        &self,
        queue: &str,
        file: &Path,
        copies: u32,
        title: &str,
        timeout: Duration,
    ) -> Result<PrintedJob, PrintError> {
        Cups::check_pdf(file)?;
        self.check_printer(queue, None)?;
        let job = self.submit(queue, file, copies, title)?;
        let start = Instant::now();
        loop {
            let js = self.job_state(job)?;
            match js.state.as_str() {
                "completed" => {
                    return Ok(PrintedJob {
                        queue: queue.to_string(),
                        job,
                        copies: copies.max(1),
                    });
                }
                "aborted" | "canceled" => {
                    return Err(PrintError::JobFailed {
                        queue: queue.to_string(),
                        job,
                        state: js.state,
                        message: js.message,
                    });
                }
                _ => {}
            }
            // Pending or held: the printer may be the reason.
            self.check_printer(queue, Some(job))?;
            if start.elapsed() >= timeout {
                return Err(PrintError::Timeout {
                    queue: queue.to_string(),
                    job,
                    secs: timeout.as_secs(),
                    state: js.state,
                });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The job id from `lp` output ("request id is QUEUE-12 (1 file(s))").
pub fn parse_request_id(stdout: &str, queue: &str) -> Option<u32> {
    let rest = stdout.split("request id is ").nth(1)?;
    let id = rest.split_whitespace().next()?;
    let num = id
        .strip_prefix(queue)
        .and_then(|r| r.strip_prefix('-'))
        .or_else(|| id.rsplit('-').next())?;
    num.parse().ok()
}

/// Escapes a queue name for an IPP resource path.
fn uri_path_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lpstat_listing() {
        let text = "printer PDF is idle.  enabled since Mon Nov 23 21:11:21 2026\n\
                    printer PO disabled since Mon Nov 23 21:12:08 2026 -\n\tOut of paper\n\
                    printer Busy now printing Busy-3.  enabled since Mon\n\
                    system default destination: PO\n";
        let p = parse_lpstat_printers(text);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].name, "PDF");
        assert!(p[0].enabled && !p[0].is_default);
        assert_eq!(p[1].state, "disabled");
        assert!(!p[1].enabled && p[1].is_default);
        assert_eq!(p[1].message, "Out of paper");
        assert_eq!(p[2].state, "printing");
        assert!(parse_lpstat_printers("no system default destination\n").is_empty());
    }

    #[test]
    fn ipptool_attributes() {
        let text = "\"/usr/share/cups/ipptool/get-printer-attributes.test\":\n    Get-Printer-Attributes:\n        attributes-charset (charset) = utf-8\n        status-code = successful-ok (successful-ok)\n        printer-is-accepting-jobs (boolean) = true\n        printer-state (enum) = stopped\n        printer-state-message (textWithoutLanguage) = Out of paper\n        printer-state-reasons (1setOf keyword) = media-empty-error,paused\n";
        let a = parse_ipptool(text);
        assert_eq!(a["printer-state"], "stopped");
        let st = PrinterState {
            state: a["printer-state"].clone(),
            reasons: list(a.get("printer-state-reasons")),
            accepting: true,
            message: a["printer-state-message"].clone(),
        };
        assert_eq!(st.reasons, ["media-empty-error", "paused"]);
        assert_eq!(st.problem(), Some(PrinterProblem::PaperOut));
    }

    #[test]
    fn reasons_in_plain_words() {
        use PrinterProblem::*;
        for (r, p) in [
            ("media-empty-error", Some(PaperOut)),
            ("media-empty", Some(PaperOut)),
            ("media-needed-error", Some(PaperOut)),
            ("media-empty-warning", None),
            ("media-low-report", None),
            ("media-jam-error", Some(PaperJam)),
            ("cover-open-error", Some(CoverOpen)),
            ("toner-empty-error", Some(TonerOut)),
            ("toner-low-report", None),
            ("offline-report", Some(Offline)),
            ("offline", Some(Offline)),
            ("connecting-to-device", None),
            ("paused", Some(Stopped)),
            ("none", None),
            ("cups-insecure-filter-warning", None),
        ] {
            assert_eq!(PrinterProblem::from_reason(r), p, "{r}");
        }
        let idle = PrinterState {
            state: "idle".into(),
            reasons: vec![],
            accepting: true,
            message: String::new(),
        };
        assert_eq!(idle.problem(), None);
        let stopped = PrinterState {
            state: "stopped".into(),
            ..idle.clone()
        };
        assert_eq!(stopped.problem(), Some(Stopped));
        let rejecting = PrinterState {
            accepting: false,
            ..idle
        };
        assert_eq!(rejecting.problem(), Some(NotAccepting));
    }

    #[test]
    fn request_ids() {
        assert_eq!(
            parse_request_id("request id is PDF-12 (1 file(s))\n", "PDF"),
            Some(12)
        );
        assert_eq!(
            parse_request_id("request id is my-q-3 (1 file(s))\n", "my-q"),
            Some(3)
        );
        assert_eq!(parse_request_id("nothing", "PDF"), None);
    }

    #[test]
    fn messages_name_the_queue_in_both_languages() {
        let e = PrintError::Problem {
            queue: "Q1".into(),
            problem: PrinterProblem::PaperOut,
            job: Some(7),
            detail: String::new(),
        };
        let s = e.to_string();
        assert!(
            s.contains("hết giấy") && s.contains("out of paper") && s.contains("Q1"),
            "{s}"
        );
        assert!(s.contains("job 7"), "{s}");
        let e = PrintError::NoSuchQueue { queue: "X".into() };
        assert!(e.to_string().contains("\"X\""));
    }

    #[test]
    fn uri_for_socket_and_host() {
        assert_eq!(
            Cups::with_server("/tmp/a/cups.sock").ipp_uri("/jobs/1"),
            "ipp://%2Ftmp%2Fa%2Fcups.sock/jobs/1"
        );
        assert_eq!(
            Cups::with_server("localhost:631").ipp_uri("/printers/P"),
            "ipp://localhost:631/printers/P"
        );
        assert_eq!(uri_path_escape("a b"), "a%20b");
    }
}
