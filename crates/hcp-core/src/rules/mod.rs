//! The rules a person HCP must satisfy, shared by the browser import and the
//! server: a row the browser accepts is never rejected by the server for a
//! different reason, and a hand-made request gets the same checks.

pub(crate) mod countries;
pub mod duplicates;
mod email;
mod phone;

use std::borrow::Cow;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

pub use email::normalize_email;
pub use phone::{normalize_country_code, normalize_phone};

/// The fields of a person HCP, named as in the iCure JSON and the import report.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    FirstName,
    LastName,
    Email,
    CountryCode,
    MobilePhone,
    ParentId,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::CountryCode,
        Field::MobilePhone,
        Field::ParentId,
    ];

    /// The column title the HCP guide uses.
    pub const fn title(self) -> &'static str {
        match self {
            Field::FirstName => "First Name",
            Field::LastName => "Last Name",
            Field::Email => "Email Address",
            Field::CountryCode => "Country Code",
            Field::MobilePhone => "Mobile Phone",
            Field::ParentId => "Parent Organization ID",
        }
    }

    pub const fn index(self) -> usize {
        self as usize
    }

    /// The field's name in JSON and JavaScript (what serde writes).
    pub const fn key(self) -> &'static str {
        match self {
            Field::FirstName => "firstName",
            Field::LastName => "lastName",
            Field::Email => "email",
            Field::CountryCode => "countryCode",
            Field::MobilePhone => "mobilePhone",
            Field::ParentId => "parentId",
        }
    }
}

/// Why a value was refused. The strings are stable (they reach JS and HTTP clients).
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    Required,
    TooLong,
    ControlCharacter,
    InvalidEmail,
    InvalidCountryCode,
    MissingCountryCode,
    InvalidPhone,
    InvalidId,
    UnknownOrganization,
    DuplicateInFile,
    AlreadyExists,
}

/// One refused value: which field, why, and a sentence for a person.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub field: Field,
    pub code: Reason,
    pub message: String,
}

impl Violation {
    pub fn new(field: Field, code: Reason, message: impl Into<String>) -> Violation {
        Violation {
            field,
            code,
            message: message.into(),
        }
    }
}

/// A person as typed (one string per field; empty means absent).
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub country_code: String,
    pub mobile_phone: String,
    pub parent_id: String,
}

impl PersonInput {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::Email => &self.email,
            Field::CountryCode => &self.country_code,
            Field::MobilePhone => &self.mobile_phone,
            Field::ParentId => &self.parent_id,
        }
    }

    pub fn get_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::FirstName => &mut self.first_name,
            Field::LastName => &mut self.last_name,
            Field::Email => &mut self.email,
            Field::CountryCode => &mut self.country_code,
            Field::MobilePhone => &mut self.mobile_phone,
            Field::ParentId => &mut self.parent_id,
        }
    }
}

/// Six values read by field: a person as typed, whichever way it is held.
pub trait Values {
    fn value(&self, field: Field) -> &str;
}

impl Values for PersonInput {
    fn value(&self, field: Field) -> &str {
        self.get(field)
    }
}

/// The cells of a row as a reader lends them, in `Field::ALL`'s order.
impl Values for [&str; 6] {
    fn value(&self, field: Field) -> &str {
        self.get(field.index()).copied().unwrap_or_default()
    }
}

/// `str::trim`, without decoding a char when both ends are visible ASCII
/// (nearly every cell): the rules trim each value, and a trim that decodes
/// was a twentieth of a CSV import.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        // An empty cell (most rows' parent id): nothing to trim.
        (None, _) => s,
        _ => s.trim(),
    }
}

/// Values end to end in one string: what an import holds per row for every
/// row of a file (as typed, and as accepted) costs one allocation instead of
/// one per value, which for 100,000 rows is megabytes of the browser's
/// memory and time in its allocator.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Packed<const N: usize> {
    text: String,
    /// Where each value ends in `text`.
    ends: [usize; N],
}

impl<const N: usize> Packed<N> {
    fn new(values: [&str; N]) -> Self {
        let mut text = String::with_capacity(values.iter().map(|v| v.len()).sum());
        let mut ends = [0; N];
        for (end, value) in ends.iter_mut().zip(values) {
            text.push_str(value);
            *end = text.len();
        }
        Packed { text, ends }
    }

    // One copy for every accessor (the import module has a size budget).
    #[inline(never)]
    fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }
}

impl<const N: usize> Default for Packed<N> {
    fn default() -> Self {
        Packed {
            text: String::new(),
            ends: [0; N],
        }
    }
}

/// A person as typed, its six values packed (an import keeps every row's
/// typed values until the duplicates across the file are settled: a
/// rejected row shows them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedRow(Packed<6>);

impl TypedRow {
    /// From the values in `Field::ALL`'s order.
    pub fn new(values: [&str; 6]) -> TypedRow {
        TypedRow(Packed::new(values))
    }

    pub fn to_input(&self) -> PersonInput {
        let v = |f| self.value(f).to_owned();
        PersonInput {
            first_name: v(Field::FirstName),
            last_name: v(Field::LastName),
            email: v(Field::Email),
            country_code: v(Field::CountryCode),
            mobile_phone: v(Field::MobilePhone),
            parent_id: v(Field::ParentId),
        }
    }
}

impl From<&PersonInput> for TypedRow {
    fn from(input: &PersonInput) -> TypedRow {
        TypedRow::new(Field::ALL.map(|f| input.get(f)))
    }
}

impl Values for TypedRow {
    fn value(&self, field: Field) -> &str {
        self.0.get(field.index())
    }
}

/// A person that passed every rule, in normalized form, its five values
/// packed like `TypedRow`'s (an import holds every accepted row until the
/// report has crossed into JavaScript). A phone or parent id is present
/// when it is not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person(Packed<5>);

/// A person that passed every rule, in normalized form.
#[cfg(test)]
#[derive(ts_rs::TS)]
#[ts(export, rename = "Person", rename_all = "camelCase")]
#[expect(dead_code, reason = "only its TypeScript is used")]
pub(crate) struct PersonShape {
    first_name: String,
    last_name: String,
    email: String,
    /// E.164, e.g. `+32475123456`.
    phone: Option<String>,
    parent_id: Option<String>,
}

impl Person {
    pub(crate) const FIELDS: usize = 5;

    pub fn new(
        first_name: &str,
        last_name: &str,
        email: &str,
        phone: Option<&str>,
        parent_id: Option<&str>,
    ) -> Person {
        Person(Packed::new([
            first_name,
            last_name,
            email,
            phone.unwrap_or_default(),
            parent_id.unwrap_or_default(),
        ]))
    }

    fn present(&self, i: usize) -> Option<&str> {
        Some(self.0.get(i)).filter(|v| !v.is_empty())
    }

    pub fn first_name(&self) -> &str {
        self.0.get(0)
    }

    pub fn last_name(&self) -> &str {
        self.0.get(1)
    }

    pub fn email(&self) -> &str {
        self.0.get(2)
    }

    /// E.164, e.g. `+32475123456`.
    pub fn phone(&self) -> Option<&str> {
        self.present(3)
    }

    pub fn parent_id(&self) -> Option<&str> {
        self.present(4)
    }

    /// Writes the fields into a struct being serialized: `Person` itself, or
    /// an accepted row that starts with its row number.
    pub(crate) fn serialize_fields<S: serde::ser::SerializeStruct>(
        &self,
        s: &mut S,
    ) -> Result<(), S::Error> {
        // The names a person is typed with, but for the phone: in E.164 it
        // is `phone`, where the typed one is `mobilePhone`.
        s.serialize_field(Field::FirstName.key(), self.first_name())?;
        s.serialize_field(Field::LastName.key(), self.last_name())?;
        s.serialize_field(Field::Email.key(), self.email())?;
        s.serialize_field("phone", &self.phone())?;
        s.serialize_field(Field::ParentId.key(), &self.parent_id())
    }
}

impl Serialize for Person {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut person = s.serialize_struct("Person", Person::FIELDS)?;
        self.serialize_fields(&mut person)?;
        person.end()
    }
}

/// What the rules need beyond the row itself.
#[derive(Debug, Clone)]
pub struct RuleContext {
    /// Longest accepted value, in characters.
    pub max_chars: usize,
    /// When known, the organizations a parent id must be one of (lowercase ids).
    pub organizations: Option<HashSet<String>>,
}

impl Default for RuleContext {
    fn default() -> Self {
        RuleContext {
            max_chars: 1024,
            organizations: None,
        }
    }
}

/// Checks every field of `input` and returns the normalized person, or every
/// violation found (not just the first).
pub fn validate_person<V: Values + ?Sized>(
    input: &V,
    ctx: &RuleContext,
) -> Result<Person, Vec<Violation>> {
    // Each value read once (a packed row's accessor is not inlined).
    let values = Field::ALL.map(|field| input.value(field));
    let value = |field: Field| values.get(field.index()).copied().unwrap_or_default();
    let mut violations = Vec::new();
    for field in Field::ALL {
        let value = value(field);
        // A byte count under the cap needs no character count, and ASCII
        // (nearly every cell) is checked for controls a byte at a time.
        let too_long = value.len() > ctx.max_chars && value.chars().count() > ctx.max_chars;
        let control = if value.is_ascii() {
            value.bytes().any(|b| b.is_ascii_control())
        } else {
            value.chars().any(char::is_control)
        };
        if too_long {
            violations.push(too_long_value(field, ctx.max_chars));
        } else if control {
            violations.push(control_character(field));
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }

    let mut required = |field: Field| {
        let v = trim(value(field));
        if v.is_empty() {
            violations.push(missing(field));
        }
        v
    };
    let first_name = required(Field::FirstName);
    let last_name = required(Field::LastName);
    let email = match trim(value(Field::Email)) {
        "" => {
            violations.push(missing(Field::Email));
            None
        }
        raw => normalize_email(raw).map_err(|v| violations.push(v)).ok(),
    };
    let country = normalize_country_code(value(Field::CountryCode));
    let phone = match (trim(value(Field::MobilePhone)), country) {
        (_, Err(bad_country)) => {
            // Reported once, on the country code, rather than again on the phone.
            violations.push(bad_country);
            None
        }
        ("", Ok(_)) => None,
        (raw, Ok(country)) => normalize_phone(raw, country)
            .map_err(|v| violations.push(v))
            .ok(),
    };
    let parent_id = match trim(value(Field::ParentId)) {
        "" => None,
        raw => check_parent(raw, ctx).map_err(|v| violations.push(v)).ok(),
    };
    match (violations.is_empty(), email) {
        (true, Some(email)) => Ok(Person::new(
            first_name,
            last_name,
            &email,
            phone.as_deref(),
            parent_id.as_deref(),
        )),
        _ => Err(violations),
    }
}

// The violations below are built out of line: a browser compiles the row's
// checks with its optimizing tier while a file is read, and the messages'
// formatting, which a valid row never runs, made that compile longer.

#[cold]
#[inline(never)]
fn too_long_value(field: Field, max_chars: usize) -> Violation {
    Violation::new(
        field,
        Reason::TooLong,
        format!("{} is longer than {max_chars} characters", field.title()),
    )
}

#[cold]
#[inline(never)]
fn control_character(field: Field) -> Violation {
    Violation::new(
        field,
        Reason::ControlCharacter,
        format!(
            "{} contains a control character (line break, tab, ...)",
            field.title()
        ),
    )
}

#[cold]
#[inline(never)]
fn missing(field: Field) -> Violation {
    Violation::new(
        field,
        Reason::Required,
        format!("{} is required", field.title()),
    )
}

/// Fewest characters in a password a person chooses.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most bytes in a password (Argon2 takes any length; the cap bounds the work a request can ask for).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The rule for a new password: long enough to resist guessing, short
/// enough to bound the hashing work. The error is the sentence to show.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "the password is longer than {MAX_PASSWORD_BYTES} bytes"
        ));
    }
    Ok(())
}

/// Whether `id` is shaped like the ids the backend gives (a UUID, any case).
pub fn is_well_formed_id(id: &str) -> bool {
    // Bytes: a byte that is not ASCII is neither a hex digit nor a dash.
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn check_parent<'a>(raw: &'a str, ctx: &RuleContext) -> Result<Cow<'a, str>, Violation> {
    if !is_well_formed_id(raw) {
        return Err(Violation::new(
            Field::ParentId,
            Reason::InvalidId,
            format!("Parent Organization ID {raw:?} is not a well-formed id (expected a UUID)"),
        ));
    }
    // Lowercase already, nearly always: no copy then.
    let id = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(raw.to_ascii_lowercase())
    } else {
        Cow::Borrowed(raw)
    };
    match &ctx.organizations {
        Some(known) if !known.contains(id.as_ref()) => Err(Violation::new(
            Field::ParentId,
            Reason::UnknownOrganization,
            format!("no organization with id {id} in this database"),
        )),
        _ => Ok(id),
    }
}

#[cfg(test)]
mod typed_row_tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        const CHARS: [char; 6] = [' ', 'a', '\u{a0}', '\t', 'é', '\u{3000}'];
        for s in crate::exhaustive::texts(&CHARS, 0..=4) {
            assert_eq!(trim(&s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn a_typed_row_gives_back_each_value_as_typed() {
        let input = PersonInput {
            first_name: " Zoé ".into(),
            last_name: String::new(),
            email: "zoe@exämple.fr".into(),
            country_code: "+33".into(),
            mobile_phone: String::new(),
            parent_id: "x".into(),
        };
        let row = TypedRow::from(&input);
        for field in Field::ALL {
            assert_eq!(row.value(field), input.get(field), "{field:?}");
        }
        assert_eq!(row.to_input(), input);
        assert_eq!(TypedRow::default().to_input(), PersonInput::default());
    }
}
