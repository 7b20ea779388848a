//! Reading one image (one side of one sheet) from a SANE device: `sane_start`, the
//! parameters, `sane_read` until EOF, three-pass colour assembled — and a frame that
//! ends early is a fault, never a page.

// The parameters and data come from the device: no silent numeric casts on it.
#![warn(clippy::as_conversions)]

use std::time::{Duration, Instant};

use super::device::SaneDevice;
use super::ffi::{self, Parameters, Status};

/// Largest frame accepted, in bytes: far above an A4 600 dpi 16-bit colour page
/// (≈ 210 MB), well below what a bogus `lines` value would make us allocate.
const MAX_FRAME_BYTES: usize = 1 << 30;

/// Time given to a backend's reader thread to start, and to finish, before a call that
/// may kill it (a read that fails, the EOF read, `sane_cancel`). Backends built on sanei_thread (SANE's `test`, and
/// many real drivers) stop their reader with an asynchronous `pthread_cancel`; landing
/// while the reader is inside malloc/free leaves the allocator locked and the process
/// hangs at the reader's exit (seen with the `test` backend in 1 run of 20). A reader
/// with no more to write ends within microseconds, and one still writing is blocked in
/// `write`, where an asynchronous cancel is harmless.
pub(super) const READER_SETTLE: Duration = Duration::from_millis(20);

/// How long a backend may return "no data yet" before we call it an I/O fault.
const STALL_LIMIT: Duration = Duration::from_secs(120);

/// The calls the frame reader makes, so the batch logic can be tested without libsane.
pub(crate) trait FrameDevice {
    /// `sane_start`.
    fn start(&mut self) -> Status;
    /// `sane_get_parameters`.
    fn parameters(&mut self) -> Result<Parameters, Status>;
    /// `sane_read`: status and bytes written.
    fn read(&mut self, buf: &mut [u8]) -> (Status, usize);
    /// `sane_cancel`.
    fn cancel(&mut self);
    /// Whether the device's double-feed sensor is set (after a jam).
    fn double_feed_sensor(&mut self) -> bool {
        false
    }
}

impl FrameDevice for SaneDevice {
    fn start(&mut self) -> Status {
        SaneDevice::start(self)
    }
    fn parameters(&mut self) -> Result<Parameters, Status> {
        SaneDevice::parameters(self)
    }
    fn read(&mut self, buf: &mut [u8]) -> (Status, usize) {
        SaneDevice::read(self, buf)
    }
    fn cancel(&mut self) {
        SaneDevice::cancel(self);
    }
    fn double_feed_sensor(&mut self) -> bool {
        // SANE has no status for a double feed: backends with an ultrasonic sensor
        // (fujitsu, canon_dr, …) report SANE_STATUS_JAMMED and set a read-only
        // `double-feed` sensor option.
        ["double-feed", "doublefeed"].iter().any(|name| {
            self.option(name).is_some_and(|o| {
                o.readable()
                    && o.kind == super::options::OptionKind::Bool
                    && matches!(self.get(&o), Ok(super::options::OptionValue::Bool(true)))
            })
        })
    }
}

/// Why no image came out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fault {
    /// `SANE_STATUS_NO_DOCS` before any byte of the image: the feeder is empty.
    NoDocs,
    /// `sane_start` of the image failed: the sheet was not (or not fully) pulled in.
    Start(Status),
    /// A status other than EOF while the image was being read.
    Read(Status),
    /// EOF before the announced size.
    Truncated {
        /// Bytes received.
        got: usize,
        /// Bytes announced.
        expected: usize,
    },
    /// A frame this driver cannot use (format, depth, size).
    Unsupported(String),
}

/// One image as SANE sent it: rows of `row_bytes`, samples interleaved for RGB,
/// 16-bit samples in host byte order, 1-bit samples packed from the high bit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawImage {
    /// RGB (true) or grey.
    pub rgb: bool,
    /// Bits per sample: 1, 8 or 16.
    pub depth: u8,
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bytes per row in `data` (may include padding).
    pub row_bytes: usize,
    /// The samples.
    pub data: Vec<u8>,
}

/// Reads one image: a `sane_start` per frame (three frames for three-pass colour).
pub(crate) fn acquire(dev: &mut dyn FrameDevice) -> Result<RawImage, Fault> {
    let mut planes: [Option<RawImage>; 3] = [None, None, None];
    let mut first = true;
    loop {
        let mut st = dev.start();
        if st == ffi::STATUS_EOF && first {
            // Single-shot backends (pnm, many flatbed drivers) answer the next page's
            // sane_start with EOF until the last scan is cancelled. Cancel and try once
            // more; EOF again means there is nothing more to scan.
            dev.cancel();
            st = match dev.start() {
                ffi::STATUS_EOF => ffi::STATUS_NO_DOCS,
                other => other,
            };
        }
        if st != ffi::STATUS_GOOD {
            return Err(match st {
                ffi::STATUS_NO_DOCS if first => Fault::NoDocs,
                _ if first => Fault::Start(st),
                _ => Fault::Read(st),
            });
        }
        // The reader thread a backend starts here allocates as it begins; a read that
        // fails at once would kill it mid-allocation (READER_SETTLE).
        std::thread::sleep(READER_SETTLE);
        let p = dev.parameters().map_err(Fault::Read)?;
        let frame = read_frame(dev, &p, first)?;
        first = false;
        let plane = match p.format {
            ffi::FRAME_GRAY | ffi::FRAME_RGB => return Ok(frame),
            ffi::FRAME_RED => 0,
            ffi::FRAME_GREEN => 1,
            _ => 2,
        };
        planes[plane] = Some(frame);
        if p.last_frame != 0 {
            return merge_planes(planes);
        }
        if planes.iter().all(Option::is_some) {
            // Three planes and still not "last": a broken backend; use what we have.
            return merge_planes(planes);
        }
    }
}

/// Reads one frame after a successful `sane_start`.
fn read_frame(dev: &mut dyn FrameDevice, p: &Parameters, first: bool) -> Result<RawImage, Fault> {
    let (rgb, width, row_bytes, depth) = check_parameters(p)?;
    let expected = if p.lines > 0 {
        let lines = usize::try_from(p.lines).unwrap_or(0);
        Some(
            lines
                .checked_mul(row_bytes)
                .filter(|&n| n <= MAX_FRAME_BYTES)
                .ok_or_else(|| {
                    Fault::Unsupported(format!("frame of {lines} lines is too large"))
                })?,
        )
    } else {
        None
    };
    // Reserve what was announced, within reason: a bogus `lines` must not allocate a
    // gigabyte before the first byte arrives.
    let mut data = Vec::with_capacity(expected.unwrap_or(1 << 20).min(64 << 20));
    let mut buf = vec![0u8; 256 * 1024];
    let mut stalled_since: Option<Instant> = None;
    let mut settled = false;
    loop {
        if !settled && expected.is_some_and(|e| data.len() >= e) {
            // Every byte is here; the read that returns EOF makes a sanei_thread
            // backend kill its reader. Let the reader finish first (see READER_SETTLE).
            settled = true;
            std::thread::sleep(READER_SETTLE);
        }
        let (st, n) = dev.read(&mut buf);
        match st {
            ffi::STATUS_GOOD => {
                if n == 0 {
                    // Blocking backends should not do this, but some do while the
                    // mechanism warms up; wait, but not for ever.
                    let since = *stalled_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > STALL_LIMIT {
                        return Err(Fault::Read(ffi::STATUS_IO_ERROR));
                    }
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                }
                stalled_since = None;
                if data.len() + n > MAX_FRAME_BYTES {
                    return Err(Fault::Unsupported("frame larger than 1 GiB".into()));
                }
                data.extend_from_slice(&buf[..n]);
            }
            ffi::STATUS_EOF => break,
            ffi::STATUS_NO_DOCS if first && data.is_empty() => return Err(Fault::NoDocs),
            _ => return Err(Fault::Read(st)),
        }
    }
    let height = if let Some(expected) = expected {
        if data.len() < expected {
            return Err(Fault::Truncated {
                got: data.len(),
                expected,
            });
        }
        // Extra bytes past the announced size are padding; the image is complete.
        data.truncate(expected);
        p.lines
    } else {
        // Height unknown in advance (hand-held or "auto length" feeders): whole
        // rows only.
        if data.is_empty() || data.len() % row_bytes != 0 {
            let expected = data.len().div_ceil(row_bytes).max(1) * row_bytes;
            return Err(Fault::Truncated {
                got: data.len(),
                expected,
            });
        }
        i32::try_from(data.len() / row_bytes)
            .map_err(|_| Fault::Unsupported("too many lines".into()))?
    };
    Ok(RawImage {
        rgb,
        depth: u8::try_from(depth).map_err(|_| Fault::Unsupported(format!("bit depth {depth}")))?,
        width,
        height: u32::try_from(height).unwrap_or(0),
        row_bytes,
        data,
    })
}

/// Validates the parameters; returns (rgb, width, bytes per line, depth).
fn check_parameters(p: &Parameters) -> Result<(bool, u32, usize, i32), Fault> {
    let rgb = match p.format {
        ffi::FRAME_GRAY | ffi::FRAME_RED | ffi::FRAME_GREEN | ffi::FRAME_BLUE => false,
        ffi::FRAME_RGB => true,
        other => {
            return Err(Fault::Unsupported(format!(
                "frame format {other} (only grey and RGB are supported)"
            )));
        }
    };
    if !matches!(p.depth, 1 | 8 | 16) {
        return Err(Fault::Unsupported(format!("bit depth {}", p.depth)));
    }
    let width = u32::try_from(p.pixels_per_line)
        .ok()
        .filter(|&w| w > 0)
        .ok_or_else(|| Fault::Unsupported(format!("{} pixels per line", p.pixels_per_line)))?;
    let row_bytes = usize::try_from(p.bytes_per_line).unwrap_or(0);
    let channels = if rgb { 3 } else { 1 };
    let too_wide = || Fault::Unsupported(format!("{width} pixels per line"));
    let width_px = usize::try_from(width).map_err(|_| too_wide())?;
    // Checked above to be 1, 8 or 16.
    let depth_bits = usize::try_from(p.depth).map_err(|_| too_wide())?;
    let needed = (width_px * channels * depth_bits).div_ceil(8);
    if row_bytes < needed {
        return Err(Fault::Unsupported(format!(
            "{row_bytes} bytes per line for {width} pixels at depth {}",
            p.depth
        )));
    }
    if p.lines == 0 || p.lines < -1 {
        return Err(Fault::Unsupported(format!("{} lines", p.lines)));
    }
    Ok((rgb, width, row_bytes, p.depth))
}

/// Interleaves the red, green and blue frames of a three-pass scanner into RGB.
fn merge_planes(planes: [Option<RawImage>; 3]) -> Result<RawImage, Fault> {
    let [Some(r), Some(g), Some(b)] = planes else {
        return Err(Fault::Unsupported(
            "three-pass scan without all three colours".into(),
        ));
    };
    if [&g, &b]
        .iter()
        .any(|p| (p.width, p.height, p.depth) != (r.width, r.height, r.depth))
    {
        return Err(Fault::Unsupported(
            "three-pass frames of different sizes".into(),
        ));
    }
    let too_large = || Fault::Unsupported("three-pass frame too large".into());
    let w = usize::try_from(r.width).map_err(|_| too_large())?;
    let h = usize::try_from(r.height).map_err(|_| too_large())?;
    let depth = r.depth;
    let row_bytes = (w * 3 * usize::from(depth)).div_ceil(8);
    let mut data = vec![0u8; row_bytes * h];
    let planes = [&r, &g, &b];
    for y in 0..h {
        let out = &mut data[y * row_bytes..(y + 1) * row_bytes];
        for (c, p) in planes.iter().enumerate() {
            let row = &p.data[y * p.row_bytes..(y + 1) * p.row_bytes];
            match depth {
                1 => {
                    for x in 0..w {
                        if row[x / 8] & (0x80 >> (x % 8)) != 0 {
                            let bit = 3 * x + c;
                            out[bit / 8] |= 0x80 >> (bit % 8);
                        }
                    }
                }
                8 => (0..w).for_each(|x| out[3 * x + c] = row[x]),
                _ => (0..w).for_each(|x| {
                    out[6 * x + 2 * c] = row[2 * x];
                    out[6 * x + 2 * c + 1] = row[2 * x + 1];
                }),
            }
        }
    }
    Ok(RawImage {
        rgb: true,
        depth,
        width: r.width,
        height: r.height,
        row_bytes,
        data,
    })
}
