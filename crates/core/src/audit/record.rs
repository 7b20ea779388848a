//! A hand check as recorded — seed, draws, each hand reading — and its
//! recomputation from the records alone, which is what `verify` does.
//!
//! The population is every scanned page of the count in intake order (the
//! station's sheet order); each page is named for the officials by its batch
//! (hòm) and its place in that batch's stack, so the paper can be pulled.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    AuditPlan, Comparison, Contest, DrawError, Measure, Seed, SheetReading, draw, measure,
};

/// The risk limit offered by default: 5 %.
pub const DEFAULT_RISK_LIMIT: f64 = 0.05;

/// One page the draw can pick, as the count took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The station's sheet id.
    pub sheet: i64,
    /// The batch (hòm) the page was scanned in.
    pub batch: String,
    /// Its place in that batch's stack (1-based, scan order).
    pub place: u32,
    /// What the count took it for.
    pub machine: SheetReading,
}

/// What the officials read on one drawn paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandReading {
    /// The reading.
    pub reading: SheetReading,
    /// Who read it (the official entering it).
    pub official: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// One draw as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnPage {
    /// Draw number (1-based).
    pub draw: u32,
    /// The page's position in the population (1-based).
    pub position: u32,
    /// The page's sheet id.
    pub sheet: i64,
    /// Its batch.
    pub batch: String,
    /// Its place in the batch's stack.
    pub place: u32,
    /// The officials' reading, once entered (None: the paper is still to be read).
    pub paper: Option<HandReading>,
}

/// A hand check: everything needed to recompute it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The witnesses' seed, as hashed.
    pub seed: String,
    /// The risk limit α.
    pub risk_limit: f64,
    /// The reported outcome checked.
    pub contest: Contest,
    /// Every draw so far, in draw order.
    pub draws: Vec<DrawnPage>,
}

/// Why a hand check cannot go on, or does not recompute.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuditError {
    /// The seed or the population is unusable.
    #[error("{0}")]
    Draw(#[from] DrawError),
    /// The risk limit is not a fraction between 0 and 1 (exclusive).
    #[error("the risk limit must be above 0 % and below 100 %")]
    RiskLimit,
    /// No draw of that number.
    #[error("there is no draw {0}")]
    NoSuchDraw(u32),
    /// The paper of that draw was already read; a reading is never overwritten.
    #[error("draw {0} was already read")]
    AlreadyRead(u32),
    /// The record's population size is not the population's.
    #[error("the hand check drew from {recorded} pages, the count has {actual}")]
    Pages {
        /// As recorded.
        recorded: u32,
        /// As counted.
        actual: u32,
    },
    /// A recorded draw is not the page the seed picks, or not that page's sheet.
    #[error("draw {draw}: the record names {recorded}, the seed picks {expected}")]
    Altered {
        /// The draw.
        draw: u32,
        /// What the record says.
        recorded: String,
        /// What the seed and the count say.
        expected: String,
    },
}

/// A hand check under way: the record and the population it draws from.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    record: AuditRecord,
    seed: Seed,
    pages: Vec<AuditPage>,
}

impl Audit {
    /// Starts a hand check: draws as many pages as a sample that agrees with
    /// the count would need (at least one).
    pub fn start(
        seed: &str,
        risk_limit: f64,
        contest: Contest,
        pages: Vec<AuditPage>,
    ) -> Result<Audit, AuditError> {
        if !(risk_limit > 0.0 && risk_limit < 1.0) {
            return Err(AuditError::RiskLimit);
        }
        let seed = Seed::parse(seed)?;
        let contest = Contest {
            pages: population_size(&pages),
            ..contest
        };
        let mut audit = Audit {
            record: AuditRecord {
                seed: seed.digits().to_string(),
                risk_limit,
                contest,
                draws: Vec::new(),
            },
            seed,
            pages,
        };
        let first = match audit.measure().plan {
            AuditPlan::MoreDraws { next } => next,
            _ => 0,
        };
        audit.extend(first)?;
        Ok(audit)
    }

    /// Resumes a recorded hand check over the same population, checking every
    /// draw against the seed.
    pub fn resume(record: AuditRecord, pages: Vec<AuditPage>) -> Result<Audit, AuditError> {
        let seed = Seed::parse(&record.seed)?;
        let actual = population_size(&pages);
        if record.contest.pages != actual {
            return Err(AuditError::Pages {
                recorded: record.contest.pages,
                actual,
            });
        }
        let done = u32::try_from(record.draws.len()).unwrap_or(u32::MAX);
        let positions = draw(&seed, actual, 0, done)?;
        for (d, (&position, k)) in record.draws.iter().zip(positions.iter().zip(1u32..)) {
            let page = &pages[index(position)];
            let expected = (position, page.sheet, page.batch.as_str(), page.place);
            let recorded = (d.position, d.sheet, d.batch.as_str(), d.place);
            if d.draw != k || recorded != expected {
                return Err(AuditError::Altered {
                    draw: k,
                    recorded: place_name(recorded),
                    expected: place_name(expected),
                });
            }
        }
        Ok(Audit {
            record,
            seed,
            pages,
        })
    }

    /// The record as it stands.
    pub fn record(&self) -> &AuditRecord {
        &self.record
    }

    /// The first draw whose paper is still to be read.
    pub fn next_unread(&self) -> Option<&DrawnPage> {
        self.record.draws.iter().find(|d| d.paper.is_none())
    }

    /// What the count took a drawn page for — shown only once its paper is read
    /// (blind entry): None for a draw not yet read.
    pub fn machine_reading(&self, draw: u32) -> Option<&SheetReading> {
        let d = self.record.draws.iter().find(|d| d.draw == draw)?;
        d.paper.as_ref()?;
        Some(&self.pages[index(d.position)].machine)
    }

    /// Records the officials' reading of a draw's paper; the same paper drawn
    /// again later is the same reading.
    pub fn enter(&mut self, draw: u32, paper: &HandReading) -> Result<(), AuditError> {
        let d = self
            .record
            .draws
            .iter()
            .find(|d| d.draw == draw)
            .ok_or(AuditError::NoSuchDraw(draw))?;
        if d.paper.is_some() {
            return Err(AuditError::AlreadyRead(draw));
        }
        let position = d.position;
        for d in &mut self.record.draws {
            if d.position == position && d.paper.is_none() {
                d.paper = Some(paper.clone());
            }
        }
        Ok(())
    }

    /// Draws `count` more pages.
    pub fn extend(&mut self, count: u32) -> Result<(), AuditError> {
        let done = u32::try_from(self.record.draws.len()).unwrap_or(u32::MAX);
        let positions = draw(&self.seed, self.record.contest.pages, done, count)?;
        for (position, k) in positions.into_iter().zip(done + 1..) {
            let page = &self.pages[index(position)];
            // A page drawn before is the same paper: its reading carries over.
            let known = self
                .record
                .draws
                .iter()
                .find(|d| d.position == position)
                .and_then(|d| d.paper.clone());
            self.record.draws.push(DrawnPage {
                draw: k,
                position,
                sheet: page.sheet,
                batch: page.batch.clone(),
                place: page.place,
                paper: known,
            });
        }
        Ok(())
    }

    /// The risk measured over the draws read so far, in draw order, up to the
    /// first paper not yet read (the sequential test takes draws in order).
    pub fn measure(&self) -> Measure {
        measure(
            &self.record.contest,
            self.record.risk_limit,
            &self.comparisons(),
        )
    }

    /// Each read draw beside the count, in draw order up to the first unread.
    pub fn comparisons(&self) -> Vec<Comparison> {
        self.record
            .draws
            .iter()
            .map_while(|d| {
                d.paper.as_ref().map(|p| Comparison {
                    position: d.position,
                    machine: self.pages[index(d.position)].machine.clone(),
                    paper: p.reading.clone(),
                })
            })
            .collect()
    }

    /// The batches a full hand count should take: those of every page where
    /// paper and count differ, or every batch when none differs.
    pub fn batches_to_count(&self) -> Vec<String> {
        let mut differing: Vec<String> = self
            .comparisons()
            .iter()
            .filter(|c| c.machine != c.paper)
            .map(|c| self.pages[index(c.position)].batch.clone())
            .collect();
        if differing.is_empty() {
            differing = self.pages.iter().map(|p| p.batch.clone()).collect();
        }
        differing.sort();
        differing.dedup();
        differing
    }
}

/// Recomputes a recorded hand check from the seed and the count: the draws must
/// be the seed's, and the risk is measured again from the recorded readings.
pub fn recompute(record: &AuditRecord, pages: &[AuditPage]) -> Result<Measure, AuditError> {
    Ok(Audit::resume(record.clone(), pages.to_vec())?.measure())
}

/// The biên bản's line for the hand check (rules: one line, fixed Vietnamese).
pub fn sheet_line(audit: Option<(&AuditRecord, &Measure)>) -> String {
    let Some((record, m)) = audit else {
        return "Kiểm tra xác suất bằng tay: không thực hiện.".to_string();
    };
    let read = record.draws.iter().filter(|d| d.paper.is_some()).count();
    let differ = m.findings.iter().filter(|f| f.differs).count();
    let mut line = format!(
        "Kiểm tra xác suất bằng tay: {read} phiếu, {differ} sai lệch, mức rủi ro không quá {} %",
        percent(m.risk)
    );
    line.push_str(match m.plan {
        AuditPlan::Confirmed => " — kết quả được xác nhận.",
        AuditPlan::MoreDraws { .. } => " — chưa đủ để xác nhận kết quả.",
        AuditPlan::FullHandCount { .. } => " — đề nghị kiểm lại toàn bộ bằng tay.",
    });
    line
}

/// A fraction as a Vietnamese percentage, rounded up to one decimal (a risk
/// is never printed smaller than it is).
pub fn percent(fraction: f64) -> String {
    // The epsilon keeps 5 % from printing as 5,1 % through binary rounding.
    let tenths = (fraction * 1000.0 - 1e-6).ceil().clamp(0.0, 1000.0);
    // 0 ≤ tenths ≤ 1000, whole.
    let tenths = tenths as u32;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{},{}", tenths / 10, tenths % 10)
    }
}

fn population_size(pages: &[AuditPage]) -> u32 {
    u32::try_from(pages.len()).unwrap_or(u32::MAX)
}

/// The vector index of a 1-based position the sampler made (always in range).
fn index(position: u32) -> usize {
    usize::try_from(position).unwrap_or(1).saturating_sub(1)
}

/// A drawn page in words, for the error that names an altered draw.
fn place_name((position, sheet, batch, place): (u32, i64, &str, u32)) -> String {
    format!("page {position} (sheet {sheet}, {batch} #{place})")
}
