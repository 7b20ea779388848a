//! What can go wrong at the scanner, and what the operator is told to do about it.

use std::fmt;

/// A scanner fault the operator can fix at the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanStatus {
    /// The feeder is empty.
    NoPaper,
    /// A sheet is stuck in the paper path.
    Jammed,
    /// Two or more sheets were pulled in together.
    DoubleFeed,
    /// The scanner's cover or feeder lid is open.
    CoverOpen,
    /// The scanner is in use or still warming up.
    DeviceBusy,
    /// The scanner or its cable failed while sending a page.
    IoError,
    /// The scanner is not connected or switched off.
    Disconnected,
}

impl ScanStatus {
    /// Every status, in a fixed order (the simulator cycles through them).
    pub const ALL: [ScanStatus; 7] = [
        ScanStatus::NoPaper,
        ScanStatus::Jammed,
        ScanStatus::DoubleFeed,
        ScanStatus::CoverOpen,
        ScanStatus::DeviceBusy,
        ScanStatus::IoError,
        ScanStatus::Disconnected,
    ];

    /// A stable machine-readable code, e.g. `"jammed"`.
    pub fn code(self) -> &'static str {
        match self {
            ScanStatus::NoPaper => "no_paper",
            ScanStatus::Jammed => "jammed",
            ScanStatus::DoubleFeed => "double_feed",
            ScanStatus::CoverOpen => "cover_open",
            ScanStatus::DeviceBusy => "device_busy",
            ScanStatus::IoError => "io_error",
            ScanStatus::Disconnected => "disconnected",
        }
    }

    /// The status for a [`code`](Self::code), if it is one.
    pub fn from_code(code: &str) -> Option<ScanStatus> {
        ScanStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What the operator should do, in Vietnamese.
    pub fn instruction_vi(self) -> &'static str {
        match self {
            ScanStatus::NoPaper => "Khay nạp giấy trống — đặt phiếu vào khay rồi bấm Tiếp tục.",
            ScanStatus::Jammed => {
                "Kẹt giấy — mở nắp, lấy tờ phiếu ra, đặt lại vào khay rồi bấm Tiếp tục."
            }
            ScanStatus::DoubleFeed => {
                "Máy kéo nhiều tờ cùng lúc — lấy các tờ vừa kéo ra, đặt lại vào khay \
                 rồi bấm Tiếp tục."
            }
            ScanStatus::CoverOpen => "Nắp máy quét đang mở — đóng nắp lại rồi bấm Tiếp tục.",
            ScanStatus::DeviceBusy => "Máy quét đang bận — chờ vài giây rồi bấm Tiếp tục.",
            ScanStatus::IoError => {
                "Máy quét gửi dữ liệu bị lỗi — kiểm tra dây cáp, đặt lại tờ phiếu \
                 vừa quét vào khay rồi bấm Tiếp tục."
            }
            ScanStatus::Disconnected => {
                "Mất kết nối với máy quét — kiểm tra dây cáp và nguồn điện, bật máy \
                 rồi bấm Tiếp tục."
            }
        }
    }

    /// What the operator should do, in English.
    pub fn instruction_en(self) -> &'static str {
        match self {
            ScanStatus::NoPaper => {
                "The feeder is empty — put the ballots in the tray, then press Continue."
            }
            ScanStatus::Jammed => {
                "Paper jam — open the cover, take the ballot out, put it back in the tray, \
                 then press Continue."
            }
            ScanStatus::DoubleFeed => {
                "Several sheets went in together — take them out, put them back in the \
                 tray, then press Continue."
            }
            ScanStatus::CoverOpen => "The scanner cover is open — close it, then press Continue.",
            ScanStatus::DeviceBusy => {
                "The scanner is busy — wait a few seconds, then press Continue."
            }
            ScanStatus::IoError => {
                "The scanner sent bad data — check the cable, put the last ballot back in \
                 the tray, then press Continue."
            }
            ScanStatus::Disconnected => {
                "The scanner is not connected — check the cable and the power, switch it \
                 on, then press Continue."
            }
        }
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a scanner could not be opened or a page could not be read.
///
/// A fault at the machine carries a [`ScanStatus`]; setup and configuration errors
/// (bad source spec, missing libsane, unreadable folder) carry none. After a fault the
/// batch goes on with the next sheet; `refeed_sheet` names the sheet that was not
/// scanned and must be put back in the tray.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ScanError {
    /// The fault at the machine, if it is one.
    pub status: Option<ScanStatus>,
    /// One line for the log: what happened, naming the device, file or sheet.
    pub message: String,
    /// The 1-based sheet (within the batch) to put back in the tray.
    pub refeed_sheet: Option<u64>,
}

impl ScanError {
    /// A setup or configuration error (no machine status).
    pub fn other(message: impl Into<String>) -> Self {
        ScanError {
            status: None,
            message: message.into(),
            refeed_sheet: None,
        }
    }

    /// A fault at the machine.
    pub fn fault(status: ScanStatus, message: impl Into<String>) -> Self {
        ScanError {
            status: Some(status),
            message: message.into(),
            refeed_sheet: None,
        }
    }

    /// The same error, naming the sheet to re-feed.
    #[must_use]
    pub fn with_refeed(mut self, sheet: u64) -> Self {
        self.refeed_sheet = Some(sheet);
        self
    }

    /// The operator's instruction in Vietnamese: the status's, then the sheet to re-feed.
    pub fn instruction_vi(&self) -> String {
        let head = match self.status {
            Some(s) => s.instruction_vi().to_string(),
            None => format!("Lỗi máy quét: {}", self.message),
        };
        match self.refeed_sheet {
            Some(n) => format!("{head} Tờ số {n} chưa được quét — hãy đặt lại tờ này vào khay."),
            None => head,
        }
    }

    /// The operator's instruction in English: the status's, then the sheet to re-feed.
    pub fn instruction_en(&self) -> String {
        let head = match self.status {
            Some(s) => s.instruction_en().to_string(),
            None => format!("Scanner error: {}", self.message),
        };
        match self.refeed_sheet {
            Some(n) => format!("{head} Sheet {n} was not scanned — put it back in the tray."),
            None => head,
        }
    }
}
