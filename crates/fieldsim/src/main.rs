//! fieldsim: an independent world of marked and scanned ballots for testing kiemphieu's interpreter
//! (issue #14). It shares no code with kiemphieu and uses it only as a black box.

mod canvas;
mod encode;
mod eval;
mod gallery;
mod gesture;
mod layout;
mod make;
mod paper;
mod pen;
mod plan;
mod rng;
mod scanner;
mod truth;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Command line.
#[derive(Parser)]
#[command(
    name = "fieldsim",
    about = "Independent marked-and-scanned ballots for kiemphieu's interpreter"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print ballots with kiemphieu, mark, handle and scan them, and write truth.json per election.
    Make {
        /// The kiemphieu binary (used for `ballots` only).
        #[arg(long, default_value = "kiemphieu")]
        kiemphieu: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// About how many pages in all (spread over 10 elections).
        #[arg(long, default_value_t = 400)]
        pages: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only pages with this pen (as named in truth.json, e.g. `Pencil`): a
        /// corpus focused on one case, drawn from the same model.
        #[arg(long)]
        ink: Option<String>,
        /// Only pages scanned in this mode (as named in truth.json, e.g. `BwThreshold`).
        #[arg(long)]
        mode: Option<String>,
    },
    /// Draw every gesture in every ink on page 1 of a printed ballot (PNG files to look at).
    Gallery {
        /// Folder with ballots.pdf and layout.json from `kiemphieu ballots`.
        #[arg(long)]
        print: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run `kiemphieu interpret --json` over a corpus and report the figures by case.
    Eval {
        /// The kiemphieu binary.
        #[arg(long, default_value = "kiemphieu")]
        kiemphieu: PathBuf,
        /// Corpus folder written by `make`.
        #[arg(long)]
        dir: PathBuf,
        /// Print the JSON summary instead of the table.
        #[arg(long)]
        json: bool,
        /// Re-read unread and wrong pages as plain grey PNGs (needs ImageMagick) to locate the failure.
        #[arg(long)]
        probe: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::Make {
            kiemphieu,
            out,
            pages,
            seed,
            ink,
            mode,
        } => make::make(&kiemphieu, &out, pages, seed, &make::Focus { ink, mode }),
        Cmd::Gallery { print, out } => gallery::gallery(&print, &out),
        Cmd::Eval {
            kiemphieu,
            dir,
            json,
            probe,
        } => {
            let mut pages = eval::run(&kiemphieu, &dir)?;
            if probe {
                eval::probe(&kiemphieu, &dir, &mut pages)?;
            }
            let summary = eval::summarise(&pages);
            let js = serde_json::to_string_pretty(&summary)?;
            let table = eval::table(&summary);
            std::fs::write(dir.join("eval.json"), &js)?;
            std::fs::write(dir.join("eval.md"), &table)?;
            let lines: Vec<String> = pages
                .iter()
                .filter_map(|p| serde_json::to_string(p).ok())
                .collect();
            std::fs::write(dir.join("pages.jsonl"), lines.join("\n"))?;
            println!("{}", if json { js } else { table });
            Ok(())
        }
    }
}
