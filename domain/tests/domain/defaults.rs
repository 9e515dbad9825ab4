//! Every default of BuildConfig, both from `BuildConfig::default()` and from
//! a `[[build]]` that only has a name.

use crate::support::parsed;
use kiln_domain::{Build, BuildConfig, ImageRegistry};

fn name_only_build() -> Build {
    let file = parsed("[[build]]\nname = \"api\"\n");
    assert_eq!(file.builds.len(), 1);
    file.builds[0].clone()
}

macro_rules! default_is {
    ($($test:ident: $($field:ident).+ == $expected:expr;)*) => {$(
        #[test]
        fn $test() {
            let expected = $expected;
            assert_eq!(BuildConfig::default().$($field).+, expected, "BuildConfig::default()");
            assert_eq!(name_only_build().config.$($field).+, expected, "[[build]] with only a name");
        }
    )*};
}

default_is! {
    builder_is_empty: builder == "";
    version_is_0_0_0: version == kiln_domain::Version::new(0, 0, 0);
    auto_increment_version_is_on: auto_increment_version == true;
    image_name_is_empty: image_name == "";
    image_tag_is_empty: image_tag == "";
    include_latest_tag_is_on: include_latest_tag == true;
    include_version_tags_is_on: include_version_tags == true;
    include_commit_tag_is_on: include_commit_tag == true;
    linked_repo_is_empty: linked_repo == "";
    git_provider_is_github: git_provider == "github.com";
    git_https_is_on: git_https == true;
    git_account_is_empty: git_account == "";
    repo_is_empty: repo == "";
    branch_is_main: branch == "main";
    commit_is_empty: commit == "";
    files_on_host_is_off: files_on_host == false;
    dockerfile_is_empty: dockerfile == "";
    build_path_is_dot: build_path == ".";
    dockerfile_path_is_dockerfile: dockerfile_path == "Dockerfile";
    image_registry_is_empty: image_registry == Vec::<ImageRegistry>::new();
    build_args_is_empty: build_args == "";
    secret_args_is_empty: secret_args == "";
    skip_secret_interp_is_off: skip_secret_interp == false;
    extra_args_is_empty: extra_args == Vec::<String>::new();
    use_buildx_is_off: use_buildx == false;
    pre_build_path_is_dot: pre_build.path == ".";
    pre_build_command_is_empty: pre_build.command == "";
    pre_build_shell_mode_is_off: pre_build.shell_mode == false;
    labels_is_empty: labels == "";
    webhook_enabled_is_on: webhook_enabled == true;
    webhook_secret_is_empty: webhook_secret == "";
    webhook_build_tags_is_off: webhook_build_tags == false;
    webhook_tag_pattern_is_v_star: webhook_tag_pattern == "v*";
    links_is_empty: links == Vec::<String>::new();
    timeout_is_one_hour: timeout_seconds == 3600;
}

#[test]
fn name_only_build_has_no_description_or_tags() {
    let build = name_only_build();
    assert_eq!(build.name.as_str(), "api");
    assert_eq!(build.description, "");
    assert!(build.tags.is_empty());
    assert_eq!(build.config, BuildConfig::default());
}

#[test]
fn empty_config_table_gives_defaults() {
    let file = parsed("[[build]]\nname = \"api\"\n[build.config]\n");
    assert_eq!(file.builds[0].config, BuildConfig::default());
}
