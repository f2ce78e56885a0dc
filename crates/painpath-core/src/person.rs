//! People: their roles, identifiers and the patient details that letters and referrals need.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::problems::Problems;

/// An account's identifier in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an account is for (design.md 1). An admin runs the installation and sees no health data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Admin,
    Clinician,
    Patient,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Clinician, Role::Patient];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clinician => "clinician",
            Role::Patient => "patient",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Clinician => "Clinician",
            Role::Patient => "Patient",
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Clinician)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected admin, clinician or patient")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or(UnknownRole)
    }
}

/// The four nations of the UK; the nation chooses which NHS services are signposted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Nation {
    #[default]
    England,
    Scotland,
    Wales,
    NorthernIreland,
}

impl Nation {
    pub const ALL: [Nation; 4] = [
        Nation::England,
        Nation::Scotland,
        Nation::Wales,
        Nation::NorthernIreland,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Nation::England => "england",
            Nation::Scotland => "scotland",
            Nation::Wales => "wales",
            Nation::NorthernIreland => "northern_ireland",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Nation::England => "England",
            Nation::Scotland => "Scotland",
            Nation::Wales => "Wales",
            Nation::NorthernIreland => "Northern Ireland",
        }
    }

    /// What the national health-service number is called where the person lives (design.md 4).
    pub fn health_number_name(self) -> &'static str {
        match self {
            Nation::England | Nation::Wales => "NHS number",
            Nation::Scotland => "CHI number",
            Nation::NorthernIreland => "H&C number",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected england, scotland, wales or northern_ireland")]
pub struct UnknownNation;

impl FromStr for Nation {
    type Err = UnknownNation;
    fn from_str(s: &str) -> Result<Nation, UnknownNation> {
        Nation::ALL
            .into_iter()
            .find(|n| n.code() == s)
            .ok_or(UnknownNation)
    }
}

/// A ten-digit NHS, CHI or H&C number whose last digit is a valid modulus 11 check digit.
///
/// All three use the same ten-digit modulus 11 scheme (NHS Digital, "NHS number" data
/// dictionary entry): weights 10 down to 2 on the first nine digits, check digit
/// 11 − (sum mod 11), where 11 becomes 0 and 10 means the number is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HealthNumber([u8; 10]);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HealthNumberError {
    #[error("expected 10 digits (spaces are allowed)")]
    NotTenDigits,
    #[error("this is not a valid number: its check digit does not match")]
    CheckDigit,
}

impl HealthNumber {
    pub fn parse(input: &str) -> Result<HealthNumber, HealthNumberError> {
        let digits: Vec<u8> = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_digit(10).map(|d| d as u8))
            .collect::<Option<Vec<u8>>>()
            .ok_or(HealthNumberError::NotTenDigits)?;
        let digits: [u8; 10] = digits
            .try_into()
            .map_err(|_| HealthNumberError::NotTenDigits)?;
        let sum: u32 = digits[..9]
            .iter()
            .zip((2..=10).rev())
            .map(|(d, w)| u32::from(*d) * w)
            .sum();
        let check = match 11 - (sum % 11) {
            11 => 0,
            10 => return Err(HealthNumberError::CheckDigit),
            c => c,
        };
        if u32::from(digits[9]) != check {
            return Err(HealthNumberError::CheckDigit);
        }
        Ok(HealthNumber(digits))
    }

    /// The ten digits with no spaces, as stored.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

impl fmt::Display for HealthNumber {
    /// Shown as people write it: `943 476 5919`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[0..3], &d[3..6], &d[6..10])
    }
}

/// The details letters and referrals need (design.md 4). Everything but the nation may be
/// unknown at first.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PatientDetails {
    pub date_of_birth: Option<Date>,
    /// Where the person lives; `None` until they say. Unknown is never taken to mean England:
    /// help pages then show every nation's services (reference/instruments.md 6).
    pub nation: Option<Nation>,
    pub health_number: Option<HealthNumber>,
    pub gp_practice_name: Option<String>,
    pub gp_practice_address: Option<String>,
    /// A phone number the clinic can reach the person on, for example after a self-harm alert.
    pub contact_phone: Option<PhoneNumber>,
    /// Someone to contact in an emergency: a name (with how they are related, if the person
    /// wishes) and a phone number, both or neither.
    pub emergency_contact: Option<EmergencyContact>,
}

/// Someone the clinic may contact in an emergency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyContact {
    pub name: String,
    pub phone: PhoneNumber,
}

/// The raw text of a patient-details form, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct PatientDetailsInput<'a> {
    pub date_of_birth: Option<Date>,
    pub nation: &'a str,
    pub health_number: &'a str,
    pub gp_practice_name: &'a str,
    pub gp_practice_address: &'a str,
    pub contact_phone: &'a str,
    pub emergency_contact_name: &'a str,
    pub emergency_contact_phone: &'a str,
}

/// A telephone number as a person would write it: a UK number starting with 0 (10 or 11
/// digits), or an international one starting with + (8 to 15 digits, the E.164 limit). Spaces,
/// hyphens and brackets are allowed and kept as written, so the number reads back as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("expected a phone number of digits, such as 07700 900123 or +44 7700 900123")]
    NotAPhoneNumber,
    #[error("expected 10 or 11 digits for a UK number starting with 0")]
    UkLength,
    #[error("expected 8 to 15 digits for an international number starting with +")]
    InternationalLength,
    #[error("expected at most 30 characters")]
    TooLong,
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 30 {
            return Err(PhoneNumberError::TooLong);
        }
        let (international, rest) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        if rest.is_empty()
            || !rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
        {
            return Err(PhoneNumberError::NotAPhoneNumber);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if international {
            if !(8..=15).contains(&digits.len()) {
                return Err(PhoneNumberError::InternationalLength);
            }
        } else if !digits.starts_with('0') {
            return Err(PhoneNumberError::NotAPhoneNumber);
        } else if !(10..=11).contains(&digits.len()) {
            return Err(PhoneNumberError::UkLength);
        }
        Ok(PhoneNumber(text))
    }

    /// The number as written (spaces collapsed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number for a `tel:` link: digits, with a leading + for an international number.
    pub fn dial(&self) -> String {
        let plus = if self.0.starts_with('+') { "+" } else { "" };
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        format!("{plus}{digits}")
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest free-text field we keep, so nobody can fill the database through a form.
pub const MAX_TEXT: usize = 500;

impl PatientDetails {
    /// Checks patient details. `today` rules out a date of birth in the future.
    pub fn parse(input: PatientDetailsInput<'_>, today: Date) -> Result<PatientDetails, Problems> {
        let mut problems = Problems::new();
        if let Some(dob) = input.date_of_birth {
            if dob > today {
                problems.add("date_of_birth", "the date of birth is in the future");
            } else if dob < Date::constant(1900, 1, 1) {
                problems.add("date_of_birth", "the date of birth is before 1900");
            }
        }
        let nation = problems.check("nation", input.nation.parse::<Nation>());
        let health_number = match input.health_number.trim() {
            "" => None,
            text => problems.check("health_number", HealthNumber::parse(text)),
        };
        let gp_practice_name =
            text_field(&mut problems, "gp_practice_name", input.gp_practice_name);
        let gp_practice_address = text_field(
            &mut problems,
            "gp_practice_address",
            input.gp_practice_address,
        );
        let contact_phone = phone_field(&mut problems, "contact_phone", input.contact_phone);
        let emergency_name = match text_field(
            &mut problems,
            "emergency_contact_name",
            input.emergency_contact_name,
        ) {
            Some(n) if n.chars().count() > 100 => {
                problems.add("emergency_contact_name", "expected at most 100 characters");
                None
            }
            other => other,
        };
        let emergency_phone = phone_field(
            &mut problems,
            "emergency_contact_phone",
            input.emergency_contact_phone,
        );
        // A name with no number, or a number with no name, is no use on a bad day: ask for both.
        let emergency_contact = match (emergency_name, emergency_phone) {
            (Some(name), Some(phone)) => Some(EmergencyContact { name, phone }),
            (Some(_), None) if input.emergency_contact_phone.trim().is_empty() => {
                problems.add(
                    "emergency_contact_phone",
                    "enter a phone number for the emergency contact, or leave both empty",
                );
                None
            }
            (None, Some(_)) if input.emergency_contact_name.trim().is_empty() => {
                problems.add(
                    "emergency_contact_name",
                    "enter the emergency contact's name, or leave both empty",
                );
                None
            }
            _ => None,
        };
        let details = PatientDetails {
            date_of_birth: input.date_of_birth,
            nation,
            health_number,
            gp_practice_name,
            gp_practice_address,
            contact_phone,
            emergency_contact,
        };
        problems.into_result(details)
    }
}

fn phone_field(problems: &mut Problems, field: &str, text: &str) -> Option<PhoneNumber> {
    match text.trim() {
        "" => None,
        text if crate::problems::has_stray_control(text, false) => {
            problems.add(field, crate::problems::STRAY_CONTROL);
            None
        }
        text => problems.check(field, PhoneNumber::parse(text)),
    }
}

fn text_field(problems: &mut Problems, field: &str, text: &str) -> Option<String> {
    let text = text.trim();
    if crate::problems::has_stray_control(text, true) {
        problems.add(field, crate::problems::STRAY_CONTROL);
        return None;
    }
    if text.chars().count() > MAX_TEXT {
        problems.add(field, format!("expected at most {MAX_TEXT} characters"));
        return None;
    }
    (!text.is_empty()).then(|| text.to_owned())
}

/// A display name: what a person is called on pages. Checked, trimmed, never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("enter a name")]
    Empty,
    #[error("contains a control character; remove it and try again")]
    Control,
    #[error("expected at most 100 characters")]
    TooLong,
}

impl DisplayName {
    pub fn parse(text: &str) -> Result<DisplayName, DisplayNameError> {
        let text = text.trim();
        if text.is_empty() {
            Err(DisplayNameError::Empty)
        } else if crate::problems::has_stray_control(text, false) {
            Err(DisplayNameError::Control)
        } else if text.chars().count() > 100 {
            Err(DisplayNameError::TooLong)
        } else {
            Ok(DisplayName(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A sign-in name: lower-case letters, digits, dots, hyphens, underscores and `@`, 3 to 64 long.
/// Kept simple on purpose so that it can be read out over the phone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Username(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected 3 to 64 characters: letters, digits, dots, hyphens, underscores or @")]
pub struct UsernameError;

impl Username {
    pub fn parse(text: &str) -> Result<Username, UsernameError> {
        let text = text.trim().to_lowercase();
        let ok_len = (3..=64).contains(&text.chars().count());
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
        if ok_len && ok_chars {
            Ok(Username(text))
        } else {
            Err(UsernameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a new password. Length is what matters most (NCSC password guidance: favour length,
/// no forced complexity rules); 10 characters is our floor, 256 a ceiling against abuse.
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        Err("expected at least 10 characters; three random words make a good password")
    } else if n > 256 {
        Err("expected at most 256 characters")
    } else {
        Ok(())
    }
}

/// Why a clinician makes a patient's password-reset link: required, and shown to the patient
/// (who is told of every staff reset), so a few plain words, 3 to 200 characters.
pub fn check_reset_reason(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.chars().count() < 3 {
        Err(
            "say briefly why, for example \"phoned the clinic, locked out\"; the patient will see it",
        )
    } else if text.chars().count() > 200 {
        Err("expected at most 200 characters")
    } else if crate::problems::has_stray_control(text, false) {
        Err(crate::problems::STRAY_CONTROL)
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_needs_a_short_reason_the_patient_can_read() {
        assert!(check_reset_reason("  ").is_err());
        assert!(check_reset_reason("ok").is_err());
        assert!(check_reset_reason(&"x".repeat(201)).is_err());
        assert!(check_reset_reason("rang\u{7}").is_err());
        assert_eq!(
            check_reset_reason(" Phoned the clinic, locked out ").unwrap(),
            "Phoned the clinic, locked out"
        );
    }

    #[test]
    fn a_valid_nhs_number_is_accepted_with_or_without_spaces() {
        // 943 476 5919 is the NHS's published example of a valid number.
        assert_eq!(
            HealthNumber::parse("943 476 5919").map(|n| n.digits()),
            Ok("9434765919".to_owned())
        );
        assert!(HealthNumber::parse("9434765919").is_ok());
        assert_eq!(
            HealthNumber::parse("9434765919").map(|n| n.to_string()),
            Ok("943 476 5919".to_owned())
        );
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        assert_eq!(
            HealthNumber::parse("9434765918"),
            Err(HealthNumberError::CheckDigit)
        );
    }

    #[test]
    fn a_number_whose_check_would_be_ten_is_rejected() {
        // 1000000010: sum = 1*10 + 1*2 = 12, 11 - (12 mod 11) = 10, so no check digit is valid.
        for last in 0..=9 {
            let n = format!("100000001{last}");
            assert_eq!(HealthNumber::parse(&n), Err(HealthNumberError::CheckDigit));
        }
    }

    #[test]
    fn a_check_of_eleven_means_zero() {
        // 0000000000: sum 0, 11 - 0 = 11, which means a check digit of 0.
        assert!(HealthNumber::parse("0000000000").is_ok());
        assert_eq!(
            HealthNumber::parse("0000000001"),
            Err(HealthNumberError::CheckDigit)
        );
    }

    #[test]
    fn letters_and_wrong_lengths_are_rejected() {
        assert_eq!(
            HealthNumber::parse("94347659"),
            Err(HealthNumberError::NotTenDigits)
        );
        assert_eq!(
            HealthNumber::parse("943476591X"),
            Err(HealthNumberError::NotTenDigits)
        );
        assert_eq!(
            HealthNumber::parse("94347659190"),
            Err(HealthNumberError::NotTenDigits)
        );
    }

    #[test]
    fn patient_details_name_every_wrong_field() {
        let today = Date::constant(2026, 11, 25);
        let err = PatientDetails::parse(
            PatientDetailsInput {
                date_of_birth: Some(Date::constant(2030, 1, 1)),
                nation: "mars",
                health_number: "123",
                gp_practice_name: "",
                gp_practice_address: "",
                contact_phone: "12345",
                emergency_contact_name: "Sam (partner)",
                emergency_contact_phone: "",
            },
            today,
        )
        .unwrap_err();
        let fields: Vec<_> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "date_of_birth",
                "nation",
                "health_number",
                "contact_phone",
                "emergency_contact_phone"
            ]
        );
    }

    #[test]
    fn good_patient_details_are_accepted() {
        let today = Date::constant(2026, 11, 25);
        let d = PatientDetails::parse(
            PatientDetailsInput {
                date_of_birth: Some(Date::constant(1979, 3, 2)),
                nation: "wales",
                health_number: "943 476 5919",
                gp_practice_name: " Riverside Surgery ",
                gp_practice_address: "",
                contact_phone: " 07700  900123 ",
                emergency_contact_name: "Sam Jones (partner)",
                emergency_contact_phone: "+44 (0)20 7946 0000",
            },
            today,
        )
        .unwrap();
        assert_eq!(
            d.contact_phone.as_ref().map(PhoneNumber::as_str),
            Some("07700 900123")
        );
        assert_eq!(
            d.emergency_contact
                .as_ref()
                .map(|e| (e.name.as_str(), e.phone.dial())),
            Some(("Sam Jones (partner)", "+4402079460000".to_owned()))
        );
        assert_eq!(d.nation, Some(Nation::Wales));
        assert_eq!(d.gp_practice_name.as_deref(), Some("Riverside Surgery"));
        assert_eq!(d.gp_practice_address, None);
    }

    #[test]
    fn uk_and_international_phone_numbers_are_accepted_as_written() {
        for ok in [
            "07700 900123",
            "0114 496 0000",
            "020 7946 0000",
            "+44 7700 900123",
            "+353 1 234 5678",
            "(01632) 960-001",
        ] {
            assert!(PhoneNumber::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            PhoneNumber::parse("07700 900123").unwrap().dial(),
            "07700900123"
        );
    }

    #[test]
    fn short_codes_letters_and_wrong_lengths_are_not_phone_numbers() {
        assert_eq!(
            PhoneNumber::parse("999"),
            Err(PhoneNumberError::NotAPhoneNumber)
        );
        assert_eq!(
            PhoneNumber::parse("0770090012"),
            Ok(PhoneNumber("0770090012".into()))
        );
        assert_eq!(
            PhoneNumber::parse("077009001"),
            Err(PhoneNumberError::UkLength)
        );
        assert_eq!(
            PhoneNumber::parse("077009001234"),
            Err(PhoneNumberError::UkLength)
        );
        assert_eq!(
            PhoneNumber::parse("+44 12"),
            Err(PhoneNumberError::InternationalLength)
        );
        assert_eq!(
            PhoneNumber::parse("07700 9OO123"),
            Err(PhoneNumberError::NotAPhoneNumber)
        );
        assert_eq!(
            PhoneNumber::parse("+"),
            Err(PhoneNumberError::NotAPhoneNumber)
        );
    }

    #[test]
    fn an_emergency_contact_needs_a_name_and_a_number() {
        let today = Date::constant(2026, 11, 25);
        let input = |name, phone| PatientDetailsInput {
            nation: "england",
            emergency_contact_name: name,
            emergency_contact_phone: phone,
            ..PatientDetailsInput::default()
        };
        let fields = |r: Result<PatientDetails, Problems>| -> Vec<String> {
            r.unwrap_err().iter().map(|p| p.field.clone()).collect()
        };
        assert_eq!(
            fields(PatientDetails::parse(input("", "07700 900123"), today)),
            ["emergency_contact_name"]
        );
        assert_eq!(
            fields(PatientDetails::parse(input("Sam", ""), today)),
            ["emergency_contact_phone"]
        );
        assert!(
            PatientDetails::parse(input("", ""), today)
                .unwrap()
                .emergency_contact
                .is_none()
        );
        assert!(
            PatientDetails::parse(input("Sam", "07700 900123"), today)
                .unwrap()
                .emergency_contact
                .is_some()
        );
    }

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        assert_eq!(Username::parse(" Alex.B ").unwrap().as_str(), "alex.b");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("alex b").is_err());
    }

    #[test]
    fn short_passwords_are_refused_and_long_ones_accepted() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}
