//! The sandbox of a build's `extra_args` (`kiln_domain::build_args_policy`):
//! every refused flag in every form, every allowed flag, and the refusal
//! at save time with the field and the flag named.

use crate::support::build;
use kiln_domain::build_args_policy::{
    check_extra_args, ArgsPolicy, ExtraArgError, Stage, ALLOWED_FLAGS, REFUSED_FLAGS,
};
use kiln_domain::{
    validate_build, Builder, BuilderConfig, Catalog, LocalBuilderConfig, ResourceName,
    ServerBuilderConfig,
};

const SANDBOX: ArgsPolicy = ArgsPolicy {
    allow_host_network: false,
};

fn entries(args: &[&str]) -> Vec<String> {
    args.iter().map(ToString::to_string).collect()
}

/// The flag named by the refusal of `args`, at run time.
fn refused_flag(args: &[&str], policy: ArgsPolicy, stage: Stage) -> String {
    match check_extra_args(&entries(args), policy, stage) {
        Ok(()) => panic!("{args:?} should be refused"),
        Err(ExtraArgError::Refused { flag, .. }) => flag,
        Err(other) => panic!("{args:?}: {other}"),
    }
}

fn allowed(args: &[&str], policy: ArgsPolicy, stage: Stage) {
    if let Err(error) = check_extra_args(&entries(args), policy, stage) {
        panic!("{args:?} should be allowed: {error}");
    }
}

#[test]
fn every_refused_flag_is_refused_in_every_form() {
    for (long, short, _) in REFUSED_FLAGS {
        let mut forms = vec![
            vec![format!("--{long}"), "x".to_string()],
            vec![format!("--{long}=x")],
            vec![format!("--{long} x")],
            vec![format!("--label a --{long} x")],
        ];
        if let Some(c) = short {
            forms.push(vec![format!("-{c}"), "x".to_string()]);
            forms.push(vec![format!("-{c}x")]);
            forms.push(vec![format!("-{c}=x")]);
            forms.push(vec![format!("-q{c} x")]);
        }
        for form in forms {
            let form: Vec<&str> = form.iter().map(String::as_str).collect();
            for stage in [Stage::Saved, Stage::Interpolated] {
                let flag = refused_flag(&form, SANDBOX, stage);
                let expected_long = format!("--{long}");
                assert!(
                    flag == expected_long || flag.contains(&format!("({expected_long})")),
                    "{form:?} named {flag}, not --{long}"
                );
            }
        }
    }
}

#[test]
fn the_issue_s_escapes_are_refused_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["--output type=local,dest=/etc"], "--output"),
        (&["-o", "type=tar,dest=/tmp/x.tar"], "-o (--output)"),
        (&["--secret id=k,src=/root/.ssh/id_rsa"], "--secret"),
        (&["--secret", "id=k,source=/etc/shadow"], "--secret"),
        (&["--secret id=k,env=HOME"], "--secret"),
        (&["--build-context ctx=/"], "--build-context"),
        (&["--ssh default"], "--ssh"),
        (&["--allow network.host"], "--allow"),
        (&["--allow=security.insecure"], "--allow"),
        (&["--iidfile /tmp/x"], "--iidfile"),
        (&["--metadata-file=/tmp/m.json"], "--metadata-file"),
        (
            &["--cache-to type=local,dest=/var/cache"],
            "--cache-to type=local",
        ),
        (
            &["--cache-from", "type=local,src=/home"],
            "--cache-from type=local",
        ),
        (&["--cache-from type=gha"], "--cache-from type=gha"),
        (&["--cache-to type=s3,region=x"], "--cache-to type=s3"),
        (&["--cache-to mode=max,dest=/x"], "--cache-to"),
        (&["--network host"], "--network host"),
        (&["--network=host"], "--network host"),
        (&["--network", "host"], "--network host"),
        (&["--network container:abc"], "--network"),
        (&["--network my-net"], "--network"),
        (&["--security-opt seccomp=unconfined"], "--security-opt"),
        (&["--cgroup-parent /"], "--cgroup-parent"),
        (&["-f /etc/passwd"], "-f (--file)"),
        (&["--file=/etc/passwd"], "--file"),
        (&["-t victim:latest"], "-t (--tag)"),
        (&["--privileged"], "--privileged"),
        (&["-v /:/host"], "-v"),
        (&["--builder", "privileged-builder"], "--builder"),
        (&["--net=host"], "--net"),
        (&["/etc"], "'/etc'"),
        (&["-"], "'-'"),
        (&["--", "/"], "'--'"),
        (&["--label"], "--label"),
    ];
    for (args, flag) in cases {
        assert_eq!(
            &refused_flag(args, SANDBOX, Stage::Interpolated),
            flag,
            "{args:?}"
        );
        assert_eq!(&refused_flag(args, SANDBOX, Stage::Saved), flag, "{args:?}");
    }
}

#[test]
fn every_allowed_flag_passes_in_every_form() {
    let boolean = [
        "compress",
        "disable-content-trust",
        "force-rm",
        "no-cache",
        "pull",
        "quiet",
        "rm",
        "squash",
    ];
    let sample = |long: &str| match long {
        "network" => "none",
        "cache-from" | "cache-to" => "registry.local/cache:api",
        _ => "x",
    };
    for long in ALLOWED_FLAGS {
        let forms: Vec<Vec<String>> = if boolean.contains(long) {
            vec![
                vec![format!("--{long}")],
                vec![format!("--{long}=true")],
                vec![format!("--{long}"), "--label".into(), "a=b".into()],
            ]
        } else {
            let value = sample(long);
            vec![
                vec![format!("--{long}"), value.to_string()],
                vec![format!("--{long}={value}")],
                vec![format!("--{long} {value}")],
            ]
        };
        for form in forms {
            let form: Vec<&str> = form.iter().map(String::as_str).collect();
            allowed(&form, SANDBOX, Stage::Interpolated);
        }
    }
    for args in [
        &[
            "--network none",
            "--platform linux/amd64",
            "--label a=b",
            "--build-arg X=1",
        ][..],
        &["--target builder --pull --no-cache"],
        &["--network=default"],
        &["-q", "-m", "1g", "-m1g", "-m=1g", "-qm 2g", "-c 512"],
        &[
            "--cache-from type=registry,ref=reg.local/cache",
            "--cache-to type=inline",
        ],
        &["--cache-to", "type=registry,ref=reg.local/cache,mode=max"],
        &["--add-host db:10.0.0.5"],
        &["--label", "--output"],
    ] {
        allowed(args, SANDBOX, Stage::Interpolated);
    }
}

#[test]
fn host_network_passes_only_where_the_builder_allows_it() {
    let open = ArgsPolicy {
        allow_host_network: true,
    };
    for args in [
        &["--network host"][..],
        &["--network=host"],
        &["--network", "host"],
    ] {
        allowed(args, open, Stage::Interpolated);
        assert_eq!(
            refused_flag(args, SANDBOX, Stage::Interpolated),
            "--network host"
        );
    }
    assert_eq!(
        refused_flag(&["--network bridge2"], open, Stage::Interpolated),
        "--network"
    );
}

#[test]
fn placeholders_wait_for_the_run_and_are_judged_then() {
    for args in [
        &["[[EXTRA_ARGS]]"][..],
        &["--network [[NET]]"],
        &["--network=[[NET]]"],
        &["[[FLAG]] value"],
        &["--cache-to [[CACHE]]"],
    ] {
        allowed(args, SANDBOX, Stage::Saved);
    }
    assert_eq!(
        refused_flag(&["[[X]] a /etc"], SANDBOX, Stage::Saved),
        "'/etc'"
    );
    assert_eq!(
        refused_flag(&["[[X]]"], SANDBOX, Stage::Interpolated),
        "'[[X]]'"
    );
    assert_eq!(
        refused_flag(&["[[X]]", "--ssh", "default"], SANDBOX, Stage::Saved),
        "--ssh"
    );
}

#[test]
fn unbalanced_quotes_name_the_entry() {
    let error = check_extra_args(
        &entries(&["--label a", "--label 'b"]),
        SANDBOX,
        Stage::Saved,
    )
    .expect_err("unbalanced");
    assert_eq!(error, ExtraArgError::Unsplittable { entry: 1 });
}

fn builder(name: &str, config: BuilderConfig) -> Builder {
    Builder {
        name: ResourceName::parse(name).expect("name"),
        description: String::new(),
        tags: Vec::new(),
        config,
    }
}

#[test]
fn saving_a_build_refuses_the_flag_in_its_entry() {
    let mut api = build("api");
    api.config.dockerfile = "FROM busybox\n".to_string();
    api.config.extra_args = entries(&["--pull", "--no-cache --output type=local,dest=/"]);
    let catalog = Catalog {
        builds: vec![api.clone()],
        ..Catalog::default()
    };
    let problems: Vec<String> = validate_build(&api, &catalog)
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("config.extra_args[1]: --output is refused: it writes"),
        "{problems:?}"
    );

    // --network host follows the build's builder.
    api.config.extra_args = entries(&["--network", "host"]);
    for (config, refused) in [
        (BuilderConfig::Local(LocalBuilderConfig::default()), true),
        (
            BuilderConfig::Local(LocalBuilderConfig {
                allow_host_network: true,
                ..LocalBuilderConfig::default()
            }),
            false,
        ),
        (
            BuilderConfig::Server(ServerBuilderConfig {
                address: "https://agent:8120".into(),
                allow_host_network: true,
                ..ServerBuilderConfig::default()
            }),
            false,
        ),
    ] {
        api.config.builder = "b1".to_string();
        let catalog = Catalog {
            builds: vec![api.clone()],
            builders: vec![builder("b1", config)],
            ..Catalog::default()
        };
        let problems = validate_build(&api, &catalog);
        assert_eq!(!problems.is_empty(), refused, "{problems:?}");
    }
    api.config.builder = String::new();
    let catalog = Catalog {
        builds: vec![api.clone()],
        ..Catalog::default()
    };
    assert_eq!(
        validate_build(&api, &catalog)[0].message,
        "--network host is refused: RUN steps would share the builder host's network; the builder's allow_host_network setting is off"
    );
}

#[test]
fn builder_host_powers_follow_the_type_and_setting() {
    assert!(!BuilderConfig::Local(LocalBuilderConfig::default()).allows_build_host_powers());
    assert!(!BuilderConfig::Server(ServerBuilderConfig::default()).allows_build_host_powers());
    assert!(BuilderConfig::Aws(kiln_domain::AwsBuilderConfig::default()).allows_build_host_powers());
    assert!(BuilderConfig::Server(ServerBuilderConfig {
        allow_build_host_powers: true,
        ..ServerBuilderConfig::default()
    })
    .allows_build_host_powers());
}
