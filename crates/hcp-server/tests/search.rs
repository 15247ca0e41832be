//! Search by name, email or phone, through the databases' trigram indexes:
//! every answer is checked against a scan of the same HCPs, on SQLite, and,
//! when `HCP_TEST_POSTGRES` names a server, on PostgreSQL with the same data,
//! whose answers must be SQLite's.

mod support;

use std::collections::BTreeSet;

use hcp_core::model::Hcp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::server::{Server, new_postgres_database};

const FIRST: [&str; 12] = [
    "Anne", "Marc", "Zoë", "René", "Émile", "Sofia", "Lucas", "Marie", "Noah", "Inès", "Hugo",
    "Lea",
];
const LAST: [&str; 20] = [
    "Martin",
    "Dubois",
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Lambert",
    "Dupont",
    "Van Damme",
    "Rossi",
    "Müller",
    "Nguyen",
    "O'Brien",
    "Mar_tin",
];
const ROWS: usize = 2400;

/// The same rows for every database: most at one domain (a needle matching
/// over a thousand of them), a mobile on two rows in three, Italian ones
/// among them, in the forms a spreadsheet holds them.
fn rows() -> Vec<Value> {
    (0..ROWS)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len()) % LAST.len()];
            let domain = if i % 10 == 0 {
                "clinic.be"
            } else {
                "example.org"
            };
            let mut row = json!({
                "row": i + 2,
                "firstName": first,
                "lastName": last,
                "email": format!("p{i}.{}@{domain}", first.to_lowercase()),
            });
            match i % 3 {
                0 => row["phone"] = json!(format!("+32 47{} {:06}", i % 10, i)),
                1 if i % 7 == 0 => row["phone"] = json!(format!("+39 06 {:08}", i)),
                1 => {
                    row["countryCode"] = json!("BE");
                    row["mobilePhone"] = json!(format!("0486 {:06}", i));
                }
                _ => {}
            }
            row
        })
        .collect()
}

/// What people type: common and rare names, accents either way, emails,
/// phones in every form, misses, short needles, and LIKE's own characters.
fn queries() -> Vec<String> {
    let last = ROWS - 1;
    let mut q: Vec<String> = [
        "mar",
        "martin anne",
        "anne martin",
        "zoe",
        "ZOË",
        "rene",
        "émile",
        "muller",
        "van damme",
        "o'brien",
        "mar_tin",
        "ar_in",
        "50%",
        "@example.org",
        "@clinic.be",
        "clinic",
        "p7.",
        "p1234.",
        "zz-nobody-here",
        "an",
        "a",
        "\"",
        "+32 470 000000",
        "0470000000",
        "470000000",
        "486 000 001",
        "+32486000001",
        "0032 486 000 001",
        "+39 06 00000007",
        "06 0000 0007",
        "999999",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    q.push(format!("p{last}."));
    q.push(format!("+32 47{} {:06}", (last / 3 * 3) % 10, last / 3 * 3));
    q
}

async fn import_all(s: &Server, token: &str) {
    for (n, batch) in rows().chunks(1000).enumerate() {
        let r = s
            .http
            .post(s.url("/rest/v2/hcparty/import"))
            .bearer_auth(token)
            .header("Idempotency-Key", format!("search-{n}"))
            .json(&json!({ "rows": batch }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["rejected"], json!(0), "{body}");
    }
}

/// Every HCP a search finds, page after page, by email.
async fn search(s: &Server, token: &str, query: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut start = String::new();
    loop {
        let url = reqwest::Url::parse_with_params(
            &s.url("/rest/v2/hcparty"),
            [
                ("search", query),
                ("limit", "150"),
                ("startDocumentId", &start),
            ],
        )
        .unwrap();
        let r = s.http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{query}");
        let page: Value = r.json().await.unwrap();
        for row in page["rows"].as_array().unwrap() {
            let hcp: Hcp = serde_json::from_value(row.clone()).unwrap();
            found.push(hcp.email().unwrap_or("(organization)").to_owned());
        }
        match page["nextKeyPair"]["startKeyDocId"].as_str() {
            Some(next) => start = next.to_owned(),
            None => return found,
        }
    }
}

/// The answer by a scan: every HCP of the database that
/// `hcp_core::search::matches`.
async fn expected(s: &Server, token: &str, query: &str) -> BTreeSet<String> {
    let needle = hcp_core::search::needle(query);
    let (status, page) = s
        .call(Method::GET, "/rest/v2/hcparty?limit=1000", token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut all = Vec::new();
    let mut page = page;
    loop {
        all.extend(page["rows"].as_array().unwrap().clone());
        let Some(next) = page["nextKeyPair"]["startKeyDocId"].as_str() else {
            break;
        };
        let path = format!("/rest/v2/hcparty?limit=1000&startDocumentId={next}");
        page = s.call(Method::GET, &path, token, None).await.1;
    }
    all.into_iter()
        .map(|row| serde_json::from_value::<Hcp>(row).unwrap())
        .filter(|hcp| {
            needle
                .as_ref()
                .is_none_or(|n| hcp_core::search::matches(hcp, n))
        })
        .map(|hcp| hcp.email().unwrap_or("(organization)").to_owned())
        .collect()
}

async fn answers(s: &Server) -> Vec<(String, Vec<String>)> {
    let token = s.admin_token().await;
    import_all(s, &token).await;
    let mut out = Vec::new();
    for query in queries() {
        let found = search(s, &token, &query).await;
        let set: BTreeSet<String> = found.iter().cloned().collect();
        assert_eq!(set.len(), found.len(), "{query}: an HCP twice");
        assert_eq!(set, expected(s, &token, &query).await, "{query}");
        out.push((query, found));
    }
    out
}

#[tokio::test]
async fn search_finds_names_emails_and_phones_as_a_scan_would() {
    let sqlite = Server::start().await;
    let answers_sqlite = answers(&sqlite).await;
    let count = |q: &str| {
        answers_sqlite
            .iter()
            .find(|(query, _)| query == q)
            .map_or(0, |(_, found)| found.len())
    };
    // The data exercise both ways SQLite answers (index, and id-order scan
    // past a thousand index matches), and every phone form finds its row.
    assert!(count("@example.org") > 1000);
    assert!(count("zz-nobody-here") == 0 && count("50%") == 0 && count("ar_in") == 0);
    for phone in ["+32 470 000000", "0470000000", "470000000"] {
        assert_eq!(count(phone), 1, "{phone}");
    }
    for phone in ["486 000 001", "+32486000001", "0032 486 000 001"] {
        assert_eq!(count(phone), 1, "{phone}");
    }
    assert_eq!(count("+39 06 00000007"), 1);
    assert_eq!(count("06 0000 0007"), 1);
    assert_eq!(count("zoe"), count("ZOË"));
    assert!(count("zoe") >= ROWS / FIRST.len());
    assert_eq!(count(&format!("p{}.", ROWS - 1)), 1);

    let Ok(admin) = std::env::var("HCP_TEST_POSTGRES") else {
        return;
    };
    let url = new_postgres_database(&admin).await;
    let postgres = Server::start_at(Some(url), |st| st, |_| Default::default()).await;
    let answers_pg = answers(&postgres).await;
    for ((query, a), (_, b)) in answers_sqlite.iter().zip(&answers_pg) {
        let a: BTreeSet<_> = a.iter().collect();
        let b: BTreeSet<_> = b.iter().collect();
        assert_eq!(a, b, "{query}: SQLite and PostgreSQL differ");
    }
}

#[tokio::test]
async fn edits_and_deletes_reach_the_index() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let (status, created) = s
        .call(
            Method::POST,
            "/rest/v2/hcparty",
            &t,
            Some(support::server::person(
                "Quentin",
                "Zylberstein",
                "qz@example.be",
                Some("+32475998877"),
            )),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let token = t.as_str();
    assert_eq!(search(&s, token, "zylber").await, ["qz@example.be"]);
    assert_eq!(search(&s, token, "0475 99 88 77").await, ["qz@example.be"]);

    let mut edited = created.clone();
    edited["lastName"] = json!("Abramowicz");
    let (status, edited) = s
        .call(Method::PUT, "/rest/v2/hcparty", &t, Some(edited))
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert!(search(&s, token, "zylber").await.is_empty());
    assert_eq!(search(&s, token, "abramo").await, ["qz@example.be"]);

    let id = edited["id"].as_str().unwrap();
    let (status, body) = s
        .call(
            Method::DELETE,
            &format!(
                "/rest/v2/hcparty/{id}?rev={}",
                edited["rev"].as_str().unwrap()
            ),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(search(&s, token, "abramo").await.is_empty());
    assert!(search(&s, token, "0475998877").await.is_empty());
}

#[tokio::test]
async fn a_search_is_bounded() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    let long = "x".repeat(257);
    let (status, body) = s
        .call(
            Method::GET,
            &format!("/rest/v2/hcparty?search={long}"),
            &t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("at most 256"));
}
