//! What the engine refuses before a run, refused at save time with the field
//! named (`kiln_domain::validate_build`); and `validate_change`, which
//! refuses only the problems a write introduces.

use crate::support::{build, repo};
use kiln_domain::image::check_tags;
use kiln_domain::paths::{build_paths, BuildPaths};
use kiln_domain::{
    validate_build, validate_change, Build, BuildConfig, Catalog, ImageRegistry, ValidationError,
};

/// `field: message` of every problem of a build `api` edited by `edit`,
/// alone in a catalog with a repo `mono` (for linked-repo cases).
fn problems(edit: impl FnOnce(&mut BuildConfig)) -> Vec<String> {
    let mut api = build("api");
    edit(&mut api.config);
    let catalog = Catalog {
        builds: vec![api.clone()],
        repos: vec![repo("mono", "acme/mono")],
        ..Catalog::default()
    };
    validate_build(&api, &catalog)
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect()
}

fn no_tags(c: &mut BuildConfig) {
    c.include_latest_tag = false;
    c.include_version_tags = false;
    c.include_commit_tag = false;
}

fn ui(c: &mut BuildConfig) {
    c.dockerfile = "FROM busybox\n".to_string();
}

fn git(c: &mut BuildConfig) {
    c.repo = "acme/api".to_string();
}

const NO_TAGS: &str = "config.include_latest_tag: no tags to apply: turn on include_latest_tag, include_version_tags or include_commit_tag (git builds), or set image_tag";
const COMMIT_ONLY: &str = "config.include_latest_tag: no tags to apply: include_commit_tag tags only git builds (they know their commit); turn on include_latest_tag or include_version_tags, or set image_tag";

type Edit = fn(&mut BuildConfig);

#[test]
fn engine_refusals_are_save_time_errors_naming_the_field() {
    let cases: &[(&str, Edit, &[&str])] = &[
        ("every tag family off (draft)", no_tags, &[NO_TAGS]),
        (
            "every tag family off (git)",
            |c| {
                git(c);
                no_tags(c);
            },
            &[NO_TAGS],
        ),
        (
            "only the commit tag on a UI build",
            |c| {
                ui(c);
                c.include_latest_tag = false;
                c.include_version_tags = false;
            },
            &[COMMIT_ONLY],
        ),
        (
            "only the commit tag on a files-on-host build",
            |c| {
                c.files_on_host = true;
                c.include_latest_tag = false;
                c.include_version_tags = false;
            },
            &[COMMIT_ONLY],
        ),
        (
            "absolute build_path (UI)",
            |c| {
                ui(c);
                c.build_path = "/srv/app".to_string();
            },
            &["config.build_path: '/srv/app' must be relative to the build directory, not absolute"],
        ),
        (
            "'..' in build_path (git)",
            |c| {
                git(c);
                c.build_path = "../elsewhere".to_string();
            },
            &["config.build_path: '../elsewhere' leaves the build directory: '..' is not allowed"],
        ),
        (
            "absolute dockerfile_path (git)",
            |c| {
                git(c);
                c.dockerfile_path = "/etc/passwd".to_string();
            },
            &["config.dockerfile_path: '/etc/passwd' must be relative to the build directory, not absolute"],
        ),
        (
            "'..' in dockerfile_path (linked repo)",
            |c| {
                c.linked_repo = "mono".to_string();
                c.dockerfile_path = "docker/../../Dockerfile".to_string();
            },
            &["config.dockerfile_path: 'docker/../../Dockerfile' leaves the build directory: '..' is not allowed"],
        ),
        (
            "dockerfile_path naming the build directory",
            |c| {
                ui(c);
                c.dockerfile_path = "./".to_string();
            },
            &["config.dockerfile_path: './' names the build directory, not a file: name the Dockerfile, e.g. Dockerfile"],
        ),
        (
            "'..' in pre_build.path (git)",
            |c| {
                git(c);
                c.pre_build.path = "scripts/../../..".to_string();
            },
            &["config.pre_build.path: 'scripts/../../..' leaves the build directory: '..' is not allowed"],
        ),
        (
            "every path wrong at once",
            |c| {
                git(c);
                c.build_path = "/a".to_string();
                c.dockerfile_path = "..".to_string();
                c.pre_build.path = "/b".to_string();
            },
            &[
                "config.build_path: '/a' must be relative to the build directory, not absolute",
                "config.dockerfile_path: '..' leaves the build directory: '..' is not allowed",
                "config.pre_build.path: '/b' must be relative to the build directory, not absolute",
            ],
        ),
        (
            "blank repo",
            |c| c.repo = "   ".to_string(),
            &["config.repo: is blank; name the repository, like owner/name"],
        ),
        (
            "blank git provider",
            |c| {
                git(c);
                c.git_provider = " ".to_string();
            },
            &["config.git_provider: a git source needs a git provider, like github.com"],
        ),
    ];
    for (case, edit, expected) in cases {
        assert_eq!(problems(*edit), *expected, "{case}");
    }
}

#[test]
fn a_registry_path_longer_than_docker_allows_names_the_registry() {
    let name = "a".repeat(250);
    let found = problems(|c| {
        c.image_name = "a".repeat(250);
        c.image_registry = vec![ImageRegistry {
            domain: "ghcr.io".to_string(),
            organization: "acme".to_string(),
            account: String::new(),
        }];
    });
    assert_eq!(
        found,
        [format!(
            "config.image_registry[0].domain: 'ghcr.io/acme/{name}' is not a valid image name: it is longer than 255 characters"
        )]
    );
}

#[test]
fn what_stays_valid() {
    let cases: &[(&str, Edit)] = &[
        ("a new build (name only: the UI's create form)", |_| {}),
        (
            "a draft with no source whose only tag is the commit's",
            |c| {
                c.include_latest_tag = false;
                c.include_version_tags = false;
            },
        ),
        ("a git build whose only tag is the commit's", |c| {
            git(c);
            c.include_latest_tag = false;
            c.include_version_tags = false;
        }),
        ("image_tag alone", |c| {
            ui(c);
            no_tags(c);
            c.image_tag = "edge".to_string();
        }),
        ("files on host with an absolute build_path", |c| {
            c.files_on_host = true;
            c.build_path = "/srv/builds/api".to_string();
            c.pre_build.path = "/srv/builds/api/scripts".to_string();
        }),
        ("relative paths with '.' components", |c| {
            git(c);
            c.build_path = "./services/api/.".to_string();
            c.dockerfile_path = "docker//Dockerfile".to_string();
            c.pre_build.path = "./".to_string();
        }),
        ("a name with '..' inside a component", |c| {
            ui(c);
            c.dockerfile_path = "Dockerfile..prod".to_string();
        }),
    ];
    for (case, edit) in cases {
        assert_eq!(problems(*edit), Vec::<String>::new(), "{case}");
    }
}

#[test]
fn the_engine_and_validation_share_the_checks() {
    let mut config = BuildConfig::default();
    assert_eq!(
        build_paths(&config),
        Ok(BuildPaths {
            build_path: String::new(),
            dockerfile_path: "Dockerfile".to_string(),
            pre_build_path: String::new(),
        })
    );
    config.dockerfile_path = "  ".to_string();
    assert_eq!(
        build_paths(&config).map(|p| p.dockerfile_path),
        Ok("Dockerfile".to_string()),
        "a blank dockerfile_path means Dockerfile, as in the engine"
    );
    config.build_path = "../x".to_string();
    let problems = build_paths(&config).expect_err("refused");
    assert_eq!(
        problems[0].to_string(),
        "build_path '../x' leaves the build directory: '..' is not allowed",
        "the engine's message: the field, then the reason"
    );

    no_tags(&mut config);
    assert!(check_tags(&config, true).is_err());
    config.include_commit_tag = true;
    assert_eq!(check_tags(&config, true), Ok(()));
    assert!(check_tags(&config, false)
        .expect_err("no commit")
        .starts_with("no tags to apply"));
}

fn untagged(name: &str) -> Build {
    let mut b = build(name);
    no_tags(&mut b.config);
    b
}

fn catalog(builds: Vec<Build>) -> Catalog {
    Catalog {
        builds,
        ..Catalog::default()
    }
}

fn lines(result: Result<(), kiln_domain::ValidationErrors>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn validate_change_refuses_only_what_a_write_introduces() {
    let stored = catalog(vec![build("api"), untagged("legacy")]);

    let another = catalog(vec![build("api"), untagged("legacy"), build("web")]);
    assert_eq!(
        lines(validate_change(&stored, &another)),
        Vec::<String>::new()
    );

    let mut edited = untagged("legacy");
    edited.description = "still untagged".to_string();
    let edited = catalog(vec![build("api"), edited]);
    assert_eq!(
        lines(validate_change(&stored, &edited)),
        Vec::<String>::new(),
        "an edit that keeps the old problem (and adds none) is fine"
    );

    let broken = catalog(vec![untagged("api"), untagged("legacy")]);
    assert_eq!(
        lines(validate_change(&stored, &broken)),
        [format!("build 'api': {NO_TAGS}")],
        "only the new problem"
    );

    let mut also_bad_path = untagged("legacy");
    also_bad_path.config.build_path = "/abs".to_string();
    let worse = catalog(vec![build("api"), also_bad_path]);
    assert_eq!(
        lines(validate_change(&stored, &worse)),
        ["build 'legacy': config.build_path: '/abs' must be relative to the build directory, not absolute"],
        "a new problem on the old build"
    );

    let twice = catalog(vec![build("api"), untagged("legacy"), untagged("legacy")]);
    assert_eq!(
        lines(validate_change(&stored, &twice)),
        [
            "build 'legacy': name: another build is also named 'legacy'".to_string(),
            format!("build 'legacy': {NO_TAGS}"),
        ],
        "a second copy of an old problem is new"
    );

    let valid_before = catalog(vec![build("api")]);
    let errors = validate_change(&valid_before, &stored).expect_err("refused");
    assert_eq!(
        errors.0,
        [ValidationError {
            resource: "build 'legacy'".to_string(),
            field: "config.include_latest_tag".to_string(),
            message: NO_TAGS
                .trim_start_matches("config.include_latest_tag: ")
                .to_string(),
        }]
    );
}

#[test]
fn files_on_host_paths_refuse_dot_dot_and_kernel_file_systems_at_save_time() {
    let host = |build_path: &str, dockerfile_path: &str| {
        let mut build = kiln_domain::Build {
            name: kiln_domain::ResourceName::parse("on-host").expect("name"),
            description: String::new(),
            tags: Vec::new(),
            config: kiln_domain::BuildConfig::default(),
        };
        build.config.files_on_host = true;
        build.config.build_path = build_path.to_string();
        build.config.dockerfile_path = dockerfile_path.to_string();
        let catalog = kiln_domain::Catalog {
            builds: vec![build],
            ..kiln_domain::Catalog::default()
        };
        kiln_domain::validate_catalog(&catalog)
            .err()
            .map(|errors| errors.to_string())
            .unwrap_or_default()
    };
    assert_eq!(host("/srv/builds/app", "Dockerfile"), "");
    assert_eq!(host("app", "docker/Dockerfile.prod"), "");
    for (build_path, dockerfile, expected) in [
        (
            "/proc/self",
            "environ",
            "config.build_path: '/proc/self' is in a kernel file system",
        ),
        ("/sys", "Dockerfile", "kernel file system"),
        ("/dev/fd/0", "Dockerfile", "kernel file system"),
        (
            "app/../../etc",
            "Dockerfile",
            "config.build_path: 'app/../../etc' contains '..'",
        ),
        (
            "app",
            "../../etc/shadow",
            "config.dockerfile_path: '../../etc/shadow' leaves the build directory",
        ),
        (
            "app",
            "/etc/shadow",
            "config.dockerfile_path: '/etc/shadow' must be relative",
        ),
    ] {
        let errors = host(build_path, dockerfile);
        assert!(
            errors.contains(expected),
            "{build_path} {dockerfile}: {errors}"
        );
    }
}
