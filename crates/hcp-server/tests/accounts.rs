//! Accounts and roles against the real server and database: who may call
//! each route (a table: every role x every route), every event that ends a
//! session followed by a refused access token and a refused refresh, the
//! login throttle under a concurrent burst, caps on what a request can
//! store, invitation links that ignore the Host header, deletes that lose a
//! race saying so.

mod support;

use std::collections::BTreeMap;

use hcp_server::auth::password::hash_blocking;
use hcp_server::demo;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;
use support::server::{Server, Session, person};

const PASSWORD: &str = "a password for tests";

/// Who calls, in the authorization table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Admin,
    /// An administrator of another database only.
    OtherAdmin,
    /// The demo HCP user (Anne Dupont) in the demo database.
    Hcp,
    /// An HCP user of the other database.
    OtherHcp,
    Patient,
    Device,
    /// A user deactivated after it logged in.
    Deactivated,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::Admin,
    Who::OtherAdmin,
    Who::Hcp,
    Who::OtherHcp,
    Who::Patient,
    Who::Device,
    Who::Deactivated,
];

struct World {
    s: Server,
    admin: String,
    sessions: BTreeMap<Who, Session>,
    anne_user: String,
}

impl World {
    /// The data owner a caller acts as ("nobody" for administrators and
    /// callers without a session).
    async fn owner_of(&self, who: Who) -> String {
        let (_, me) = self
            .call(who, Method::GET, "/rest/v2/user/current", None)
            .await;
        ["healthcarePartyId", "patientId", "deviceId"]
            .iter()
            .find_map(|k| me[*k].as_str().map(str::to_owned))
            .unwrap_or_else(|| "nobody".to_owned())
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.sessions.get(&who).map(|s| s.token.as_str())
    }

    async fn call(
        &self,
        who: Who,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.s.http.request(method, self.s.url(path));
        if let Some(t) = self.token(who) {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        if path.ends_with("/import") {
            req = req.header("Idempotency-Key", format!("k-{}", uuid()));
        }
        let r = req.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// A new person created by `who`'s token (the admin's when `who` may not
    /// create), with a login of its own when `password` is given.
    async fn new_person(&self, creator: Who, password: Option<&str>) -> Value {
        let token = self.token(creator).unwrap_or(&self.admin);
        let email = format!("p{}@example.be", uuid());
        let (status, hcp) = self
            .s
            .call(
                Method::POST,
                &format!("/rest/v2/hcparty/inGroup/{}", demo::DEMO_GROUP),
                token,
                Some(person("P", "Q", &email, None)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{hcp}");
        if let Some(pw) = password {
            let user = hcp["userId"].as_str().unwrap();
            let (status, body) = self
                .s
                .call(
                    Method::PUT,
                    &format!("/rest/v2/user/{user}/password"),
                    &self.admin,
                    Some(json!({"password": pw})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        hcp
    }
}

fn uuid() -> String {
    support::server::uuid_like().replace(['-', '_'], "")
}

/// A user of a patient or a device, straight into the database (their
/// tables and routes come with the data-owner issue; the roles are here now).
async fn insert_owner_user(s: &Server, kind: &str, login: &str) {
    let column = if kind == "patient" {
        "patient_id"
    } else {
        "device_id"
    };
    sqlx::query(
        "INSERT INTO data_owners (id, group_id, kind, public_keys, key_certificates, created) VALUES ($1, $2, $3, '[]', '{}', 0)",
    )
    .bind(format!("{kind}-1"))
    .bind(demo::DEMO_GROUP)
    .bind(kind)
    .execute(&s.pool)
    .await
    .unwrap();
    sqlx::query(&format!(
        "INSERT INTO users (id, group_id, login, email, password_hash, status, created, rev, kind, {column}) \
         VALUES ($1, $2, $3, $3, $4, 'ACTIVE', 0, '1-x', $5, $6)"
    ))
    .bind(format!("{kind}-user"))
    .bind(demo::DEMO_GROUP)
    .bind(login)
    .bind(hash_blocking(PASSWORD).unwrap())
    .bind(kind)
    .bind(format!("{kind}-1"))
    .execute(&s.pool)
    .await
    .unwrap();
}

async fn world() -> World {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let mut sessions = BTreeMap::new();
    sessions.insert(
        Who::Admin,
        s.session(demo::DEMO_LOGIN, demo::DEMO_PASSWORD).await,
    );
    sessions.insert(
        Who::Hcp,
        s.session(demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD)
            .await,
    );
    hcp_server::demo::create_admin(&s.pool, "other.admin@example.be", PASSWORD, "other-db", &[])
        .await
        .unwrap();
    sessions.insert(
        Who::OtherAdmin,
        s.session("other.admin@example.be", PASSWORD).await,
    );
    let (status, elsewhere) = s
        .call(
            Method::POST,
            &format!("/rest/v2/hcparty/inGroup/{}", demo::OTHER_GROUP),
            &admin,
            Some(person("Else", "Where", "else.where@example.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{elsewhere}");
    let user = elsewhere["userId"].as_str().unwrap();
    let (status, _) = s
        .call(
            Method::PUT,
            &format!(
                "/rest/v2/user/inGroup/{}/{user}/password",
                demo::OTHER_GROUP
            ),
            &admin,
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    sessions.insert(
        Who::OtherHcp,
        s.session("else.where@example.be", PASSWORD).await,
    );
    insert_owner_user(&s, "patient", "patient@example.be").await;
    insert_owner_user(&s, "device", "device@example.be").await;
    sessions.insert(
        Who::Patient,
        s.session("patient@example.be", PASSWORD).await,
    );
    sessions.insert(Who::Device, s.session("device@example.be", PASSWORD).await);
    let mut w = World {
        s,
        admin,
        sessions,
        anne_user: String::new(),
    };
    let gone = w.new_person(Who::Admin, Some(PASSWORD)).await;
    let login = gone["addresses"][0]["telecoms"][0]["telecomNumber"]
        .as_str()
        .unwrap();
    let deactivated = w.s.session(login, PASSWORD).await;
    let (status, _) =
        w.s.call(
            Method::POST,
            &format!(
                "/rest/v2/user/{}/deactivate",
                gone["userId"].as_str().unwrap()
            ),
            &w.admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    w.sessions.insert(Who::Deactivated, deactivated);
    let (_, anne) =
        w.s.call(
            Method::GET,
            &format!("/rest/v2/hcparty/{}", demo::DEMO_HCP_ID),
            &w.admin,
            None,
        )
        .await;
    w.anne_user = anne["userId"].as_str().unwrap().to_owned();
    w
}

/// The routes, each called in the demo database by every kind of caller.
#[derive(Debug, Clone, Copy)]
enum Route {
    Databases,
    List,
    Get,
    ByIds,
    Children,
    Create,
    UpdateOwn,
    SoftDelete,
    Purge,
    Batch,
    Import,
    Invite,
    Outbox,
    CurrentUser,
    UserSelf,
    UsersOfHcp,
    SetPassword,
    Deactivate,
    Reactivate,
    CreateOwnToken,
    DeleteOwnToken,
    Logout,
    DataOwnerKeysGet,
    DataOwnerKeyAdd,
    ExchangeCreate,
    ExchangeByPair,
    MedicalCreatePatient,
    MedicalCreateTask,
    MedicalGet,
    MedicalList,
    MedicalUpdate,
    MedicalShare,
    MedicalDelete,
    MedicalByForeignKey,
    TasksByStatus,
    CreatePatientUser,
}

const ROUTES: [Route; 36] = [
    Route::Databases,
    Route::List,
    Route::Get,
    Route::ByIds,
    Route::Children,
    Route::Create,
    Route::UpdateOwn,
    Route::SoftDelete,
    Route::Purge,
    Route::Batch,
    Route::Import,
    Route::Invite,
    Route::Outbox,
    Route::CurrentUser,
    Route::UserSelf,
    Route::UsersOfHcp,
    Route::SetPassword,
    Route::Deactivate,
    Route::Reactivate,
    Route::CreateOwnToken,
    Route::DeleteOwnToken,
    Route::Logout,
    Route::DataOwnerKeysGet,
    Route::DataOwnerKeyAdd,
    Route::ExchangeCreate,
    Route::ExchangeByPair,
    Route::MedicalCreatePatient,
    Route::MedicalCreateTask,
    Route::MedicalGet,
    Route::MedicalList,
    Route::MedicalUpdate,
    Route::MedicalShare,
    Route::MedicalDelete,
    Route::MedicalByForeignKey,
    Route::TasksByStatus,
    Route::CreatePatientUser,
];

/// Who may call a route (every other logged-in caller gets 403; anonymous
/// and deactivated callers 401).
fn allowed(route: Route) -> &'static [Who] {
    use Route::*;
    use Who::*;
    match route {
        Databases | CurrentUser | UserSelf | CreateOwnToken | DeleteOwnToken | Logout => {
            &[Admin, OtherAdmin, Hcp, OtherHcp, Patient, Device]
        }
        List | Get | ByIds | Children | Create | UpdateOwn | Invite | UsersOfHcp | SetPassword
        | Deactivate | Reactivate => &[Admin, Hcp],
        Outbox => &[Admin, OtherAdmin],
        SoftDelete | Purge | Batch | Import => &[Admin],
        // Public keys are public: anyone logged in may read them.
        DataOwnerKeysGet => &[Admin, OtherAdmin, Hcp, OtherHcp, Patient, Device],
        // Data owners only (administrators hold no medical keys), each on
        // what is shared with it (these requests are on the caller's own).
        DataOwnerKeyAdd | ExchangeCreate | ExchangeByPair | MedicalList | MedicalByForeignKey
        | TasksByStatus | MedicalGet | MedicalUpdate | MedicalShare | MedicalDelete => {
            &[Hcp, OtherHcp, Patient, Device]
        }
        MedicalCreatePatient => &[Hcp, OtherHcp],
        MedicalCreateTask => &[Hcp, OtherHcp, Patient],
        CreatePatientUser => &[Admin, OtherAdmin, Hcp, OtherHcp],
    }
}

/// What a caller of the other database gets on a route it may call, when
/// the request names something of the demo database: 403 where the route
/// names the database (`inGroup`), 404 where it acts in the caller's own.
fn elsewhere(route: Route) -> StatusCode {
    match route {
        Route::DataOwnerKeysGet
        | Route::MedicalGet
        | Route::MedicalUpdate
        | Route::MedicalShare
        | Route::MedicalDelete
        | Route::CreatePatientUser
        | Route::ExchangeByPair => StatusCode::NOT_FOUND,
        _ => StatusCode::FORBIDDEN,
    }
}

/// Whether the route acts on the demo database (others see 403 there).
fn in_demo_database(route: Route) -> bool {
    !matches!(
        route,
        Route::Databases
            | Route::CurrentUser
            | Route::UserSelf
            | Route::CreateOwnToken
            | Route::DeleteOwnToken
            | Route::Logout
            | Route::Outbox
            | Route::DataOwnerKeyAdd
            | Route::ExchangeCreate
            | Route::MedicalCreatePatient
            | Route::MedicalCreateTask
            | Route::MedicalList
            | Route::MedicalByForeignKey
            | Route::TasksByStatus
    )
}

/// The request `who` makes for `route`, after whatever setup it needs.
async fn prepare(w: &World, route: Route, who: Who) -> (Method, String, Option<Value>) {
    let db = format!("/rest/v2/hcparty/inGroup/{}", demo::DEMO_GROUP);
    let users = format!("/rest/v2/user/inGroup/{}", demo::DEMO_GROUP);
    let me = match who {
        Who::Admin
        | Who::OtherAdmin
        | Who::Hcp
        | Who::OtherHcp
        | Who::Patient
        | Who::Device
        | Who::Deactivated => {
            let (_, me) = w
                .call(who, Method::GET, "/rest/v2/user/current", None)
                .await;
            me["id"].as_str().unwrap_or("nobody").to_owned()
        }
        Who::Anonymous => "nobody".to_owned(),
    };
    // The creator whose users `who` would manage: itself when it may create.
    let creator = if matches!(who, Who::Hcp) {
        Who::Hcp
    } else {
        Who::Admin
    };
    match route {
        Route::Databases => (Method::GET, "/rest/v2/group".into(), None),
        Route::List => (Method::GET, format!("{db}?limit=5"), None),
        Route::Get => (Method::GET, format!("{db}/{}", demo::DEMO_ORG_ID), None),
        Route::ByIds => (
            Method::POST,
            format!("{db}/byIds"),
            Some(json!({"ids": [demo::DEMO_ORG_ID]})),
        ),
        Route::Children => (
            Method::GET,
            format!("{db}/{}/children", demo::DEMO_ORG_ID),
            None,
        ),
        Route::Create => (
            Method::POST,
            db,
            Some(person(
                "New",
                "Person",
                &format!("n{}@example.be", uuid()),
                None,
            )),
        ),
        Route::UpdateOwn => {
            let id = if who == Who::Admin {
                w.new_person(Who::Admin, None).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            } else {
                demo::DEMO_HCP_ID.to_owned()
            };
            let (_, doc) =
                w.s.call(Method::GET, &format!("{db}/{id}"), &w.admin, None)
                    .await;
            (Method::PUT, db, Some(doc))
        }
        Route::SoftDelete | Route::Purge => {
            let p = w.new_person(Who::Admin, None).await;
            let (id, rev) = (p["id"].as_str().unwrap(), p["rev"].as_str().unwrap());
            let purge = if matches!(route, Route::Purge) {
                "purge/"
            } else {
                ""
            };
            (Method::DELETE, format!("{db}/{purge}{id}?rev={rev}"), None)
        }
        Route::Batch => (
            Method::POST,
            format!("{db}/batch"),
            Some(json!([{"name": format!("Org {}", uuid())}])),
        ),
        Route::Import => (
            Method::POST,
            format!("{db}/import"),
            Some(
                json!({"rows": [{"row": 2, "firstName": "I", "lastName": "M", "email": format!("i{}@example.be", uuid())}]}),
            ),
        ),
        Route::Invite => {
            let p = w.new_person(creator, None).await;
            (
                Method::POST,
                format!("{db}/{}/invite", p["id"].as_str().unwrap()),
                None,
            )
        }
        Route::Outbox => (Method::GET, "/rest/v2/admin/outbox".into(), None),
        Route::CurrentUser => (Method::GET, "/rest/v2/user/current".into(), None),
        Route::UserSelf => (Method::GET, format!("/rest/v2/user/{me}"), None),
        Route::UsersOfHcp => (
            Method::GET,
            format!("{users}/byHealthcarePartyId/{}", demo::DEMO_HCP_ID),
            None,
        ),
        Route::SetPassword | Route::Deactivate | Route::Reactivate => {
            let p = w.new_person(creator, None).await;
            let user = p["userId"].as_str().unwrap();
            match route {
                Route::SetPassword => (
                    Method::PUT,
                    format!("{users}/{user}/password"),
                    Some(json!({"password": "another long password"})),
                ),
                Route::Deactivate => (Method::POST, format!("{users}/{user}/deactivate"), None),
                _ => (Method::POST, format!("{users}/{user}/reactivate"), None),
            }
        }
        Route::CreateOwnToken => (
            Method::POST,
            format!("/rest/v2/user/token/{me}/t{}?tokenValidity=60", uuid()),
            None,
        ),
        Route::DeleteOwnToken => {
            let name = format!("t{}", uuid());
            if let Some(t) = w.token(who) {
                w.s.call(
                    Method::POST,
                    &format!("/rest/v2/user/token/{me}/{name}?tokenValidity=60"),
                    t,
                    None,
                )
                .await;
            }
            (
                Method::DELETE,
                format!("/rest/v2/user/token/{me}/{name}"),
                None,
            )
        }
        Route::Logout => (Method::POST, "/rest/v2/auth/logout".into(), None),
        Route::DataOwnerKeysGet => (
            Method::GET,
            format!("/rest/v2/dataowner/{}", demo::DEMO_HCP_ID),
            None,
        ),
        Route::DataOwnerKeyAdd => {
            let owner = w.owner_of(who).await;
            let kp = hcp_core::keys::KeyPair::generate().unwrap();
            let cert = hcp_core::crypto::certs::certify(&owner, &kp, kp.public_key());
            (
                Method::POST,
                format!("/rest/v2/dataowner/{owner}/keys"),
                Some(json!({"publicKey": kp.public_key().spki_hex(), "certificate": cert})),
            )
        }
        Route::ExchangeCreate => {
            let owner = w.owner_of(who).await;
            (
                Method::POST,
                "/rest/v2/exchangedata".into(),
                Some(exchange_data(&uuid_v4(), &owner, &owner)),
            )
        }
        Route::ExchangeByPair => {
            let owner = w.owner_of(who).await;
            // Anne's exchange data to this caller (made by Anne).
            let anne = w.token(Who::Hcp).unwrap();
            let id = uuid_v4();
            w.s.call(
                Method::POST,
                "/rest/v2/exchangedata",
                anne,
                Some(exchange_data(&id, demo::DEMO_HCP_ID, &owner)),
            )
            .await;
            (
                Method::GET,
                format!(
                    "/rest/v2/exchangedata/byDelegatorDelegate/{}/{owner}",
                    demo::DEMO_HCP_ID
                ),
                None,
            )
        }
        Route::MedicalCreatePatient | Route::MedicalCreateTask => {
            let owner = w.owner_of(who).await;
            let kind = if matches!(route, Route::MedicalCreatePatient) {
                "patient"
            } else {
                "maintenancetask"
            };
            (
                Method::POST,
                format!("/rest/v2/{kind}"),
                Some(entity(&uuid_v4(), &owner, &[])),
            )
        }
        Route::MedicalGet | Route::MedicalUpdate | Route::MedicalShare | Route::MedicalDelete => {
            // A patient record Anne created and shared (write) with the caller.
            let owner = w.owner_of(who).await;
            let id = uuid_v4();
            let anne = w.token(Who::Hcp).unwrap();
            let shared: Vec<&str> = if matches!(who, Who::Patient | Who::Device) {
                vec![owner.as_str()]
            } else {
                vec![]
            };
            let (status, made) =
                w.s.call(
                    Method::POST,
                    "/rest/v2/patient",
                    anne,
                    Some(entity(&id, demo::DEMO_HCP_ID, &shared)),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{made}");
            match route {
                Route::MedicalGet => (Method::GET, format!("/rest/v2/patient/{id}"), None),
                Route::MedicalUpdate => {
                    let mut doc = made.clone();
                    doc["contentVersion"] = json!(2);
                    doc["encryptedSelf"] = json!("BBBB");
                    (Method::PUT, "/rest/v2/patient".into(), Some(doc))
                }
                Route::MedicalShare => (
                    Method::PUT,
                    format!("/rest/v2/patient/{id}/delegations/patient-1"),
                    Some(
                        json!({"delegator": owner, "exchangeDataId": "x", "encryptedKey": "AAAA", "permission": "read"}),
                    ),
                ),
                _ => (
                    Method::DELETE,
                    format!(
                        "/rest/v2/patient/{id}?rev={}",
                        made["rev"].as_str().unwrap()
                    ),
                    None,
                ),
            }
        }
        Route::MedicalList => (Method::GET, "/rest/v2/patient?limit=10".into(), None),
        Route::MedicalByForeignKey => (
            Method::GET,
            "/rest/v2/contact/byForeignKey/abc".into(),
            None,
        ),
        Route::TasksByStatus => (
            Method::GET,
            "/rest/v2/maintenancetask?status=pending".into(),
            None,
        ),
        Route::CreatePatientUser => {
            let anne = w.token(Who::Hcp).unwrap();
            let id = uuid_v4();
            let (status, made) =
                w.s.call(
                    Method::POST,
                    "/rest/v2/patient",
                    anne,
                    Some(entity(&id, demo::DEMO_HCP_ID, &[])),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{made}");
            (
                Method::POST,
                "/rest/v2/user".into(),
                Some(json!({"email": format!("pu{}@example.be", uuid()), "patientId": id})),
            )
        }
    }
}

fn uuid_v4() -> String {
    let u = uuid();
    let hex: String = u
        .chars()
        .filter(char::is_ascii_digit)
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// An entity envelope as a client would send it (ciphertext the server
/// cannot check), delegated to its author (write) and to `shared` (write).
fn entity(id: &str, author: &str, shared: &[&str]) -> Value {
    let delegation = |permission: &str| json!({"delegator": author, "exchangeDataId": "x", "encryptedKey": "AAAA", "permission": permission});
    let mut delegations = serde_json::Map::new();
    delegations.insert(author.to_owned(), delegation("write"));
    for d in shared {
        delegations.insert((*d).to_owned(), delegation("write"));
    }
    json!({"id": id, "encryptedSelf": "AAAA", "contentVersion": 1,
           "securityMetadata": {"keyVersion": 1, "secureDelegations": delegations}})
}

fn exchange_data(id: &str, delegator: &str, delegate: &str) -> Value {
    json!({"id": id, "delegator": delegator, "delegate": delegate, "delegatorRoot": "r", "delegateRoot": "r",
           "wrappedKeys": {}, "signedBy": "s", "signature": "AAAA"})
}

#[tokio::test]
async fn every_role_on_every_route() {
    let w = world().await;
    let mut failures = Vec::new();
    for route in ROUTES {
        for who in EVERYONE {
            // Logging out ends the session the rest of the table uses.
            if matches!(route, Route::Logout) && who != Who::Anonymous && who != Who::Deactivated {
                continue;
            }
            let (method, path, body) = prepare(&w, route, who).await;
            let (status, answer) = w.call(who, method.clone(), &path, body).await;
            let want = match who {
                Who::Anonymous | Who::Deactivated => StatusCode::UNAUTHORIZED,
                _ if !allowed(route).contains(&who) => StatusCode::FORBIDDEN,
                Who::OtherAdmin | Who::OtherHcp if in_demo_database(route) => elsewhere(route),
                _ => StatusCode::OK,
            };
            if status != want {
                failures.push(format!(
                    "{route:?} as {who:?}: {method} {path} -> {status} (want {want}) {answer}"
                ));
            }
            if status.is_client_error() && !answer["message"].is_string() {
                failures.push(format!(
                    "{route:?} as {who:?}: {status} without a JSON message"
                ));
            }
        }
    }
    // Logout last, for everyone who can.
    for who in [
        Who::Admin,
        Who::OtherAdmin,
        Who::Hcp,
        Who::OtherHcp,
        Who::Patient,
        Who::Device,
    ] {
        let (status, _) = w
            .call(who, Method::POST, "/rest/v2/auth/logout", None)
            .await;
        if status != StatusCode::OK {
            failures.push(format!("Logout as {who:?}: {status}"));
        }
        assert_eq!(
            w.s.probe(w.token(who).unwrap()).await,
            StatusCode::UNAUTHORIZED,
            "{who:?} after logout"
        );
    }
    assert!(
        failures.is_empty(),
        "{} wrong answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn checks_that_depend_on_the_record() {
    let w = world().await;
    let hcp = w.token(Who::Hcp).unwrap();
    // Another HCP's document, a user the admin created, the admin itself.
    let (_, other) =
        w.s.call(
            Method::GET,
            "/rest/v2/hcparty/00000000-0000-4000-8000-000000000002",
            hcp,
            None,
        )
        .await;
    assert_eq!(
        w.s.call(Method::PUT, "/rest/v2/hcparty", hcp, Some(other))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let theirs = w.new_person(Who::Admin, None).await;
    let user = theirs["userId"].as_str().unwrap();
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/rest/v2/user/{user}/password"),
            Some(json!({"password": "long enough password"})),
        ),
        (
            Method::POST,
            format!("/rest/v2/user/{user}/deactivate"),
            None,
        ),
        (Method::GET, format!("/rest/v2/user/{user}"), None),
        (Method::POST, format!("/rest/v2/user/token/{user}/x"), None),
        (
            Method::POST,
            format!("/rest/v2/hcparty/{}/invite", theirs["id"].as_str().unwrap()),
            None,
        ),
    ] {
        let (status, body) = w.s.call(method.clone(), &path, hcp, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }
    // Even its own creations: tokens for other users stay with administrators.
    let mine = w.new_person(Who::Hcp, None).await;
    let mine_user = mine["userId"].as_str().unwrap();
    assert_eq!(
        w.s.call(
            Method::POST,
            &format!("/rest/v2/user/token/{mine_user}/x"),
            hcp,
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.s.call(
            Method::GET,
            &format!("/rest/v2/user/{mine_user}"),
            hcp,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    // No one manages an administrator through the API, nor deactivates itself.
    let (_, me) =
        w.s.call(Method::GET, "/rest/v2/user/current", &w.admin, None)
            .await;
    let admin_id = me["id"].as_str().unwrap();
    assert_eq!(me["kind"], "admin");
    assert_eq!(
        w.s.call(
            Method::POST,
            &format!("/rest/v2/user/{admin_id}/deactivate"),
            &w.admin,
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Changing one's own password needs the current one.
    let (status, _) =
        w.s.call(
            Method::PUT,
            &format!("/rest/v2/user/{}/password", w.anne_user),
            hcp,
            Some(json!({"password": "a brand new password"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        w.s.call(
            Method::PUT,
            &format!("/rest/v2/user/{}/password", w.anne_user),
            hcp,
            Some(json!({"password": "a brand new password", "currentPassword": "wrong"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The directory of its database by HCP id, as iCure has it.
    let (status, ids) =
        w.s.call(
            Method::GET,
            &format!("/rest/v2/user/byHealthcarePartyId/{}", demo::DEMO_HCP_ID),
            hcp,
            None,
        )
        .await;
    assert_eq!((status, ids), (StatusCode::OK, json!([w.anne_user])));
    // A user's status: invited until it sets a password, deactivated, active again.
    let (_, invited) =
        w.s.call(
            Method::POST,
            &format!("/rest/v2/hcparty/{}/invite", mine["id"].as_str().unwrap()),
            hcp,
            None,
        )
        .await;
    assert_eq!(invited["delivery"], "outbox");
    let status_of = |u: Value| u["status"].as_str().unwrap().to_owned();
    let (_, u) =
        w.s.call(
            Method::GET,
            &format!("/rest/v2/user/{mine_user}"),
            hcp,
            None,
        )
        .await;
    assert_eq!(status_of(u), "REGISTERING");
    let (_, u) =
        w.s.call(
            Method::POST,
            &format!("/rest/v2/user/{mine_user}/deactivate"),
            hcp,
            None,
        )
        .await;
    assert_eq!(status_of(u), "DISABLED");
    let (_, u) =
        w.s.call(
            Method::POST,
            &format!("/rest/v2/user/{mine_user}/reactivate"),
            hcp,
            None,
        )
        .await;
    assert_eq!(status_of(u), "ACTIVE");
}

/// Logs in as a fresh person with a password, returning its HCP and session.
async fn fresh_user(s: &Server, admin: &str) -> (Value, String, Session) {
    let email = format!("s{}@example.be", uuid());
    let (_, hcp) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            admin,
            Some(person("Ses", "Sion", &email, None)),
        )
        .await;
    let user = hcp["userId"].as_str().unwrap().to_owned();
    let (status, _) = s
        .call(
            Method::PUT,
            &format!("/rest/v2/user/{user}/password"),
            admin,
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let session = s.session(&email, PASSWORD).await;
    (hcp, email, session)
}

/// The session's access token and refresh token are both refused now.
async fn assert_ended(s: &Server, session: &Session, event: &str) {
    assert_eq!(
        s.probe(&session.token).await,
        StatusCode::UNAUTHORIZED,
        "access token after {event}"
    );
    assert_eq!(
        s.refresh(&session.refresh).await.0,
        StatusCode::UNAUTHORIZED,
        "refresh token after {event}"
    );
}

#[tokio::test]
async fn events_that_end_sessions() {
    let s = Server::start().await;
    let admin = s.admin_token().await;

    // Deactivation; reactivation lets the user log in again, not the old session.
    let (hcp, email, before) = fresh_user(&s, &admin).await;
    let user = hcp["userId"].as_str().unwrap();
    assert_eq!(s.probe(&before.token).await, StatusCode::OK);
    s.call(
        Method::POST,
        &format!("/rest/v2/user/{user}/deactivate"),
        &admin,
        None,
    )
    .await;
    assert_ended(&s, &before, "deactivation").await;
    assert_eq!(s.login(&email, PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    s.call(
        Method::POST,
        &format!("/rest/v2/user/{user}/reactivate"),
        &admin,
        None,
    )
    .await;
    assert_ended(&s, &before, "reactivation").await;
    let again = s.session(&email, PASSWORD).await;
    assert_eq!(s.probe(&again.token).await, StatusCode::OK);

    // Deleting its HCP, softly or for good.
    for purge in [false, true] {
        let (hcp, email, session) = fresh_user(&s, &admin).await;
        let (id, rev) = (hcp["id"].as_str().unwrap(), hcp["rev"].as_str().unwrap());
        let path = if purge {
            format!("/rest/v2/hcparty/purge/{id}?rev={rev}")
        } else {
            format!("/rest/v2/hcparty/{id}?rev={rev}")
        };
        assert_eq!(
            s.call(Method::DELETE, &path, &admin, None).await.0,
            StatusCode::OK
        );
        assert_ended(&s, &session, if purge { "purge" } else { "soft delete" }).await;
        assert_eq!(s.login(&email, PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    }

    // Deleting the authentication token a session was opened with (a
    // session opened with the password stays).
    let (hcp, email, by_password) = fresh_user(&s, &admin).await;
    let user = hcp["userId"].as_str().unwrap();
    let (_, token) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/ci"),
            &admin,
            None,
        )
        .await;
    let by_token = s.session(&email, token.as_str().unwrap()).await;
    assert_eq!(s.probe(&by_token.token).await, StatusCode::OK);
    s.call(
        Method::DELETE,
        &format!("/rest/v2/user/token/{user}/ci"),
        &admin,
        None,
    )
    .await;
    assert_ended(&s, &by_token, "token deletion").await;
    assert_eq!(s.probe(&by_password.token).await, StatusCode::OK);

    // A password change by an administrator ends every session of the user.
    s.call(
        Method::PUT,
        &format!("/rest/v2/user/{user}/password"),
        &admin,
        Some(json!({"password": "the new password"})),
    )
    .await;
    assert_ended(&s, &by_password, "password change").await;
    assert_eq!(s.login(&email, PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    // So does one's own change, the caller's session included.
    let own = s.session(&email, "the new password").await;
    let (status, body) = s
        .call(
            Method::PUT,
            &format!("/rest/v2/user/{user}/password"),
            &own.token,
            Some(
                json!({"password": "yet another password", "currentPassword": "the new password"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ended(&s, &own, "own password change").await;

    // A password chosen through an invitation.
    let (_, token) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/ci2"),
            &admin,
            None,
        )
        .await;
    let before_invite = s.session(&email, token.as_str().unwrap()).await;
    s.call(
        Method::POST,
        &format!("/rest/v2/hcparty/{}/invite", hcp["id"].as_str().unwrap()),
        &admin,
        None,
    )
    .await;
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    let link = outbox[0]["body"].as_str().unwrap();
    let invitation = link
        .split("#invitation=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let r = s
        .http
        .post(s.url("/rest/v2/auth/invitation"))
        .json(&json!({"token": invitation, "password": "chosen by invitation"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_ended(&s, &before_invite, "invitation").await;

    // Logout ends the caller's session only.
    let one = s.session(&email, "chosen by invitation").await;
    let two = s.session(&email, "chosen by invitation").await;
    assert_eq!(
        s.call(Method::POST, "/rest/v2/auth/logout", &one.token, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_ended(&s, &one, "logout").await;
    assert_eq!(s.probe(&two.token).await, StatusCode::OK);

    // Refresh tokens rotate; a spent one ends its session family.
    let (status, first) = s.refresh(&two.refresh).await;
    assert_eq!(status, StatusCode::OK);
    let next = Session {
        token: first["token"].as_str().unwrap().to_owned(),
        refresh: first["refreshToken"].as_str().unwrap().to_owned(),
    };
    assert_ne!(next.refresh, two.refresh);
    assert_eq!(s.probe(&next.token).await, StatusCode::OK);
    assert_eq!(
        s.refresh(&two.refresh).await.0,
        StatusCode::UNAUTHORIZED,
        "a spent refresh token"
    );
    assert_ended(&s, &next, "refresh token reuse").await;
    assert_ended(&s, &two, "refresh token reuse").await;
}

#[tokio::test]
async fn a_concurrent_burst_of_wrong_passwords_is_counted_before_checking() {
    let s = Server::start().await;
    let allowance = 10;
    let answers = futures_join(40, |_| s.login(demo::DEMO_HCP_LOGIN, "wrong password")).await;
    let checked = answers
        .iter()
        .filter(|(st, _)| *st == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = answers
        .iter()
        .filter(|(st, _)| *st == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + throttled, 40, "{answers:?}");
    assert!(
        checked <= allowance,
        "{checked} of 40 guesses were checked (allowance {allowance})"
    );
    // The right password waits too: the attacker must not learn it worked.
    assert_eq!(
        s.login(demo::DEMO_HCP_LOGIN, demo::DEMO_HCP_PASSWORD)
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another account is not blocked by this one.
    assert_eq!(
        s.login(demo::DEMO_LOGIN, demo::DEMO_PASSWORD).await.0,
        StatusCode::OK
    );

    // An over-long username: 400 before anything is stored.
    let before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM login_throttle")
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .get("n");
    let (status, body) = s
        .login(&format!("{}@example.be", "x".repeat(250)), "x")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM login_throttle")
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(before, after);
}

/// Runs `n` requests at once and collects their answers.
async fn futures_join<'a, F, Fut>(n: usize, f: F) -> Vec<(StatusCode, Value)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = (StatusCode, Value)> + 'a,
{
    let mut set = Vec::with_capacity(n);
    for i in 0..n {
        set.push(f(i));
    }
    let mut out = Vec::with_capacity(n);
    // Polled together: the requests are in flight at the same time.
    let all = join_all(set).await;
    out.extend(all);
    out
}

async fn join_all<Fut: std::future::Future>(futures: Vec<Fut>) -> Vec<Fut::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<Fut::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, r) in pinned.iter_mut().zip(results.iter_mut()) {
            if r.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *r = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

async fn hcp_count(s: &Server) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM hcps")
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .get("n")
}

#[tokio::test]
async fn oversized_input_is_refused_and_nothing_is_stored() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let before = hcp_count(&s).await;
    let long = "x".repeat(1025);
    let mut too_many_keys = person("K", "Eys", "keys@example.be", None);
    too_many_keys["publicKeysP256"] = json!(vec!["k"; 33]);
    let mut many_addresses = person("A", "Ddr", "addr@example.be", None);
    many_addresses["addresses"] = json!(vec![json!({"addressType": "home"}); 17]);
    let mut many_telecoms = person("T", "Elc", "tel@example.be", None);
    many_telecoms["addresses"][0]["telecoms"] = json!(vec![
        json!({"telecomType": "fax", "telecomNumber": "1"});
        17
    ]);
    let mut big_document = person("B", "Ig", "big@example.be", None);
    let telecoms: Vec<Value> = (0..16)
        .map(|_| json!({"telecomType": "note", "telecomNumber": "y".repeat(1000)}))
        .collect();
    big_document["addresses"] = json!(
        (0..8)
            .map(|_| json!({"addressType": "x", "telecoms": telecoms}))
            .collect::<Vec<_>>()
    );
    let huge = json!({"firstName": "H", "lastName": "Uge", "filler": "z".repeat(1024 * 1024)});
    let cases = [
        (
            "a name over 1,024 characters",
            person(&long, "Y", "long@example.be", None),
            StatusCode::BAD_REQUEST,
        ),
        ("33 public keys", too_many_keys, StatusCode::BAD_REQUEST),
        ("17 addresses", many_addresses, StatusCode::BAD_REQUEST),
        (
            "17 telecoms in an address",
            many_telecoms,
            StatusCode::BAD_REQUEST,
        ),
        (
            "a document over 64 KiB",
            big_document,
            StatusCode::BAD_REQUEST,
        ),
        ("a body over 1 MiB", huge, StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (what, body, want) in cases {
        let (status, answer) = s
            .call(Method::POST, "/rest/v2/hcparty", &admin, Some(body))
            .await;
        assert_eq!(status, want, "{what}: {answer}");
        assert!(answer["message"].is_string(), "{what}: {answer}");
    }
    // The bulk routes take 16 MiB, not more.
    let rows: Vec<Value> = (0..4500)
        .map(|i| json!({"row": i, "firstName": "x".repeat(2000), "lastName": "y".repeat(2000), "email": format!("b{i}@example.be")}))
        .collect();
    let r = s
        .http
        .post(s.url("/rest/v2/hcparty/import"))
        .bearer_auth(&admin)
        .header("Idempotency-Key", "too-big")
        .json(&json!({ "rows": rows }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let answer: Value = r.json().await.unwrap();
    assert!(answer["message"].is_string());
    // Bad JSON answers like every other error.
    let r = s
        .http
        .post(s.url("/rest/v2/hcparty"))
        .bearer_auth(&admin)
        .header("Content-Type", "application/json")
        .body("{\"firstName\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let answer: Value = r.json().await.unwrap();
    assert!(answer["message"].is_string(), "{answer}");
    // Queries too.
    for path in [
        "/rest/v2/hcparty?limit=many",
        "/rest/v2/hcparty?limit=0",
        &format!("/rest/v2/hcparty?search={}", "s".repeat(300)),
    ] {
        let (status, answer) = s.call(Method::GET, path, &admin, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(answer["message"].is_string(), "{path}: {answer}");
    }
    assert_eq!(hcp_count(&s).await, before, "nothing was stored");
}

#[tokio::test]
async fn private_keys_are_refused_in_every_encoding() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    let kp = hcp_core::keys::KeyPair::generate().unwrap();
    let der = kp.private_pkcs8_der();
    let jwk = serde_json::to_value(kp.private_jwk()).unwrap();
    let before = hcp_count(&s).await;
    for leak in [
        json!(base16ct::lower::encode_string(&der)),
        json!({"kty": "EC", "d": jwk["d"]}),
        json!(base16ct::lower::encode_string(&[7u8; 32])),
        json!(kp.private_pem().as_str()),
    ] {
        let mut body = person("Le", "Ak", "leak@example.be", None);
        body["notes"] = json!([leak]);
        let (status, answer) = s
            .call(Method::POST, "/rest/v2/hcparty", &admin, Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{leak}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("private key"));
    }
    assert_eq!(hcp_count(&s).await, before);
}

#[tokio::test]
async fn invitation_links_use_the_public_url_and_die_with_the_invitation() {
    let s = Server::start_with(|st| st.with_public_url("https://hcp.example.org/")).await;
    let admin = s.admin_token().await;
    let r = s
        .http
        .post(s.url("/rest/v2/hcparty?invite=true"))
        .bearer_auth(&admin)
        .header("Host", "evil.example:666")
        .json(&person("Ho", "St", "host@example.be", None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let hcp: Value = r.json().await.unwrap();
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    let body = outbox[0]["body"].as_str().unwrap();
    assert!(
        body.contains("https://hcp.example.org/#invitation="),
        "{body}"
    );
    assert!(!outbox.to_string().contains("evil"), "{outbox}");
    // Used: the link leaves the outbox (and the database).
    let token = body
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
        .json(&json!({"token": token, "password": "host password 1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    assert!(!outbox.to_string().contains(&token), "{outbox}");
    let stored: Vec<String> = sqlx::query("SELECT body FROM outbox")
        .fetch_all(&s.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("body"))
        .collect();
    assert!(stored.iter().all(|b| !b.contains(&token)));

    // Expired: withdrawn when the outbox is read.
    let (_, other) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty?invite=true",
            &admin,
            Some(person("Ex", "Pired", "expired@example.be", None)),
        )
        .await;
    sqlx::query("UPDATE invitations SET expires = 1 WHERE user_id = $1")
        .bind(other["userId"].as_str().unwrap())
        .execute(&s.pool)
        .await
        .unwrap();
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    assert!(!outbox.to_string().contains("#invitation="), "{outbox}");

    // Purged: withdrawn with the HCP.
    let (_, third) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty?invite=true",
            &admin,
            Some(person("Pur", "Ged", "purged@example.be", None)),
        )
        .await;
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    assert!(outbox.to_string().contains("#invitation="));
    let path = format!(
        "/rest/v2/hcparty/purge/{}?rev={}",
        third["id"].as_str().unwrap(),
        third["rev"].as_str().unwrap()
    );
    assert_eq!(
        s.call(Method::DELETE, &path, &admin, None).await.0,
        StatusCode::OK
    );
    let (_, outbox) = s
        .call(Method::GET, "/rest/v2/admin/outbox", &admin, None)
        .await;
    assert!(!outbox.to_string().contains("#invitation="), "{outbox}");
    let _ = hcp;
}

#[tokio::test]
async fn the_email_leaves_after_the_transaction() {
    // A mail server that holds the message until told: meanwhile, another
    // write must go through (it would wait on a transaction held open).
    let sink = support::smtp::smtp_sink_gated().await;
    let mailer = hcp_server::mail::Mailer::new(&sink.url, "hcp <a@hcp.test>").unwrap();
    let s = Server::start_with(|st| st.with_mailer(mailer)).await;
    let admin = s.admin_token().await;
    let inviting = s.call(
        Method::POST,
        "/rest/v2/hcparty?invite=true",
        &admin,
        Some(person("Sl", "Ow", "slow@example.be", None)),
    );
    let meanwhile = async {
        // Wait until the e-mail is being delivered.
        while sink.waiting() == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            s.call(
                Method::POST,
                "/rest/v2/hcparty",
                &admin,
                Some(person("Wr", "Iter", "writer@example.be", None)),
            ),
        )
        .await
        .expect("a write while an e-mail is in flight");
        sink.release();
        answer
    };
    let ((invited, _), (written, body)) = tokio::join!(inviting, meanwhile);
    assert_eq!(written, StatusCode::OK, "{body}");
    assert_eq!(invited, StatusCode::OK);
    assert_eq!(sink.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn deletes_that_lose_a_race_say_so() {
    let s = Server::start().await;
    let admin = s.admin_token().await;
    for purge in [false, true] {
        let (_, p) = s
            .call(
                Method::POST,
                "/rest/v2/hcparty",
                &admin,
                Some(person("Ra", "Ce", &format!("r{}@example.be", uuid()), None)),
            )
            .await;
        let (id, rev) = (p["id"].as_str().unwrap(), p["rev"].as_str().unwrap());
        let path = if purge {
            format!("/rest/v2/hcparty/purge/{id}?rev={rev}")
        } else {
            format!("/rest/v2/hcparty/{id}?rev={rev}")
        };
        let answers = futures_join(8, |_| s.call(Method::DELETE, &path, &admin, None)).await;
        let ok = answers
            .iter()
            .filter(|(st, _)| *st == StatusCode::OK)
            .count();
        assert_eq!(ok, 1, "exactly one delete wins: {answers:?}");
        assert!(
            answers.iter().all(|(st, _)| [
                StatusCode::OK,
                StatusCode::CONFLICT,
                StatusCode::NOT_FOUND
            ]
            .contains(st)),
            "{answers:?}"
        );
    }
    // An organization and a child added concurrently: never a purged
    // organization with a live child.
    let (_, org) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &admin,
            Some(json!({"name": "Racing Org"})),
        )
        .await;
    let (org_id, rev) = (
        org["id"].as_str().unwrap().to_owned(),
        org["rev"].as_str().unwrap().to_owned(),
    );
    let mut child = person("Ch", "Ild", "child@example.be", None);
    child["parentId"] = json!(org_id);
    let purge_path = format!("/rest/v2/hcparty/purge/{org_id}?rev={rev}");
    let (purged, added) = tokio::join!(
        s.call(Method::DELETE, &purge_path, &admin, None),
        s.call(Method::POST, "/rest/v2/hcparty", &admin, Some(child)),
    );
    assert!(
        !(purged.0 == StatusCode::OK && added.0 == StatusCode::OK),
        "both won: {purged:?} {added:?}"
    );
    let live_children: i64 = sqlx::query("SELECT COUNT(*) AS n FROM hcps c WHERE c.parent_id = $1 AND c.deleted IS NULL AND NOT EXISTS (SELECT 1 FROM hcps o WHERE o.id = c.parent_id)")
        .bind(&org_id)
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(live_children, 0);
}
