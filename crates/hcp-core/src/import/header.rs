//! Matching the header row to the six fields: case, spaces, underscores and
//! punctuation do not matter, order does not matter, common synonyms count.

use super::{ColumnInfo, ImportError, Warning, WarningCode};
use crate::rules::Field;

const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::FirstName,
        &[
            "firstname",
            "givenname",
            "first",
            "forename",
            "prenom",
            "voornaam",
            "vorname",
        ],
    ),
    (
        Field::LastName,
        &[
            "lastname",
            "surname",
            "familyname",
            "last",
            "nom",
            "achternaam",
            "nachname",
        ],
    ),
    (
        Field::Email,
        &[
            "emailaddress",
            "email",
            "mail",
            "emailadress",
            "mailaddress",
            "courriel",
            "emailadres",
        ],
    ),
    (
        Field::CountryCode,
        &[
            "countrycode",
            "country",
            "callingcode",
            "countrycallingcode",
            "dialcode",
            "phonecountrycode",
            "countryprefix",
        ],
    ),
    (
        Field::MobilePhone,
        &[
            "mobilephone",
            "mobile",
            "phone",
            "phonenumber",
            "mobilenumber",
            "mobilephonenumber",
            "cellphone",
            "cell",
            "telephone",
            "tel",
            "gsm",
        ],
    ),
    (
        Field::ParentId,
        &[
            "parentorganizationid",
            "parentorganisationid",
            "parentorgid",
            "parentid",
            "organizationid",
            "organisationid",
            "orgid",
            "parentorganization",
            "parentorganisation",
            "parentorganisationidentifier",
        ],
    ),
];

fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(unaccent)
        .collect()
}

/// The base letter of the accented Latin letters headers are written with
/// ("Prénom", "Téléphone", "Straße" stays): a table, not Unicode
/// decomposition, whose tables would cost the import module kilobytes.
fn unaccent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

pub(crate) fn field_for(header: &str) -> Option<Field> {
    let key = normalize(header);
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|&(f, _)| f)
}

/// The header's columns and, per field, which column holds it.
pub(crate) struct Mapping {
    pub columns: Vec<ColumnInfo>,
    pub by_field: [Option<usize>; 6],
}

pub(crate) fn map(cells: &[String], warnings: &mut Vec<Warning>) -> Mapping {
    let mut by_field = [None; 6];
    // Columns that name a field an earlier column already holds: ignored, but
    // not "unknown" (their own warning says why).
    let mut repeated = Vec::new();
    for (index, header) in cells.iter().enumerate() {
        let header = header.trim();
        let Some(f) = field_for(header) else {
            continue;
        };
        if let Some(first) = by_field[f.index()] {
            warnings.push(Warning::new(
                WarningCode::DuplicateColumn,
                format!(
                    "\"{header}\" (column {}) repeats {} (column {}); the first is used",
                    index + 1,
                    f.title(),
                    first + 1
                ),
            ));
            repeated.push(index);
        } else {
            by_field[f.index()] = Some(index);
        }
    }
    describe(cells, by_field, &repeated, warnings)
}

/// The columns of the header row with the field each holds, and the warning
/// naming the columns nobody reads (but those in `repeated`).
fn describe(
    cells: &[String],
    by_field: [Option<usize>; 6],
    repeated: &[usize],
    warnings: &mut Vec<Warning>,
) -> Mapping {
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for (index, header) in cells.iter().enumerate() {
        let header = header.trim();
        if header.is_empty() {
            continue;
        }
        let field = Field::ALL
            .into_iter()
            .find(|f| by_field[f.index()] == Some(index));
        if field.is_none() && !repeated.contains(&index) {
            unknown.push(format!("\"{header}\""));
        }
        columns.push(ColumnInfo {
            index,
            header: header.to_owned(),
            field,
        });
    }
    if !unknown.is_empty() {
        warnings.push(Warning::new(
            WarningCode::UnknownColumns,
            format!("ignored column(s): {}", unknown.join(", ")),
        ));
    }
    Mapping { columns, by_field }
}

/// The user's mapping (a header per field, as written) applied to the
/// header row. A header the row does not have, or one column given two
/// fields, is refused: the page offers only the file's own columns.
pub(crate) fn map_chosen(
    cells: &[String],
    chosen: &[Option<String>; 6],
    warnings: &mut Vec<Warning>,
) -> Result<Mapping, ImportError> {
    let mut by_field = [None; 6];
    for (field, name) in Field::ALL.into_iter().zip(chosen) {
        let Some(name) = name.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
            continue;
        };
        let index = cells
            .iter()
            .position(|c| c.trim() == name)
            .or_else(|| {
                let key = normalize(name);
                cells.iter().position(|c| normalize(c) == key)
            })
            .ok_or_else(|| {
                ImportError::Validation(format!(
                    "the column mapping names \"{name}\" for {}, but the file has no such column",
                    field.title()
                ))
            })?;
        if let Some(other) = Field::ALL
            .into_iter()
            .find(|f| by_field[f.index()] == Some(index))
        {
            return Err(ImportError::Validation(format!(
                "the column mapping gives \"{name}\" to both {} and {}",
                other.title(),
                field.title()
            )));
        }
        by_field[field.index()] = Some(index);
    }
    Ok(describe(cells, by_field, &[], warnings))
}
