//! The medical entities as they travel and are stored: iCure's shapes, with
//! every field meant to be private inside `encryptedSelf` and only the clear
//! metadata of each kind beside it. Both the server (which refuses anything
//! else in clear) and the client (which splits an app's object along the
//! same lists) read these definitions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The kinds of encrypted entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EntityKind {
    Patient,
    /// A visit (iCure Contact), holding Data Samples (iCure Services).
    Contact,
    HealthElement,
    /// A Notification (iCure MaintenanceTask).
    MaintenanceTask,
    Device,
}

/// Fields every stored entity has, whatever its kind (the envelope).
pub const ENVELOPE_FIELDS: &[&str] = &[
    "id",
    "rev",
    "created",
    "modified",
    "deletionDate",
    "author",
    "encryptedSelf",
    "contentVersion",
    "securityMetadata",
    "secretForeignKeys",
    "services",
];

impl EntityKind {
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Patient,
        EntityKind::Contact,
        EntityKind::HealthElement,
        EntityKind::MaintenanceTask,
        EntityKind::Device,
    ];

    /// The iCure route segment (`/rest/v2/{route}`), also the name bound into
    /// associated data.
    pub const fn route(self) -> &'static str {
        match self {
            EntityKind::Patient => "patient",
            EntityKind::Contact => "contact",
            EntityKind::HealthElement => "helement",
            EntityKind::MaintenanceTask => "maintenancetask",
            EntityKind::Device => "device",
        }
    }

    pub fn from_route(route: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.route() == route)
    }

    /// The metadata an app may keep in clear (DATA-OWNERS.md section 3);
    /// everything else of its object is encrypted.
    pub const fn clear_fields(self) -> &'static [&'static str] {
        match self {
            EntityKind::Patient => &["active"],
            EntityKind::Contact => &["valueDate"],
            EntityKind::HealthElement => &["status", "openingDate", "closingDate"],
            EntityKind::MaintenanceTask => &["taskType", "status"],
            EntityKind::Device => &["type", "brand", "model"],
        }
    }

    /// Whether a patient's children of this kind carry secret foreign keys.
    pub const fn belongs_to_patient(self) -> bool {
        matches!(self, EntityKind::Contact | EntityKind::HealthElement)
    }
}

/// The clear fields of a Data Sample (an iCure Service) inside a Contact.
pub const SAMPLE_CLEAR_FIELDS: &[&str] = &["id", "valueDate", "tags", "encryptedSelf"];

/// The statuses of a Notification (iCure MaintenanceTask).
pub const TASK_STATUSES: &[&str] = &["pending", "ongoing", "cancelled", "completed"];

/// What a delegate may do with an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Read,
    Write,
}

/// The entity key wrapped for one delegate under the exchange key of
/// (delegator, delegate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    pub delegator: String,
    pub exchange_data_id: String,
    pub encrypted_key: String,
    pub permission: Permission,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityMetadata {
    /// Bumped when the entity key changes.
    pub key_version: u32,
    /// By delegate data owner id.
    pub secure_delegations: BTreeMap<String, Delegation>,
}

/// A Data Sample inside a Contact: clear id, date and public tags, its
/// content encrypted under the Contact's key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptedSample {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub encrypted_self: String,
}

/// An encrypted entity, as stored and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<i64>,
    /// The data owner that created it (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub encrypted_self: String,
    /// Bumped on every write of the encrypted content; bound into it.
    pub content_version: u64,
    pub security_metadata: SecurityMetadata,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_foreign_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<EncryptedSample>,
    /// The kind's clear metadata (`active`, `status`, ...).
    #[serde(flatten)]
    pub clear: Map<String, Value>,
}

/// Most delegates of one entity, Data Samples in one visit, secret foreign
/// keys of one child, and bytes of one entity document.
pub const MAX_DELEGATIONS: usize = 256;
pub const MAX_SAMPLES: usize = 1000;
pub const MAX_FOREIGN_KEYS: usize = 16;
pub const MAX_ENTITY_BYTES: usize = 512 * 1024;

/// Checks an entity document of `kind` as a request carries it: only the
/// envelope and the kind's clear metadata may be in clear, and within the
/// caps. The error names the first field refused.
pub fn check_document(kind: EntityKind, doc: &Value) -> Result<(), String> {
    let Some(map) = doc.as_object() else {
        return Err("an entity is a JSON object".into());
    };
    for key in map.keys() {
        if !ENVELOPE_FIELDS.contains(&key.as_str()) && !kind.clear_fields().contains(&key.as_str())
        {
            return Err(format!(
                "{key:?} may not be sent in clear: a {} keeps only {} in clear, everything else goes in encryptedSelf",
                kind.route(),
                kind.clear_fields().join(", ")
            ));
        }
    }
    if kind != EntityKind::Contact && map.contains_key("services") {
        return Err(format!("a {} has no services", kind.route()));
    }
    for sample in map
        .get("services")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let fields = sample.as_object().map(|m| m.keys()).into_iter().flatten();
        for key in fields {
            if !SAMPLE_CLEAR_FIELDS.contains(&key.as_str()) {
                return Err(format!(
                    "{key:?} of a Data Sample may not be sent in clear (only {})",
                    SAMPLE_CLEAR_FIELDS.join(", ")
                ));
            }
        }
    }
    let entity: Entity =
        serde_json::from_value(doc.clone()).map_err(|e| format!("not a {}: {e}", kind.route()))?;
    if entity.security_metadata.secure_delegations.len() > MAX_DELEGATIONS {
        return Err(format!("at most {MAX_DELEGATIONS} delegations"));
    }
    if entity.services.len() > MAX_SAMPLES {
        return Err(format!("at most {MAX_SAMPLES} Data Samples in one visit"));
    }
    if entity.secret_foreign_keys.len() > MAX_FOREIGN_KEYS {
        return Err(format!("at most {MAX_FOREIGN_KEYS} secret foreign keys"));
    }
    if kind == EntityKind::MaintenanceTask
        && let Some(status) = map.get("status")
        && !status.as_str().is_some_and(|s| TASK_STATUSES.contains(&s))
    {
        return Err(format!("status is one of {}", TASK_STATUSES.join(", ")));
    }
    if serde_json::to_vec(doc).map_or(usize::MAX, |v| v.len()) > MAX_ENTITY_BYTES {
        return Err(format!("an entity is at most {MAX_ENTITY_BYTES} bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(extra: Value) -> Value {
        let mut doc = json!({
            "id": "p1", "encryptedSelf": "AAAA", "contentVersion": 1,
            "securityMetadata": {"keyVersion": 1, "secureDelegations": {}}
        });
        for (k, v) in extra.as_object().unwrap() {
            doc[k] = v.clone();
        }
        doc
    }

    #[test]
    fn only_the_clear_metadata_of_each_kind_passes() {
        assert!(check_document(EntityKind::Patient, &envelope(json!({"active": true}))).is_ok());
        let refused = check_document(EntityKind::Patient, &envelope(json!({"firstName": "Ann"})));
        assert!(
            refused
                .unwrap_err()
                .contains("\"firstName\" may not be sent in clear")
        );
        assert!(
            check_document(
                EntityKind::MaintenanceTask,
                &envelope(json!({"status": "pending"}))
            )
            .is_ok()
        );
        assert!(
            check_document(
                EntityKind::MaintenanceTask,
                &envelope(json!({"status": "lost"}))
            )
            .is_err()
        );
        assert!(
            check_document(
                EntityKind::MaintenanceTask,
                &envelope(json!({"properties": {}}))
            )
            .is_err()
        );
        let sample = json!({"services": [{"id": "s", "valueDate": 1, "encryptedSelf": "x", "content": "fatigue"}]});
        assert!(
            check_document(EntityKind::Contact, &envelope(sample))
                .unwrap_err()
                .contains("content")
        );
        assert!(check_document(EntityKind::Patient, &envelope(json!({"services": []}))).is_err());
    }
}
