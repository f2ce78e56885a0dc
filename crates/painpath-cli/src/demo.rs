//! `--demo`: demonstration accounts with months of plausible diaries.
//!
//! The diaries are made by a small seeded generator, so every demo is the same. They show what a
//! real diary looks like: a weekly rhythm, flares that come and go with factors, missing days,
//! and a treatment started part-way through with a change after it. The figures are invented for
//! demonstration and make no claim about any treatment.

use std::io::Write;

use jiff::ToSpan;
use jiff::civil::Date;
use painpath_core::access::Actor;
use painpath_core::diary::{CheckIn, CheckInContext, CheckInDraft};
use painpath_core::instruments::Instrument;
use painpath_core::instruments::acr2016::{Acr2016, Acr2016Draft};
use painpath_core::instruments::fiqr::Fiqr;
use painpath_core::instruments::gad7::Gad7;
use painpath_core::instruments::phq9::Phq9;
use painpath_core::instruments::response::Response as Completed;
use painpath_core::kb::Kb;
use painpath_core::person::{
    EmergencyContact, HealthNumber, Nation, PatientDetails, PhoneNumber, Role, UserId, Username,
};
use painpath_core::treatment::{
    MedicationClass, NewPeriod, PeriodOutcome, PeriodSource, Therapy, TreatmentCode,
    TreatmentPeriod,
};
use painpath_store::{Item9Signal, NewAccount, NewQuestionnaire, Store};
use painpath_web::auth;

/// One account to print at start-up.
pub struct Login {
    pub role: Role,
    pub username: &'static str,
    pub password: &'static str,
    pub name: &'static str,
}

const ADMIN: Login = Login {
    role: Role::Admin,
    username: "admin",
    password: "demo-admin-password",
    name: "Morgan Reid (administrator)",
};
const CLINICIAN: Login = Login {
    role: Role::Clinician,
    username: "dr.okafor",
    password: "demo-clinician-password",
    name: "Dr Ada Okafor",
};
const CLINICIAN_2: Login = Login {
    role: Role::Clinician,
    username: "dr.lee",
    password: "demo-clinician-password",
    name: "Dr Chris Lee",
};

/// A clinician who has left the clinic: deactivated once the demo is filled, so that Gareth, whose
/// only clinician they were, has no active clinician and his open alert is on the duty list.
const FORMER_CLINICIAN: Login = Login {
    role: Role::Clinician,
    username: "dr.hale",
    password: "demo-former-clinician-password",
    name: "Dr Rowan Hale",
};

struct DemoPatient {
    login: Login,
    /// A phone number from Ofcom's range kept for drama (07700 900000 to 900999), never a real one.
    phone: &'static str,
    emergency: Option<(&'static str, &'static str)>,
    nation: Nation,
    born: Date,
    health_number: &'static str,
    gp: &'static str,
    days: i32,
    /// Usual pain before anything changes.
    baseline: f64,
    /// Share of days with no check-in.
    missing: f64,
    seed: u64,
    /// Days before today that the helpful treatment started, and how much pain eased after it.
    started: i32,
    easing: f64,
    /// Sleep improves instead of pain (for the CBT-I demo).
    sleep_story: bool,
}

fn patients() -> Vec<DemoPatient> {
    vec![
        DemoPatient {
            login: Login {
                role: Role::Patient,
                username: "alex",
                password: "demo-patient-password",
                name: "Alex Morgan",
            },
            phone: "07700 900101",
            emergency: Some(("Jo Morgan (sister)", "07700 900102")),
            nation: Nation::England,
            born: Date::constant(1979, 3, 2),
            health_number: "9434765919",
            gp: "Riverside Surgery",
            days: 240,
            baseline: 6.2,
            missing: 0.1,
            seed: 11,
            started: 95,
            easing: 1.6,
            sleep_story: false,
        },
        DemoPatient {
            login: Login {
                role: Role::Patient,
                username: "priya",
                password: "demo-patient-password",
                name: "Priya Shah",
            },
            phone: "07700 900201",
            emergency: Some(("Dev Shah (husband)", "07700 900202")),
            nation: Nation::Scotland,
            born: Date::constant(1988, 9, 14),
            // A made-up number that passes the check digit (not a zero-filled one).
            health_number: "9990000018",
            gp: "Leith Links Medical Practice",
            days: 210,
            baseline: 5.4,
            missing: 0.15,
            seed: 23,
            started: 70,
            easing: 0.6,
            sleep_story: true,
        },
        DemoPatient {
            login: Login {
                role: Role::Patient,
                username: "gareth",
                password: "demo-patient-password",
                name: "Gareth Evans",
            },
            phone: "07700 900301",
            emergency: None,
            nation: Nation::Wales,
            born: Date::constant(1966, 12, 1),
            health_number: "",
            gp: "Canton Health Centre",
            days: 195,
            baseline: 5.0,
            missing: 0.3,
            seed: 37,
            started: 120,
            easing: 0.8,
            sleep_story: false,
        },
        DemoPatient {
            login: Login {
                role: Role::Patient,
                username: "siobhan",
                password: "demo-patient-password",
                name: "Siobhan Kelly",
            },
            phone: "07700 900401",
            emergency: Some(("Niamh Kelly (mother)", "07700 900402")),
            nation: Nation::NorthernIreland,
            born: Date::constant(1992, 5, 20),
            health_number: "",
            gp: "Ormeau Park Surgery",
            days: 185,
            baseline: 6.8,
            missing: 0.12,
            seed: 41,
            started: 60,
            easing: 1.0,
            sleep_story: false,
        },
    ]
}

/// A small deterministic generator (xorshift64*), so the demo needs no random-number crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Roughly normal noise with the given spread.
    fn noise(&mut self, spread: f64) -> f64 {
        (self.next() + self.next() + self.next() - 1.5) * spread
    }
}

fn clamp(v: f64) -> i64 {
    v.round().clamp(0.0, 10.0) as i64
}

/// Fills an empty database. If the demo accounts are there already, it only returns them; if
/// other accounts are there, it adds nothing, so real data is never mixed with invented data.
pub async fn fill(store: &dyn Store, kb: &Kb, today: Date) -> anyhow::Result<Vec<Login>> {
    let logins = || {
        let mut v = vec![ADMIN, CLINICIAN, CLINICIAN_2];
        v.extend(patients().into_iter().map(|p| p.login));
        v
    };
    if store.count_accounts().await? > 0 {
        // The demo is there already only if every demo account is: a real installation that
        // happens to call its administrator "admin" must not be mistaken for a demo.
        let mut all_there = true;
        for login in logins() {
            let name = Username::parse(login.username)?;
            let found = store.credentials(&name).await?;
            all_there &= found.is_some_and(|c| c.account.role == login.role);
        }
        if all_there {
            return Ok(logins());
        }
        anyhow::bail!(
            "the data folder already holds accounts, so demonstration data was not added; use an empty --data folder with --demo"
        );
    }
    let admin = create(store, &ADMIN).await?;
    let clinician = create(store, &CLINICIAN).await?;
    let clinician_2 = create(store, &CLINICIAN_2).await?;
    let former = create(store, &FORMER_CLINICIAN).await?;
    let admin_actor = Actor {
        user: admin,
        role: Role::Admin,
    };
    for (i, p) in patients().into_iter().enumerate() {
        let id = create(store, &p.login).await?;
        // The last patient is on another clinician's caseload, to show that care teams are
        // separate; Gareth's only clinician has left the clinic (below).
        let team = match i {
            2 => former,
            3 => clinician_2,
            _ => clinician,
        };
        store.link_care_team(&admin_actor, id, team).await?;
        fill_patient(store, &p, id, today).await?;
        fill_questionnaires(store, kb, &p, id, today).await?;
        if p.login.username == "gareth" {
            start_risky_phq9(store, id).await?;
        }
        if p.login.username == "priya" {
            staff_reset(store, clinician, id, &p.login).await?;
        }
    }
    // Dr Hale leaves: Gareth now has no active clinician, so his open alert is on the duty list
    // that both demo clinicians see, and the admin page lists him for linking to someone.
    store
        .set_account_active(&admin_actor, former, false)
        .await?;
    Ok(logins())
}

/// Priya lost her recovery codes and rang the clinic: Dr Okafor made her a reset link, which she
/// used, so her home page says who reset her password, when and why, and so does her access
/// history. The new password is the demo one again.
async fn staff_reset(
    store: &dyn Store,
    clinician: UserId,
    patient: UserId,
    login: &Login,
) -> anyhow::Result<()> {
    let by = Actor {
        user: clinician,
        role: Role::Clinician,
    };
    let token = auth::new_token();
    let now = jiff::Timestamp::now();
    store
        .create_link(
            Some(&by),
            &auth::token_hash(&token),
            painpath_store::LinkPurpose::PasswordReset { user: patient },
            auth::expires_in(now, auth::RESET_LIFETIME),
            Some("Rang the clinic: lost her recovery codes"),
        )
        .await?;
    let hash = auth::hash_password(login.password.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .redeem_password_reset(None, &auth::token_hash(&token), now, &hash)
        .await?;
    Ok(())
}

/// Gareth has started this month's PHQ-9 and answered item 9 (2, "more than half the days") but
/// not finished it: the draft raises the alert, as answering on the form does.
async fn start_risky_phq9(store: &dyn Store, id: UserId) -> anyhow::Result<()> {
    let me = Actor {
        user: id,
        role: Role::Patient,
    };
    let answers: [i64; 9] = [2, 2, 3, 2, 1, 1, 2, 0, 2];
    let fields: Vec<(String, String)> = answers
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("phq9_{}", i + 1), v.to_string()))
        .collect();
    let signal = Item9Signal {
        value: 2,
        answers: fields
            .iter()
            .map(|(k, v)| (k.clone(), v.parse().unwrap_or(0)))
            .collect(),
    };
    // The web form keeps its drafts as a JSON list of [name, value] pairs.
    let text = serde_json::to_string(&fields)?;
    store
        .save_questionnaire_draft(&me, id, Instrument::Phq9, &text, Some(&signal))
        .await?;
    Ok(())
}

async fn create(store: &dyn Store, login: &Login) -> anyhow::Result<UserId> {
    let hash = auth::hash_password(login.password.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(store
        .create_account(
            None,
            &NewAccount {
                username: Username::parse(login.username)?,
                display_name: login.name.to_owned(),
                role: login.role,
                password_hash: hash,
                recovery_codes: Vec::new(),
            },
        )
        .await?)
}

fn period(
    therapy: Therapy,
    name: &str,
    start: Date,
    end: Option<Date>,
    outcome: Option<PeriodOutcome>,
    today: Date,
) -> anyhow::Result<NewPeriod> {
    NewPeriod::parse(therapy, name, start, end, outcome, today).map_err(|p| anyhow::anyhow!("{p}"))
}

fn code(c: &str) -> anyhow::Result<Therapy> {
    Ok(Therapy::Treatment(TreatmentCode::parse(c)?))
}

async fn fill_patient(
    store: &dyn Store,
    p: &DemoPatient,
    id: UserId,
    today: Date,
) -> anyhow::Result<()> {
    let me = Actor {
        user: id,
        role: Role::Patient,
    };
    let details = PatientDetails {
        date_of_birth: Some(p.born),
        nation: Some(p.nation),
        health_number: HealthNumber::parse(p.health_number).ok(),
        gp_practice_name: Some(p.gp.to_owned()),
        gp_practice_address: None,
        contact_phone: PhoneNumber::parse(p.phone).ok(),
        emergency_contact: p.emergency.and_then(|(name, phone)| {
            Some(EmergencyContact {
                name: name.to_owned(),
                phone: PhoneNumber::parse(phone).ok()?,
            })
        }),
    };
    store.save_patient_details(&me, id, &details).await?;

    let first = today.checked_sub(p.days.days())?;
    let started = today.checked_sub(p.started.days())?;
    // A treatment tried early on and stopped, the one that helped, and (for some) a medicine.
    let (helpful, helpful_name) = if p.sleep_story {
        (code("cbt_insomnia")?, "CBT for insomnia (online course)")
    } else {
        (code("walking")?, "Walking, building up slowly")
    };
    store
        .add_treatment_period(
            &me,
            id,
            &period(
                code("amitriptyline")?,
                "amitriptyline 10 mg at night",
                first.checked_add(20.days())?,
                Some(first.checked_add(62.days())?),
                Some(PeriodOutcome::NotTolerated),
                today,
            )?,
            PeriodSource::SelfReported,
        )
        .await?;
    store
        .add_treatment_period(
            &me,
            id,
            &period(helpful, helpful_name, started, None, None, today)?,
            PeriodSource::SelfReported,
        )
        .await?;
    if p.sleep_story {
        store
            .add_treatment_period(
                &me,
                id,
                &period(
                    Therapy::Medication(MedicationClass::Ssri),
                    "sertraline",
                    first,
                    None,
                    None,
                    today,
                )?,
                PeriodSource::SelfReported,
            )
            .await?;
    }
    store
        .add_treatment_period(
            &me,
            id,
            &period(
                code("pacing")?,
                "Pacing",
                first.checked_add(5.days())?,
                None,
                None,
                today,
            )?,
            PeriodSource::SelfReported,
        )
        .await?;
    let periods: Vec<TreatmentPeriod> = store.treatment_periods(&me, id).await?;
    let helpful_id = periods
        .iter()
        .find(|x| x.start == started && x.is_open())
        .map(|x| x.id.0);

    let mut rng = Rng(p.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut flare_left = 0;
    let mut day = first;
    while day <= today {
        let since_start = started.until(day)?.get_days();
        let after = since_start >= 0;
        // The change builds up over about six weeks rather than overnight.
        let effect = if after {
            (f64::from(since_start) / 42.0).min(1.0)
        } else {
            0.0
        };
        if flare_left == 0 && rng.next() < 0.028 {
            flare_left = 3 + (rng.next() * 3.0) as i32;
        }
        let flaring = flare_left > 0;
        flare_left = (flare_left - 1).max(0);
        // Today is left for the person to fill in, as it would be first thing in the morning.
        if day == today || (rng.next() < p.missing && !flaring) {
            day = day.tomorrow()?;
            continue;
        }
        // Weekly rhythm: Mondays after a busier weekend are worse; Fridays tired.
        let weekday = day.weekday().to_monday_zero_offset();
        let rhythm = match weekday {
            0 => 0.7,
            4 => 0.3,
            5 | 6 => -0.3,
            _ => 0.0,
        };
        let pain_easing = p.easing * effect;
        let pain =
            p.baseline + rhythm - pain_easing + if flaring { 2.3 } else { 0.0 } + rng.noise(1.4);
        let fatigue = pain + 0.4 - if after { 0.6 * effect } else { 0.0 } + rng.noise(1.2);
        let sleep_hours = if p.sleep_story {
            5.4 + 1.4 * effect
        } else {
            6.3 - if flaring { 1.0 } else { 0.0 }
        } + rng.noise(1.0);
        let sleep_hours = (sleep_hours * 2.0).round() / 2.0;
        let sleep_quality = 3.5 + (sleep_hours - 5.5) * 1.3 + rng.noise(1.5);
        let mut regions = vec![
            "neck".to_owned(),
            "upper_back".to_owned(),
            "lower_back".to_owned(),
        ];
        if pain > 6.0 {
            regions.extend(
                ["left_shoulder_girdle", "right_shoulder_girdle", "left_hip"].map(str::to_owned),
            );
        }
        if flaring {
            regions.extend(
                [
                    "right_hip",
                    "left_upper_leg",
                    "right_upper_leg",
                    "left_upper_arm",
                ]
                .map(str::to_owned),
            );
        }
        let mut factors = Vec::new();
        if flaring {
            let options = [
                "overdid it",
                "poor sleep",
                "cold or damp weather",
                "stress",
                "illness",
            ];
            factors.push(
                options[(rng.next() * options.len() as f64) as usize % options.len()].to_owned(),
            );
        }
        let done_today = match helpful_id {
            Some(h) if after && rng.next() < 0.75 => vec![(
                h,
                Some(if p.sleep_story {
                    "1 session".to_owned()
                } else {
                    format!("{} minutes", 10 + (effect * 15.0) as i64)
                }),
            )],
            _ => Vec::new(),
        };
        let note = if flaring && rng.next() < 0.4 {
            Some("Bad flare today. Rested and used heat.".to_owned())
        } else if rng.next() < 0.04 {
            Some("A better day than expected.".to_owned())
        } else {
            None
        };
        let draft = CheckInDraft {
            date: Some(day),
            pain: Some(clamp(pain)),
            fatigue: Some(clamp(fatigue)),
            fog: Some(clamp(fatigue - 1.0 + rng.noise(1.5))),
            sleep_quality: Some(clamp(sleep_quality)),
            sleep_hours: Some(sleep_hours.clamp(2.0, 11.0)),
            mood: Some(clamp(7.5 - pain * 0.5 + rng.noise(1.5))),
            stress: Some(clamp(
                3.0 + rng.noise(2.5) + if flaring { 2.0 } else { 0.0 },
            )),
            sensitivity: Some(clamp(pain - 2.0 + rng.noise(1.5))),
            activity_minutes: Some(
                ((20.0 + 20.0 * effect - if flaring { 15.0 } else { 0.0 } + rng.noise(20.0))
                    .max(0.0)) as i64,
            ),
            flare: Some(flaring),
            pain_regions: regions,
            factors,
            done_today,
            note,
            ..CheckInDraft::default()
        };
        let check_in = CheckIn::parse(
            draft,
            &CheckInContext {
                today,
                periods: &periods,
            },
        )
        .map_err(|p| anyhow::anyhow!("demo check-in for {day}: {p}"))?;
        store.save_check_in(&me, id, &check_in).await?;
        day = day.tomorrow()?;
    }
    Ok(())
}

pub fn print_logins(out: &mut impl Write, base: &str, logins: &[Login]) -> std::io::Result<()> {
    writeln!(out, "Demonstration accounts (sign in at {base}/sign-in):")?;
    for l in logins {
        writeln!(
            out,
            "  {:<9} {:<10} password {:<24} {}",
            l.role.code(),
            l.username,
            l.password,
            l.name
        )?;
    }
    writeln!(out, "The diaries are invented for demonstration.")
}

/// Questionnaires over the months: an ACR 2016 survey at the start, PHQ-9 and GAD-7 about monthly
/// (the last one more than four weeks ago for one patient, so it shows as due), and FIQRs that ease
/// after the helpful treatment. Priya's latest PHQ-9 has item 9 answered, which opens an alert for
/// her clinician, so the alert list and the crisis support can be seen.
async fn fill_questionnaires(
    store: &dyn Store,
    kb: &Kb,
    p: &DemoPatient,
    id: UserId,
    today: Date,
) -> anyhow::Result<()> {
    let me = Actor {
        user: id,
        role: Role::Patient,
    };
    let first = today.checked_sub(p.days.days())?;
    let save = |completed: Completed, date: Date| {
        let text = kb.instrument(completed.instrument());
        let answers = text
            .map(|t| painpath_web::questionnaires::answers_to_store(t, &completed))
            .unwrap_or_default();
        let item9 = painpath_web::questionnaires::item9_of_completed(&completed);
        let instrument = completed.instrument();
        async move {
            store
                .save_questionnaire(
                    &me,
                    id,
                    &NewQuestionnaire {
                        instrument,
                        date,
                        answers,
                        item9,
                    },
                )
                .await
        }
    };
    let acr = Acr2016::parse(&Acr2016Draft {
        pain_regions: [
            "left_shoulder_girdle",
            "right_shoulder_girdle",
            "left_upper_arm",
            "neck",
            "upper_back",
            "lower_back",
            "left_hip",
            "right_hip",
            "left_upper_leg",
        ]
        .map(str::to_owned)
        .to_vec(),
        fatigue: 2,
        waking_unrefreshed: 3,
        cognitive_symptoms: 2,
        headaches: true,
        lower_abdominal_pain_or_cramps: p.sleep_story,
        depression: false,
        symptoms_at_least_3_months: true,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    save(Completed::Acr2016(acr), first.checked_add(3.days())?).await?;
    let months = p.days / 30;
    // Gareth last filled in his mood questionnaires six weeks ago, so they show as due.
    let stop_before = if p.login.username == "gareth" { 42 } else { 0 };
    for m in 0..=months {
        let date = first.checked_add((m * 30 + 7).days())?;
        if date > today || today.since(date)?.get_days() < stop_before {
            continue;
        }
        let later = f64::from(m) / f64::from(months.max(1));
        let level = if later > 0.5 { 1 } else { 2 };
        let mut items = [level, level, 2, 2, 1, level - 1, 2, 0, 0];
        let last = m == months || date.checked_add(30.days())? > today;
        if p.login.username == "priya" && last {
            items[8] = 1;
        }
        let phq9 =
            Phq9::parse(&items.map(i64::from), Some(1)).map_err(|e| anyhow::anyhow!("{e}"))?;
        save(Completed::Phq9(phq9), date).await?;
        let gad7 = Gad7::parse(&[level, 1, level, 2, 1, 1, level - 1].map(i64::from))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        save(Completed::Gad7(gad7), date).await?;
        if m % 2 == 0 {
            let f = |x: f64| (x - 3.0 * later).round().clamp(0.0, 10.0) as i64;
            let fiqr = Fiqr::parse(
                &[f(5.0); 9],
                &[f(6.0), f(5.0)],
                &[
                    f(7.0),
                    f(7.0),
                    f(6.0),
                    f(6.0),
                    f(4.0),
                    f(5.0),
                    f(4.0),
                    f(6.0),
                    f(3.0),
                    f(6.0),
                ],
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            save(Completed::Fiqr(fiqr), date).await?;
        }
    }
    Ok(())
}
