//! Command-line front end: argument parsing and exit codes. The only place
//! that uses `anyhow`; everything below it returns typed errors.

mod audit;
mod ballots;
mod bundle;
mod calibrate;
mod demo;
mod election;
mod interpret;
mod kiosk;
mod print;
mod report;
mod review;
mod session;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// kiemphieu — machine count of paper ballots for the election of the head of a
/// thôn, ấp, khu phố or tổ dân phố, checked by the counting board.
#[derive(Parser)]
#[command(name = "kiemphieu", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 ok, 1 failure, 2 bad input.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The whole count on a built-in example with the simulated scanner.
    Demo(demo::DemoArgs),
    /// Write or check an election file.
    #[command(subcommand)]
    Election(election::ElectionCommand),
    /// Print ballots: DIR/ballots.pdf (one ballot per page) and DIR/layout.json.
    Ballots(ballots::BallotsArgs),
    /// Derive a scanner profile from scans of an unmarked, stamped ballot.
    Calibrate(calibrate::CalibrateArgs),
    /// Read scanned pages: one JSON object (or table row) per page, in input order.
    Interpret(interpret::InterpretArgs),
    /// Open a counting session.
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Scan a batch into the open session, interpreting as pages arrive.
    Scan(session::ScanArgs),
    /// Decide the pages waiting for the officials, with their images (text mode).
    Review(review::ReviewArgs),
    /// Show the count so far.
    Tally(session::TallyArgs),
    /// Enter issued/returned and check they reconcile (then each member confirms).
    Close(session::CloseArgs),
    /// A member of the counting board confirms the reconciled count; the last one closes it.
    Confirm(session::ConfirmArgs),
    /// Record a complaint received at the count and how the board handled it (listed in the biên bản).
    Complaint(session::ComplaintArgs),
    /// The hand check at the table: a sampled, risk-limited comparison of the
    /// paper with the count, between reconciliation and confirmation.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The kiosk: the touch-screen app for the counting table.
    Kiosk(kiosk::KioskArgs),
    /// List the CUPS printer queues.
    Printers(print::PrintersArgs),
    /// Print a PDF on a CUPS queue and wait for the job; paper-out and failures in plain words.
    Print(print::PrintArgs),
    /// Print the tally tape on a thermal ESC/POS printer over a serial port.
    Tape(print::TapeArgs),
    /// Write the biên bản kiểm phiếu (A4 PDF) of the latest session, signed.
    Report(report::ReportArgs),
    /// Write the bundle of the latest session: election, signed result, records, images, audit log.
    Export(bundle::ExportArgs),
    /// Check a bundle: signature, audit chain, image hashes, re-interpretation and re-count.
    Verify(bundle::VerifyArgs),
    /// The commune's summary of many units' bundles (PDF), refusing any that fails its signature or chain.
    Aggregate(bundle::AggregateArgs),
}

/// An error caused by the user's input (exit code 2), as opposed to a failure (1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Exit code for an error: 2 when the input was at fault.
fn exit_code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<BadInput>() {
            return 2;
        }
        if let Some(kiemphieu_core::election::ElectionFileError::Invalid { .. }) =
            cause.downcast_ref()
        {
            return 2;
        }
        if let Some(
            kiemphieu_station::station::StationError::Board(_)
            | kiemphieu_station::station::StationError::CountDate(_),
        ) = cause.downcast_ref()
        {
            return 2;
        }
        if let Some(kiemphieu_station::store::StoreError::Election(
            kiemphieu_core::election::ElectionFileError::Invalid { .. },
        )) = cause.downcast_ref()
        {
            return 2;
        }
        if let Some(kiemphieu_station::station::StationError::Simulated(_)) = cause.downcast_ref() {
            return 2;
        }
        if let Some(kiemphieu_station::store::StoreError::WrongMode { .. }) = cause.downcast_ref() {
            return 2;
        }
        if let Some(kiemphieu_station::station::StationError::Store(
            kiemphieu_station::store::StoreError::WrongMode { .. },
        )) = cause.downcast_ref()
        {
            return 2;
        }
        if let Some(kiemphieu_station::station::StationError::Store(
            kiemphieu_station::store::StoreError::Election(
                kiemphieu_core::election::ElectionFileError::Invalid { .. },
            ),
        )) = cause.downcast_ref()
        {
            return 2;
        }
    }
    1
}

/// Parses the arguments, runs the command and maps errors to exit codes.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Election(cmd) => election::run(cmd),
        Command::Ballots(args) => ballots::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Interpret(args) => interpret::run(&args),
        Command::Session(cmd) => session::run_session(cmd),
        Command::Scan(args) => session::run_scan(&args),
        Command::Review(args) => review::run_review(&args),
        Command::Tally(args) => session::run_tally(&args),
        Command::Close(args) => session::run_close(&args),
        Command::Confirm(args) => session::run_confirm(&args),
        Command::Complaint(args) => session::run_complaint(args),
        Command::Audit(cmd) => audit::run(cmd),
        Command::Kiosk(args) => kiosk::run(args),
        Command::Printers(args) => print::run_printers(args),
        Command::Print(args) => print::run_print(&args),
        Command::Tape(args) => print::run_tape(&args),
        Command::Report(args) => report::run(&args),
        Command::Export(args) => bundle::run_export(&args),
        Command::Verify(args) => bundle::run_verify(&args),
        Command::Aggregate(args) => bundle::run_aggregate(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line a cause; the first names the file, field or page.
            let mut text = format!("error: {err}");
            for cause in err.chain().skip(1) {
                let c = cause.to_string();
                if !text.contains(&c) {
                    text.push_str(": ");
                    text.push_str(&c);
                }
            }
            eprintln!("{text}");
            ExitCode::from(exit_code_for(&err))
        }
    }
}

/// The database that belongs to an election file by default: same name, `.db`.
pub fn default_db_for(election_file: &Path) -> PathBuf {
    election_file.with_extension("db")
}
