//! `kiemphieu report`: the biên bản kiểm phiếu (Mẫu 02, or 04 in household
//! mode) as an A4 PDF and, with `--decision`, the community's decision (Mẫu 03)
//! that travels with it.
#![warn(clippy::as_conversions)]

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::BadInput;
use kiemphieu_station::report::{
    DRAFT_WATERMARK, MachinePart, layout, layout_decision, render_pages,
};
use kiemphieu_station::result::{ResultError, sign_session};

/// Arguments of `kiemphieu report`.
#[derive(Args)]
pub struct ReportArgs {
    /// Station database.
    #[arg(long)]
    db: PathBuf,
    /// Output PDF.
    #[arg(long)]
    out: PathBuf,
    /// Copies (the law asks for 03: UBND cấp xã, Ủy ban MTTQ cấp xã, the unit).
    #[arg(long, default_value_t = 1)]
    copies: u32,
    /// The session (round) to report [default: the latest].
    #[arg(long)]
    session: Option<i64>,
    /// Also write the community's decision (Mẫu 03, the same numbers) to this PDF.
    #[arg(long, value_name = "PDF")]
    decision: Option<PathBuf>,
}

/// Writes the sheet of the latest session: final when confirmed and closed, else a draft.
pub fn run(a: &ReportArgs) -> anyhow::Result<()> {
    if !a.db.exists() {
        return Err(BadInput(format!("{}: no such station database", a.db.display())).into());
    }
    if a.copies == 0 || a.copies > 20 {
        return Err(BadInput(format!("--copies {}: between 1 and 20", a.copies)).into());
    }
    let signed = match sign_session(&a.db, a.session) {
        Err(e @ ResultError::Missing { .. }) => return Err(BadInput(e.to_string()).into()),
        other => other?,
    };
    let doc = &signed.result.doc;
    let machine = MachinePart::of(&signed.result, &signed.qr_text);
    let pages = layout(doc, &signed.data.election, &machine, a.copies)?;
    let watermark = (!doc.is_final).then_some(DRAFT_WATERMARK);
    let pdf = render_pages(&pages, watermark)?;
    if let Some(path) = &a.decision {
        if path == &a.out {
            return Err(BadInput(format!(
                "--decision {}: the same file as --out",
                path.display()
            ))
            .into());
        }
        let decision = layout_decision(doc, &signed.data.election, &machine, a.copies)?;
        let decision_pages = decision.len() / usize::try_from(a.copies)?;
        std::fs::write(path, render_pages(&decision, watermark)?)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        println!(
            "{}: community's decision (Mẫu 03), {decision_pages} page(s) × {} copies",
            path.display(),
            a.copies
        );
    }
    std::fs::write(&a.out, pdf).with_context(|| format!("{}: cannot write", a.out.display()))?;
    let per_copy = pages.len() / usize::try_from(a.copies)?;
    println!(
        "{}: {} sheet, {} page(s) × {} copies; session {}, result {}",
        a.out.display(),
        if doc.is_final {
            "final"
        } else {
            "DRAFT (session not confirmed)"
        },
        per_copy,
        a.copies,
        doc.session,
        doc.fingerprint()
    );
    Ok(())
}
