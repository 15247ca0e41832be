//! Matching the header row to the six fields: case, spaces, underscores and
//! punctuation do not matter, order does not matter, common synonyms count.

use super::{ColumnInfo, Warning, WarningCode};
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
        .collect()
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
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for (index, header) in cells.iter().enumerate() {
        let header = header.trim();
        if header.is_empty() {
            continue;
        }
        let mut field = field_for(header);
        if let Some(f) = field {
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
                field = None;
            } else {
                by_field[f.index()] = Some(index);
            }
        } else {
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
