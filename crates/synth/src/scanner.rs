//! `sim:` — a simulated sheet feeder holding marked, scanned ballots of the loaded
//! election, made by the synthetic ballot generator.
//!
//! The tray holds N ballots. Sheets come at a realistic pace (default 60 a minute; 0 =
//! as fast as they are made), all deterministic from the seed. With `fault-every=K`
//! every K-th sheet faults instead, cycling through the [`ScanStatus`]es; a sheet that
//! was pulled in (jam, double feed, I/O error) goes back to the end of the tray, so
//! every ballot is delivered exactly once in the end. Pages are rendered by a worker
//! thread one sheet ahead, so the pace is kept even when a page takes long to make.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::ballot::{BallotLayout, Serial};
use crate::election::{BallotKey, Election};
use crate::{
    BallotSpec, ColourMode, ExtraWriting, FileFormat, Generator, GeneratorMix, PageKind, StampSpec,
    Truth,
};

use kiemphieu_station::scan::{
    Phase, ScanColour, ScanError, ScanSettings, ScanStatus, ScannedPage, Scanner, Side, SourceKind,
};

/// Marks a tray entry as a ballot fed a second time (scanned anew: another
/// image of the same paper, which the station must set aside, not store as
/// the same file again).
const REFED: u64 = 1 << 62;

/// Ballots in the simulated tray when `sim:` gives no number.
pub const SIM_DEFAULT_SHEETS: u64 = 50;
/// The simulated feeder's default pace, sheets per minute.
pub const SIM_DEFAULT_RATE: f64 = 60.0;
/// The simulated feeder's default seed.
pub const SIM_DEFAULT_SEED: u64 = 1;

/// Options of the simulated feeder.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Ballots in the tray.
    pub sheets: u64,
    /// Pace in sheets per minute; 0 = as fast as pages are made.
    pub rate: f64,
    /// A fault every this many sheets (`None` = never).
    pub fault_every: Option<u64>,
    /// Seed of everything drawn.
    pub seed: u64,
    /// The mix the ballots are drawn from (`mix=demo`: the demo's plausible unit).
    pub mix: GeneratorMix,
    /// One ballot of the tray is fed a second time, two thirds of the way
    /// through (a sheet put back on the pile): the demo shows a page set aside.
    pub refeed_one: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            sheets: SIM_DEFAULT_SHEETS,
            rate: SIM_DEFAULT_RATE,
            fault_every: None,
            seed: SIM_DEFAULT_SEED,
            mix: GeneratorMix::realistic(),
            refeed_one: false,
        }
    }
}

/// What the simulator needs from the station: the election and its ballot key.
#[derive(Debug, Clone)]
pub struct SimContext {
    /// The loaded election.
    pub election: Election,
    /// Its key, so that the ballots' QR codes verify.
    pub key: BallotKey,
}

/// Both sides of one simulated sheet, as encoded files, and the front's truth.
type SheetFiles = (Vec<u8>, Option<Vec<u8>>, Box<Truth>);

/// What the simulator drew on each front page it fed, by the page's source label.
pub type SimTruths = Arc<Mutex<HashMap<String, Truth>>>;

/// What the worker answers: the ballot number and its sheet, or why it failed.
type Rendered = (u64, Result<SheetFiles, String>);

/// The simulated feeder.
#[derive(Debug)]
pub struct SimScanner {
    opts: SimOptions,
    dpi: u32,
    colour: ScanColour,
    duplex: bool,
    jobs: mpsc::Sender<u64>,
    done: mpsc::Receiver<Rendered>,
    /// Ballot numbers (0-based) still in the tray, in feed order.
    tray: VecDeque<u64>,
    requested: HashSet<u64>,
    ready: HashMap<u64, SheetFiles>,
    phase: Phase,
    sheet: u64,
    delivered: u64,
    pending: Option<ScannedPage>,
    next_due: Option<Instant>,
    last_fault: Option<u64>,
    fault_cursor: usize,
    serials: Vec<Serial>,
    truths: SimTruths,
}

impl SimScanner {
    /// A simulated feeder loaded with `opts.sheets` ballots of `ctx`'s election.
    pub fn new(
        opts: SimOptions,
        settings: &ScanSettings,
        ctx: SimContext,
    ) -> Result<SimScanner, ScanError> {
        if !(150..=600).contains(&settings.dpi) {
            return Err(ScanError::other(format!(
                "sim: {} dpi is outside the simulated scanner's 150–600 dpi",
                settings.dpi
            )));
        }
        // 0 means "no pacing"; otherwise between one sheet in ten minutes and a
        // million a minute (the interval must be a sane duration).
        if !(opts.rate == 0.0 || (0.1..=1e6).contains(&opts.rate)) {
            return Err(ScanError::other(format!(
                "sim: rate {} sheets/min is out of range (0, or 0.1 to 1,000,000)",
                opts.rate
            )));
        }
        // Fail now, not in the worker, if the election cannot be printed.
        let layout = BallotLayout::for_election(&ctx.election)
            .map_err(|e| ScanError::other(format!("sim: cannot lay out the ballot: {e}")))?;
        let generator = Generator::new(&ctx.election, &layout, &ctx.key)
            .map_err(|e| ScanError::other(format!("sim: {e}")))?;
        // The serials the printer issued: those of the ballots the feeder will make.
        let mix = opts.mix.with_dpi(settings.dpi).with_format(FileFormat::Png);
        let serials = (0..opts.sheets)
            .map(|b| generator.sample(ballot_seed(opts.seed, b), &mix).serial)
            .collect();
        drop(generator);
        let render = RenderSettings {
            seed: opts.seed,
            mix: opts.mix,
            dpi: settings.dpi,
            colour: settings.colour,
            duplex: settings.duplex,
        };
        let (jobs, job_rx) = mpsc::channel::<u64>();
        let (done_tx, done) = mpsc::channel::<Rendered>();
        std::thread::Builder::new()
            .name("kiemphieu-sim-scanner".into())
            .spawn(move || worker(&ctx, &layout, render, &job_rx, &done_tx))
            .map_err(|e| ScanError::other(format!("sim: cannot start the page maker: {e}")))?;
        let mut tray: VecDeque<u64> = (0..opts.sheets).collect();
        if opts.refeed_one && opts.sheets >= 3 {
            let at = usize::try_from(opts.sheets * 2 / 3).unwrap_or(tray.len());
            tray.insert(at.min(tray.len()), (opts.sheets / 3) | REFED);
        }
        Ok(SimScanner {
            tray,
            opts,
            dpi: settings.dpi,
            colour: settings.colour,
            duplex: settings.duplex,
            jobs,
            done,
            requested: HashSet::new(),
            ready: HashMap::new(),
            phase: Phase::Idle,
            sheet: 0,
            delivered: 0,
            pending: None,
            next_due: None,
            last_fault: None,
            fault_cursor: 0,
            serials,
            truths: Arc::default(),
        })
    }

    /// The serials of the ballots in the tray: the simulated print run, which a
    /// demo station records as issued before the feeder runs.
    pub fn serials(&self) -> &[Serial] {
        &self.serials
    }

    /// What was drawn on each front page fed so far, by its source label: the
    /// demo's scripted official reads a ballot the machine cannot from it.
    pub fn truths(&self) -> SimTruths {
        Arc::clone(&self.truths)
    }

    /// Ballots still in the tray (including re-fed ones).
    pub fn remaining(&self) -> usize {
        self.tray.len()
    }

    fn label(&self) -> String {
        format!("sim:{}", self.opts.sheets)
    }

    fn interval(&self) -> Option<Duration> {
        (self.opts.rate > 0.0).then(|| Duration::from_secs_f64(60.0 / self.opts.rate))
    }

    fn request(&mut self, ballot: u64) {
        if self.requested.insert(ballot) {
            // A closed channel means the worker died; `fetch` reports it.
            let _ = self.jobs.send(ballot);
        }
    }

    /// The rendered sheet for `ballot`, waiting for the worker if need be.
    fn fetch(&mut self, ballot: u64) -> Result<SheetFiles, ScanError> {
        self.request(ballot);
        loop {
            if let Some(files) = self.ready.remove(&ballot) {
                self.requested.remove(&ballot);
                return Ok(files);
            }
            let (b, result) = self.done.recv().map_err(|_| {
                ScanError::other(format!("{}: the page maker stopped", self.label()))
            })?;
            match result {
                Ok(files) => {
                    self.ready.insert(b, files);
                }
                Err(e) if b == ballot => {
                    self.requested.remove(&ballot);
                    return Err(ScanError::other(format!(
                        "{}: cannot make ballot {}: {e}",
                        self.label(),
                        (ballot & !REFED) + 1
                    )));
                }
                // Another ballot's failure is reported when that ballot is fed.
                Err(_) => {
                    self.requested.remove(&b);
                }
            }
        }
    }

    /// The injected fault for sheet `s`, if one is due: puts pulled sheets back in the
    /// tray and returns the error.
    fn inject_fault(&mut self, s: u64) -> Option<ScanError> {
        let k = self.opts.fault_every.filter(|&k| k > 0)?;
        if s % k != 0 || self.last_fault == Some(s) {
            return None;
        }
        self.last_fault = Some(s);
        let status = ScanStatus::ALL[self.fault_cursor % ScanStatus::ALL.len()];
        self.fault_cursor += 1;
        let label = self.label();
        let err = ScanError::fault(
            status,
            format!("{label}: sheet {s}: simulated fault: {}", status.code()),
        );
        let pulled = match status {
            ScanStatus::Jammed | ScanStatus::IoError => 1,
            // Two sheets went in together: both come out and go back.
            ScanStatus::DoubleFeed => 2,
            // Nothing moved: cover, busy, power, or a false "empty" reading.
            _ => 0,
        };
        if pulled == 0 {
            return Some(err);
        }
        for _ in 0..pulled {
            if let Some(b) = self.tray.pop_front() {
                self.tray.push_back(b);
            }
        }
        self.sheet = s;
        Some(err.with_refeed(s))
    }

    fn page(&self, bytes: Vec<u8>, s: u64, side: Side) -> ScannedPage {
        ScannedPage {
            bytes,
            extension: "png",
            source: format!("{} sheet {s} {}", self.label(), side.as_str()),
            sheet: s,
            side,
            dpi: Some(f64::from(self.dpi)),
        }
    }
}

impl Scanner for SimScanner {
    fn source_kind(&self) -> SourceKind {
        SourceKind::Simulator
    }

    fn describe(&self) -> String {
        let pace = match self.opts.rate {
            r if r > 0.0 => format!("{r} sheets/min"),
            _ => "as fast as possible".to_string(),
        };
        let faults = match self.opts.fault_every {
            Some(k) if k > 0 => format!(", a fault every {k} sheets"),
            _ => String::new(),
        };
        let colour = match self.colour {
            ScanColour::Colour => "colour",
            ScanColour::Grey => "grey",
        };
        let sides = if self.duplex {
            "both sides"
        } else {
            "one side"
        };
        format!(
            "simulated feeder: {} ballots, {pace}, {} dpi {colour}, {sides}{faults} (seed {})",
            self.opts.sheets, self.dpi, self.opts.seed
        )
    }

    fn start_batch(&mut self) -> Result<(), ScanError> {
        self.phase = Phase::Running;
        self.sheet = 0;
        self.delivered = 0;
        self.pending = None;
        self.last_fault = None;
        // Pulling in the first sheet takes as long as any other.
        self.next_due = self.interval().map(|i| Instant::now() + i);
        if let Some(&b) = self.tray.front() {
            self.request(b);
        }
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ScannedPage>, ScanError> {
        if let Some(back) = self.pending.take() {
            return Ok(Some(back));
        }
        match self.phase {
            Phase::Idle => {
                return Err(ScanError::other(format!(
                    "{}: no batch started (call start_batch first)",
                    self.label()
                )));
            }
            Phase::Finished => return Ok(None),
            Phase::Running => {}
        }
        if self.tray.is_empty() {
            if self.delivered > 0 {
                self.phase = Phase::Finished;
                return Ok(None);
            }
            return Err(ScanError::fault(
                ScanStatus::NoPaper,
                format!("{}: the tray is empty", self.label()),
            ));
        }
        let s = self.sheet + 1;
        if let Some(err) = self.inject_fault(s) {
            return Err(err);
        }
        if let Some(due) = self.next_due {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        let Some(ballot) = self.tray.pop_front() else {
            return Ok(None);
        };
        let files = self.fetch(ballot);
        // Make the next sheet while this one is being stored and read.
        if let Some(&next) = self.tray.front() {
            self.request(next);
        }
        self.next_due = self.interval().map(|i| Instant::now() + i);
        self.sheet = s;
        let (front, back, truth) = files?;
        self.delivered += 1;
        self.pending = back.map(|b| self.page(b, s, Side::Back));
        let page = self.page(front, s, Side::Front);
        self.truths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(page.source.clone(), *truth);
        Ok(Some(page))
    }

    fn cancel(&mut self) {
        if self.phase != Phase::Idle {
            self.phase = Phase::Finished;
        }
        self.pending = None;
    }
}

/// How pages are made, fixed when the scanner is opened.
#[derive(Debug, Clone, Copy)]
struct RenderSettings {
    seed: u64,
    mix: GeneratorMix,
    dpi: u32,
    colour: ScanColour,
    duplex: bool,
}

/// The page maker: owns the election and renders sheets on request.
fn worker(
    ctx: &SimContext,
    layout: &BallotLayout,
    settings: RenderSettings,
    jobs: &mpsc::Receiver<u64>,
    done: &mpsc::Sender<Rendered>,
) {
    let generator = match Generator::new(&ctx.election, layout, &ctx.key) {
        Ok(g) => g,
        Err(e) => {
            for b in jobs {
                if done.send((b, Err(e.to_string()))).is_err() {
                    return;
                }
            }
            return;
        }
    };
    for b in jobs {
        let result = render(&generator, b, settings).map_err(|e| e.to_string());
        if done.send((b, result)).is_err() {
            return;
        }
    }
}

/// One sheet: a marked ballot from the feeder's mix, scanned as PNG at the set
/// resolution and colour, and with duplex its back (blank, the front showing through).
fn render(
    generator: &Generator<'_>,
    ballot: u64,
    s: RenderSettings,
) -> Result<SheetFiles, crate::SynthError> {
    let mix = s.mix.with_dpi(s.dpi).with_format(FileFormat::Png);
    let seed = ballot_seed(s.seed, ballot & !REFED);
    let mut spec = generator.sample(seed, &mix);
    if ballot & REFED != 0 {
        // The same paper through the feeder again: a little skew and shift, fresh noise.
        spec.scan.skew_deg += 0.4;
        spec.scan.shift_mm.0 += 1.5;
        spec.seed ^= 1;
    }
    spec.scan.colour = match s.colour {
        ScanColour::Colour => ColourMode::Rgb,
        ScanColour::Grey => ColourMode::Grey,
    };
    let front = generator.render(&spec)?;
    let truth = Box::new(front.truth);
    let front = front.encoded;
    let back = if s.duplex {
        let back = BallotSpec {
            kind: PageKind::DuplexBack,
            marks: Vec::new(),
            boxes: None,
            stamp: StampSpec::Absent,
            extra: ExtraWriting::None,
            ..spec
        };
        Some(generator.render(&back)?.encoded)
    } else {
        None
    };
    Ok((front, back, truth))
}

/// A well-mixed seed per ballot (splitmix64), so neighbouring ballots differ fully.
fn ballot_seed(seed: u64, ballot: u64) -> u64 {
    let mut z = seed ^ ballot.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
