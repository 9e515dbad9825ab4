//! The Config tab as data: every group and field of a build's config, in
//! Komodo's grouping. Rendering a table (rather than one view per field)
//! keeps the wasm small: every text field shares one view type.

use crate::pages::build::draft::{lens, Lens};

/// How a field is edited.
pub enum Binding {
    Text(Lens<String>),
    Area(Lens<String>, u32),
    Check(Lens<bool>),
    List(Lens<Vec<String>>),
}

/// One plain field.
pub struct FieldSpec {
    pub id: &'static str,
    pub label: &'static str,
    /// The validation path (`config.image_tag`).
    pub path: &'static str,
    pub hint: &'static str,
    pub placeholder: &'static str,
    /// A `<datalist>` id offering choices.
    pub list: &'static str,
    pub bind: Binding,
}

/// A piece of a group: a field, fields side by side, or a special part.
pub enum Part {
    Field(FieldSpec),
    Row(&'static [FieldSpec]),
    General,
    Builder,
    Timeout,
    SourceKind,
    Version,
    TagPreview,
    Registries,
    WebhookUrls,
    WebhookSecret,
}

pub struct Group {
    pub legend: &'static str,
    pub parts: &'static [Part],
}

const fn text(
    id: &'static str,
    label: &'static str,
    path: &'static str,
    hint: &'static str,
    bind: Binding,
) -> FieldSpec {
    FieldSpec {
        id,
        label,
        path,
        hint,
        placeholder: "",
        list: "",
        bind,
    }
}

const fn check(id: &'static str, label: &'static str, bind: Lens<bool>) -> FieldSpec {
    text(id, label, "", "", Binding::Check(bind))
}

pub static GROUPS: &[Group] = &[
    Group {
        legend: "General",
        parts: &[Part::General],
    },
    Group {
        legend: "Builder",
        parts: &[Part::Builder, Part::Timeout],
    },
    Group {
        legend: "Source",
        parts: &[
            Part::SourceKind,
            Part::Field(check("cfg-files-on-host", "Files on host", lens!(files_on_host))),
            Part::Field(FieldSpec {
                list: "repo-choices",
                ..text(
                    "cfg-linked-repo",
                    "Linked repo",
                    "config.linked_repo",
                    "A Repo resource; overrides the repo fields below.",
                    Binding::Text(lens!(linked_repo)),
                )
            }),
            Part::Row(&[
                text(
                    "cfg-git-provider",
                    "Git provider",
                    "config.git_provider",
                    "",
                    Binding::Text(lens!(git_provider)),
                ),
                check("cfg-git-https", "HTTPS", lens!(git_https)),
            ]),
            Part::Field(FieldSpec {
                list: "git-account-choices",
                ..text(
                    "cfg-git-account",
                    "Git account",
                    "config.git_account",
                    "",
                    Binding::Text(lens!(git_account)),
                )
            }),
            Part::Field(FieldSpec {
                placeholder: "owner/name",
                ..text("cfg-repo", "Repo", "config.repo", "", Binding::Text(lens!(repo)))
            }),
            Part::Row(&[
                text(
                    "cfg-branch",
                    "Branch",
                    "config.branch",
                    "",
                    Binding::Text(lens!(branch)),
                ),
                text(
                    "cfg-commit",
                    "Commit",
                    "config.commit",
                    "Pin a commit; empty builds the branch head.",
                    Binding::Text(lens!(commit)),
                ),
            ]),
            Part::Row(&[
                text(
                    "cfg-build-path",
                    "Build path",
                    "config.build_path",
                    "",
                    Binding::Text(lens!(build_path)),
                ),
                text(
                    "cfg-dockerfile-path",
                    "Dockerfile path",
                    "config.dockerfile_path",
                    "",
                    Binding::Text(lens!(dockerfile_path)),
                ),
            ]),
        ],
    },
    Group {
        legend: "Version",
        parts: &[
            Part::Version,
            Part::Field(check(
                "cfg-auto-increment",
                "Auto-increment: each run builds the next patch version",
                lens!(auto_increment_version),
            )),
        ],
    },
    Group {
        legend: "Image name and tagging",
        parts: &[
            Part::Field(text(
                "cfg-image-name",
                "Image name",
                "config.image_name",
                "Empty uses the build name.",
                Binding::Text(lens!(image_name)),
            )),
            Part::Field(text(
                "cfg-image-tag",
                "Image tag",
                "config.image_tag",
                "Pushed as its own tag and appended to the others (latest-TAG, 1.2.3-TAG).",
                Binding::Text(lens!(image_tag)),
            )),
            Part::Field(check("cfg-latest", "Include latest tag", lens!(include_latest_tag))),
            Part::Field(check(
                "cfg-version-tags",
                "Include version tags (1.2.3, 1.2, 1)",
                lens!(include_version_tags),
            )),
            Part::Field(check(
                "cfg-commit-tag",
                "Include commit tag",
                lens!(include_commit_tag),
            )),
            Part::TagPreview,
        ],
    },
    Group {
        legend: "Registries",
        parts: &[Part::Registries],
    },
    Group {
        legend: "Build args, secret args and labels",
        parts: &[
            Part::Field(text(
                "cfg-build-args",
                "Build args",
                "config.build_args",
                "KEY=value per line; [[VARIABLE]] is replaced by a variable's value.",
                Binding::Area(lens!(build_args), 4),
            )),
            Part::Field(text(
                "cfg-secret-args",
                "Secret args",
                "config.secret_args",
                "Passed as BuildKit secrets. Stored values are never shown: a line left as KEY=<KEY> keeps its value.",
                Binding::Area(lens!(secret_args), 4),
            )),
            Part::Field(check(
                "cfg-skip-secret-interp",
                "Skip secret interpolation",
                lens!(skip_secret_interp),
            )),
            Part::Field(text(
                "cfg-labels",
                "Labels",
                "config.labels",
                "KEY=value per line.",
                Binding::Area(lens!(labels), 4),
            )),
        ],
    },
    Group {
        legend: "Extra args",
        parts: &[
            Part::Field(FieldSpec {
                placeholder: "--platform=linux/amd64",
                ..text(
                    "cfg-extra-args",
                    "Extra arg",
                    "config.extra_args",
                    "",
                    Binding::List(lens!(extra_args)),
                )
            }),
            Part::Field(check("cfg-use-buildx", "Use buildx", lens!(use_buildx))),
        ],
    },
    Group {
        legend: "Pre-build",
        parts: &[
            Part::Field(text(
                "cfg-pre-build-path",
                "Path",
                "config.pre_build.path",
                "",
                Binding::Text(lens!(pre_build.path)),
            )),
            Part::Field(text(
                "cfg-pre-build-command",
                "Command",
                "config.pre_build.command",
                "Lines are joined with && unless shell mode is on.",
                Binding::Area(lens!(pre_build.command), 3),
            )),
            Part::Field(check(
                "cfg-pre-build-shell",
                "Shell mode (run as one script)",
                lens!(pre_build.shell_mode),
            )),
        ],
    },
    Group {
        legend: "Webhook",
        parts: &[
            Part::Field(check(
                "cfg-webhook-enabled",
                "Runs start on pushes to the branch",
                lens!(webhook_enabled),
            )),
            Part::WebhookUrls,
            Part::WebhookSecret,
        ],
    },
    Group {
        legend: "Links",
        parts: &[Part::Field(FieldSpec {
            placeholder: "https://github.com/acme/api",
            ..text(
                "cfg-links",
                "Link",
                "config.links",
                "Shown as quick links in the header, opening in a new tab.",
                Binding::List(lens!(links)),
            )
        })],
    },
];
