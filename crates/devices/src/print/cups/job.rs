//! Sending a PDF (`lp`) and following the job (IPP) until it printed or failed.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use super::queue::list;
use super::{Cups, PrintError, PrinterProblem};

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

impl Cups {
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
