//! The `painpath` binary: argument parsing, start-up, and the choice of exit status.
//!
//! Exit statuses are chosen here and nowhere else: 0 success, 2 wrong input (one line per problem
//! on standard error), 1 anything else (contracts/README.md).

mod config;
mod demo;
mod score;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// painpath: a diary, treatment record and care-team tool for fibromyalgia and chronic pain.
/// Decision support and self-management; not a medical device.
#[derive(Parser, Debug)]
#[command(name = "painpath", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web application and JSON API.
    Serve(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Score one completed questionnaire (acr2016, phq9, gad7, fiqr) from FILE or standard input.
    Score {
        /// acr2016, phq9, gad7 or fiqr.
        instrument: String,
        /// A JSON file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Check the knowledge base.
    #[command(subcommand)]
    Kb(KbCommand),
}

/// Where the data lives; shared by every command that opens the database.
#[derive(Args, Debug, Clone)]
pub struct StorageArgs {
    /// The folder of the embedded SQLite database (created on first start).
    #[arg(long, env = "PAINPATH_DATA")]
    data: Option<PathBuf>,
    /// Use PostgreSQL instead of the embedded database: postgres://USER:PASSWORD@HOST/DATABASE
    #[arg(long, env = "PAINPATH_DATABASE_URL")]
    database: Option<String>,
    /// A configuration file (TOML) with public_url, clinic_name, clinic_address, data, database.
    #[arg(long, env = "PAINPATH_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", env = "PAINPATH_ADDR")]
    addr: String,
    /// Fill an empty data folder with demonstration accounts and months of diary.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add an account and print a one-time link to set its password.
    Add(user::AddArgs),
}

#[derive(Subcommand, Debug)]
enum KbCommand {
    /// Check a knowledge-base folder (such as ./kb) and list every problem, including any help
    /// service last checked more than six months ago.
    Check {
        /// The folder holding treatments/, services.toml and sources.toml.
        dir: PathBuf,
        /// Check as of this day (YYYY-MM-DD), such as a planned release date; today's date in
        /// the UK when not given.
        #[arg(long)]
        today: Option<String>,
    },
}

/// How a command failed, which decides the exit status.
pub enum Failure {
    /// The input was wrong: exit 2, one line per problem.
    Input(Vec<String>),
    /// Anything else: exit 1.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(problems)) => {
            for p in problems {
                eprintln!("{p}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Other(err)) => {
            eprintln!("painpath: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => runtime()?.block_on(serve::run(args)),
        Command::Score { instrument, file } => score::run(&instrument, file.as_deref()),
        Command::User(UserCommand::Add(args)) => runtime()?.block_on(user::add(args)),
        Command::Kb(KbCommand::Check { dir, today }) => kb_check(&dir, today.as_deref()),
    }
}

/// `painpath kb check DIR [--today DATE]`: every check the loader makes, and freshness as of
/// `today` (the UK's date now, unless given).
fn kb_check(dir: &std::path::Path, today: Option<&str>) -> Result<(), Failure> {
    let today = match today {
        None => painpath_web::Clock::system().today(),
        Some(text) => text
            .parse::<painpath_core::Date>()
            .ok()
            .filter(|d| d.to_string() == text)
            .ok_or_else(|| {
                Failure::Input(vec![format!(
                    "--today: `{text}` is not a date; expected year-month-day, such as 2026-12-03"
                )])
            })?,
    };
    match painpath_kb::check_dir(dir, today) {
        Ok(kb) => {
            println!(
                "{}: ok, {} treatments, {} services, every service checked within {} months of {today}, version {}",
                dir.display(),
                kb.treatments().len(),
                kb.services().len(),
                painpath_core::kb::RECHECK_MONTHS,
                painpath_kb::version_of_dir(dir).unwrap_or_default()
            );
            Ok(())
        }
        Err(problems) => Err(Failure::Input(
            problems.to_string().lines().map(str::to_owned).collect(),
        )),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(e.into()))
}
