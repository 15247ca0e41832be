//! parseImport as JavaScript sees it, in headless Chromium, on the same
//! LibreOffice-made fixtures the native tests use.
#![cfg(all(target_arch = "wasm32", feature = "import"))]

use hcp_kit::rejections_csv;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// `parseImport` as JavaScript calls it: the bytes are copied into the
/// module, which owns them (and frees them before settling duplicates).
fn parse_import(
    bytes: &[u8],
    options: Option<hcp_kit::ImportOptionsJs>,
    on_progress: Option<hcp_kit::ProgressCallback>,
) -> Result<JsValue, JsValue> {
    hcp_kit::parse_import(bytes.to_vec(), options, on_progress)
}

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/hcp-core/tests/fixtures/import/",
            $name
        ))
        .as_slice()
    };
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.')
        .fold(v.clone(), |v, k| Reflect::get(&v, &k.into()).unwrap())
}

fn options(json: &str) -> hcp_kit::ImportOptionsJs {
    js_sys::JSON::parse(json).unwrap().unchecked_into()
}

fn code_of(r: Result<JsValue, JsValue>) -> String {
    let e = r.expect_err("expected an HcpError");
    assert!(is_hcp_error(e.clone()));
    get(&e, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn report_is_a_plain_typed_object() {
    let report = parse_import(fixture!("canonical.xlsx"), None, None).unwrap();
    assert_eq!(get(&report, "format").as_string().as_deref(), Some("xlsx"));
    assert_eq!(
        get(&report, "sheet").as_string().as_deref(),
        Some("canonical")
    );
    assert_eq!(get(&report, "stats.rows").as_f64(), Some(14.0));
    assert_eq!(get(&report, "stats.accepted").as_f64(), Some(5.0));
    let accepted: Array = get(&report, "accepted").unchecked_into();
    let first = accepted.get(0);
    assert_eq!(
        Object::get_prototype_of(&first),
        Object::get_prototype_of(&Object::new()),
        "a plain object, not a Map"
    );
    assert_eq!(get(&first, "row").as_f64(), Some(2.0));
    assert_eq!(
        get(&first, "phone").as_string().as_deref(),
        Some("+32475123456")
    );
    assert!(
        get(&accepted.get(1), "parentId").is_null(),
        "absent values are null"
    );
    let rejected = get(&report, "rejected");
    let r0 = Array::from(&rejected).get(0);
    assert_eq!(get(&r0, "reasons").unchecked_into::<Array>().length(), 1);
    assert_eq!(
        get(&r0, "values.countryCode").as_string().as_deref(),
        Some("33")
    );
    let field = get(&Array::from(&get(&r0, "reasons")).get(0), "field");
    assert_eq!(field.as_string().as_deref(), Some("email"));

    let csv = rejections_csv(rejected).unwrap();
    assert!(csv.contains("'=SUM(1+1)"));
    assert_eq!(csv.trim_end().split("\r\n").count(), 10);

    // What rejectionsCsv reads is checked, not trusted.
    let csv_code = |v: JsValue| code_of(rejections_csv(v).map(JsValue::from));
    assert_eq!(csv_code(JsValue::from_str("x")), "Validation");
    for bad in [
        r#"[{"values":{},"reasons":[]}]"#,
        r#"[{"row":2,"values":{},"reasons":[{"field":"email","code":"Nope","message":"m"}]}]"#,
        r#"[{"row":2,"values":{"email":5},"reasons":[]}]"#,
    ] {
        assert_eq!(
            csv_code(js_sys::JSON::parse(bad).unwrap()),
            "Validation",
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn every_fixture_format_parses_in_the_browser() {
    let cases: [(&[u8], &str); 11] = [
        (fixture!("canonical.csv"), "csv"),
        (fixture!("canonical-utf8-bom.csv"), "csv"),
        (fixture!("canonical-cp1252.csv"), "csv"),
        (fixture!("canonical-utf16le-tab.txt"), "csv"),
        (fixture!("canonical-semicolon.csv"), "csv"),
        (fixture!("canonical.xlsx"), "xlsx"),
        (fixture!("canonical-sheetjs.xlsx"), "xlsx"),
        (fixture!("canonical.xlsb"), "xlsb"),
        (fixture!("canonical.xls"), "xls"),
        (fixture!("canonical.ods"), "ods"),
        (fixture!("canonical.xml"), "xml"),
    ];
    let reference = js_sys::JSON::stringify(&get(
        &parse_import(cases[0].0, None, None).unwrap(),
        "accepted",
    ))
    .unwrap();
    for (bytes, format) in cases {
        let report = parse_import(bytes, None, None).unwrap();
        assert_eq!(get(&report, "format").as_string().as_deref(), Some(format));
        assert_eq!(
            js_sys::JSON::stringify(&get(&report, "accepted")).unwrap(),
            reference
        );
    }
}

#[wasm_bindgen_test]
fn file_errors_are_hcp_errors_with_codes() {
    assert_eq!(code_of(parse_import(b"", None, None)), "Empty");
    assert_eq!(
        code_of(parse_import(b"%PDF-1.4", None, None)),
        "UnsupportedFormat"
    );
    assert_eq!(
        code_of(parse_import(fixture!("encrypted.xlsx"), None, None)),
        "Encrypted"
    );
    assert_eq!(
        code_of(parse_import(b"Name\nx\n", None, None)),
        "MissingColumns"
    );
    let xlsx = fixture!("canonical.xlsx");
    assert_eq!(
        code_of(parse_import(&xlsx[..xlsx.len() / 2], None, None)),
        "InvalidFile"
    );
    assert_eq!(
        code_of(parse_import(
            xlsx,
            Some(options(r#"{"sheet":"Nope"}"#)),
            None
        )),
        "SheetNotFound"
    );
    assert_eq!(
        code_of(parse_import(
            xlsx,
            Some(options(r#"{"limits":{"maxBytes":100}}"#)),
            None
        )),
        "TooLarge"
    );
    for bad in [
        r#"{"limit":{}}"#,
        r#"{"limits":{"maxRow":5}}"#,
        r#"{"limits":{"maxRows":-1}}"#,
        r#"{"existingEmails":"a@b.c"}"#,
        r#"{"organizationIds":[1]}"#,
    ] {
        assert_eq!(
            code_of(parse_import(xlsx, Some(options(bad)), None)),
            "Validation",
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn options_reach_the_rules() {
    let opts = options(r#"{"existingEmails":["ANNE.DUPONT@example.be"],"organizationIds":[]}"#);
    let report = parse_import(fixture!("canonical.csv"), Some(opts), None).unwrap();
    let rejected = Array::from(&get(&report, "rejected"));
    let codes: Vec<String> = rejected
        .iter()
        .flat_map(|r| {
            Array::from(&get(&r, "reasons"))
                .iter()
                .map(|x| get(&x, "code").as_string().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(codes.contains(&"AlreadyExists".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"UnknownOrganization".to_owned()),
        "{codes:?}"
    );
}

#[wasm_bindgen_test]
fn progress_arrives_and_a_throwing_callback_cancels() {
    let mut csv = String::from("First Name,Last Name,Email Address\n");
    for i in 0..20_000 {
        csv.push_str(&format!("A,B,a{i}@b.de\n"));
    }
    let seen = Array::new();
    let record = Function::new_with_args("seen, p", "seen.push(p)").bind1(&JsValue::NULL, &seen);
    let report = parse_import(csv.as_bytes(), None, Some(record.unchecked_into())).unwrap();
    assert_eq!(get(&report, "stats.accepted").as_f64(), Some(20_000.0));
    assert!(seen.length() >= 4, "{} progress events", seen.length());
    let last = seen.get(seen.length() - 1);
    assert_eq!(get(&last, "rows").as_f64(), Some(20_000.0));
    assert_eq!(
        get(&last, "bytes").as_f64(),
        get(&last, "totalBytes").as_f64()
    );

    let stop = Function::new_with_args("p", "throw new Error('stop at ' + p.rows)");
    let e = parse_import(csv.as_bytes(), None, Some(stop.unchecked_into())).unwrap_err();
    assert_eq!(
        get(&e, "message").as_string().as_deref(),
        Some("stop at 4096")
    );
}

/// The shape of an `HcpError` (the package's `isHcpError` is plain JS).
fn is_hcp_error(v: JsValue) -> bool {
    v.dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == "HcpError")
        && js_sys::Reflect::get(&v, &JsValue::from_str("code")).is_ok_and(|c| c.is_string())
}

/// The accepted rows cross as columns, sliced in UTF-16 units by JavaScript:
/// what arrives is what hcp-core accepted, in several pieces, with two-byte
/// and astral characters, and rows with and without a phone or a parent.
#[wasm_bindgen_test]
fn accepted_rows_arrive_as_hcp_core_accepted_them() {
    use hcp_core::import::{ImportOptions, ROWS_PER_PIECE};
    let parent = "7d0f4a2e-1b3c-4d5e-8f90-000000000001";
    let mut csv = String::from(
        "First Name,Last Name,Email Address,Country Code,Mobile Phone,Parent Organization ID\n",
    );
    for i in 0..ROWS_PER_PIECE + 10 {
        let phone = if i % 4 == 0 {
            String::new()
        } else {
            format!("0475 {i:06}")
        };
        let parent = if i % 3 == 0 { parent } else { "" };
        csv.push_str(&format!(
            "Zoë {i},𝄞 Müller,hcp{i}@example.be,BE,{phone},{parent}\n"
        ));
    }
    let core =
        hcp_core::import::parse_import(csv.as_bytes(), &ImportOptions::default(), &mut |_| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(core.accepted.len(), ROWS_PER_PIECE + 10);
    let report = parse_import(csv.as_bytes(), None, None).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&get(&report, "accepted")).unwrap(),
        serde_json::to_string(&core.accepted).unwrap()
    );
}

/// The warm-up's synthetic files (a CSV and three kinds of .xlsx, built in
/// JavaScript) are read in full: every row of each accepted.
#[wasm_bindgen_test]
fn the_warm_up_reads_every_row_of_its_four_files() {
    assert_eq!(hcp_kit::warm_up().unwrap(), 4 * 2000);
}
