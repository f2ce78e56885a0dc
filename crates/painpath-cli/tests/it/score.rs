//! `painpath score` against shared/contracts/score.md: outputs, exit statuses, and one line per
//! problem naming its field.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::{Value, json};

use crate::support::{Scratch, painpath, run};

fn score(instrument: &str, input: &str) -> Output {
    let scratch = Scratch::new();
    let file = scratch.data().with_extension("json");
    std::fs::write(&file, input).expect("writing the input");
    let mut cmd = painpath();
    cmd.arg("score").arg(instrument).arg(&file);
    run(cmd)
}

fn ok(instrument: &str, input: &str) -> Value {
    let out = score(instrument, input);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

/// Exit 2, nothing on standard output, and the lines on standard error.
fn refused(instrument: &str, input: &str) -> Vec<String> {
    let out = score(instrument, input);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "stdout must be empty on exit 2");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn score_acr2016_gives_the_contracts_example_output() {
    let out = ok(
        "acr2016",
        r#"{"pain_regions": ["left_shoulder_girdle", "right_shoulder_girdle", "neck", "lower_back"],
            "fatigue": 2, "waking_unrefreshed": 3, "cognitive_symptoms": 1, "headaches": true,
            "lower_abdominal_pain_or_cramps": false, "depression": true, "symptoms_at_least_3_months": true}"#,
    );
    assert_eq!(
        out,
        json!({"instrument": "acr2016", "wpi": 4, "sss": 8, "fs": 12, "fs_category": "severe",
               "regions_with_pain": ["axial", "left_upper", "right_upper"], "generalised_pain": false,
               "meets_criteria": false, "unmet": ["generalised_pain", "severity_threshold"]})
    );
}

#[test]
fn score_phq9_gives_the_contracts_example_output() {
    let out = ok("phq9", r#"{"items": [0, 1, 2, 0, 1, 0, 0, 1, 0]}"#);
    assert_eq!(
        out,
        json!({"instrument": "phq9", "total": 5, "severity": "mild", "self_harm_risk": false})
    );
}

#[test]
fn score_phq9_with_item_9_above_0_signposts_samaritans_and_nhs_111() {
    let out = ok(
        "phq9",
        r#"{"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "difficulty": 2}"#,
    );
    assert_eq!(out["self_harm_risk"], json!(true));
    assert_eq!(out["severity"], json!("minimal"));
    assert_eq!(out["difficulty"], json!(2));
    let services: Vec<&str> = out["signposts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    // 999 first, then Samaritans, then the nation's line (England's by default).
    assert_eq!(services, ["999", "samaritans", "nhs_111"], "{services:?}");
    assert!(
        out["signposts"][0]["contact"]
            .as_str()
            .unwrap()
            .contains("Call 999")
    );
    assert!(
        out["signposts"][1]["contact"]
            .as_str()
            .unwrap()
            .contains("116 123")
    );
    // Every field of the contract's signpost is kept; name and nations are added.
    assert_eq!(out["signposts"][2]["nations"], json!(["england"]));
    assert_eq!(
        out["signposts"][2]["name"],
        json!("NHS 111 mental health option")
    );
}

#[test]
fn score_phq9_in_northern_ireland_signposts_lifeline_instead_of_nhs_111() {
    let out = ok(
        "phq9",
        r#"{"items": [0, 0, 0, 0, 0, 0, 0, 0, 3], "nation": "northern_ireland"}"#,
    );
    let services: Vec<&str> = out["signposts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["999", "samaritans", "lifeline"], "{services:?}");
    assert!(!services.contains(&"nhs_111"));
}

#[test]
fn score_gad7_and_fiqr_give_the_contracts_outputs() {
    assert_eq!(
        ok("gad7", r#"{"items": [3, 3, 3, 3, 3, 0, 0]}"#),
        json!({"instrument": "gad7", "total": 15, "severity": "severe"})
    );
    let out = ok(
        "fiqr",
        r#"{"function": [3,3,3,3,3,3,3,3,6], "overall": [4,4], "symptoms": [5,5,5,5,5,6,6,6,4,8]}"#,
    );
    assert_eq!(
        out,
        json!({"instrument": "fiqr", "function": 10.0, "overall": 8.0, "symptoms": 27.5, "total": 45.5})
    );
}

#[test]
fn score_reads_standard_input_for_a_dash() {
    let mut child = painpath()
        .args(["score", "gad7", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting painpath");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"items": [1, 1, 1, 1, 1, 0, 0]}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["severity"], json!("mild"));
}

#[test]
fn score_an_unknown_instrument_exits_2() {
    let lines = refused("bdi", "{}");
    assert!(lines[0].starts_with("instrument:"), "{lines:?}");
}

#[test]
fn score_with_an_unknown_field_exits_2_naming_it() {
    let lines = refused("gad7", r#"{"items": [0, 0, 0, 0, 0, 0, 0], "itmes": []}"#);
    assert!(lines.iter().any(|l| l.contains("itmes")), "{lines:?}");
}

#[test]
fn score_with_the_wrong_count_or_out_of_range_answers_exits_2_naming_each() {
    assert!(refused("phq9", r#"{"items": [0, 0, 0]}"#)[0].starts_with("items:"));
    let lines = refused("phq9", r#"{"items": [0, 4, 0, 0, 0, 0, 0, 0, -1]}"#);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("items[1]:") && lines[1].starts_with("items[8]:"));
    assert!(refused("fiqr", r#"{"function": [0,0,0,0,0,0,0,0,11], "overall": [0,0], "symptoms": [0,0,0,0,0,0,0,0,0,0]}"#)[0].starts_with("function[8]:"));
}

#[test]
fn score_with_a_fraction_where_a_whole_number_is_required_exits_2() {
    let lines = refused("gad7", r#"{"items": [0, 0, 1.5, 0, 0, 0, 0]}"#);
    assert!(lines[0].starts_with("items[2]:"), "{lines:?}");
}

#[test]
fn score_acr2016_with_unknown_or_repeated_regions_or_a_missing_field_exits_2() {
    let base = r#""fatigue": 1, "waking_unrefreshed": 1, "cognitive_symptoms": 1, "headaches": false,
        "lower_abdominal_pain_or_cramps": false, "depression": false, "symptoms_at_least_3_months": true"#;
    let lines = refused(
        "acr2016",
        &format!(r#"{{"pain_regions": ["neck", "elbow", "neck"], {base}}}"#),
    );
    assert!(
        lines[0].starts_with("pain_regions[1]:") && lines[1].starts_with("pain_regions[2]:"),
        "{lines:?}"
    );
    let lines = refused("acr2016", r#"{"pain_regions": []}"#);
    assert!(
        lines[0].contains("fatigue") || lines[0].contains("missing"),
        "{lines:?}"
    );
}

#[test]
fn score_with_malformed_json_exits_2_and_a_missing_file_exits_1() {
    refused("phq9", "{\"items\": [0,");
    let mut cmd = painpath();
    cmd.args(["score", "phq9", "/no/such/file.json"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
