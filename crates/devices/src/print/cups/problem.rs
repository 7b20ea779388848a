//! What stops a printer and what failed, in plain Vietnamese and English words.

use std::fmt::Write as _;
use std::path::PathBuf;

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
        let _ = write!(s, " ({detail})"); // writing to a String cannot fail
    }
    if let Some(j) = job {
        let _ = write!(s, "; lệnh in {j} vẫn chờ trong hàng đợi");
    }
    s
}

fn job_note_en(job: Option<u32>, detail: &str) -> String {
    let mut s = String::new();
    if !detail.is_empty() {
        let _ = write!(s, " ({detail})");
    }
    if let Some(j) = job {
        let _ = write!(s, "; job {j} is still waiting in the queue");
    }
    s
}
