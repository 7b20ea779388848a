//! `kiemphieu election init|check`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use kiemphieu_core::election::{EXAMPLE_ELECTION, Fingerprint, load_election};

use super::BadInput;

/// Election file commands.
#[derive(Subcommand)]
pub enum ElectionCommand {
    /// Write an annotated example election file to edit.
    Init {
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Validate an election file and show what it describes.
    Check {
        /// The election file (TOML).
        file: PathBuf,
    },
}

/// Runs an election subcommand.
pub fn run(cmd: ElectionCommand) -> anyhow::Result<()> {
    match cmd {
        ElectionCommand::Init { out, force } => {
            if out.exists() && !force {
                return Err(BadInput(format!(
                    "{}: already exists (use --force to overwrite)",
                    out.display()
                ))
                .into());
            }
            std::fs::write(&out, EXAMPLE_ELECTION)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            println!("wrote {}", out.display());
            println!(
                "next: edit it, then `kiemphieu election check {}`",
                out.display()
            );
            Ok(())
        }
        ElectionCommand::Check { file } => {
            let election = load_election(&file)?;
            let info = &election.election;
            println!("{}: ok", file.display());
            println!("  {} — {}, {}", info.title, info.unit, info.commune);
            println!(
                "  office: {}, term {}, date {}",
                info.office,
                info.term,
                info.date.format("%d/%m/%Y")
            );
            println!(
                "  households (H): {}; a winner needs at least {} votes (votes × 2 > H)",
                info.households,
                kiemphieu_core::rules::votes_needed(info.households)
            );
            println!(
                "  mode: {:?}; counted by the {}{}",
                info.mode,
                info.counting_body.name_en(),
                info.collection_deadline
                    .map_or_else(String::new, |d| format!("; ballots back by {}", d.vi()))
            );
            for c in &election.candidates {
                println!("  candidate {}: {}", c.id, c.addressed());
            }
            if election.is_single_candidate()
                && info.marking == kiemphieu_core::election::Marking::Strike
                && election.settings.single_struck
                    == kiemphieu_core::election::SingleStruck::Invalid
            {
                eprintln!(
                    "note: with one candidate and single_struck = \"invalid\" the ballot only says that keeping the name agrees (a struck name is invalid); marking = \"approve_boxes\" gives voters a valid way to disagree"
                );
            }
            println!("  fingerprint: {}", Fingerprint::of(&election));
            Ok(())
        }
    }
}
