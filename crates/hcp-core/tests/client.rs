//! The client's decisions, without a network: errors from answers, token
//! refresh timing, form documents, token listing and checks, import merging.

use hcp_core::Code;
use hcp_core::client::*;
use hcp_core::import::RejectedRow;
use hcp_core::model::{Hcp, organization_document, person_document};
use hcp_core::rules::{Field, PersonInput, Reason, Violation};
use serde_json::json;

#[test]
fn answers_become_typed_errors_with_the_server_message() {
    let e = ApiError::from_response(409, r#"{"message":"stale rev 1-a, current is 2-b"}"#);
    assert_eq!((e.code, e.status), (Code::Conflict, Some(409)));
    assert_eq!(e.message, "stale rev 1-a, current is 2-b");
    for (status, code) in [
        (400, Code::Validation),
        (401, Code::Unauthorized),
        (403, Code::Forbidden),
        (404, Code::NotFound),
        (413, Code::TooLarge),
        (422, Code::Validation),
        (429, Code::RateLimited),
        (500, Code::Server),
        (502, Code::Server),
    ] {
        assert_eq!(ApiError::from_response(status, "").code, code, "{status}");
    }
    // No JSON, or no message: a sentence with the status, not an empty string.
    assert_eq!(
        ApiError::from_response(503, "<html>busy</html>").message,
        "the server answered HTTP 503"
    );
    assert_eq!(
        ApiError::from_response(500, r#"{"message":""}"#).message,
        "the server answered HTTP 500"
    );
}

#[test]
fn access_tokens_refresh_before_they_expire() {
    // header.payload.signature with payload {"sub":"u","exp":1700000000}
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZXhwIjoxNzAwMDAwMDAwfQ.sig";
    let exp = jwt_expiry_ms(token);
    assert_eq!(exp, Some(1_700_000_000_000.0));
    assert!(!needs_refresh(exp, 1_700_000_000_000.0 - 60_000.0));
    assert!(needs_refresh(exp, 1_700_000_000_000.0 - 10_000.0));
    assert!(needs_refresh(exp, 1_800_000_000_000.0));
    // An opaque token (an authentication token used as bearer) is never refreshed.
    assert_eq!(jwt_expiry_ms("opaque-token"), None);
    assert_eq!(jwt_expiry_ms("a.!!!.c"), None);
    assert!(!needs_refresh(None, 0.0));
}

#[test]
fn the_add_user_form_builds_icure_documents_with_the_import_rules() {
    let input = PersonInput {
        first_name: " Anne ".into(),
        last_name: "Dupont".into(),
        email: "Anne.Dupont@Example.BE".into(),
        country_code: "BE".into(),
        mobile_phone: "0475 12 34 56".into(),
        parent_id: "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6".into(),
    };
    let doc = serde_json::to_value(person_document(&input).unwrap()).unwrap();
    assert_eq!(doc["firstName"], "Anne");
    assert_eq!(doc["parentId"], "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6");
    let telecoms = &doc["addresses"][0]["telecoms"];
    assert_eq!(telecoms[0]["telecomType"], "email");
    assert_eq!(
        telecoms[1],
        json!({"telecomType": "mobile", "telecomNumber": "+32475123456"})
    );

    let bad = PersonInput {
        first_name: String::new(),
        email: "not an email".into(),
        ..input
    };
    let violations = person_document(&bad).unwrap_err();
    let fields: Vec<Field> = violations.iter().map(|v| v.field).collect();
    assert!(fields.contains(&Field::FirstName) && fields.contains(&Field::Email));

    assert_eq!(
        organization_document("  Clinique  ", Some("")).unwrap(),
        Hcp {
            name: Some("Clinique".into()),
            ..Hcp::default()
        }
    );
    let org = organization_document("Clinique", Some("info@clinique.example")).unwrap();
    assert!(org.is_organization());
    assert_eq!(org.email(), Some("info@clinique.example"));
    assert_eq!(
        organization_document(" ", None).unwrap_err(),
        "an organization needs a name"
    );
    assert!(organization_document("Clinique", Some("no-at-sign")).is_err());
}

#[test]
fn tokens_are_listed_by_name_with_expiry_and_new_names_checked() {
    let user = json!({"authenticationTokens": {
        "zeta": {"creationTime": 1000.0, "validity": 10, "expires": 11000.0},
        "alpha": {"creationTime": 1000.0, "validity": 3600}
    }});
    let tokens = tokens_of(&user, 20_000.0);
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].name, "alpha");
    assert_eq!(tokens[0].expires, 3_601_000.0);
    assert!(!tokens[0].expired);
    assert!(tokens[1].expired);
    assert!(tokens_of(&json!({}), 0.0).is_empty());

    let now = 20_000.0;
    assert_eq!(
        check_new_token("ci", now + 3_600_000.0, &tokens, now),
        Ok(3600)
    );
    let dup = check_new_token("alpha", now + 3_600_000.0, &tokens, now).unwrap_err();
    assert_eq!(dup.code, Code::Conflict);
    assert!(dup.message.contains("alpha"));
    for bad in [
        "",
        " padded",
        "a/b",
        "tab\there",
        &"x".repeat(MAX_TOKEN_NAME + 1),
    ] {
        assert_eq!(
            check_new_token(bad, now + 3_600_000.0, &tokens, now)
                .unwrap_err()
                .code,
            Code::Validation,
            "{bad:?}"
        );
    }
    assert_eq!(
        check_new_token("past", now - 1.0, &tokens, now)
            .unwrap_err()
            .code,
        Code::Validation
    );
    assert!(check_new_token("nan", f64::NAN, &tokens, now).is_err());
}

#[test]
fn every_row_of_the_file_ends_in_exactly_one_outcome() {
    let reason = |m: &str| vec![Violation::new(Field::Email, Reason::Required, m)];
    let browser = vec![
        RejectedRow {
            row: 3,
            values: PersonInput::default(),
            reasons: reason("browser"),
        },
        RejectedRow {
            row: 7,
            values: PersonInput::default(),
            reasons: reason("browser"),
        },
    ];
    let server = vec![
        ServerRowOutcome::Created {
            row: 5,
            id: "b".into(),
        },
        ServerRowOutcome::Created {
            row: 2,
            id: "a".into(),
        },
        ServerRowOutcome::Rejected {
            row: 6,
            reasons: reason("server"),
        },
        // A row the server also answered twice: the first answer stays.
        ServerRowOutcome::Rejected {
            row: 5,
            reasons: reason("again"),
        },
    ];
    let summary = merge_import(&browser, server);
    let rows: Vec<u64> = summary.rows.iter().map(FileRowOutcome::row).collect();
    assert_eq!(rows, [2, 3, 5, 6, 7]);
    assert_eq!(
        (
            summary.created,
            summary.rejected_in_browser,
            summary.rejected_by_server
        ),
        (2, 2, 1)
    );
    assert!(matches!(&summary.rows[2], FileRowOutcome::Created { id, .. } if id == "b"));
    let json = serde_json::to_value(&summary.rows[1]).unwrap();
    assert_eq!(json["status"], "rejectedInBrowser");
    assert_eq!(batch_key("imp-1", 3), "imp-1/3");
}

#[test]
fn imports_are_sliced_into_batches_of_the_asked_size_within_the_cap() {
    let ranges: Vec<_> = import_batches(26, Some(10)).collect();
    assert_eq!(ranges, [0..10, 10..20, 20..26]);
    assert_eq!(import_batches(0, None).count(), 0);
    assert_eq!(import_batches(2500, None).count(), 3);
    assert_eq!(
        import_batches(12_000, Some(100_000)).next(),
        Some(0..MAX_IMPORT_BATCH)
    );
    assert_eq!(import_batches(3, Some(0)).count(), 3);
}

fn created(row: u64) -> ServerRowOutcome {
    ServerRowOutcome::Created {
        row,
        id: format!("id-{row}"),
    }
}

#[test]
fn batches_in_flight_answer_in_batch_order_whatever_order_they_come_back() {
    let mut q = ImportQueue::new(25, Some(10));
    assert_eq!(q.senders(), IMPORT_IN_FLIGHT.min(3));
    let first = q.take().unwrap();
    let second = q.take().unwrap();
    assert_eq!((first, second.clone()), ((0, 0..10), (1, 10..20)));
    // The second batch answers first: progress counts it, the order stays.
    let p = q.answer(1, (10..20).map(created).collect()).unwrap();
    assert_eq!(
        (p.batches_done, p.batches, p.rows_done, p.rows),
        (1, 3, 10, 25)
    );
    assert_eq!(q.take(), Some((2, 20..25)));
    q.answer(2, (20..25).map(created).collect());
    // A batch answered twice (a retried request) is counted once.
    let p = q.answer(2, Vec::new()).unwrap();
    assert_eq!((p.batches_done, p.rows_done), (2, 15));
    q.answer(0, (0..10).map(created).collect());
    assert_eq!(q.take(), None);
    let rows: Vec<u64> = q
        .take_outcomes()
        .unwrap()
        .iter()
        .map(|o| match o {
            ServerRowOutcome::Created { row, .. } | ServerRowOutcome::Rejected { row, .. } => *row,
        })
        .collect();
    assert_eq!(rows, (0..25).collect::<Vec<_>>());
}

#[test]
fn after_a_failed_batch_no_more_are_sent_and_no_summary_is_made() {
    let mut q = ImportQueue::new(30, Some(10));
    let _ = q.take();
    let _ = q.take();
    q.fail();
    assert_eq!(q.take(), None, "the third batch is never sent");
    assert_eq!(
        q.answer(0, (0..10).map(created).collect()),
        None,
        "a batch answering after the import failed reports no progress"
    );
    assert!(
        q.take_outcomes().is_none(),
        "batches 1 and 2 have no answer"
    );
    assert_eq!(ImportQueue::new(0, None).senders(), 0);
    assert_eq!(ImportQueue::new(5, None).senders(), 1);
}

#[test]
fn only_transient_failures_are_retried_with_growing_delays() {
    let p = RetryPolicy::IMPORT;
    let network = ApiError::network("reset");
    assert_eq!(p.delay_after(1, &network), Some(500));
    assert_eq!(p.delay_after(2, &network), Some(1000));
    assert_eq!(p.delay_after(4, &network), None, "four tries in all");
    let server = ApiError::from_response(503, "");
    assert!(p.delay_after(1, &server).is_some());
    for status in [400, 401, 403, 404, 409, 413, 429, 501] {
        assert_eq!(
            p.delay_after(1, &ApiError::from_response(status, "")),
            None,
            "{status}"
        );
    }
}
