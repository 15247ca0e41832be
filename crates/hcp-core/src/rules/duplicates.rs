//! Duplicates across rows: the same email or phone on several rows of one
//! file or one import batch, or already in the database. The browser's import
//! and the server's import endpoint both settle their rows here, so a row
//! gets the same answer on either side.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{
    Field, Person, PersonInput, Reason, TypedRow, Values, Violation, normalize_country_code,
    normalize_email, normalize_phone,
};

/// A row that passed every rule, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedRow {
    /// The spreadsheet's own 1-based row number (header counted).
    pub row: u64,
    pub person: Person,
}

/// A row that passed every rule, normalized.
#[cfg(test)]
#[derive(ts_rs::TS)]
#[ts(export, rename = "AcceptedRow")]
#[expect(
    dead_code,
    reason = "only its TypeScript is used: `Person` has no fields to derive it from"
)]
pub(crate) struct AcceptedRowShape {
    /// The spreadsheet's own 1-based row number (header counted).
    #[ts(type = "number")]
    row: u64,
    #[ts(flatten)]
    person: super::PersonShape,
}

// The person's fields after the row number, as `#[serde(flatten)]` would
// write them, but as a struct: flatten goes through serde's map machinery,
// which cost a tenth of the report's serialization.
impl Serialize for AcceptedRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = s.serialize_struct("AcceptedRow", 1 + Person::FIELDS)?;
        row.serialize_field("row", &self.row)?;
        self.person.serialize_fields(&mut row)?;
        row.end()
    }
}

/// A row refused, with its values as typed and every reason.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    #[cfg_attr(test, ts(type = "number"))]
    pub row: u64,
    /// The row's values as typed.
    pub values: PersonInput,
    pub reasons: Vec<Violation>,
}

/// A row after the per-row rules, before the rules that need every row.
pub struct CheckedRow {
    pub row: u64,
    pub values: TypedRow,
    pub verdict: Result<Person, Vec<Violation>>,
}

impl CheckedRow {
    /// The row's email and phone in comparable form, when they are valid,
    /// even if another field of the row is not (its duplicates still matter).
    // Not inlined, here and in `extra_reasons`: the loops over every row run
    // once per import, so in a browser they stay in the engine's baseline
    // tier for the whole call (wasm has no on-stack replacement), while a
    // function called per row is optimized after the first few thousand.
    #[inline(never)]
    fn keys(&self) -> (Option<Cow<'_, str>>, Option<Cow<'_, str>>) {
        match &self.verdict {
            Ok(p) => (Some(email_key(p.email())), p.phone().map(Cow::Borrowed)),
            Err(_) => {
                let email = normalize_email(self.values.value(Field::Email).trim())
                    .ok()
                    .map(|e| Cow::Owned(e.to_lowercase()));
                let phone = match (
                    self.values.value(Field::MobilePhone).trim(),
                    normalize_country_code(self.values.value(Field::CountryCode)),
                ) {
                    ("", _) | (_, Err(_)) => None,
                    (raw, Ok(cc)) => normalize_phone(raw, cc).ok().map(Cow::Owned),
                };
                (email, phone)
            }
        }
    }
}

/// Emails compare case-insensitively; most are lowercase already.
pub fn email_key(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The emails and phones already taken in the database.
#[derive(Debug, Clone, Default)]
pub struct Known {
    emails: HashSet<String>,
    phones: HashSet<String>,
}

impl Known {
    /// From the lists a caller gives: emails compared case-insensitively,
    /// phones in E.164 (as given when they do not parse).
    pub fn new(emails: &[String], phones: &[String]) -> Known {
        Known {
            emails: emails.iter().map(|e| e.trim().to_lowercase()).collect(),
            phones: phones
                .iter()
                .map(|p| normalize_phone(p.trim(), None).unwrap_or_else(|_| p.trim().to_owned()))
                .collect(),
        }
    }

    /// From what a database lookup found (already in stored form).
    pub fn from_stored(emails: HashSet<String>, phones: HashSet<String>) -> Known {
        Known { emails, phones }
    }
}

/// The keys of rows that a database should be asked about: the lowercase
/// emails and E.164 phones of the rows that passed the per-row rules.
pub fn lookup_keys(checked: &[CheckedRow]) -> (Vec<String>, Vec<String>) {
    let mut emails = Vec::with_capacity(checked.len());
    let mut phones = Vec::new();
    for c in checked {
        if let Ok(p) = &c.verdict {
            emails.push(email_key(p.email()).into_owned());
            phones.extend(p.phone().map(str::to_owned));
        }
    }
    (emails, phones)
}

/// The rows a key is on; most keys are on one row, which needs no allocation.
enum Rows {
    One(u64),
    Many(Vec<u64>),
}

impl Rows {
    fn add(&mut self, row: u64) {
        match self {
            Rows::One(first) => *self = Rows::Many(vec![*first, row]),
            Rows::Many(rows) => rows.push(row),
        }
    }

    /// The other rows, when there are any.
    fn others(&self, me: u64) -> Option<String> {
        let Rows::Many(rows) = self else {
            return None;
        };
        let list: Vec<String> = rows
            .iter()
            .filter(|&&r| r != me)
            .map(u64::to_string)
            .collect();
        Some(list.join(", "))
    }
}

/// Rows sharing a key: each distinct key is a group, and each row knows its
/// key's group. The second pass over the rows then reads a group by its
/// position instead of hashing and comparing every key again (with 100,000
/// keys, each comparison was a cache miss: a fifth of a CSV import).
struct Groups {
    /// Each row's group, `NONE` when the row has no key: 4 bytes a row, as
    /// this is held while every row of a file is.
    of_row: Vec<u32>,
    rows: Vec<Rows>,
}

const NONE: u32 = u32::MAX;

/// Distinct keys to their groups while the groups are formed: open
/// addressing over one table of (hash tag, group) pairs, at most two thirds
/// full, so a new key, nearly every key of a file, costs one probe into one
/// array, its neighbours in the same cache line (a `HashMap` touched its
/// control bytes and its entries, two places in memory, and was the largest
/// part of settling a file's duplicates). Sized to the rows, not to a power
/// of two: it is held at the import's peak of memory.
struct KeyTable<'a> {
    /// `tag << 32 | group`, 0 for an empty slot (a tag is never 0).
    slots: Vec<u64>,
    /// Each group's key, to tell keys with the same tag apart.
    keys: Vec<&'a str>,
    hasher: foldhash::fast::RandomState,
}

impl<'a> KeyTable<'a> {
    fn with_room_for(n: usize) -> KeyTable<'a> {
        KeyTable {
            slots: vec![0; n.saturating_add(n / 2).max(8)],
            keys: Vec::with_capacity(n),
            hasher: Default::default(),
        }
    }

    /// The key's group, and whether it is new.
    // Per row and not inlined, like `CheckedRow::keys`.
    #[inline(never)]
    fn group_of(&mut self, key: &'a str) -> (u32, bool) {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(key);
        let tag = (hash >> 32) as u32 | 1;
        let size = self.slots.len();
        // The low half of the hash scaled to the table's size (no division).
        let mut at = ((u128::from(hash as u32) * size as u128) >> 32) as usize;
        // Ends: the table has more slots than there are rows, so keys.
        loop {
            let Some(slot) = self.slots.get_mut(at) else {
                return (NONE, false);
            };
            if *slot == 0 {
                // Below `NONE`: a file's rows are far fewer than 2^32.
                let id = u32::try_from(self.keys.len()).unwrap_or(NONE);
                *slot = u64::from(tag) << 32 | u64::from(id);
                self.keys.push(key);
                return (id, true);
            }
            let id = *slot as u32;
            if (*slot >> 32) as u32 == tag && self.keys.get(id as usize) == Some(&key) {
                return (id, false);
            }
            at = if at + 1 == size { 0 } else { at + 1 };
        }
    }
}

impl Groups {
    fn of<'a>(keys: impl Iterator<Item = (u64, Option<&'a str>)>, n: usize) -> Groups {
        let mut table = KeyTable::with_room_for(n);
        let mut rows: Vec<Rows> = Vec::with_capacity(n);
        let of_row = keys
            .map(|(row, key)| {
                key.map_or(NONE, |k| {
                    let (id, new) = table.group_of(k);
                    match rows.get_mut(id as usize) {
                        Some(group) if !new => group.add(row),
                        _ => rows.push(Rows::One(row)),
                    }
                    id
                })
            })
            .collect();
        Groups { of_row, rows }
    }

    /// The rows other than `me` sharing the `i`th row's key, as a list to
    /// show; `None` when the key is on that row alone, or it has no key.
    fn others_of_nth(&self, i: usize, me: u64) -> Option<String> {
        let id = usize::try_from(*self.of_row.get(i)?).ok()?;
        self.rows.get(id)?.others(me)
    }
}

/// The reasons a row gets from the other rows and the database.
#[inline(never)]
fn extra_reasons(
    (email, phone): (Option<&str>, Option<&str>),
    (same_email, same_phone): (Option<String>, Option<String>),
    known: &Known,
) -> Vec<Violation> {
    let mut extra = Vec::new();
    if let Some(others) = same_email {
        let msg = format!("the same Email Address is on row {others}");
        extra.push(Violation::new(Field::Email, Reason::DuplicateInFile, msg));
    }
    if email.is_some_and(|e| !known.emails.is_empty() && known.emails.contains(e)) {
        let msg = "an HCP or user with this Email Address already exists";
        extra.push(Violation::new(Field::Email, Reason::AlreadyExists, msg));
    }
    if let Some(others) = same_phone {
        let msg = format!("the same Mobile Phone is on row {others}");
        extra.push(Violation::new(
            Field::MobilePhone,
            Reason::DuplicateInFile,
            msg,
        ));
    }
    if phone.is_some_and(|p| !known.phones.is_empty() && known.phones.contains(p)) {
        let msg = "an HCP with this Mobile Phone already exists";
        extra.push(Violation::new(
            Field::MobilePhone,
            Reason::AlreadyExists,
            msg,
        ));
    }
    extra
}

/// Adds the reasons that need every row or the database: the same email or
/// phone on several rows (each such row is refused and names the others:
/// nothing says which one is right) or already known. Returns the rows split
/// into accepted and rejected, each in the order given.
pub fn settle(checked: Vec<CheckedRow>, known: &Known) -> (Vec<AcceptedRow>, Vec<RejectedRow>) {
    let keys: Vec<_> = checked.iter().map(CheckedRow::keys).collect();
    let rows = || checked.iter().map(|c| c.row).zip(&keys);
    let by_email = Groups::of(rows().map(|(r, (e, _))| (r, e.as_deref())), keys.len());
    let by_phone = Groups::of(rows().map(|(r, (_, p))| (r, p.as_deref())), keys.len());
    // Only the rows that get a reason, by position (few: a list of every
    // row's, mostly empty, was 1.2 MB more at the import's peak).
    let extras: Vec<(usize, Vec<Violation>)> = checked
        .iter()
        .zip(&keys)
        .enumerate()
        .filter_map(|(i, (c, (email, phone)))| {
            let extra = extra_reasons(
                (email.as_deref(), phone.as_deref()),
                (
                    by_email.others_of_nth(i, c.row),
                    by_phone.others_of_nth(i, c.row),
                ),
                known,
            );
            (!extra.is_empty()).then_some((i, extra))
        })
        .collect();
    drop((keys, by_email, by_phone));
    let mut extras = extras.into_iter().peekable();
    let mut rejected = Vec::new();
    // Collected in place: an accepted row is smaller than a checked one, so
    // std reuses the checked rows' buffer for the accepted ones instead of
    // holding both (7 MB more at the import's peak for 100,000 rows).
    let accepted = checked
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let extra = extras.next_if(|(at, _)| *at == i).map(|(_, e)| e);
            place(c, extra.unwrap_or_default(), &mut rejected)
        })
        .collect();
    (accepted, rejected)
}

/// The accepted row, or `None` once the row is on the rejected side. Per row
/// and not inlined, like `CheckedRow::keys`.
#[inline(never)]
fn place(
    c: CheckedRow,
    extra: Vec<Violation>,
    rejected: &mut Vec<RejectedRow>,
) -> Option<AcceptedRow> {
    match (c.verdict, extra.is_empty()) {
        (Ok(person), true) => return Some(AcceptedRow { row: c.row, person }),
        (Ok(_), false) => rejected.push(RejectedRow {
            row: c.row,
            values: c.values.to_input(),
            reasons: extra,
        }),
        (Err(mut reasons), _) => {
            reasons.extend(extra);
            rejected.push(RejectedRow {
                row: c.row,
                values: c.values.to_input(),
                reasons,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleContext, validate_person};

    fn checked(row: u64, email: &str, phone: &str) -> CheckedRow {
        let values = PersonInput {
            first_name: "A".into(),
            last_name: "B".into(),
            email: email.into(),
            mobile_phone: phone.into(),
            ..PersonInput::default()
        };
        let verdict = validate_person(&values, &RuleContext::default());
        CheckedRow {
            row,
            values: TypedRow::from(&values),
            verdict,
        }
    }

    #[test]
    fn the_key_table_gives_each_distinct_key_one_group() {
        let keys: Vec<String> = (0..20_000).map(|i| format!("hcp{i}@example.be")).collect();
        // Room for fewer keys than it is given: the table is then nearly
        // full, and its probes run long and wrap around.
        let mut table = KeyTable::with_room_for(14_000);
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(table.group_of(k), (i as u32, true));
        }
        for (i, k) in keys.iter().enumerate().rev() {
            assert_eq!(table.group_of(k), (i as u32, false));
        }
        assert!(table.group_of("").1);
    }

    #[test]
    fn every_row_sharing_a_key_is_refused_and_names_the_others() {
        let rows = vec![
            checked(2, "a@x.be", "+32475000001"),
            checked(3, "A@X.BE", ""),
            checked(4, "c@x.be", "+32 475 00 00 01"),
            checked(5, "d@x.be", ""),
        ];
        let known = Known::new(&["D@x.be".into()], &[]);
        let (accepted, rejected) = settle(rows, &known);
        assert!(accepted.is_empty());
        let reasons: Vec<(u64, Vec<&str>)> = rejected
            .iter()
            .map(|r| {
                (
                    r.row,
                    r.reasons.iter().map(|v| v.message.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    2,
                    vec![
                        "the same Email Address is on row 3",
                        "the same Mobile Phone is on row 4"
                    ]
                ),
                (3, vec!["the same Email Address is on row 2"]),
                (4, vec!["the same Mobile Phone is on row 2"]),
                (
                    5,
                    vec!["an HCP or user with this Email Address already exists"]
                ),
            ]
        );
    }

    #[test]
    fn a_key_on_three_rows_names_both_others_and_rows_between_stay_accepted() {
        // Refused by its own rules (no first name), yet its email still counts.
        let no_first_name = PersonInput {
            last_name: "B".into(),
            email: "e@X.be".into(),
            ..PersonInput::default()
        };
        let rows = vec![
            checked(2, "e@x.be", ""),
            checked(3, "ok1@x.be", "+32475000009"),
            checked(4, "E@x.be", ""),
            CheckedRow {
                row: 5,
                values: TypedRow::from(&no_first_name),
                verdict: validate_person(&no_first_name, &RuleContext::default()),
            },
            checked(6, "ok2@x.be", ""),
        ];
        let (accepted, rejected) = settle(rows, &Known::default());
        assert_eq!(accepted.iter().map(|a| a.row).collect::<Vec<_>>(), [3, 6]);
        let duplicate = |r: &RejectedRow| {
            r.reasons
                .iter()
                .filter(|v| v.code == Reason::DuplicateInFile)
                .map(|v| v.message.clone())
                .collect::<Vec<_>>()
        };
        let got: Vec<(u64, Vec<String>)> = rejected.iter().map(|r| (r.row, duplicate(r))).collect();
        assert_eq!(
            got,
            [
                (2, vec!["the same Email Address is on row 4, 5".to_owned()]),
                (4, vec!["the same Email Address is on row 2, 5".to_owned()]),
                (5, vec!["the same Email Address is on row 2, 4".to_owned()]),
            ]
        );
        assert!(
            rejected
                .iter()
                .find(|r| r.row == 5)
                .is_some_and(|r| r.reasons.len() == 2),
            "row 5 keeps its own reason and gets the duplicate"
        );
    }

    #[test]
    fn an_accepted_row_is_its_number_then_the_person() {
        let (accepted, _) = settle(
            vec![checked(7, "Ann@X.be", "+32 475 00 00 01")],
            &Known::default(),
        );
        let json = serde_json::to_string(&accepted).unwrap();
        assert_eq!(
            json,
            r#"[{"row":7,"firstName":"A","lastName":"B","email":"Ann@x.be","phone":"+32475000001","parentId":null}]"#
        );
    }

    #[test]
    fn lookup_keys_are_the_stored_forms_of_valid_rows() {
        let rows = vec![
            checked(2, "Ann@X.be", "+32 475 00 00 01"),
            checked(3, "bad", ""),
        ];
        assert_eq!(
            lookup_keys(&rows),
            (vec!["ann@x.be".to_owned()], vec!["+32475000001".to_owned()])
        );
    }
}
