//! End-to-end encrypted medical data against the real server and database,
//! with hcp-core's data-owner session (the code the browser runs, here over
//! reqwest): the seed's examples, what a third data owner gets, and a
//! malicious server (the test edits the database between calls) that the
//! client catches with `Tampered` or `KeyMissing` instead of showing wrong data.

mod support;

use std::sync::{Arc, Mutex};

use hcp_core::Code;
use hcp_core::client::ApiError;
use hcp_core::crypto::CryptoError;
use hcp_core::crypto::certs::certify;
use hcp_core::dataowner::entity::{EntityKind, Permission};
use hcp_core::dataowner::{Method, Platform, Session, SessionError};
use hcp_core::keys::KeyPair;
use hcp_server::demo;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use sqlx::Row;
use support::server::Server;

/// The session's transport: a bearer token, and a record of every body sent.
#[derive(Clone)]
struct Http {
    base: String,
    token: String,
    client: reqwest::Client,
    sent: Arc<Mutex<Vec<String>>>,
}

impl Platform for Http {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let m = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = self
            .client
            .request(m, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            self.sent.lock().unwrap().push(b.clone());
            req = req.header("Content-Type", "application/json").body(b);
        }
        let r = req
            .send()
            .await
            .map_err(|e| ApiError::network(&e.to_string()))?;
        let status = r.status().as_u16();
        let text = r
            .text()
            .await
            .map_err(|e| ApiError::network(&e.to_string()))?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(ApiError::from_response(status, &text))
        }
    }
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn code(e: &SessionError) -> Code {
    use hcp_core::Coded;
    e.code()
}

struct Owner {
    id: String,
    http: Http,
    session: Session<Http>,
}

/// Logs in, registers a first key for the data owner (if it has none), and
/// opens its session.
async fn owner(s: &Server, login: &str, password: &str, sent: &Arc<Mutex<Vec<String>>>) -> Owner {
    owner_with(s, login, password, sent, KeyPair::generate().unwrap()).await
}

async fn owner_with(
    s: &Server,
    login: &str,
    password: &str,
    sent: &Arc<Mutex<Vec<String>>>,
    kp: KeyPair,
) -> Owner {
    let session = s.session(login, password).await;
    let (_, me) = s
        .call(
            reqwest::Method::GET,
            "/rest/v2/user/current",
            &session.token,
            None,
        )
        .await;
    let id = me["healthcarePartyId"]
        .as_str()
        .or(me["patientId"].as_str())
        .or(me["deviceId"].as_str())
        .unwrap()
        .to_owned();
    let http = Http {
        base: s.base.clone(),
        token: session.token,
        client: s.http.clone(),
        sent: sent.clone(),
    };
    Session::register_first_key(&http, &id, &kp).await.unwrap();
    let session = Session::open(http.clone(), &id, kp).await.unwrap();
    Owner { id, http, session }
}

/// A patient with a user and a password, created by `doctor`.
async fn patient_user(
    s: &Server,
    doctor: &Owner,
    admin: &str,
    fields: Value,
    email: &str,
) -> (Map<String, Value>, String) {
    let patient = doctor
        .session
        .create(EntityKind::Patient, &obj(fields), &[])
        .await
        .unwrap();
    let pid = patient["id"].as_str().unwrap().to_owned();
    let r = doctor
        .http
        .call(
            Method::Post,
            "/rest/v2/user?invite=true",
            Some(json!({"email": email, "patientId": pid}).to_string()),
        )
        .await
        .unwrap();
    let user: Value = serde_json::from_str(&r).unwrap();
    assert_eq!(user["kind"], "patient");
    assert_eq!(user["status"], "REGISTERING");
    // The patient follows the invitation link.
    let (_, outbox) = s
        .call(reqwest::Method::GET, "/rest/v2/admin/outbox", admin, None)
        .await;
    let mail = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to"] == email)
        .unwrap();
    let token = mail["body"]
        .as_str()
        .unwrap()
        .split("#invitation=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let r = s
        .http
        .post(s.url("/rest/v2/auth/invitation"))
        .json(&json!({"token": token, "password": "the patient's password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    (patient, pid)
}

#[tokio::test]
async fn the_seed_examples_end_to_end() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let doctor = owner(&s, demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD, &sent).await;

    // 1. A doctor invites a patient: the Patient, encrypted and shared with
    //    the doctor; its user and invitation; the patient's own keypair.
    let (patient, pid) = patient_user(
        &s,
        &doctor,
        &admin,
        json!({"firstName": "Marker-FirstName-7f3a", "lastName": "Marker-LastName-7f3a", "dateOfBirth": 19800101, "note": "Marker-Note-7f3a", "active": true}),
        "patient.one@example.be",
    )
    .await;
    assert_eq!(patient["firstName"], "Marker-FirstName-7f3a");
    assert_eq!(patient["active"], true);
    assert!(patient.get("secretId").is_none(), "the secret stays inside");
    let me = owner(
        &s,
        "patient.one@example.be",
        "the patient's password",
        &sent,
    )
    .await;
    assert_eq!(me.id, pid);
    // Not shared with the patient yet.
    let e = me.session.get(EntityKind::Patient, &pid).await.unwrap_err();
    assert_eq!(code(&e), Code::NotFound, "{e}");

    // 2. A visit: a Data Sample "fatigue" and a Healthcare Element "hay
    //    fever" linked to it, shared with the patient, who reads both.
    let visit = doctor
        .session
        .create(
            EntityKind::Contact,
            &obj(json!({"patientId": pid, "description": "Marker-Visit-7f3a", "valueDate": 20261202,
                        "samples": [{"valueDate": 20261202, "tags": ["symptom"], "label": "fatigue", "content": {"text": "Marker-Sample-7f3a"}, "comment": "Marker-Comment-7f3a"}]})),
            &[],
        )
        .await
        .unwrap();
    let sample_id = visit["samples"][0]["id"].as_str().unwrap().to_owned();
    let he = doctor
        .session
        .create(
            EntityKind::HealthElement,
            &obj(json!({"patientId": pid, "status": "active", "openingDate": 20261202, "description": "hay fever", "note": "Marker-HE-7f3a", "dataSampleIds": [sample_id]})),
            &[],
        )
        .await
        .unwrap();
    for (kind, id) in [
        (EntityKind::Patient, pid.as_str()),
        (EntityKind::Contact, visit["id"].as_str().unwrap()),
        (EntityKind::HealthElement, he["id"].as_str().unwrap()),
    ] {
        doctor
            .session
            .share(kind, id, &me.id, Permission::Read)
            .await
            .unwrap();
    }
    let (visits, _) = me
        .session
        .children(EntityKind::Contact, &pid, 100, None)
        .await
        .unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["samples"][0]["label"], "fatigue");
    assert_eq!(
        visits[0]["samples"][0]["content"]["text"],
        "Marker-Sample-7f3a"
    );
    let (hes, _) = me
        .session
        .children(EntityKind::HealthElement, &pid, 100, None)
        .await
        .unwrap();
    assert_eq!(hes[0]["description"], "hay fever");
    assert_eq!(hes[0]["dataSampleIds"], json!([sample_id]));
    // Read-only for the patient.
    let mut edit = visits[0].clone();
    edit.insert("description".into(), json!("changed"));
    assert_eq!(
        code(
            &me.session
                .update(EntityKind::Contact, &edit)
                .await
                .unwrap_err()
        ),
        Code::Forbidden
    );

    // 3. Notifications: the patient asks for access; the doctor sees it
    //    pending, shares, marks it completed; the patient sees both.
    let asked = me
        .session
        .create(
            EntityKind::MaintenanceTask,
            &obj(json!({"taskType": "access-request", "status": "pending", "properties": {"message": "Marker-Message-7f3a", "about": "lab results"}})),
            &[(doctor.id.clone(), Permission::Write)],
        )
        .await
        .unwrap();
    let (pending, _) = doctor.session.tasks("pending", 100, None).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["properties"]["message"], "Marker-Message-7f3a");
    let lab = doctor
        .session
        .create(EntityKind::Contact, &obj(json!({"patientId": pid, "description": "lab results", "samples": [{"label": "ferritin", "content": {"measure": {"value": 12, "unit": "µg/L"}}}]})), &[(me.id.clone(), Permission::Read)])
        .await
        .unwrap();
    let done = doctor
        .session
        .set_clear(
            EntityKind::MaintenanceTask,
            asked["id"].as_str().unwrap(),
            "status",
            json!("completed"),
        )
        .await
        .unwrap();
    assert_eq!(done["status"], "completed");
    assert!(
        doctor
            .session
            .tasks("pending", 100, None)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    let (mine, _) = me.session.tasks("completed", 100, None).await.unwrap();
    assert_eq!(mine[0]["properties"]["about"], "lab results");
    let (visits, _) = me
        .session
        .children(EntityKind::Contact, &pid, 100, None)
        .await
        .unwrap();
    assert_eq!(visits.len(), 2);
    assert!(visits.iter().any(|v| v["id"] == lab["id"]));

    // 4. The status of a patient: a Healthcare Element "pregnancy".
    let pregnancy = doctor
        .session
        .create(EntityKind::HealthElement, &obj(json!({"patientId": pid, "status": "active", "description": "pregnancy", "note": "due 2027-05"})), &[(me.id.clone(), Permission::Read)])
        .await
        .unwrap();
    let mut closed = pregnancy.clone();
    closed.insert("status".into(), json!("closed"));
    closed.insert("closingDate".into(), json!(20270510));
    let saved = doctor
        .session
        .update(EntityKind::HealthElement, &closed)
        .await
        .unwrap();
    assert_eq!(
        (saved["status"].clone(), saved["description"].clone()),
        (json!("closed"), json!("pregnancy"))
    );
    let (hes, _) = me
        .session
        .children(EntityKind::HealthElement, &pid, 100, None)
        .await
        .unwrap();
    assert!(
        hes.iter()
            .any(|h| h["description"] == "pregnancy" && h["status"] == "closed")
    );

    // Nothing of the content went to the server in clear.
    for body in sent.lock().unwrap().iter() {
        assert!(
            !body.contains("Marker-"),
            "a request body carried plaintext: {body}"
        );
        assert!(
            !body.contains("fatigue") && !body.contains("hay fever"),
            "{body}"
        );
    }
    for table in [
        "entities",
        "exchange_data",
        "data_owners",
        "entity_links",
        "entity_access",
    ] {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&s.pool)
            .await
            .unwrap();
        for row in rows {
            for i in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    assert!(
                        !text.contains("Marker-") && !text.contains("fatigue"),
                        "{table}: {text}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn revoking_refuses_at_once_and_rotates_the_key() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let doctor = owner(&s, demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD, &sent).await;
    let (_, pid) = patient_user(
        &s,
        &doctor,
        &admin,
        json!({"firstName": "Rev", "lastName": "Oked"}),
        "revoked@example.be",
    )
    .await;
    let me = owner(&s, "revoked@example.be", "the patient's password", &sent).await;
    let shared = doctor
        .session
        .share(EntityKind::Patient, &pid, &me.id, Permission::Read)
        .await
        .unwrap();
    assert_eq!(shared["sharedWith"][&me.id], "read");
    assert_eq!(
        me.session.get(EntityKind::Patient, &pid).await.unwrap()["firstName"],
        "Rev"
    );
    let entity_before: Value = serde_json::from_str(
        &doctor
            .http
            .call(Method::Get, &format!("/rest/v2/patient/{pid}"), None)
            .await
            .unwrap(),
    )
    .unwrap();
    let after = doctor
        .session
        .revoke(EntityKind::Patient, &pid, &me.id)
        .await
        .unwrap();
    assert!(after["sharedWith"].get(&me.id).is_none());
    assert_eq!(after["firstName"], "Rev");
    assert_eq!(
        code(&me.session.get(EntityKind::Patient, &pid).await.unwrap_err()),
        Code::NotFound
    );
    let entity_after: Value = serde_json::from_str(
        &doctor
            .http
            .call(Method::Get, &format!("/rest/v2/patient/{pid}"), None)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(entity_after["securityMetadata"]["keyVersion"], 2);
    assert_ne!(
        entity_after["encryptedSelf"],
        entity_before["encryptedSelf"]
    );
    // The children still derive from the same secret.
    doctor
        .session
        .create(
            EntityKind::Contact,
            &obj(json!({"patientId": pid, "description": "after"})),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        doctor
            .session
            .children(EntityKind::Contact, &pid, 10, None)
            .await
            .unwrap()
            .0
            .len(),
        1
    );
}

#[tokio::test]
async fn a_third_data_owner_with_the_database_reads_nothing() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let doctor = owner(&s, demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD, &sent).await;
    let (_, pid) = patient_user(
        &s,
        &doctor,
        &admin,
        json!({"firstName": "Pri", "lastName": "Vate"}),
        "private@example.be",
    )
    .await;
    let visit = doctor.session.create(EntityKind::Contact, &obj(json!({"patientId": pid, "description": "secret visit", "samples": [{"label": "x"}]})), &[]).await.unwrap();
    // Zoë, another HCP of the same database, with her own key.
    let (_, zoe_hcp) = s
        .call(
            reqwest::Method::GET,
            "/rest/v2/hcparty/00000000-0000-4000-8000-000000000003",
            &admin,
            None,
        )
        .await;
    let zoe_user = zoe_hcp["userId"].as_str().unwrap();
    s.call(
        reqwest::Method::PUT,
        &format!("/rest/v2/user/{zoe_user}/password"),
        &admin,
        Some(json!({"password": "zoe's password!"})),
    )
    .await;
    let zoe = owner(&s, "zoe@example.be", "zoe's password!", &sent).await;
    // The API: 404 for what is not shared with her, an empty list.
    for (kind, id) in [
        (EntityKind::Patient, pid.as_str()),
        (EntityKind::Contact, visit["id"].as_str().unwrap()),
    ] {
        let e = zoe
            .http
            .call(
                Method::Get,
                &format!("/rest/v2/{}/{id}", kind.route()),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(e.status, Some(404), "{e}");
        assert!(!e.message.contains("encryptedSelf"));
    }
    assert!(
        zoe.session
            .list(EntityKind::Patient, 100, None)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    // The whole database, read directly, with her key: nothing opens.
    let rows = sqlx::query("SELECT kind, doc FROM entities")
        .fetch_all(&s.pool)
        .await
        .unwrap();
    assert!(rows.len() >= 2);
    for row in rows {
        let kind = EntityKind::from_route(&row.get::<String, _>("kind")).unwrap();
        let entity = serde_json::from_str(&row.get::<String, _>("doc")).unwrap();
        let e = zoe.session.decrypt(kind, entity).await.unwrap_err();
        assert_eq!(code(&e), Code::NotShared, "{e}");
    }
    for row in sqlx::query("SELECT doc FROM exchange_data")
        .fetch_all(&s.pool)
        .await
        .unwrap()
    {
        let data: hcp_core::crypto::exchange::ExchangeData =
            serde_json::from_str(&row.get::<String, _>("doc")).unwrap();
        assert!(matches!(
            data.open(zoe.session.key_pair()),
            Err(CryptoError::KeyMissing(_))
        ));
    }
    // Nor can she share herself in: she holds no delegation to extend.
    let e = zoe
        .session
        .share(EntityKind::Patient, &pid, &zoe.id, Permission::Read)
        .await
        .unwrap_err();
    assert_eq!(code(&e), Code::NotFound);
    // An administrator holds no medical keys and gets no ciphertext.
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/rest/v2/patient/{pid}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Runs `edit` on the stored document of an entity.
async fn tamper(s: &Server, id: &str, edit: impl FnOnce(&mut Value)) {
    let doc: String = sqlx::query("SELECT doc FROM entities WHERE id = $1")
        .bind(id)
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .get("doc");
    let mut v: Value = serde_json::from_str(&doc).unwrap();
    edit(&mut v);
    sqlx::query("UPDATE entities SET doc = $1 WHERE id = $2")
        .bind(v.to_string())
        .bind(id)
        .execute(&s.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_malicious_server_is_caught() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let doctor = owner(&s, demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD, &sent).await;
    let (_, a) = patient_user(
        &s,
        &doctor,
        &admin,
        json!({"firstName": "Alice"}),
        "alice@example.be",
    )
    .await;
    let (_, b) = patient_user(
        &s,
        &doctor,
        &admin,
        json!({"firstName": "Bob"}),
        "bob@example.be",
    )
    .await;
    let doctor_key = doctor.session.key_pair().clone();
    let fresh = || async {
        owner_with(
            &s,
            demo::DEMO_HCP_LOGIN,
            demo::DEMO_HCP_PASSWORD,
            &sent,
            doctor_key.clone(),
        )
        .await
    };

    // Swapped encryptedSelf between two entities.
    let b_doc: Value = serde_json::from_str(
        &doctor
            .http
            .call(Method::Get, &format!("/rest/v2/patient/{b}"), None)
            .await
            .unwrap(),
    )
    .unwrap();
    let a_doc: Value = serde_json::from_str(
        &doctor
            .http
            .call(Method::Get, &format!("/rest/v2/patient/{a}"), None)
            .await
            .unwrap(),
    )
    .unwrap();
    tamper(&s, &a, |v| {
        v["encryptedSelf"] = b_doc["encryptedSelf"].clone()
    })
    .await;
    let e = doctor
        .session
        .get(EntityKind::Patient, &a)
        .await
        .unwrap_err();
    assert_eq!(code(&e), Code::Tampered, "{e}");
    tamper(&s, &a, |v| {
        v["encryptedSelf"] = a_doc["encryptedSelf"].clone()
    })
    .await;
    assert_eq!(
        doctor.session.get(EntityKind::Patient, &a).await.unwrap()["firstName"],
        "Alice"
    );

    // A replayed old version: the old ciphertext under the new version number.
    let mut edited = doctor.session.get(EntityKind::Patient, &a).await.unwrap();
    edited.insert("firstName".into(), json!("Alice B."));
    doctor
        .session
        .update(EntityKind::Patient, &edited)
        .await
        .unwrap();
    tamper(&s, &a, |v| {
        v["encryptedSelf"] = a_doc["encryptedSelf"].clone()
    })
    .await;
    assert_eq!(
        code(
            &doctor
                .session
                .get(EntityKind::Patient, &a)
                .await
                .unwrap_err()
        ),
        Code::Tampered
    );
    // ... or the whole old document (rolled back): this session saw newer.
    tamper(&s, &a, |v| *v = a_doc.clone()).await;
    assert_eq!(
        code(
            &doctor
                .session
                .get(EntityKind::Patient, &a)
                .await
                .unwrap_err()
        ),
        Code::Tampered
    );

    // A forged exchange-data entry: a wrap replaced, or re-signed by a key
    // the delegator never certified.
    let xd: String =
        sqlx::query("SELECT doc FROM exchange_data WHERE delegator = $1 AND delegate = $1")
            .bind(&doctor.id)
            .fetch_one(&s.pool)
            .await
            .unwrap()
            .get("doc");
    let mut forged: hcp_core::crypto::exchange::ExchangeData = serde_json::from_str(&xd).unwrap();
    let evil = KeyPair::generate().unwrap();
    forged.signed_by = evil.public_key().fingerprint();
    forged.signature =
        <base64ct::Base64 as base64ct::Encoding>::encode_string(&evil.sign(&forged.signed_bytes()));
    sqlx::query("UPDATE exchange_data SET doc = $1 WHERE id = $2")
        .bind(serde_json::to_string(&forged).unwrap())
        .bind(&forged.id)
        .execute(&s.pool)
        .await
        .unwrap();
    let reader = fresh().await;
    let e = reader
        .session
        .get(EntityKind::Patient, &b)
        .await
        .unwrap_err();
    assert_eq!(code(&e), Code::Tampered, "{e}");
    sqlx::query("UPDATE exchange_data SET doc = $1 WHERE delegator = $2 AND delegate = $2")
        .bind(&xd)
        .bind(&doctor.id)
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(
        fresh()
            .await
            .session
            .get(EntityKind::Patient, &b)
            .await
            .unwrap()["firstName"],
        "Bob"
    );

    // An attacker key added to a delegate (with its own self-certificate):
    // sharing with that delegate refuses.
    let bob = owner(&s, "bob@example.be", "the patient's password", &sent).await;
    let row = sqlx::query("SELECT public_keys, key_certificates FROM data_owners WHERE id = $1")
        .bind(&bob.id)
        .fetch_one(&s.pool)
        .await
        .unwrap();
    let mut keys: Vec<String> = serde_json::from_str(&row.get::<String, _>("public_keys")).unwrap();
    let mut certs: std::collections::BTreeMap<String, hcp_core::crypto::certs::KeyCertificate> =
        serde_json::from_str(&row.get::<String, _>("key_certificates")).unwrap();
    keys.push(evil.public_key().spki_hex());
    certs.insert(
        evil.public_key().fingerprint(),
        certify(&bob.id, &evil, evil.public_key()),
    );
    sqlx::query("UPDATE data_owners SET public_keys = $1, key_certificates = $2 WHERE id = $3")
        .bind(serde_json::to_string(&keys).unwrap())
        .bind(serde_json::to_string(&certs).unwrap())
        .bind(&bob.id)
        .execute(&s.pool)
        .await
        .unwrap();
    let sharer = fresh().await;
    let e = sharer
        .session
        .share(EntityKind::Patient, &b, &bob.id, Permission::Read)
        .await
        .unwrap_err();
    assert_eq!(code(&e), Code::Tampered, "{e}");
    // Nothing was wrapped for the attacker's key.
    let wraps: Vec<String> = sqlx::query("SELECT doc FROM exchange_data")
        .fetch_all(&s.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("doc"))
        .collect();
    assert!(
        wraps
            .iter()
            .all(|w| !w.contains(&evil.public_key().fingerprint()))
    );

    // Fields meant to be encrypted, sent in clear, are refused.
    let r = doctor.http.call(Method::Post, "/rest/v2/patient", Some(json!({"id": "9c1f0a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6", "firstName": "Clear", "encryptedSelf": "AAAA", "contentVersion": 1, "securityMetadata": {"keyVersion": 1, "secureDelegations": {}}}).to_string())).await.unwrap_err();
    assert_eq!(r.status, Some(400));
    assert!(r.message.contains("firstName"), "{}", r.message);
    let _ = SessionError::Crypto(CryptoError::Invalid(String::new()));
}
