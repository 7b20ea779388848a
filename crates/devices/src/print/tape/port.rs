//! Sending the job to the printer over a serial port, asking its status first.

use std::io::{Read, Write};
use std::time::Duration;

use crate::print::escpos::{self, PrinterStatus, StatusByteError, StatusKind, TapeProblem};

/// A tape printer failure, naming the port; `Display` gives Vietnamese then English.
#[derive(Debug, thiserror::Error)]
pub enum TapeError {
    /// The serial port cannot be opened.
    #[error("không mở được cổng {port} / cannot open serial port {port}: {source}")]
    Open {
        /// The port.
        port: String,
        /// Why.
        source: serialport::Error,
    },
    /// No status reply within the time limit.
    #[error(
        "máy in không trả lời trên cổng {port} sau {ms} ms — kiểm tra dây cáp, nguồn và tốc độ baud / printer not answering on {port} after {ms} ms — check the cable, power and baud rate"
    )]
    NotAnswering {
        /// The port.
        port: String,
        /// Milliseconds waited.
        ms: u128,
    },
    /// The printer reports a problem; nothing was printed.
    #[error("{port}: {vi}; chưa in gì / {port}: {en}; nothing was printed", vi = .problem.message_vi(), en = .problem.message_en())]
    Problem {
        /// The port.
        port: String,
        /// What is wrong.
        problem: TapeProblem,
    },
    /// The reply is not a status byte (wrong baud rate, or not an ESC/POS printer).
    #[error(
        "máy in trên cổng {port} trả lời sai — kiểm tra tốc độ baud / the printer on {port} answers garbage — check the baud rate: {source}"
    )]
    BadStatus {
        /// The port.
        port: String,
        /// The byte.
        source: StatusByteError,
    },
    /// The paper ran out while the tape was printing.
    #[error(
        "{port}: máy in nhiệt hết giấy trong khi in — lắp cuộn giấy mới rồi in lại cả băng / {port}: the thermal printer ran out of paper while printing — load a new roll and print the whole tape again"
    )]
    RanOut {
        /// The port.
        port: String,
    },
    /// Reading or writing the port failed.
    #[error("lỗi cổng {port} / serial port {port} failed: {source}")]
    Io {
        /// The port.
        port: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The statuses asked before printing: printer, offline cause, paper sensor.
pub const STATUS_QUERIES: [StatusKind; 3] =
    [StatusKind::Printer, StatusKind::Offline, StatusKind::Paper];

/// Asks the printer for its status (DLE EOT 1, 2, 4), sends the job if nothing stops it, then asks for the paper sensor again.
///
/// `port` names the device in errors; reads must time out (the serial port's
/// own timeout) — a read that times out is "printer not answering".
/// Returns the status seen (e.g. paper near its end).
pub fn send_job<P: Read + Write + ?Sized>(
    dev: &mut P,
    port: &str,
    job: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let io = |source: std::io::Error| TapeError::Io {
        port: port.to_string(),
        source,
    };
    let mut status = PrinterStatus::default();
    for kind in STATUS_QUERIES {
        status = status.merge(query(dev, port, kind, timeout)?);
    }
    if let Some(problem) = status.problem() {
        return Err(TapeError::Problem {
            port: port.to_string(),
            problem,
        });
    }
    dev.write_all(job).map_err(io)?;
    dev.flush().map_err(io)?;
    // Asked after the job, the paper sensor also tells that the printer got every byte.
    let after = query(dev, port, StatusKind::Paper, timeout)?;
    if after.paper_end {
        return Err(TapeError::RanOut {
            port: port.to_string(),
        });
    }
    Ok(status.merge(after))
}

/// Sends one DLE EOT query and reads its one-byte reply.
fn query<P: Read + Write + ?Sized>(
    dev: &mut P,
    port: &str,
    kind: StatusKind,
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let io = |source: std::io::Error| TapeError::Io {
        port: port.to_string(),
        source,
    };
    let not_answering = || TapeError::NotAnswering {
        port: port.to_string(),
        ms: timeout.as_millis(),
    };
    dev.write_all(&kind.query()).map_err(io)?;
    dev.flush().map_err(io)?;
    let mut b = [0u8; 1];
    match dev.read(&mut b) {
        Ok(1) => {}
        Ok(_) => return Err(not_answering()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            return Err(not_answering());
        }
        Err(e) => return Err(io(e)),
    }
    escpos::parse_status(kind, b[0]).map_err(|source| TapeError::BadStatus {
        port: port.to_string(),
        source,
    })
}

/// Opens a serial port (8N1, no flow control) and sends the job with [`send_job`].
pub fn print_on_port(
    port: &str,
    baud: u32,
    job: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, TapeError> {
    let mut dev = serialport::new(port, baud)
        .timeout(timeout)
        .open_native()
        .map_err(|source| TapeError::Open {
            port: port.to_string(),
            source,
        })?;
    // Stale bytes (an earlier reply) would be read as this status.
    let _ = serialport::SerialPort::clear(&dev, serialport::ClearBuffer::Input);
    send_job(&mut dev, port, job, timeout)
}
