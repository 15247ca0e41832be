//! The real server on loopback with a real SQLite file, driven over HTTP.

use hcp_server::{StaticDirs, demo};
use reqwest::StatusCode;

mod support;
use serde_json::{Value, json};
use support::server::{Server, person};

use reqwest::Method;

#[tokio::test]
async fn login_refresh_and_unauthorized() {
    let s = Server::start().await;
    let (status, body) = s.login(demo::DEMO_LOGIN, "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "wrong username or password");
    let (status, _) = s.login("nobody@example.com", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = s.login(demo::DEMO_LOGIN, demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["successful"], true);
    let refresh = body["refreshToken"].as_str().unwrap();
    let r = s
        .http
        .post(s.url("/rest/v2/auth/refresh"))
        .header("Refresh-Token", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fresh: Value = r.json().await.unwrap();
    let (status, _) = s
        .call(
            Method::GET,
            "/rest/v2/hcparty",
            fresh["token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // An access token is not a refresh token, and vice versa.
    let access = body["token"].as_str().unwrap();
    let r = s
        .http
        .post(s.url("/rest/v2/auth/refresh"))
        .header("Refresh-Token", access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = s.call(Method::GET, "/rest/v2/hcparty", refresh, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let r = s.http.get(s.url("/rest/v2/hcparty")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("bearer"));
    let mut bent = access.to_owned();
    bent.pop();
    bent.push(if access.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        s.call(Method::GET, "/rest/v2/hcparty", &bent, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.http
            .get(s.url("/health"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
}

#[tokio::test]
async fn list_page_search_and_get() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (status, page) = s
        .call(Method::GET, "/rest/v2/hcparty?limit=2", &t, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["rows"].as_array().unwrap().len(), 2);
    let next = page["nextKeyPair"]["startKeyDocId"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, page2) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty?limit=2&startDocumentId={next}"),
            &t,
            None,
        )
        .await;
    assert_eq!(page2["rows"].as_array().unwrap().len(), 2);
    assert!(page2["nextKeyPair"].is_null());
    let mut ids: Vec<String> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["rows"].as_array().unwrap())
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "every HCP once across pages");

    let (_, found) = s
        .call(Method::GET, "/rest/v2/hcparty?search=dupont", &t, None)
        .await;
    assert_eq!(found["rows"].as_array().unwrap().len(), 1);
    assert_eq!(found["rows"][0]["firstName"], "Anne");
    let (_, by_mail) = s
        .call(Method::GET, "/rest/v2/hcparty?search=JL.MARTIN@", &t, None)
        .await;
    assert_eq!(by_mail["rows"][0]["lastName"], "Martin");

    let (status, org) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty/{}", demo::DEMO_ORG_ID),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["name"], "Clinique du Parc");
    let (status, kids) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty/{}/children", demo::DEMO_ORG_ID),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kids["rows"].as_array().unwrap().len(), 3);
    // Paginated like the list.
    let (_, first) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty/{}/children?limit=2", demo::DEMO_ORG_ID),
            &t,
            None,
        )
        .await;
    assert_eq!(first["rows"].as_array().unwrap().len(), 2);
    let next = first["nextKeyPair"]["startKeyDocId"].as_str().unwrap();
    let (_, rest) = s
        .call(
            Method::GET,
            &format!(
                "/rest/v2/hcparty/{}/children?limit=2&startDocumentId={next}",
                demo::DEMO_ORG_ID
            ),
            &t,
            None,
        )
        .await;
    assert_eq!(rest["rows"].as_array().unwrap().len(), 1);
    assert!(rest["nextKeyPair"].is_null());
    let (status, body) = s
        .call(
            Method::GET,
            "/rest/v2/hcparty/00000000-0000-0000-0000-000000000000",
            &t,
            None,
        )
        .await;
    assert_eq!(
        (
            status,
            body["message"].as_str().unwrap().starts_with("no HCP")
        ),
        (StatusCode::NOT_FOUND, true)
    );
    let (_, two) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty/byIds",
            &t,
            Some(json!({"ids": [demo::DEMO_ORG_ID, "missing"]})),
        )
        .await;
    assert_eq!(two.as_array().unwrap().len(), 1);
    assert_eq!(
        s.call(Method::GET, "/rest/v2/hcparty?limit=0", &t, None)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        s.call(Method::GET, "/rest/v2/hcparty?limit=5000", &t, None)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn create_update_with_rev_delete_and_purge() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let mut body = person(
        "  Olivier ",
        "O'Brien",
        "O.Brien@Example.IE",
        Some("+353 87 123 4567"),
    );
    body["parentId"] = json!(demo::DEMO_ORG_ID);
    let (status, created) = s
        .call(Method::POST, "/rest/v2/hcparty", &t, Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["firstName"], "Olivier");
    assert_eq!(
        created["addresses"][0]["telecoms"][0]["telecomNumber"],
        "O.Brien@example.ie"
    );
    assert_eq!(
        created["addresses"][0]["telecoms"][1]["telecomNumber"],
        "+353871234567"
    );
    assert!(
        created["userId"].is_string(),
        "Add User creates the linked user"
    );
    assert!(created["rev"].as_str().unwrap().starts_with("1-"));

    // Same email again (any case) or same phone: 409.
    let (status, msg) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("X", "Y", "o.brien@example.ie", None)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{msg}");
    let (status, _) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("X", "Y", "x@y.ie", Some("+353871234567"))),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The shared rules: a bad email is a 400 naming the problem.
    let (status, msg) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("X", "Y", "not-an-email", None)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("not a valid email"),
        "{msg}"
    );
    let mut orphan = person("X", "Y", "x2@y.ie", None);
    orphan["parentId"] = json!("00000000-0000-4000-8000-000000000001"); // a person, not an organization
    assert_eq!(
        s.call(Method::POST, "/rest/v2/hcparty", &t, Some(orphan))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    let mut edited = created.clone();
    edited["lastName"] = json!("O'Brien-Smith");
    let (status, updated) = s
        .call(Method::PUT, "/rest/v2/hcparty", &t, Some(edited.clone()))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert!(updated["rev"].as_str().unwrap().starts_with("2-"));
    // The old rev is stale now.
    let (status, msg) = s
        .call(Method::PUT, "/rest/v2/hcparty", &t, Some(edited))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("modified by someone else"),
        "{msg}"
    );

    let rev = updated["rev"].as_str().unwrap();
    let (status, _) = s
        .call(
            Method::DELETE,
            &format!("/rest/v2/hcparty/{id}?rev=1-stale"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, gone) = s
        .call(
            Method::DELETE,
            &format!("/rest/v2/hcparty/{id}?rev={rev}"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{gone}");
    assert_eq!(
        s.call(Method::GET, &format!("/rest/v2/hcparty/{id}"), &t, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = s
        .call(Method::GET, "/rest/v2/hcparty?search=brien", &t, None)
        .await;
    assert!(
        list["rows"].as_array().unwrap().is_empty(),
        "deleted HCPs never appear in lists"
    );

    let (_, org) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty/{}", demo::DEMO_ORG_ID),
            &t,
            None,
        )
        .await;
    let (status, msg) = s
        .call(
            Method::DELETE,
            &format!(
                "/rest/v2/hcparty/purge/{}?rev={}",
                demo::DEMO_ORG_ID,
                org["rev"].as_str().unwrap()
            ),
            &t,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "an organization with HCPs cannot be deleted: {msg}"
    );
    let (_, fresh) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("P", "Q", "p@q.be", None)),
        )
        .await;
    let pid = fresh["id"].as_str().unwrap();
    let (status, _) = s
        .call(
            Method::DELETE,
            &format!(
                "/rest/v2/hcparty/purge/{pid}?rev={}",
                fresh["rev"].as_str().unwrap()
            ),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Purged: the email is free again.
    let (status, _) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("P", "Q", "p@q.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn databases_are_isolated() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (status, dbs) = s.call(Method::GET, "/rest/v2/group", &t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        dbs,
        json!([{"id": demo::DEMO_GROUP, "name": demo::DEMO_GROUP, "own": true},
               {"id": demo::OTHER_GROUP, "name": demo::OTHER_GROUP, "own": false}])
    );
    // The admin was granted the second database.
    let path = format!("/rest/v2/hcparty/inGroup/{}", demo::OTHER_GROUP);
    let (status, page) = s.call(Method::GET, &path, &t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["rows"].as_array().unwrap().is_empty());
    let (status, made) = s
        .call(
            Method::POST,
            &path,
            &t,
            Some(person("R", "S", "r@s.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let id = made["id"].as_str().unwrap();
    // Visible in that database only.
    assert_eq!(
        s.call(Method::GET, &format!("{path}/{id}"), &t, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        s.call(Method::GET, &format!("/rest/v2/hcparty/{id}"), &t, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A database that was not granted: 403 and no data.
    let (status, body) = s
        .call(
            Method::GET,
            "/rest/v2/hcparty/inGroup/someone-else",
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.get("rows").is_none());
    let (status, _) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty/inGroup/someone-else",
            &t,
            Some(person("A", "B", "a@b.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn public_keys_are_validated_and_private_keys_refused() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (_, created) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("K", "L", "k@l.be", None)),
        )
        .await;
    let kp = hcp_core::keys::KeyPair::generate().unwrap();
    let id = created["id"].as_str().unwrap();
    let mut with_key = created.clone();
    with_key["publicKeysP256"] = json!([kp.public_key().pem()]);
    // A key without its certificate is refused: the keys form a chain.
    let (status, msg) = s
        .call(Method::PUT, "/rest/v2/hcparty", &t, Some(with_key.clone()))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{msg}");
    assert!(msg["message"].as_str().unwrap().contains("certificate"));
    with_key["keyCertificates"] = json!({
        kp.public_key().fingerprint(): hcp_core::crypto::certs::certify(id, &kp, kp.public_key())
    });
    let (status, updated) = s
        .call(Method::PUT, "/rest/v2/hcparty", &t, Some(with_key))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(
        updated["publicKeysP256"],
        json!([kp.public_key().spki_hex()]),
        "stored as SPKI hex"
    );
    let mut bad = updated.clone();
    bad["publicKeysP256"] = json!(["3059deadbeef"]);
    assert_eq!(
        s.call(Method::PUT, "/rest/v2/hcparty", &t, Some(bad))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    for leak in [
        json!({"privateKey": kp.private_pkcs8_base64().as_str()}),
        json!({"notes": [kp.private_pem().as_str()]}),
        json!({"publicKeysP256": [serde_json::to_string(&kp.private_jwk()).unwrap()]}),
    ] {
        let mut body = updated.clone();
        for (k, v) in leak.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, msg) = s
            .call(Method::PUT, "/rest/v2/hcparty", &t, Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{msg}");
        assert!(msg["message"].as_str().unwrap().contains("private key"));
    }
}

#[tokio::test]
async fn authentication_tokens_log_in_until_deleted_or_expired() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (_, hcp) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(person("Tok", "En", "tok@en.be", None)),
        )
        .await;
    let user = hcp["userId"].as_str().unwrap().to_owned();
    let (status, token) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/ci-script?tokenValidity=3600"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    let token = token.as_str().unwrap().to_owned();
    assert!(token.len() >= 40);
    // The token logs in as the user, in place of a password.
    let (status, body) = s.login("tok@en.be", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["healthcarePartyId"], hcp["id"]);
    // Listed by name, never by value; a second token with the same name is refused.
    let (_, u) = s
        .call(Method::GET, &format!("/rest/v2/user/{user}"), &t, None)
        .await;
    let info = &u["authenticationTokens"]["ci-script"];
    assert_eq!(info["validity"], 3600);
    assert!(info["expires"].as_i64().unwrap() > info["creationTime"].as_i64().unwrap());
    assert!(!u.to_string().contains(&token));
    let (status, msg) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/ci-script"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{msg}");
    // Deleted: refused at once.
    let (status, _) = s
        .call(
            Method::DELETE,
            &format!("/rest/v2/user/token/{user}/ci-script"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        s.login("tok@en.be", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(
            Method::DELETE,
            &format!("/rest/v2/user/token/{user}/ci-script"),
            &t,
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Expired: refused once its validity has passed.
    let (_, short) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/short?tokenValidity=1"),
            &t,
            None,
        )
        .await;
    let short = short.as_str().unwrap().to_owned();
    assert_eq!(s.login("tok@en.be", &short).await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        s.login("tok@en.be", &short).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Bad input and other databases.
    assert_eq!(
        s.call(
            Method::POST,
            &format!("/rest/v2/user/token/{user}/x?tokenValidity=0"),
            &t,
            None
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/inGroup/{}/token/{user}/x", demo::OTHER_GROUP),
            &t,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the user is not in that database"
    );
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/rest/v2/user/inGroup/nope/token/{user}/x"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn import(
    s: &Server,
    token: &str,
    path: &str,
    key: Option<&str>,
    rows: Value,
) -> (StatusCode, Value) {
    let mut req = s
        .http
        .post(s.url(path))
        .bearer_auth(token)
        .json(&json!({ "rows": rows }));
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn count(s: &Server, token: &str) -> usize {
    let (_, page) = s
        .call(Method::GET, "/rest/v2/hcparty?limit=1000", token, None)
        .await;
    page["rows"].as_array().unwrap().len()
}

#[tokio::test]
async fn import_batches_revalidate_and_replay_idempotently() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let rows = json!([
        {"row": 2, "firstName": "Imp", "lastName": "One", "email": "imp1@example.be", "phone": "+32475000001", "parentId": demo::DEMO_ORG_ID},
        {"row": 3, "firstName": "Imp", "lastName": "Two", "email": "IMP2@example.be", "countryCode": "BE", "mobilePhone": "0475 00 00 02"},
        {"row": 4, "firstName": "", "lastName": "Three", "email": "imp3@example.be"},
        {"row": 5, "firstName": "Imp", "lastName": "Four", "email": "imp1@EXAMPLE.be"},
        {"row": 6, "firstName": "Imp", "lastName": "Five", "email": "anne.dupont@example.be"},
        {"row": 7, "firstName": "Imp", "lastName": "Six", "email": "imp6@example.be", "phone": "+32475123456"},
        {"row": 8, "firstName": "Imp", "lastName": "Seven", "email": "imp7@example.be", "parentId": "00000000-0000-0000-0000-000000000000"},
        {"row": 9, "firstName": "Imp", "lastName": "Eight", "email": "not-an-email"}
    ]);
    let before = count(&s, &t).await;
    let (status, res) = import(
        &s,
        &t,
        "/rest/v2/hcparty/import",
        Some("file-1/batch-0"),
        rows.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    // Rows 2 and 5 share an email: like the browser, the server refuses
    // both (nothing says which one is right) and each names the other.
    assert_eq!(
        (res["created"].as_u64(), res["rejected"].as_u64()),
        (Some(1), Some(7))
    );
    let verdicts: Vec<(u64, String, String)> = res["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let code = r["reasons"]
                .get(0)
                .map(|x| x["code"].as_str().unwrap().to_owned())
                .unwrap_or_default();
            (
                r["row"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_owned(),
                code,
            )
        })
        .collect();
    let expect = |row: u64, status: &str, code: &str| (row, status.to_owned(), code.to_owned());
    assert_eq!(
        verdicts,
        vec![
            expect(2, "rejected", "DuplicateInFile"),
            expect(3, "created", ""),
            expect(4, "rejected", "Required"),
            expect(5, "rejected", "DuplicateInFile"),
            expect(6, "rejected", "AlreadyExists"),
            expect(7, "rejected", "AlreadyExists"),
            expect(8, "rejected", "UnknownOrganization"),
            expect(9, "rejected", "InvalidEmail"),
        ]
    );
    assert_eq!(count(&s, &t).await, before + 1);
    let id = res["rows"][1]["id"].as_str().unwrap();
    let (_, made) = s
        .call(Method::GET, &format!("/rest/v2/hcparty/{id}"), &t, None)
        .await;
    assert_eq!(
        made["addresses"][0]["telecoms"][1]["telecomNumber"],
        "+32475000002"
    );
    assert!(made["userId"].is_string());

    // The same key again: the first answer, nothing created twice.
    let (status, again) = import(
        &s,
        &t,
        "/rest/v2/hcparty/import",
        Some("file-1/batch-0"),
        rows.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, res);
    assert_eq!(count(&s, &t).await, before + 1);
    // A new key re-validates against what now exists.
    let (_, third) = import(
        &s,
        &t,
        "/rest/v2/hcparty/import",
        Some("file-1/batch-0-retry"),
        rows,
    )
    .await;
    assert_eq!(third["created"], 0);

    assert_eq!(
        import(&s, &t, "/rest/v2/hcparty/import", None, json!([]))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let too_many: Vec<Value> = (0..5001)
        .map(
            |i| json!({"row": i, "firstName": "A", "lastName": "B", "email": format!("a{i}@b.be")}),
        )
        .collect();
    assert_eq!(
        import(
            &s,
            &t,
            "/rest/v2/hcparty/import",
            Some("big"),
            json!(too_many)
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        import(
            &s,
            &t,
            "/rest/v2/hcparty/inGroup/nope/import",
            Some("k"),
            json!([])
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Keys are per database.
    let path = format!("/rest/v2/hcparty/inGroup/{}/import", demo::OTHER_GROUP);
    let (_, other) = import(
        &s,
        &t,
        &path,
        Some("file-1/batch-0"),
        json!([{"row": 2, "firstName": "O", "lastName": "G", "email": "og@example.be"}]),
    )
    .await;
    assert_eq!(other["created"], 1);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    let s = Server::start().await;
    for _ in 0..10 {
        assert_eq!(
            s.login(demo::DEMO_LOGIN, "wrong").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body) = s.login(demo::DEMO_LOGIN, "wrong").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body["message"].as_str().unwrap().contains("retry in"));
    // Even the right password waits: the attacker must not learn it worked.
    assert_eq!(
        s.login(demo::DEMO_LOGIN, demo::DEMO_PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other accounts from elsewhere are not blocked by this one (the address limit is higher).
    let (status, _) = s.login("someone@else.be", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn invitations_go_to_the_outbox_and_work_once() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (status, hcp) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty?invite=true",
            &t,
            Some(person("In", "Vite", "in.vite@example.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hcp}");
    let (status, outbox) = s.call(Method::GET, "/rest/v2/admin/outbox", &t, None).await;
    assert_eq!(status, StatusCode::OK);
    let mail = &outbox[0];
    assert_eq!(mail["to"], "in.vite@example.be");
    let body = mail["body"].as_str().unwrap();
    let token = body
        .split("#invitation=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    // Later invitations too; the token is never in an API response.
    let id = hcp["id"].as_str().unwrap();
    let (status, inv) = s
        .call(
            Method::POST,
            &format!("/rest/v2/hcparty/{id}/invite"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    assert_eq!(inv["delivery"], "outbox");
    assert!(!inv.to_string().contains(&token));
    // The new invitation replaces the first: its link is gone from the
    // outbox, and the token no longer works.
    let (_, outbox) = s.call(Method::GET, "/rest/v2/admin/outbox", &t, None).await;
    assert_eq!(outbox.as_array().unwrap().len(), 2);
    assert!(!outbox.to_string().contains(&token), "{outbox}");
    let stale = token;
    let token = outbox[0]["body"]
        .as_str()
        .unwrap()
        .split("#invitation=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        s.http
            .post(s.url("/rest/v2/auth/invitation"))
            .json(&json!({"token": stale, "password": "a long enough password"}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let accept = |password: &str| {
        s.http
            .post(s.url("/rest/v2/auth/invitation"))
            .json(&json!({"token": token, "password": password}))
            .send()
    };
    assert_eq!(
        accept("short").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        accept("a long enough password").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        s.login("in.vite@example.be", "a long enough password")
            .await
            .0,
        StatusCode::OK
    );
    // One time only.
    assert_eq!(
        accept("another long password").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.login("in.vite@example.be", "another long password")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // An invited HCP can still be deleted permanently (its invitations go with it).
    let (_, current) = s
        .call(Method::GET, &format!("/rest/v2/hcparty/{id}"), &t, None)
        .await;
    let rev = current["rev"].as_str().unwrap();
    let (status, body) = s
        .call(
            Method::DELETE,
            &format!("/rest/v2/hcparty/purge/{id}?rev={rev}"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // An organization has no user to invite.
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/rest/v2/hcparty/{}/invite", demo::DEMO_ORG_ID),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.http
            .get(s.url("/rest/v2/admin/outbox"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn invitations_are_delivered_over_smtp() {
    let sink = support::smtp::smtp_sink().await;
    let mailer =
        hcp_server::mail::Mailer::new(&sink.url, "HCP admin <admin@hcp-kit.test>").unwrap();
    let s = Server::start_with(|st| st.with_mailer(mailer)).await;
    let t = s.admin_token().await;
    let (status, hcp) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty?invite=true",
            &t,
            Some(person("Smtp", "Person", "smtp.person@example.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hcp}");
    let mail = sink
        .received
        .lock()
        .unwrap()
        .pop()
        .expect("one e-mail delivered");
    assert_eq!(mail.from, "<admin@hcp-kit.test>");
    assert_eq!(mail.to, ["<smtp.person@example.be>"]);
    assert!(
        mail.data.contains("Subject: Your invitation"),
        "{}",
        mail.data
    );
    let body = support::smtp::decode_body(&mail.data);
    let token = body
        .split("#invitation=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link with the token")
        .to_owned();
    // Delivered, so not kept in the outbox; the link works once.
    let (_, outbox) = s.call(Method::GET, "/rest/v2/admin/outbox", &t, None).await;
    assert_eq!(outbox, json!([]));
    let r = s
        .http
        .post(s.url("/rest/v2/auth/invitation"))
        .json(&json!({"token": token, "password": "chosen over smtp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        s.login("smtp.person@example.be", "chosen over smtp")
            .await
            .0,
        StatusCode::OK
    );

    // A refused recipient: 502 naming the HCP that was created and how to retry.
    let (status, body) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty?invite=true",
            &t,
            Some(person("Re", "Fused", "refuse.me@example.be", None)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("was created, but its invitation was not sent"),
        "{message}"
    );
    assert!(message.contains("/invite"), "{message}");
    assert!(sink.received.lock().unwrap().is_empty());
    let (status, page) = s
        .call(Method::GET, "/rest/v2/hcparty?search=fused", &t, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn serves_the_page_and_package_with_a_content_security_policy() {
    let s = Server::start_serving(
        |st| st,
        |dir| {
            let (www, pkg) = (dir.join("www"), dir.join("pkg"));
            std::fs::create_dir_all(&www).unwrap();
            std::fs::create_dir_all(&pkg).unwrap();
            std::fs::write(www.join("index.html"), "<h1>HCP</h1>").unwrap();
            std::fs::write(pkg.join("hcp_kit_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
            std::fs::write(dir.join("secret.txt"), "outside").unwrap();
            StaticDirs {
                www: Some(www),
                pkg: Some(pkg),
            }
        },
    )
    .await;
    for (path, content_type) in [
        ("/", "text/html"),
        ("/pkg/hcp_kit_bg.wasm", "application/wasm"),
    ] {
        let r = s.http.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let h = r.headers();
        assert!(
            h["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type)
        );
        assert_eq!(
            h["content-security-policy"],
            hcp_server::CONTENT_SECURITY_POLICY
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
    }
    let csp = hcp_server::CONTENT_SECURITY_POLICY;
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    // Nothing outside the two directories.
    for path in ["/../secret.txt", "/pkg/../secret.txt", "/%2e%2e/secret.txt"] {
        let r = s.http.get(s.url(path)).send().await.unwrap();
        assert_ne!(r.status(), StatusCode::OK, "{path}");
        assert!(!r.text().await.unwrap().contains("outside"), "{path}");
    }
    // The API answers as before.
    let r = s.http.get(s.url("/health")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn cross_origin_calls_only_from_configured_origins() {
    let preflight = |s: &Server, origin: &str| {
        s.http
            .request(Method::OPTIONS, s.url("/rest/v2/hcparty"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let allowed = |r: &reqwest::Response| {
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let closed = Server::start().await;
    let r = preflight(&closed, "https://elsewhere.example")
        .await
        .unwrap();
    assert_eq!(allowed(&r), None);

    let open =
        Server::start_with(|st| st.with_cors_origins(vec!["https://app.example".into()])).await;
    let r = preflight(&open, "https://app.example").await.unwrap();
    assert_eq!(allowed(&r).as_deref(), Some("https://app.example"));
    let r = preflight(&open, "https://elsewhere.example").await.unwrap();
    assert_eq!(allowed(&r), None);
    let t = open.admin_token().await;
    let r = open
        .http
        .get(open.url("/rest/v2/hcparty"))
        .header("Origin", "https://app.example")
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(allowed(&r).as_deref(), Some("https://app.example"));
}

#[tokio::test]
async fn batch_create_is_all_or_nothing() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let before = count(&s, &t).await;
    let org_id = "0b5e7a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    let mut child = person("Batch", "Child", "batch.child@example.be", None);
    child["parentId"] = json!(org_id);
    let batch = json!([{"id": org_id, "name": "Batch Org"}, child]);
    let (status, created) = s
        .call(Method::POST, "/rest/v2/hcparty/batch", &t, Some(batch))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created.as_array().unwrap().len(), 2);
    assert_eq!(created[1]["parentId"], org_id);
    assert!(created[1]["userId"].is_string(), "the person got its user");
    assert_eq!(count(&s, &t).await, before + 2);

    // One bad item: a 400 naming it, and the good items before it are not kept.
    let bad = json!([
        person("Good", "One", "good.one@example.be", None),
        person("", "Nameless", "nameless@example.be", None),
    ]);
    let (status, body) = s
        .call(Method::POST, "/rest/v2/hcparty/batch", &t, Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("item 1: "), "{message}");
    assert!(message.ends_with("nothing was created"), "{message}");
    assert_eq!(count(&s, &t).await, before + 2);

    let too_many: Vec<Value> = (0..=hcp_server::hcp::MAX_BATCH)
        .map(|i| json!({"name": format!("Org {i}")}))
        .collect();
    let (status, _) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty/batch",
            &t,
            Some(Value::Array(too_many)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn list_filters_by_kind() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let ids = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, orgs) = s
        .call(Method::GET, "/rest/v2/hcparty?kind=organization", &t, None)
        .await;
    assert_eq!(ids(&orgs), [demo::DEMO_ORG_ID]);
    let (_, people) = s
        .call(Method::GET, "/rest/v2/hcparty?kind=person", &t, None)
        .await;
    assert_eq!(ids(&people).len(), 3);
    assert!(!ids(&people).contains(&demo::DEMO_ORG_ID.to_owned()));
    let (status, _) = s
        .call(Method::GET, "/rest/v2/hcparty?kind=robot", &t, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
