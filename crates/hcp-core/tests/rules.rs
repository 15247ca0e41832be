//! Each row rule and each reason code.

use hcp_core::rules::{
    Field, PersonInput, Reason, RuleContext, normalize_country_code, normalize_email,
    normalize_phone, validate_person,
};

fn person(
    first: &str,
    last: &str,
    email: &str,
    cc: &str,
    phone: &str,
    parent: &str,
) -> PersonInput {
    PersonInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.into(),
        country_code: cc.into(),
        mobile_phone: phone.into(),
        parent_id: parent.into(),
    }
}

fn reasons(input: &PersonInput, ctx: &RuleContext) -> Vec<(Field, Reason)> {
    match validate_person(input, ctx) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(v) => v.into_iter().map(|v| (v.field, v.code)).collect(),
    }
}

const ORG: &str = "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6";

#[test]
fn a_complete_row_is_normalized() {
    let p = validate_person(
        &person(
            "  Anne ",
            "Dupont",
            "Anne.Dupont@Example.BE",
            "BE",
            "0475 12.34-56",
            &ORG.to_uppercase(),
        ),
        &RuleContext::default(),
    )
    .unwrap();
    assert_eq!(p.first_name(), "Anne");
    assert_eq!(p.email(), "Anne.Dupont@example.be");
    assert_eq!(p.phone(), Some("+32475123456"));
    assert_eq!(p.parent_id(), Some(ORG));
}

#[test]
fn required_fields_are_all_reported_at_once() {
    let got = reasons(&person(" ", "", "", "", "", ""), &RuleContext::default());
    assert_eq!(
        got,
        vec![
            (Field::FirstName, Reason::Required),
            (Field::LastName, Reason::Required),
            (Field::Email, Reason::Required)
        ]
    );
}

#[test]
fn emails() {
    for ok in [
        "a@b.co",
        "first.last+tag@sub.example.org",
        "o'brien@example.ie",
        "jose@exämple.es",
        "用户@例子.广告",
        "x@xn--bcher-kva.example",
    ] {
        assert!(normalize_email(ok).is_ok(), "{ok}");
    }
    for bad in [
        "plain",
        "a b@c.de",
        "a@b",
        "@b.de",
        "a@",
        "a@@b.de",
        "a@b@c.de",
        "a@.b.de",
        "a@b..de",
        "a..b@c.de",
        ".a@c.de",
        "a@-b.de",
        "a@b-.de",
        "a@b.123",
        "a@b_c.de",
        "a(b)@c.de",
        &format!("{}@b.de", "x".repeat(65)),
        &format!("a@{}.de", "x".repeat(64)),
    ] {
        let v = normalize_email(bad).expect_err(bad);
        assert_eq!(
            (v.field, v.code),
            (Field::Email, Reason::InvalidEmail),
            "{bad}"
        );
    }
    assert_eq!(normalize_email("A.B@ÉXAMPLE.Fr").unwrap(), "A.B@éxample.fr");
}

#[test]
fn country_codes() {
    for (raw, code) in [
        ("+32", 32),
        ("32", 32),
        ("0032", 32),
        ("BE", 32),
        ("be", 32),
        ("FR", 33),
        ("+1", 1),
        ("US", 1),
        ("+352", 352),
        (" 33 ", 33),
    ] {
        assert_eq!(normalize_country_code(raw).unwrap(), Some(code), "{raw}");
    }
    assert_eq!(normalize_country_code("").unwrap(), None);
    for bad in ["ZZ", "+999", "1234", "B", "BEL", "+", "3a", "+-32"] {
        let v = normalize_country_code(bad).expect_err(bad);
        assert_eq!(v.code, Reason::InvalidCountryCode, "{bad}");
    }
}

#[test]
fn phones() {
    let cases = [
        ("0475 12 34 56", Some(32), "+32475123456"),
        ("475123456", Some(32), "+32475123456"),
        ("+32 475 12 34 56", None, "+32475123456"),
        ("+32 (0)475", None, "+320475"),
        ("0032 475 12 34 56", None, "+32475123456"),
        ("06 12 34 56 78", Some(33), "+33612345678"),
        ("+1 (415) 555-0100", Some(44), "+14155550100"),
        ("333 123 4567", Some(39), "+393331234567"),
        ("06 1234 5678", Some(39), "+390612345678"),
        ("0612.345.678", Some(33), "+33612345678"),
        ("0475\u{a0}12\u{a0}34\u{a0}56", Some(32), "+32475123456"),
        ("+1\u{a0}415/555 0100", None, "+14155550100"),
        ("0475 12 34 56", Some(1), "+1475123456"),
        ("020 1234 5678", Some(998), "+9982012345678"),
    ];
    for (raw, cc, want) in cases {
        assert_eq!(normalize_phone(raw, cc).unwrap(), want, "{raw}");
    }
    let missing = normalize_phone("0475 12 34 56", None).unwrap_err();
    assert_eq!(
        (missing.field, missing.code),
        (Field::MobilePhone, Reason::MissingCountryCode)
    );
    for (bad, cc) in [
        ("0475x123", Some(32)),
        ("+1234567890123456", None),
        ("12", Some(32)),
        ("+0 475 123 456", None),
        ("++32475", None),
        ("phone", Some(32)),
        // Other chars that start like the no-break space in UTF-8.
        ("0475\u{a1}123456", Some(32)),
        ("0475\u{c2}123456", Some(32)),
        ("0475 123 45é", Some(32)),
    ] {
        assert_eq!(
            normalize_phone(bad, cc).unwrap_err().code,
            Reason::InvalidPhone,
            "{bad}"
        );
    }
}

#[test]
fn a_bad_country_code_is_reported_once() {
    let got = reasons(
        &person("A", "B", "a@b.de", "ZZ", "0475123456", ""),
        &RuleContext::default(),
    );
    assert_eq!(got, vec![(Field::CountryCode, Reason::InvalidCountryCode)]);
    // A country code without a phone is checked but harmless when valid.
    assert!(
        validate_person(
            &person("A", "B", "a@b.de", "BE", "", ""),
            &RuleContext::default()
        )
        .is_ok()
    );
}

#[test]
fn parent_organization_ids() {
    let ctx = RuleContext {
        organizations: Some([ORG.to_owned()].into()),
        ..RuleContext::default()
    };
    assert!(validate_person(&person("A", "B", "a@b.de", "", "", ORG), &ctx).is_ok());
    assert_eq!(
        reasons(&person("A", "B", "a@b.de", "", "", "not-an-id"), &ctx),
        vec![(Field::ParentId, Reason::InvalidId)]
    );
    assert_eq!(
        reasons(
            &person(
                "A",
                "B",
                "a@b.de",
                "",
                "",
                "00000000-0000-0000-0000-000000000000"
            ),
            &ctx
        ),
        vec![(Field::ParentId, Reason::UnknownOrganization)]
    );
    // Without a list of organizations, any well-formed id passes.
    assert!(
        validate_person(
            &person(
                "A",
                "B",
                "a@b.de",
                "",
                "",
                "00000000-0000-0000-0000-000000000000"
            ),
            &RuleContext::default()
        )
        .is_ok()
    );
}

#[test]
fn control_characters_and_overlong_values() {
    let ctx = RuleContext {
        max_chars: 10,
        organizations: None,
    };
    assert_eq!(
        reasons(&person("A\nB", "C", "a@b.de", "", "", ""), &ctx),
        vec![(Field::FirstName, Reason::ControlCharacter)]
    );
    assert_eq!(
        reasons(&person("A", "C\u{7}", "a@b.de", "", "", ""), &ctx),
        vec![(Field::LastName, Reason::ControlCharacter)]
    );
    assert_eq!(
        reasons(&person("Abcdefghijk", "C", "a@b.de", "", "", ""), &ctx),
        vec![(Field::FirstName, Reason::TooLong)]
    );
    // Characters, not bytes: ten accented letters fit.
    assert!(validate_person(&person("éééééééééé", "C", "a@b.de", "", "", ""), &ctx).is_ok());
}
