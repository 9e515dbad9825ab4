use crate::support::build;
use kiln_domain::image::{
    image_name, image_paths, planned_refs, tags, validate_repository, validate_tag,
};
use kiln_domain::{BuildConfig, ImageRegistry, RegistryImage, Version};
use std::collections::BTreeSet;

fn registry(domain: &str, account: &str, organization: &str) -> ImageRegistry {
    ImageRegistry {
        domain: domain.to_string(),
        account: account.to_string(),
        organization: organization.to_string(),
    }
}

fn image(domain: &str, account: &str, path: &str) -> RegistryImage {
    RegistryImage {
        domain: domain.to_string(),
        account: account.to_string(),
        path: path.to_string(),
    }
}

#[test]
fn accepts_docker_repository_names() {
    for name in [
        "api",
        "acme/api",
        "a0/b1/c2",
        "ghcr.io/acme/api",
        "localhost/api",
        "localhost:5000/api",
        "registry.example.com:443/team/app",
        "[::1]:5000/api",
        "10.0.0.1:5000/api",
        "a.b_c__d-e---f",
    ] {
        assert_eq!(validate_repository(name), Ok(()), "{name}");
    }
    assert_eq!(validate_repository(&"a".repeat(255)), Ok(()));
}

#[test]
fn refuses_bad_repository_names_saying_why() {
    let cases = [
        ("My App", "'My App' is not a valid image name: uppercase letters and spaces are not allowed"),
        ("MyApp", "'MyApp' is not a valid image name: uppercase letters are not allowed"),
        ("my app", "'my app' is not a valid image name: spaces are not allowed"),
        ("", "'' is not a valid image name: it is empty"),
        ("api:1.0", "'api:1.0' is not a valid image name: ':' is not allowed (the tag is set separately, with image_tag)"),
        ("api@sha256", "'api@sha256' is not a valid image name: '@' is not allowed (digests are not part of the name)"),
        ("api!", "'api!' is not a valid image name: '!' is not allowed; use lowercase letters, digits, '.', '_', '-' and '/'"),
        ("/api", "'/api' is not a valid image name: empty path component (leading, trailing or double '/')"),
        ("acme//api", "'acme//api' is not a valid image name: empty path component (leading, trailing or double '/')"),
        ("-api", "'-api' is not a valid image name: '-api' must start with a lowercase letter or digit"),
        ("api_", "'api_' is not a valid image name: 'api_' must end with a lowercase letter or digit"),
        (
            "a___b",
            "'a___b' is not a valid image name: 'a___b' has '___' between letters; only '.', '_', '__' or dashes may separate them",
        ),
        (
            "a.-b",
            "'a.-b' is not a valid image name: 'a.-b' has '.-' between letters; only '.', '_', '__' or dashes may separate them",
        ),
        ("bad_host.io/api", "'bad_host.io/api' is not a valid image name: registry host 'bad_host.io': '_' is not allowed in a host name"),
        ("host.io:http/api", "'host.io:http/api' is not a valid image name: registry host 'host.io:http': port 'http' is not a number from 0 to 65535"),
    ];
    for (name, message) in cases {
        assert_eq!(
            validate_repository(name),
            Err(message.to_string()),
            "{name}"
        );
    }
    assert_eq!(
        validate_repository(&"a".repeat(256)),
        Err(format!(
            "'{}' is not a valid image name: it is longer than 255 characters",
            "a".repeat(256)
        ))
    );
}

#[test]
fn accepts_docker_tags() {
    for tag in ["latest", "1.2.3-aarch64", "_x", "A.b-C_d", &"t".repeat(128)] {
        assert_eq!(validate_tag(tag), Ok(()), "{tag}");
    }
}

#[test]
fn refuses_bad_tags_saying_why() {
    let cases = [
        ("", "'' is not a valid image tag: it is empty"),
        (".x", "'.x' is not a valid image tag: it must not start with '.' or '-'"),
        ("-x", "'-x' is not a valid image tag: it must not start with '.' or '-'"),
        ("a b", "'a b' is not a valid image tag: spaces are not allowed"),
        ("a/b", "'a/b' is not a valid image tag: '/' is not allowed; use letters, digits, '_', '.' and '-'"),
    ];
    for (tag, message) in cases {
        assert_eq!(validate_tag(tag), Err(message.to_string()), "{tag}");
    }
    let long = "t".repeat(129);
    assert_eq!(
        validate_tag(&long),
        Err(format!(
            "'{long}' is not a valid image tag: it is longer than 128 characters"
        ))
    );
}

#[test]
fn image_name_is_the_build_name_unless_set() {
    let mut api = build("api");
    assert_eq!(image_name(&api), "api");
    api.config.image_name = "acme-api".to_string();
    assert_eq!(image_name(&api), "acme-api");
}

#[test]
fn image_paths_per_registry() {
    let mut api = build("api");
    assert_eq!(image_paths(&api), Vec::new(), "no registry: build only");
    api.config.image_registry = vec![
        registry("ghcr.io", "bot", "acme"),
        registry("docker.io", "bot", ""),
        registry("registry.local:5000", "", ""),
        registry("quay.io", "", "acme"),
    ];
    assert_eq!(
        image_paths(&api),
        vec![
            image("ghcr.io", "bot", "ghcr.io/acme/api"),
            image("docker.io", "bot", "docker.io/bot/api"),
            image("registry.local:5000", "", "registry.local:5000/api"),
            image("quay.io", "", "quay.io/acme/api"),
        ]
    );
}

#[test]
fn image_name_with_a_slash_is_the_whole_path() {
    let mut api = build("api");
    api.config.image_name = "team/tools/api".to_string();
    api.config.image_registry = vec![
        registry("ghcr.io", "bot", "acme"),
        registry("docker.io", "bot", ""),
    ];
    assert_eq!(
        image_paths(&api),
        vec![
            image("ghcr.io", "bot", "ghcr.io/team/tools/api"),
            image("docker.io", "bot", "docker.io/team/tools/api")
        ]
    );
}

fn config(image_tag: &str, latest: bool, version_tags: bool, commit: bool) -> BuildConfig {
    BuildConfig {
        image_tag: image_tag.to_string(),
        include_latest_tag: latest,
        include_version_tags: version_tags,
        include_commit_tag: commit,
        ..BuildConfig::default()
    }
}

#[test]
fn tags_of_the_komodo_issue_example() {
    let tags = tags(
        &config("aarch64", true, true, true),
        &Version::new(1, 2, 3),
        Some("a6v8h83"),
    );
    let set: BTreeSet<&str> = tags.iter().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "1.2.3-aarch64",
        "1.2-aarch64",
        "1-aarch64",
        "latest-aarch64",
        "a6v8h83-aarch64",
        "aarch64",
    ]
    .into();
    assert_eq!(set, expected);
    assert_eq!(tags.len(), 6);
}

#[test]
fn tags_come_in_komodo_order() {
    assert_eq!(
        tags(
            &config("aarch64", true, true, true),
            &Version::new(1, 2, 3),
            Some("a6v8h83")
        ),
        [
            "aarch64",
            "latest-aarch64",
            "1.2.3-aarch64",
            "1.2-aarch64",
            "1-aarch64",
            "a6v8h83-aarch64"
        ]
    );
    assert_eq!(
        tags(
            &config("", true, true, true),
            &Version::new(0, 4, 0),
            Some("deadbee")
        ),
        ["latest", "0.4.0", "0.4", "0", "deadbee"]
    );
}

#[test]
fn tags_follow_the_include_flags() {
    let version = Version::new(2, 0, 1);
    assert_eq!(
        tags(&config("", false, true, true), &version, None),
        ["2.0.1", "2.0", "2"]
    );
    assert_eq!(
        tags(&config("", true, false, true), &version, Some("abc1234")),
        ["latest", "abc1234"]
    );
    assert_eq!(
        tags(&config("", true, true, false), &version, Some("abc1234")),
        ["latest", "2.0.1", "2.0", "2"]
    );
    assert_eq!(
        tags(&config("x", false, false, false), &version, Some("abc1234")),
        ["x"]
    );
    assert_eq!(
        tags(&config("", false, false, false), &version, Some("abc1234")),
        Vec::<String>::new()
    );
}

#[test]
fn planned_refs_pair_every_path_with_every_tag() {
    let mut api = build("api");
    api.config.image_registry = vec![
        registry("ghcr.io", "bot", "acme"),
        registry("docker.io", "", ""),
    ];
    let refs = planned_refs(&api, &Version::new(1, 0, 0), Some("abc1234"));
    let all = ["latest", "1.0.0", "1.0", "1", "abc1234"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        refs,
        vec![
            (image("ghcr.io", "bot", "ghcr.io/acme/api"), all.clone()),
            (image("docker.io", "", "docker.io/api"), all)
        ]
    );
    assert_eq!(
        planned_refs(&build("api"), &Version::new(1, 0, 0), None),
        Vec::new()
    );
}
