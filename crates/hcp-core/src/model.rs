//! The HCP as it travels: the iCure `HealthcarePartyDto` subset hcp-kit
//! reads and writes, the one rule that tells an organization from a person,
//! and the size caps every stored document respects. The server stores it,
//! the client builds it, the import fills it: one definition for all three.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crypto::certs::{KeyCertificate, verify_chain};

use crate::keys::PublicKey;
use crate::rules::{
    Person, PersonInput, RuleContext, Violation, is_well_formed_id, normalize_email,
    validate_person,
};

/// Longest text value (a name, a telecom number, an address type), in characters.
pub const MAX_TEXT: usize = 1024;
/// Most addresses on one HCP.
pub const MAX_ADDRESSES: usize = 16;
/// Most telecoms in one address.
pub const MAX_TELECOMS: usize = 16;
/// Most registered public keys on one HCP (a key per device it uses, with room to rotate).
pub const MAX_PUBLIC_KEYS: usize = 32;
/// Largest HCP document, as JSON, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Telecom {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telecom_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telecom_number: Option<String>,
}

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    #[serde(default)]
    pub telecoms: Vec<Telecom>,
}

/// An HCP as the API reads and writes it. Unknown fields are dropped.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hcp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "number"))]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "number"))]
    pub modified: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "number"))]
    pub deletion_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    pub public_keys_p256: Vec<String>,
    /// The certificate of each public key, by fingerprint: the keys form a
    /// chain (`crypto::certs`), so a key slipped into the list is refused.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub key_certificates: BTreeMap<String, KeyCertificate>,
}

/// What an HCP is: a person (doctor, nurse) or an organization (hospital, practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HcpKind {
    Person,
    Organization,
}

fn present(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

impl Hcp {
    /// The organization rule: a name, and neither a first nor a last name
    /// (a blank value counts as absent). Everything else is a person.
    pub fn kind(&self) -> HcpKind {
        if present(&self.name) && !present(&self.first_name) && !present(&self.last_name) {
            HcpKind::Organization
        } else {
            HcpKind::Person
        }
    }

    pub fn is_organization(&self) -> bool {
        self.kind() == HcpKind::Organization
    }

    /// The first non-blank telecom of that type (`email`, `mobile`).
    pub fn telecom(&self, kind: &str) -> Option<&str> {
        self.addresses
            .iter()
            .flat_map(|a| &a.telecoms)
            .find(|t| t.telecom_type.as_deref() == Some(kind))
            .and_then(|t| t.telecom_number.as_deref())
            .filter(|n| !n.trim().is_empty())
    }

    /// Replaces the telecom of that type, adding it to the first address
    /// (or a new `work` address) when there is none.
    pub fn set_telecom(&mut self, kind: &str, value: String) {
        for t in self
            .addresses
            .iter_mut()
            .flat_map(|a| a.telecoms.iter_mut())
        {
            if t.telecom_type.as_deref() == Some(kind) {
                t.telecom_number = Some(value);
                return;
            }
        }
        let telecom = Telecom {
            telecom_type: Some(kind.to_owned()),
            telecom_number: Some(value),
        };
        match self.addresses.first_mut() {
            Some(a) => a.telecoms.push(telecom),
            None => self.addresses.push(Address {
                address_type: Some("work".into()),
                telecoms: vec![telecom],
            }),
        }
    }

    pub fn email(&self) -> Option<&str> {
        self.telecom("email")
    }

    pub fn mobile(&self) -> Option<&str> {
        self.telecom("mobile")
    }

    /// The name lists sort and search by: "last first", or the organization's name.
    pub fn sort_name(&self) -> String {
        let name = match (&self.last_name, &self.first_name, &self.name) {
            (Some(l), Some(f), _) => format!("{l} {f}"),
            (_, _, Some(n)) => n.clone(),
            (Some(l), None, None) => l.clone(),
            (None, Some(f), None) => f.clone(),
            (None, None, None) => String::new(),
        };
        name.to_lowercase()
    }

    /// The person the document describes, as the form's fields.
    pub fn person_input(&self) -> PersonInput {
        PersonInput {
            first_name: self.first_name.clone().unwrap_or_default(),
            last_name: self.last_name.clone().unwrap_or_default(),
            email: self.email().unwrap_or_default().to_owned(),
            country_code: String::new(),
            mobile_phone: self.mobile().unwrap_or_default().to_owned(),
            parent_id: self.parent_id.clone().unwrap_or_default(),
        }
    }

    /// A person's document from the rules' normalized form.
    pub fn from_person(p: &Person) -> Hcp {
        let mut telecoms = vec![Telecom {
            telecom_type: Some("email".into()),
            telecom_number: Some(p.email().to_owned()),
        }];
        if let Some(phone) = p.phone() {
            telecoms.push(Telecom {
                telecom_type: Some("mobile".into()),
                telecom_number: Some(phone.to_owned()),
            });
        }
        Hcp {
            first_name: Some(p.first_name().to_owned()),
            last_name: Some(p.last_name().to_owned()),
            parent_id: p.parent_id().map(str::to_owned),
            addresses: vec![Address {
                address_type: Some("work".into()),
                telecoms,
            }],
            ..Hcp::default()
        }
    }

    /// Checks the caps on everything a request controls: each text value,
    /// the number of addresses, telecoms and keys, and the whole document.
    pub fn check_sizes(&self) -> Result<(), SizeError> {
        if self.addresses.len() > MAX_ADDRESSES {
            return Err(SizeError::TooMany("addresses", MAX_ADDRESSES));
        }
        if self
            .addresses
            .iter()
            .any(|a| a.telecoms.len() > MAX_TELECOMS)
        {
            return Err(SizeError::TooMany("telecoms in an address", MAX_TELECOMS));
        }
        if self.public_keys_p256.len() > MAX_PUBLIC_KEYS {
            return Err(SizeError::TooMany("publicKeysP256", MAX_PUBLIC_KEYS));
        }
        if self.key_certificates.len() > MAX_PUBLIC_KEYS {
            return Err(SizeError::TooMany("keyCertificates", MAX_PUBLIC_KEYS));
        }
        let texts = [
            &self.id,
            &self.rev,
            &self.name,
            &self.first_name,
            &self.last_name,
            &self.parent_id,
            &self.user_id,
        ];
        let address_texts = self.addresses.iter().flat_map(|a| {
            std::iter::once(&a.address_type).chain(
                a.telecoms
                    .iter()
                    .flat_map(|t| [&t.telecom_type, &t.telecom_number]),
            )
        });
        let too_long = texts
            .into_iter()
            .chain(address_texts)
            .flatten()
            .chain(&self.public_keys_p256)
            .chain(
                self.key_certificates
                    .iter()
                    .flat_map(|(k, c)| [k, &c.signed_by, &c.signature]),
            )
            .any(|s| s.chars().count() > MAX_TEXT);
        if too_long {
            return Err(SizeError::TextTooLong(MAX_TEXT));
        }
        let bytes = serde_json::to_vec(self)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if bytes > MAX_DOCUMENT_BYTES {
            return Err(SizeError::DocumentTooLarge(MAX_DOCUMENT_BYTES));
        }
        Ok(())
    }
}

impl Hcp {
    /// Checks a document with the rules both sides share and puts it in its
    /// stored form: caps, the person rules (or an organization's name and
    /// email), a well-formed parent that is not itself, and public keys as
    /// SPKI hex. The error is the sentence to show. (Whether the parent is
    /// an organization of the database is for whoever holds the database.)
    pub fn normalize(&mut self) -> Result<(), String> {
        self.check_sizes().map_err(|e| e.to_string())?;
        if self.is_organization() {
            if let Some(email) = self.email().map(str::to_owned) {
                let normalized = normalize_email(email.trim())
                    .map_err(|v| v.message)?
                    .into_owned();
                self.set_telecom("email", normalized);
            }
            if let Some(parent) = &self.parent_id {
                if !is_well_formed_id(parent) {
                    return Err("parentId is not a well-formed id".into());
                }
                self.parent_id = Some(parent.to_ascii_lowercase());
            }
        } else {
            let person =
                validate_person(&self.person_input(), &RuleContext::default()).map_err(|v| {
                    v.into_iter()
                        .map(|v| v.message)
                        .collect::<Vec<_>>()
                        .join("; ")
                })?;
            self.first_name = Some(person.first_name().to_owned());
            self.last_name = Some(person.last_name().to_owned());
            self.set_telecom("email", person.email().to_owned());
            if let Some(phone) = person.phone() {
                self.set_telecom("mobile", phone.to_owned());
            }
            self.parent_id = person.parent_id().map(str::to_owned);
        }
        if self.parent_id.is_some()
            && self.parent_id.as_deref().map(str::to_ascii_lowercase)
                == self.id.as_deref().map(str::to_ascii_lowercase)
        {
            return Err("an HCP cannot be its own parent".into());
        }
        let mut keys = Vec::with_capacity(self.public_keys_p256.len());
        for k in &self.public_keys_p256 {
            let key = PublicKey::parse(k).map_err(|e| format!("publicKeysP256: {e}"))?;
            keys.push(key.spki_hex());
        }
        self.public_keys_p256 = keys;
        Ok(())
    }
}

impl Hcp {
    /// When the public keys change (compared with `before`), the new list
    /// must be a certified chain, first key self-certified: what a data owner
    /// session will check before it trusts them.
    pub fn check_key_chain(&self, before: &[String]) -> Result<(), String> {
        if self.public_keys_p256 == before || self.public_keys_p256.is_empty() {
            return Ok(());
        }
        let id = self.id.as_deref().unwrap_or_default();
        verify_chain(id, &self.public_keys_p256, &self.key_certificates)
            .map(|_| ())
            .map_err(|e| format!("publicKeysP256: {e}"))
    }
}

/// A document over one of the caps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("at most {1} {0}")]
    TooMany(&'static str, usize),
    #[error("values are limited to {0} characters")]
    TextTooLong(usize),
    #[error("an HCP document is limited to {0} bytes")]
    DocumentTooLarge(usize),
}

/// What the "Add User" form sends for a person, checked with the import's rules.
pub fn person_document(input: &PersonInput) -> Result<Hcp, Vec<Violation>> {
    validate_person(input, &RuleContext::default()).map(|p| Hcp::from_person(&p))
}

/// An organization as the form sends it: a name, optionally an email. The
/// error is the sentence to show.
pub fn organization_document(name: &str, email: Option<&str>) -> Result<Hcp, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("an organization needs a name".into());
    }
    let mut doc = Hcp {
        name: Some(name.to_owned()),
        ..Hcp::default()
    };
    if let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) {
        let email = normalize_email(email).map_err(|v| v.message)?.into_owned();
        doc.set_telecom("email", email);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: Option<&str>, first: Option<&str>, last: Option<&str>) -> Hcp {
        Hcp {
            name: name.map(Into::into),
            first_name: first.map(Into::into),
            last_name: last.map(Into::into),
            ..Hcp::default()
        }
    }

    #[test]
    fn organization_rule_treats_blank_names_as_absent() {
        assert!(named(Some("Clinic"), None, None).is_organization());
        assert!(named(Some("Clinic"), Some(""), Some("  ")).is_organization());
        assert!(!named(Some("Clinic"), Some("Anne"), None).is_organization());
        assert!(!named(Some(" "), None, None).is_organization());
        assert!(!named(None, Some("Anne"), Some("Dupont")).is_organization());
    }

    #[test]
    fn normalize_applies_the_person_rules_and_stores_keys_as_spki_hex() {
        let kp = crate::keys::KeyPair::generate().unwrap();
        let mut h = named(None, Some(" Anne "), Some("Dupont"));
        h.set_telecom("email", "Anne@Example.BE".into());
        h.set_telecom("mobile", "+32 475 12 34 56".into());
        h.public_keys_p256 = vec![kp.public_key().pem()];
        h.normalize().unwrap();
        assert_eq!(h.first_name.as_deref(), Some("Anne"));
        assert_eq!(h.email(), Some("Anne@example.be"));
        assert_eq!(h.mobile(), Some("+32475123456"));
        assert_eq!(h.public_keys_p256, [kp.public_key().spki_hex()]);
        h.public_keys_p256 = vec!["3059deadbeef".into()];
        assert!(h.normalize().unwrap_err().starts_with("publicKeysP256"));
        let mut own = named(Some("Org"), None, None);
        own.id = Some("7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6".into());
        own.parent_id = Some("7D0F4A2E-1B3C-4D5E-8F90-A1B2C3D4E5F6".into());
        assert_eq!(
            own.normalize().unwrap_err(),
            "an HCP cannot be its own parent"
        );
        let mut nameless = named(None, None, Some("Dupont"));
        nameless.set_telecom("email", "d@x.be".into());
        assert!(
            nameless
                .normalize()
                .unwrap_err()
                .contains("First Name is required")
        );
    }

    #[test]
    fn set_telecom_replaces_or_adds() {
        let mut h = Hcp::default();
        h.set_telecom("email", "a@b.be".into());
        h.set_telecom("mobile", "+32475123456".into());
        h.set_telecom("email", "c@d.be".into());
        assert_eq!(h.email(), Some("c@d.be"));
        assert_eq!(h.mobile(), Some("+32475123456"));
        assert_eq!(h.addresses.len(), 1);
    }

    #[test]
    fn caps_on_counts_texts_and_document() {
        let mut h = named(None, Some("A"), Some("B"));
        assert_eq!(h.check_sizes(), Ok(()));
        h.public_keys_p256 = vec!["k".into(); MAX_PUBLIC_KEYS + 1];
        assert!(matches!(h.check_sizes(), Err(SizeError::TooMany(..))));
        h.public_keys_p256.clear();
        h.addresses = vec![Address::default(); MAX_ADDRESSES + 1];
        assert!(matches!(h.check_sizes(), Err(SizeError::TooMany(..))));
        h.addresses = vec![Address {
            address_type: None,
            telecoms: vec![Telecom::default(); MAX_TELECOMS + 1],
        }];
        assert!(matches!(h.check_sizes(), Err(SizeError::TooMany(..))));
        h.addresses.clear();
        h.last_name = Some("x".repeat(MAX_TEXT + 1));
        assert_eq!(h.check_sizes(), Err(SizeError::TextTooLong(MAX_TEXT)));
        // Each value within its cap, the whole over the document's.
        h.last_name = Some("B".into());
        h.addresses = vec![
            Address {
                address_type: Some("x".repeat(MAX_TEXT)),
                telecoms: vec![
                    Telecom {
                        telecom_type: Some("y".repeat(MAX_TEXT)),
                        telecom_number: Some("z".repeat(MAX_TEXT)),
                    };
                    MAX_TELECOMS
                ],
            };
            3
        ];
        assert_eq!(
            h.check_sizes(),
            Err(SizeError::DocumentTooLarge(MAX_DOCUMENT_BYTES))
        );
    }
}
