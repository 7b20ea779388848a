//! What keeps a thermal printer from printing, read from its status, in plain words.

use super::PrinterStatus;

/// What keeps a thermal printer from printing, in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TapeProblem {
    /// The roll is used up.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// The autocutter is stuck.
    CutterError,
    /// Another error stopped the printer.
    Error,
    /// The printer is offline for another reason (feed button held, recovering).
    Offline,
}

impl TapeProblem {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => "paper_out",
            TapeProblem::CoverOpen => "cover_open",
            TapeProblem::CutterError => "cutter_error",
            TapeProblem::Error => "error",
            TapeProblem::Offline => "offline",
        }
    }

    /// Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => "máy in nhiệt hết giấy — lắp cuộn giấy mới rồi in lại",
            TapeProblem::CoverOpen => "nắp máy in nhiệt đang mở — đóng nắp rồi in lại",
            TapeProblem::CutterError => {
                "dao cắt của máy in nhiệt bị kẹt — tắt máy, gỡ giấy kẹt rồi in lại"
            }
            TapeProblem::Error => "máy in nhiệt báo lỗi — tắt rồi bật lại máy in, sau đó in lại",
            TapeProblem::Offline => "máy in nhiệt đang ngoại tuyến — chờ máy sẵn sàng rồi in lại",
        }
    }

    /// English.
    pub fn message_en(self) -> &'static str {
        match self {
            TapeProblem::PaperOut => {
                "the thermal printer is out of paper — load a new roll and print again"
            }
            TapeProblem::CoverOpen => {
                "the thermal printer's cover is open — close it and print again"
            }
            TapeProblem::CutterError => {
                "the thermal printer's cutter is stuck — switch it off, clear the paper and print again"
            }
            TapeProblem::Error => {
                "the thermal printer reports an error — switch it off and on, then print again"
            }
            TapeProblem::Offline => {
                "the thermal printer is offline — wait until it is ready and print again"
            }
        }
    }
}

impl PrinterStatus {
    /// Combines the flags of several replies.
    #[must_use]
    pub fn merge(self, o: PrinterStatus) -> PrinterStatus {
        PrinterStatus {
            offline: self.offline || o.offline,
            waiting_recovery: self.waiting_recovery || o.waiting_recovery,
            feed_button: self.feed_button || o.feed_button,
            cover_open: self.cover_open || o.cover_open,
            paper_end: self.paper_end || o.paper_end,
            paper_near_end: self.paper_near_end || o.paper_near_end,
            error: self.error || o.error,
            cutter_error: self.cutter_error || o.cutter_error,
        }
    }

    /// The problem that stops printing, most specific first; near-end paper is not one.
    pub fn problem(&self) -> Option<TapeProblem> {
        if self.paper_end {
            Some(TapeProblem::PaperOut)
        } else if self.cover_open {
            Some(TapeProblem::CoverOpen)
        } else if self.cutter_error {
            Some(TapeProblem::CutterError)
        } else if self.error {
            Some(TapeProblem::Error)
        } else if self.offline {
            Some(TapeProblem::Offline)
        } else {
            None
        }
    }
}
