//! `painpath score INSTRUMENT [FILE]` (shared/contracts/score.md): reads one completed
//! questionnaire as JSON and writes its score as JSON.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use painpath_core::instruments::Instrument;
use painpath_core::problems::Problems;
use painpath_wire::json::{JsonFailure, parse};
use painpath_wire::score::{
    Acr2016Input, Acr2016Output, FiqrInput, FiqrOutput, Gad7Input, Gad7Output, Phq9Input,
    Phq9Output,
};
use serde::de::DeserializeOwned;

use crate::Failure;

/// Reads the named file, or standard input for `-` or no file.
pub fn read_input(file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    match file {
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading standard input")?;
        }
        Some(p) if p == Path::new("-") => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading standard input")?;
        }
        Some(p) => {
            bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        }
    }
    Ok(bytes)
}

fn lines(problems: Problems) -> Failure {
    Failure::Input(problems.iter().map(|p| p.to_string()).collect())
}

fn input<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    parse::<T>(bytes).map_err(|e| match e {
        JsonFailure::Syntax(p) | JsonFailure::Shape(p) => lines(p),
    })
}

pub fn run(instrument: &str, file: Option<&Path>) -> Result<(), Failure> {
    let instrument: Instrument = instrument
        .parse()
        .map_err(|e| Failure::Input(vec![format!("instrument: {e} (got {instrument})")]))?;
    let bytes = read_input(file)?;
    let kb = painpath_kb::load().map_err(|p| {
        Failure::Other(anyhow::anyhow!(
            "the built-in knowledge base has problems:\n{p}"
        ))
    })?;
    let json = match instrument {
        Instrument::Acr2016 => {
            let survey = input::<Acr2016Input>(&bytes)?.parse().map_err(lines)?;
            serde_json::to_string(&Acr2016Output::from(&survey.score()))
        }
        Instrument::Phq9 => {
            let (phq9, nation) = input::<Phq9Input>(&bytes)?.parse().map_err(lines)?;
            // The contract's default nation is England (contracts/plan.md).
            let signposts =
                painpath_core::crisis::self_harm_signposts(&kb, Some(nation.unwrap_or_default()));
            serde_json::to_string(&Phq9Output::new(&phq9, &phq9.score(), signposts))
        }
        Instrument::Gad7 => {
            let gad7 = input::<Gad7Input>(&bytes)?.parse().map_err(lines)?;
            serde_json::to_string(&Gad7Output::from(&gad7.score()))
        }
        Instrument::Fiqr => {
            let fiqr = input::<FiqrInput>(&bytes)?.parse().map_err(lines)?;
            serde_json::to_string(&FiqrOutput::from(&fiqr.score()))
        }
    }
    .context("writing the result")?;
    println!("{json}");
    Ok(())
}
