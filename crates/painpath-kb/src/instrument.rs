//! Checks `kb/instruments/<code>.toml`: a questionnaire's wording, LOINC codes, bands and
//! licence, against core's scoring of the same questionnaire.
//!
//! Like the rest of the loader, every check records its problem and carries on. The file must
//! hold exactly the questions core's scoring reads, in its order (contract.rs), bands that cover
//! the whole range with no gap or overlap and agree with core's bands, LOINC codes that pass
//! their check digit, and a source or an `unconfirmed` reason for each fact.

use std::collections::{BTreeMap, BTreeSet};

use painpath_core::instruments::Instrument;
use painpath_core::kb::{
    AnswerOption, Answers, Band, BandSet, InstrumentText, ItemText, Licence, LoincCode, LoincKind,
    Mcid, Scale, Section, Wording,
};

use crate::check::{KbFile, WHOLE_FILE, is_code, parse, text};
use crate::contract::{self, ItemRule, Kind, Layout};
use crate::problems::KbProblems;
use crate::shape::{
    AnswerSetEntry, BandsTable, InstrumentFile, ItemEntry, LicenceTable, McidTable, SectionEntry,
};

/// What checking one instrument file gave.
pub(crate) struct Checked {
    /// Whether the file could be parsed, so that its citations are known.
    pub parsed: bool,
    /// The instrument's text, when nothing in the file is wrong.
    pub text: Option<InstrumentText>,
}

/// The codes of core's instruments, for messages.
fn instrument_codes() -> String {
    Instrument::ALL.map(Instrument::code).join(", ")
}

const UNCONFIRMED_WHAT: &str = "a reason: what is not confirmed, and what would confirm it (clinicians see it beside the fact)";

/// The state shared by the checks of one file.
struct Ctx<'a> {
    file: &'a KbFile,
    source_ids: &'a BTreeSet<&'a str>,
    cited: &'a mut BTreeSet<String>,
    problems: &'a mut KbProblems,
    /// The file's sources, in the order first cited.
    sources: Vec<String>,
    /// Whether the file uses any LOINC code (then its licence must carry LOINC's notice).
    uses_loinc: bool,
}

impl Ctx<'_> {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.add(&self.file.shown, field, message);
    }

    fn text(&mut self, value: &Option<String>, field: &str, what: &str) -> Option<String> {
        text(value, self.file, field, what, self.problems)
    }

    /// An optional line of text: `Some(None)` when absent, `None` when present but wrong.
    fn optional_text(
        &mut self,
        value: &Option<String>,
        field: &str,
        what: &str,
    ) -> Option<Option<String>> {
        match value {
            None => Some(None),
            Some(_) => self.text(value, field, what).map(Some),
        }
    }

    fn unconfirmed(&mut self, value: &Option<String>, field: &str) -> Option<Option<String>> {
        self.optional_text(value, field, UNCONFIRMED_WHAT)
    }

    /// A required id in sources.toml, recorded as cited.
    fn source(&mut self, value: &Option<String>, field: &str) -> Option<String> {
        match value {
            None => {
                self.add(
                    field,
                    "missing; expected the id of the source in sources.toml that confirms this",
                );
                None
            }
            Some(id) => self.known_source(id, field),
        }
    }

    fn known_source(&mut self, id: &str, field: &str) -> Option<String> {
        if !self.source_ids.contains(id) {
            self.add(
                field,
                format!("`{id}` is not an id in sources.toml; expected one of its ids"),
            );
            return None;
        }
        self.cited.insert(id.to_owned());
        if !self.sources.iter().any(|s| s == id) {
            self.sources.push(id.to_owned());
        }
        Some(id.to_owned())
    }

    /// An optional LOINC code of the given kind: `Some(None)` when absent.
    fn loinc(
        &mut self,
        value: &Option<String>,
        field: &str,
        kind: LoincKind,
    ) -> Option<Option<LoincCode>> {
        let Some(code) = value else {
            return Some(None);
        };
        self.uses_loinc = true;
        let (wanted, example) = match kind {
            LoincKind::Term => ("a LOINC term code", "44250-9"),
            LoincKind::Answer => ("a LOINC answer code", "LA6568-5"),
        };
        match LoincCode::parse(code) {
            Ok(parsed) if parsed.kind() == kind => Some(Some(parsed)),
            Ok(_) => {
                self.add(
                    field,
                    format!(
                        "`{code}` is the wrong kind of LOINC code; expected {wanted} ({example})"
                    ),
                );
                None
            }
            Err(error) => {
                self.add(field, format!("`{code}`: {error}"));
                None
            }
        }
    }

    /// A whole number within `range`.
    fn number(
        &mut self,
        value: Option<i64>,
        field: &str,
        range: std::ops::RangeInclusive<u32>,
        what: &str,
    ) -> Option<u32> {
        let Some(value) = value else {
            self.add(field, format!("missing; expected {what}"));
            return None;
        };
        match u32::try_from(value).ok().filter(|v| range.contains(v)) {
            Some(v) => Some(v),
            None => {
                self.add(
                    field,
                    format!(
                        "{value} is out of range; expected {what}, from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A required snake_case id, unique among `seen`.
    fn id(
        &mut self,
        value: &Option<String>,
        field: &str,
        what: &str,
        seen: &mut BTreeMap<String, String>,
    ) -> Option<String> {
        let Some(id) = value else {
            self.add(field, format!("missing; expected {what}"));
            return None;
        };
        if !is_code(id) {
            self.add(
                field,
                format!("`{id}` is not a lower-case snake_case id; expected {what}"),
            );
            return None;
        }
        if let Some(first) = seen.get(id) {
            self.add(
                field,
                format!("`{id}` is already used by {first}; expected each id once"),
            );
            return None;
        }
        seen.insert(id.clone(), field.trim_end_matches(".id").to_owned());
        Some(id.clone())
    }
}

/// Checks one instrument file. `stem` is its name without `.toml`.
pub(crate) fn check_instrument(
    stem: &str,
    file: &KbFile,
    source_ids: &BTreeSet<&str>,
    cited: &mut BTreeSet<String>,
    problems: &mut KbProblems,
) -> Checked {
    let from_name = stem.parse::<Instrument>().ok();
    if from_name.is_none() {
        problems.add(
            &file.shown,
            WHOLE_FILE,
            format!(
                "the file name is not one of painpath's instruments; expected \
                 instruments/<code>.toml with one of {}",
                instrument_codes()
            ),
        );
    }
    let Some(parsed) = parse::<InstrumentFile>(file, problems) else {
        return Checked {
            parsed: false,
            text: None,
        };
    };
    let mut ctx = Ctx {
        file,
        source_ids,
        cited,
        problems,
        sources: Vec::new(),
        uses_loinc: false,
    };
    let text = check_parsed(from_name, stem, &parsed, &mut ctx);
    Checked { parsed: true, text }
}

fn check_parsed(
    from_name: Option<Instrument>,
    stem: &str,
    f: &InstrumentFile,
    ctx: &mut Ctx<'_>,
) -> Option<InstrumentText> {
    let instrument = match &f.instrument {
        None => {
            ctx.add(
                "instrument",
                format!("missing; expected the instrument's code, `{stem}`, as in the file name"),
            );
            None
        }
        Some(code) => match code.parse::<Instrument>() {
            Err(_) => {
                ctx.add(
                    "instrument",
                    format!(
                        "`{code}` is not one of painpath's instruments; expected one of {}",
                        instrument_codes()
                    ),
                );
                None
            }
            Ok(_) if from_name.is_some() && code != stem => {
                ctx.add(
                    "instrument",
                    format!("`{code}` does not match the file name; expected `{stem}`"),
                );
                None
            }
            Ok(i) => Some(i),
        },
    };
    let layout = from_name.map(contract::layout);
    // The questions the file must hold: the layout's, less optional ones it leaves out.
    let expected: Option<Vec<ItemRule>> = layout.as_ref().map(|l| {
        let present = |id: &str| f.item.iter().any(|e| e.id.as_deref() == Some(id));
        l.items
            .iter()
            .filter(|r| !r.optional || present(r.id))
            .copied()
            .collect()
    });

    let title = ctx.text(
        &f.title,
        "title",
        "the questionnaire's name as pages show it",
    );
    let recall = ctx.text(
        &f.recall,
        "recall",
        "the period the questions ask about (\"the last 2 weeks\")",
    );
    let stem_text = ctx.text(&f.stem, "stem", "the lead-in shown above the questions");
    let wording = match &f.wording {
        None => {
            ctx.add(
                "wording",
                "missing; expected verbatim, paraphrased or permission_required",
            );
            None
        }
        Some(w) => match w.parse::<Wording>() {
            Ok(w) => Some(w),
            Err(error) => {
                ctx.add("wording", format!("`{w}` is not a wording status; {error}"));
                None
            }
        },
    };

    let sources_ok = check_source_list(f, ctx);
    let panel = ctx.loinc(&f.loinc_panel, "loinc_panel", LoincKind::Term);
    let total = ctx.loinc(&f.loinc_total, "loinc_total", LoincKind::Term);

    let sections = check_sections(&f.section, expected.as_deref(), ctx);
    let answer_sets = check_answer_sets(&f.answer_set, ctx);
    let items = check_items(&f.item, layout.as_ref(), expected, &answer_sets, ctx);
    // Every answer set must be used, so none is reviewed for nothing.
    for (id, set) in &answer_sets {
        if !f
            .item
            .iter()
            .any(|i| i.answers.as_deref() == Some(id.as_str()))
        {
            ctx.add(
                format!("answer_set[{}].id", set.index),
                format!("`{id}` is not used by any item; expected each answer set to be used"),
            );
        }
    }
    let bands = check_bands(f.bands.as_ref(), from_name, layout.as_ref(), ctx);
    let (mcid, mcid_note) = check_mcid(f.mcid.as_ref(), &f.mcid_note, layout.as_ref(), ctx);
    // Checked last, once every LOINC code in the file has been seen.
    let licence = check_licence(f.licence.as_ref(), wording, ctx);

    Some(InstrumentText {
        instrument: instrument?,
        title: title?,
        recall: recall?,
        stem: stem_text?,
        wording: wording?,
        licence: licence?,
        loinc_panel: panel?,
        loinc_total: total?,
        sections: sections?,
        items: items?,
        bands: bands?,
        mcid: mcid?,
        mcid_note: mcid_note?,
        sources: sources_ok.then(|| ctx.sources.clone())?,
    })
}

/// The file's own list of sources: where its wording and items come from.
fn check_source_list(f: &InstrumentFile, ctx: &mut Ctx<'_>) -> bool {
    let Some(list) = &f.sources else {
        ctx.add(
            "sources",
            "missing; expected the ids in sources.toml of the sources for the wording and items",
        );
        return false;
    };
    if list.is_empty() {
        ctx.add(
            "sources",
            "empty; expected at least one id in sources.toml for the wording and items",
        );
        return false;
    }
    let mut ok = true;
    for (i, id) in list.iter().enumerate() {
        let field = format!("sources[{i}]");
        if list[..i].contains(id) {
            ctx.add(
                field,
                format!("`{id}` is listed twice; expected each source once"),
            );
            ok = false;
        } else if ctx.known_source(id, &field).is_none() {
            ok = false;
        }
    }
    ok
}

fn check_licence(
    table: Option<&LicenceTable>,
    wording: Option<Wording>,
    ctx: &mut Ctx<'_>,
) -> Option<Licence> {
    let Some(l) = table else {
        ctx.add(
            "licence",
            "missing; expected a [licence] table with the notice to show and its source",
        );
        return None;
    };
    let notice = ctx.text(
        &l.notice,
        "licence.notice",
        "the copyright or attribution notice shown with the form",
    );
    let loinc = match (&l.loinc, ctx.uses_loinc) {
        (None, true) => {
            ctx.add(
                "licence.loinc",
                "missing; expected LOINC's notice, because this file uses LOINC codes",
            );
            None
        }
        (Some(_), false) => {
            ctx.add(
                "licence.loinc",
                "given, but this file uses no LOINC code; expected it only beside LOINC codes",
            );
            None
        }
        (value, _) => ctx.optional_text(value, "licence.loinc", "LOINC's notice"),
    };
    let source = ctx.source(&l.source, "licence.source");
    let unconfirmed = ctx.unconfirmed(&l.unconfirmed, "licence.unconfirmed");
    if wording == Some(Wording::Verbatim) && l.unconfirmed.is_some() {
        ctx.add(
            "licence.unconfirmed",
            "given for a verbatim form; expected a confirmed licence before the instrument's own \
             wording is shown (or wording = \"paraphrased\" or \"permission_required\")",
        );
        return None;
    }
    Some(Licence {
        notice: notice?,
        loinc: loinc?,
        source: source?,
        unconfirmed: unconfirmed?,
    })
}

fn check_sections(
    entries: &[SectionEntry],
    expected: Option<&[ItemRule]>,
    ctx: &mut Ctx<'_>,
) -> Option<Vec<Section>> {
    let mut seen = BTreeMap::new();
    let mut sections = Vec::new();
    let mut ok = true;
    for (i, s) in entries.iter().enumerate() {
        let field = |name: &str| format!("section[{i}].{name}");
        let id = ctx.id(&s.id, &field("id"), "the section's id", &mut seen);
        let title = ctx.optional_text(&s.title, &field("title"), "the section's heading");
        let instructions = ctx.optional_text(
            &s.instructions,
            &field("instructions"),
            "the instructions shown above the section's questions",
        );
        let recall = ctx.optional_text(
            &s.recall,
            &field("recall"),
            "the period this section asks about, when it differs from the form's",
        );
        let unconfirmed = ctx.unconfirmed(&s.unconfirmed, &field("unconfirmed"));
        match (id, title, instructions, recall, unconfirmed) {
            (Some(id), Some(title), Some(instructions), Some(recall), Some(unconfirmed)) => {
                sections.push(Section {
                    id,
                    title,
                    instructions,
                    recall,
                    unconfirmed,
                });
            }
            _ => ok = false,
        }
    }
    if let Some(expected) = expected {
        let mut wanted: Vec<&str> = Vec::new();
        for rule in expected {
            if !wanted.contains(&rule.section) {
                wanted.push(rule.section);
            }
        }
        let found: Vec<&str> = entries.iter().filter_map(|s| s.id.as_deref()).collect();
        if found != wanted {
            ctx.add(
                "section",
                format!(
                    "the sections are [{}]; expected [{}], in that order, as painpath's scoring \
                     reads their items",
                    found.join(", "),
                    wanted.join(", ")
                ),
            );
            ok = false;
        }
    }
    ok.then_some(sections)
}

/// An answer set as checked: where it is in the file, and its options when they are all right.
struct AnswerSet {
    index: usize,
    options: Option<Vec<AnswerOption>>,
}

fn check_answer_sets(entries: &[AnswerSetEntry], ctx: &mut Ctx<'_>) -> BTreeMap<String, AnswerSet> {
    let mut seen = BTreeMap::new();
    let mut sets = BTreeMap::new();
    for (i, set) in entries.iter().enumerate() {
        let id = ctx.id(
            &set.id,
            &format!("answer_set[{i}].id"),
            "the answer set's id, which items name in `answers`",
            &mut seen,
        );
        if set.option.is_empty() {
            ctx.add(
                format!("answer_set[{i}].option"),
                "empty; expected one [[answer_set.option]] for each answer",
            );
        }
        let mut options = Some(Vec::new());
        for (j, o) in set.option.iter().enumerate() {
            let field = |name: &str| format!("answer_set[{i}].option[{j}].{name}");
            let value = ctx.number(
                o.value,
                &field("value"),
                0..=255,
                "the number the scoring uses",
            );
            let label = ctx.text(&o.label, &field("label"), "the answer as the form shows it");
            let loinc = ctx.loinc(&o.loinc, &field("loinc"), LoincKind::Answer);
            match (value.and_then(|v| u8::try_from(v).ok()), label, loinc) {
                (Some(value), Some(label), Some(loinc)) => {
                    if let Some(list) = &mut options {
                        list.push(AnswerOption {
                            value,
                            label,
                            loinc,
                        });
                    }
                }
                _ => options = None,
            }
        }
        if let Some(id) = id {
            sets.insert(id, AnswerSet { index: i, options });
        }
    }
    sets
}

fn check_items(
    entries: &[ItemEntry],
    layout: Option<&Layout>,
    expected: Option<Vec<ItemRule>>,
    answer_sets: &BTreeMap<String, AnswerSet>,
    ctx: &mut Ctx<'_>,
) -> Option<Vec<ItemText>> {
    let mut ok = true;
    // The rule for each position, when the file's items line up with the layout.
    let rules: Vec<Option<ItemRule>> = match (layout, expected) {
        (Some(layout), Some(expected)) => {
            if expected.len() != entries.len() {
                let ids: Vec<String> = layout
                    .items
                    .iter()
                    .map(|r| {
                        if r.optional {
                            format!("{} (optional)", r.id)
                        } else {
                            r.id.to_owned()
                        }
                    })
                    .collect();
                ctx.add(
                    "item",
                    format!(
                        "{} items; expected {} in this order, as painpath's scoring reads them: {}",
                        entries.len(),
                        expected.len(),
                        ids.join(", ")
                    ),
                );
                ok = false;
                vec![None; entries.len()]
            } else {
                expected.into_iter().map(Some).collect()
            }
        }
        _ => vec![None; entries.len()],
    };

    let mut seen = BTreeMap::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut items = Vec::new();
    for (i, (entry, rule)) in entries.iter().zip(rules).enumerate() {
        match check_item(i, entry, rule, answer_sets, &mut seen, &mut codes, ctx) {
            Some(item) => items.push(item),
            None => ok = false,
        }
    }
    ok.then_some(items)
}

fn check_item(
    i: usize,
    e: &ItemEntry,
    rule: Option<ItemRule>,
    answer_sets: &BTreeMap<String, AnswerSet>,
    seen: &mut BTreeMap<String, String>,
    codes: &mut BTreeMap<String, usize>,
    ctx: &mut Ctx<'_>,
) -> Option<ItemText> {
    let field = |name: &str| format!("item[{i}].{name}");
    let mut ok = true;
    let id = ctx.id(&e.id, &field("id"), "the item's id (`phq9_1`)", seen);
    if let (Some(id), Some(rule)) = (&id, rule)
        && id != rule.id
    {
        ctx.add(
            field("id"),
            format!(
                "`{id}` is not the item painpath's scoring reads here; expected `{}`",
                rule.id
            ),
        );
        ok = false;
    }
    let section = ctx.text(
        &e.section,
        &field("section"),
        "the id of the item's section",
    );
    if let (Some(section), Some(rule)) = (&section, rule)
        && section != rule.section
    {
        ctx.add(
            field("section"),
            format!("`{section}`; expected `{}` for `{}`", rule.section, rule.id),
        );
        ok = false;
    }
    let text = ctx.text(&e.text, &field("text"), "the question as the form shows it");
    let loinc = ctx.loinc(&e.loinc, &field("loinc"), LoincKind::Term);
    if let Some(Some(code)) = &loinc {
        if let Some(first) = codes.get(code.as_str()) {
            ctx.add(
                field("loinc"),
                format!("`{code}` is already the code of item[{first}]; expected each code once"),
            );
            ok = false;
        } else {
            codes.insert(code.as_str().to_owned(), i);
        }
    }
    let unconfirmed = ctx.unconfirmed(&e.unconfirmed, &field("unconfirmed"));
    let answers = check_answers(i, e, rule, answer_sets, ctx);
    if !ok {
        return None;
    }
    Some(ItemText {
        id: id?,
        section: section?,
        text: text?,
        loinc: loinc?,
        answers: answers?,
        scored: rule.is_some_and(|r| r.scored),
        unconfirmed: unconfirmed?,
    })
}

/// The item's `kind` and its `answers` or `[item.scale]`, checked against the scoring's range.
fn check_answers(
    i: usize,
    e: &ItemEntry,
    rule: Option<ItemRule>,
    answer_sets: &BTreeMap<String, AnswerSet>,
    ctx: &mut Ctx<'_>,
) -> Option<Answers> {
    let field = |name: &str| format!("item[{i}].{name}");
    let kinds = "choice (with answers), scale (with [item.scale]) or body_map";
    let kind = match e.kind.as_deref() {
        None => {
            ctx.add(field("kind"), format!("missing; expected {kinds}"));
            return None;
        }
        Some(kind @ ("choice" | "scale" | "body_map")) => kind,
        Some(other) => {
            ctx.add(
                field("kind"),
                format!("`{other}` is not a kind; expected {kinds}"),
            );
            return None;
        }
    };
    if let Some(rule) = rule
        && kind != rule.kind.code()
    {
        ctx.add(
            field("kind"),
            format!(
                "`{kind}`; expected `{}`, as painpath's scoring reads `{}`",
                rule.kind.code(),
                rule.id
            ),
        );
        return None;
    }
    let mut ok = true;
    if kind != "choice" && e.answers.is_some() {
        ctx.add(
            field("answers"),
            format!("given for a {kind} item; expected answers only with kind = \"choice\""),
        );
        ok = false;
    }
    if kind != "scale" && e.scale.is_some() {
        ctx.add(
            field("scale"),
            format!("given for a {kind} item; expected [item.scale] only with kind = \"scale\""),
        );
        ok = false;
    }
    let answers = match kind {
        "choice" => check_choice(i, e, rule, answer_sets, ctx),
        "scale" => check_scale(i, e, rule, ctx),
        _ => Some(Answers::BodyMap),
    };
    if ok { answers } else { None }
}

fn check_choice(
    i: usize,
    e: &ItemEntry,
    rule: Option<ItemRule>,
    answer_sets: &BTreeMap<String, AnswerSet>,
    ctx: &mut Ctx<'_>,
) -> Option<Answers> {
    let field = format!("item[{i}].answers");
    let Some(set_id) = &e.answers else {
        ctx.add(
            field,
            "missing; expected the id of an [[answer_set]] in this file",
        );
        return None;
    };
    let Some(set) = answer_sets.get(set_id) else {
        ctx.add(
            field,
            format!(
                "`{set_id}` is not an answer set in this file; expected the id of an [[answer_set]]"
            ),
        );
        return None;
    };
    let options = set.options.clone()?;
    if let Some(ItemRule {
        kind: Kind::Choice { min, max },
        id,
        ..
    }) = rule
    {
        let values: Vec<u8> = options.iter().map(|o| o.value).collect();
        let expected: Vec<u8> = (min..=max).collect();
        if values != expected {
            ctx.add(
                field,
                format!(
                    "`{set_id}` gives the values {values:?}; expected {expected:?} in that \
                     order, as painpath's scoring reads `{id}`"
                ),
            );
            return None;
        }
    }
    Some(Answers::Choice(options))
}

fn check_scale(
    i: usize,
    e: &ItemEntry,
    rule: Option<ItemRule>,
    ctx: &mut Ctx<'_>,
) -> Option<Answers> {
    let field = |name: &str| format!("item[{i}].scale.{name}");
    let Some(s) = &e.scale else {
        ctx.add(
            format!("item[{i}].scale"),
            "missing; expected an [item.scale] table with min, max, min_label and max_label",
        );
        return None;
    };
    let min = ctx.number(s.min, &field("min"), 0..=255, "the lowest answer");
    let max = ctx.number(s.max, &field("max"), 0..=255, "the highest answer");
    let min_label = ctx.text(
        &s.min_label,
        &field("min_label"),
        "what the lowest answer means",
    );
    let max_label = ctx.text(
        &s.max_label,
        &field("max_label"),
        "what the highest answer means",
    );
    let unconfirmed = ctx.unconfirmed(&s.unconfirmed, &field("unconfirmed"));
    let (min, max) = (u8::try_from(min?).ok()?, u8::try_from(max?).ok()?);
    if let Some(ItemRule {
        kind: Kind::Scale {
            min: want_min,
            max: want_max,
        },
        id,
        ..
    }) = rule
        && (min, max) != (want_min, want_max)
    {
        ctx.add(
            format!("item[{i}].scale"),
            format!(
                "runs from {min} to {max}; expected {want_min} to {want_max}, as painpath's \
                 scoring reads `{id}`"
            ),
        );
        return None;
    }
    Some(Answers::Scale(Scale {
        min,
        max,
        min_label: min_label?,
        max_label: max_label?,
        unconfirmed: unconfirmed?,
    }))
}

fn check_bands(
    table: Option<&BandsTable>,
    instrument: Option<Instrument>,
    layout: Option<&Layout>,
    ctx: &mut Ctx<'_>,
) -> Option<BandSet> {
    let Some(b) = table else {
        ctx.add(
            "bands",
            "missing; expected a [bands] table with the published severity bands and their source",
        );
        return None;
    };
    let scale = ctx.text(
        &b.scale,
        "bands.scale",
        "what is banded, in words (\"total, 0 to 27\")",
    );
    let source = ctx.source(&b.source, "bands.source");
    let diagnostic = match b.diagnostic {
        Some(d) => Some(d),
        None => {
            ctx.add(
                "bands.diagnostic",
                "missing; expected false (a band is a severity level, never a diagnosis) or true",
            );
            None
        }
    };
    let note = ctx.optional_text(&b.note, "bands.note", "what pages say beside the bands");
    let max_total = layout.map(|l| l.max_total);
    let mut seen = BTreeMap::new();
    let mut bands = Some(Vec::new());
    if b.band.is_empty() {
        ctx.add(
            "bands.band",
            "empty; expected one [[bands.band]] for each band",
        );
        bands = None;
    }
    for (i, e) in b.band.iter().enumerate() {
        let field = |name: &str| format!("bands.band[{i}].{name}");
        let top = max_total.unwrap_or(u32::MAX);
        let from = ctx.number(e.from, &field("from"), 0..=top, "the band's lowest total");
        let to = ctx.number(e.to, &field("to"), 0..=top, "where the next band starts");
        let code = ctx.id(
            &e.code,
            &field("code"),
            "the band's code (`mild`)",
            &mut seen,
        );
        let label = ctx.text(&e.label, &field("label"), "the band as pages name it");
        match (from, to, code, label) {
            (Some(from), Some(to), Some(code), Some(label)) => {
                if let Some(list) = &mut bands {
                    list.push(Band {
                        from,
                        to,
                        code,
                        label,
                    });
                }
            }
            _ => bands = None,
        }
    }
    let bands = bands.filter(|list| bands_tile_the_range(list, max_total, ctx));
    if let (Some(list), Some(instrument), Some(max)) = (&bands, instrument, max_total) {
        match_core_bands(list, instrument, max, ctx);
    }
    Some(BandSet {
        scale: scale?,
        source: source?,
        diagnostic: diagnostic?,
        note: note?,
        bands: bands?,
    })
}

/// Each band starts where the one before ended, the first at 0 and the last ending at the
/// highest total, so that every total falls in exactly one band.
fn bands_tile_the_range(bands: &[Band], max_total: Option<u32>, ctx: &mut Ctx<'_>) -> bool {
    let mut ok = true;
    let mut expected_from = 0;
    for (i, band) in bands.iter().enumerate() {
        if band.from != expected_from {
            let why = if i == 0 {
                "expected 0, so that the lowest total has a band".to_owned()
            } else if band.from > expected_from {
                format!(
                    "leaves a gap after band[{}]; expected {expected_from}",
                    i - 1
                )
            } else {
                format!("overlaps band[{}]; expected {expected_from}", i - 1)
            };
            ctx.add(
                format!("bands.band[{i}].from"),
                format!("{}: {why}", band.from),
            );
            ok = false;
        }
        if band.to <= band.from {
            ctx.add(
                format!("bands.band[{i}].to"),
                format!(
                    "{} is not above `from` ({}); expected a band of at least one point",
                    band.to, band.from
                ),
            );
            ok = false;
        }
        expected_from = band.to;
    }
    if let (Some(max), Some(last)) = (max_total, bands.last())
        && last.to != max
    {
        ctx.add(
            format!("bands.band[{}].to", bands.len() - 1),
            format!(
                "{}; expected the highest total, {max}, which the last band includes",
                last.to
            ),
        );
        ok = false;
    }
    ok
}

/// For whole-number totals that core also bands, the file's band for every total must be
/// core's: the page and the score must never disagree.
fn match_core_bands(bands: &[Band], instrument: Instrument, max: u32, ctx: &mut Ctx<'_>) {
    let set = BandSet {
        scale: String::new(),
        source: String::new(),
        diagnostic: false,
        note: None,
        bands: bands.to_vec(),
    };
    let mut wrong = Vec::new();
    let mut expected: Vec<(String, u32, u32)> = Vec::new();
    for total in 0..=max {
        let Some(core) = contract::core_band(instrument, total) else {
            return;
        };
        match expected.last_mut() {
            Some((code, _, last)) if code == core => *last = total,
            _ => expected.push((core.to_owned(), total, total)),
        }
        if set.of(total).map(|b| b.code.as_str()) != Some(core) {
            wrong.push(total.to_string());
        }
    }
    if !wrong.is_empty() {
        let want: Vec<String> = expected
            .iter()
            .map(|(code, from, to)| format!("{code} {from}–{to}"))
            .collect();
        ctx.add(
            "bands.band",
            format!(
                "disagree with painpath's scoring at totals {}; expected {}",
                wrong.join(", "),
                want.join(", ")
            ),
        );
    }
}

/// The MCID, or the note saying why there is none.
fn check_mcid(
    table: Option<&McidTable>,
    note: &Option<String>,
    layout: Option<&Layout>,
    ctx: &mut Ctx<'_>,
) -> (Option<Option<Mcid>>, Option<Option<String>>) {
    let note = ctx.optional_text(
        note,
        "mcid_note",
        "what pages say beside a chart about change: how the MCID was found, or why there is none",
    );
    let mcid = match table {
        None => {
            if matches!(note, Some(None)) {
                ctx.add(
                    "mcid_note",
                    "missing; expected why no MCID is given, since this file has no [mcid]",
                );
                return (Some(None), None);
            }
            Some(None)
        }
        Some(m) => {
            let top = layout.map_or(u32::MAX, |l| l.max_total);
            let points = ctx.number(m.points, "mcid.points", 1..=top, "the change in points");
            let source = ctx.source(&m.source, "mcid.source");
            match (points, source) {
                (Some(points), Some(source)) => Some(Some(Mcid { points, source })),
                _ => None,
            }
        }
    };
    (mcid, note)
}
