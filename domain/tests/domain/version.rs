use kiln_domain::{Version, VersionError};
use serde::Deserialize;

fn v(major: u32, minor: u32, patch: u32) -> Version {
    Version::new(major, minor, patch)
}

#[test]
fn parses_full_partial_and_prefixed_versions() {
    assert_eq!(Version::parse("1.2.3"), Ok(v(1, 2, 3)));
    assert_eq!(Version::parse("1.2"), Ok(v(1, 2, 0)));
    assert_eq!(Version::parse("1"), Ok(v(1, 0, 0)));
    assert_eq!(Version::parse("v1.2.3"), Ok(v(1, 2, 3)));
    assert_eq!(Version::parse("v7"), Ok(v(7, 0, 0)));
    assert_eq!(Version::parse("0.0.0"), Ok(v(0, 0, 0)));
    assert_eq!(Version::parse("4294967295.0.1"), Ok(v(u32::MAX, 0, 1)));
}

#[test]
fn refuses_anything_else_naming_the_input() {
    let cases = [
        ("", "invalid version '': expected MAJOR[.MINOR[.PATCH]], like 1.2.3"),
        ("v", "invalid version 'v': expected MAJOR[.MINOR[.PATCH]], like 1.2.3"),
        ("1.2.3.4", "invalid version '1.2.3.4': expected at most 3 numbers separated by '.', found 4"),
        ("1..2", "invalid version '1..2': empty number (two dots in a row, or a leading or trailing dot)"),
        ("1.2.", "invalid version '1.2.': empty number (two dots in a row, or a leading or trailing dot)"),
        ("1.x", "invalid version '1.x': 'x' is not a number ('x' is not a digit)"),
        ("1.2.3-beta", "invalid version '1.2.3-beta': '3-beta' is not a number ('-' is not a digit)"),
        (" 1.2.3", "invalid version ' 1.2.3': ' 1' is not a number (' ' is not a digit)"),
        ("-1", "invalid version '-1': '-1' is not a number ('-' is not a digit)"),
        ("V1", "invalid version 'V1': 'V1' is not a number ('V' is not a digit)"),
        ("4294967296", "invalid version '4294967296': '4294967296' is too large"),
    ];
    for (input, message) in cases {
        let error = Version::parse(input).expect_err(input);
        assert_eq!(error.to_string(), message);
        assert!(matches!(error, VersionError::Invalid { input: ref i, .. } if i == input));
    }
}

#[test]
fn from_str_and_display() {
    let version: Version = "v3.1".parse().expect("valid");
    assert_eq!(version, v(3, 1, 0));
    assert_eq!(version.to_string(), "3.1.0");
    assert!("x".parse::<Version>().is_err());
}

#[test]
fn bump_patch_increments_only_the_patch() {
    assert_eq!(v(1, 2, 3).bump_patch(), v(1, 2, 4));
    assert_eq!(v(0, 0, 0).bump_patch(), v(0, 0, 1));
    assert_eq!(v(1, 2, u32::MAX).bump_patch(), v(1, 2, u32::MAX));
}

#[test]
fn orders_by_major_minor_patch() {
    assert!(v(1, 2, 3) < v(1, 2, 4));
    assert!(v(1, 2, 9) < v(1, 3, 0));
    assert!(v(1, 9, 9) < v(2, 0, 0));
    assert_eq!(Version::default(), v(0, 0, 0));
}

#[test]
fn serializes_as_a_string() {
    assert_eq!(
        serde_json::to_string(&v(1, 2, 3)).expect("serializes"),
        "\"1.2.3\""
    );
}

#[derive(Deserialize)]
struct Holder {
    version: Version,
}

fn from_toml(text: &str) -> Result<Version, String> {
    toml::from_str::<Holder>(text)
        .map(|holder| holder.version)
        .map_err(|error| error.to_string())
}

#[test]
fn deserializes_from_a_string_or_a_table() {
    assert_eq!(from_toml("version = \"1.4.2\""), Ok(v(1, 4, 2)));
    assert_eq!(from_toml("version = \"2\""), Ok(v(2, 0, 0)));
    assert_eq!(
        from_toml("version = { major = 1, minor = 4, patch = 2 }"),
        Ok(v(1, 4, 2))
    );
    assert_eq!(from_toml("version = { minor = 4 }"), Ok(v(0, 4, 0)));
    assert_eq!(from_toml("version = {}"), Ok(v(0, 0, 0)));
    assert_eq!(from_toml("[version]\nmajor = 3\npatch = 1"), Ok(v(3, 0, 1)));
    let json: Holder =
        serde_json::from_str(r#"{"version":{"major":5,"minor":6,"patch":7}}"#).expect("json table");
    assert_eq!(json.version, v(5, 6, 7));
    let json: Holder = serde_json::from_str(r#"{"version":"5.6.7"}"#).expect("json string");
    assert_eq!(json.version, v(5, 6, 7));
}

#[test]
fn refuses_bad_tables_and_strings() {
    let unknown = from_toml("version = { major = 1, build = 2 }").expect_err("unknown key");
    assert!(unknown.contains("unknown field `build`"), "{unknown}");
    let negative = from_toml("version = { major = -1 }").expect_err("negative");
    assert!(negative.contains("-1"), "{negative}");
    let bad = from_toml("version = \"1.x\"").expect_err("bad string");
    assert!(bad.contains("invalid version '1.x'"), "{bad}");
    let number = from_toml("version = 1").expect_err("number");
    assert!(
        number.contains("a version string like \"1.2.3\" or a table"),
        "{number}"
    );
}
