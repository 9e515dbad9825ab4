//! Which `docker build` flags a build's `extra_args` may hold: the build
//! sandbox.
//!
//! A build's `extra_args` are appended to the `docker build` (or `docker
//! buildx build`) command Kiln runs on the builder host, with the builder's
//! authority. Many flags of that command read or write files of the builder
//! host, or widen what RUN steps may do, so a build could use them to leave
//! its sandbox. This module decides, word by word, what the engine would
//! pass, and refuses everything else, naming the flag.
//!
//! # Policy: an allow-list
//!
//! Only the flags in [`ALLOWED_FLAGS`] pass; every other flag is refused as
//! unknown. A deny-list would let through every flag a future docker or
//! buildx adds (buildx has added `--allow`, `--build-context`, `--call`,
//! `--metadata-file` and more over time, several of which touch the host),
//! and a word the list forgot is a hole; with an allow-list a forgotten
//! safe flag is only a clear refusal an admin can report. The allowed flags
//! cover what builds use: `--network none`, `--platform`, `--label`,
//! `--build-arg`, `--target`, `--pull`, `--no-cache`, cache import and
//! export through a registry, and the resource limits of the classic
//! builder.
//!
//! Refused on purpose, with the reason shown to the user ([`REFUSED_FLAGS`]):
//!
//! | flag | why |
//! |---|---|
//! | `-o`, `--output` (any form, `type=local,dest=…`, `type=tar`) | writes the result to a path of the builder host |
//! | `--push`, `--load` | Kiln loads and pushes the image itself, with the build's accounts |
//! | `--secret` (every form, also `id=…,env=…`) | `src=`/`source=` read host files, `env=` reads the CLI's environment, and `id=X` alone reads a file or variable named `X`; `secret_args` is the way to give a build a secret |
//! | `--ssh` | exposes the host's SSH agent or keys |
//! | `--build-context` | reads host directories (or other images) as extra contexts |
//! | `--allow` | grants entitlements: host network, `security.insecure`, devices |
//! | `--iidfile`, `--metadata-file` | write files on the builder host (Kiln sets its own `--iidfile`) |
//! | `-f`, `--file` | reads a Dockerfile from any host path; use `dockerfile_path` |
//! | `-t`, `--tag` | tags images on the host's engine, where other builds' images live; Kiln tags |
//! | `--security-opt` | changes RUN steps' seccomp/AppArmor profile |
//! | `--cgroup-parent` | puts RUN steps in a cgroup of the host |
//! | `--ulimit` | raises limits the builder host sets for RUN steps |
//! | `--isolation` | changes the container isolation technology |
//! | `--builder` | picks another BuildKit instance (possibly privileged, or remote) |
//! | `--progress` | Kiln reads the log in `plain` progress |
//! | `--call`, `--check`, `--print` | change what the build produces (no image) |
//!
//! Value checks of allowed flags:
//! - `--network`: `default` and `none`; `host` only when the builder allows
//!   it ([`ArgsPolicy::allow_host_network`]); any other value (a named
//!   network, `container:<id>`) is refused: it would join RUN steps to
//!   networks of the host's other containers.
//! - `--cache-from`: an image reference or `type=registry,…`; `--cache-to`:
//!   also `type=inline`. `type=local` reads or writes host paths, and
//!   `type=gha`/`s3`/`azblob` read credentials from the host's environment
//!   or files.
//! - `--add-host` is allowed: it only names addresses RUN steps could
//!   reach anyway.
//!
//! Words are read as docker's flag parser (pflag) reads them: `--flag
//! value` and `--flag=value`; short flags `-q`, `-m 1g`, `-m1g`, `-m=1g`
//! and combined ones (`-qo x`); a value flag takes the next word whatever
//! it is. A word that is not a flag (it would be a second build context, or
//! `-` for standard input) and `--` (everything after it would be) are
//! refused.
//!
//! Builder-level `extra_args` are the builder admin's and are not checked;
//! the engine puts them after the build's so a build cannot override them.
//!
//! Save time and run time: the entries are split like a shell (several
//! flags may share one entry, as in Komodo, and a flag may take its value
//! from the next entry). When a build is saved a word holding `[[NAME]]`
//! cannot be judged yet and is skipped ([`Stage::Saved`]); the engine
//! checks the interpolated words again before every run
//! ([`Stage::Interpolated`]), where nothing is skipped.

use std::fmt;

/// What the builder allows beyond the sandbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArgsPolicy {
    /// `--network host` (the builder's `allow_host_network`).
    pub allow_host_network: bool,
}

/// When the words are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// As saved: words holding `[[NAME]]` are not judged yet.
    Saved,
    /// After interpolation, before a run: every word is judged.
    Interpolated,
}

/// Why a build's `extra_args` are refused. Messages name the flag, never
/// a value (values may come from secret variables at run time).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtraArgError {
    /// The entry cannot be split like a shell would.
    #[error("cannot split into words (unbalanced quotes?)")]
    Unsplittable {
        /// Index of the entry in `extra_args`.
        entry: usize,
    },
    /// A flag (or a word) that leaves the sandbox or is not known.
    #[error("{flag} is refused: {reason}")]
    Refused {
        /// Index of the entry in `extra_args` where the flag stands.
        entry: usize,
        /// The flag as docker knows it, like `--output` or `-o`; for a
        /// word that is not a flag, the word itself in quotes.
        flag: String,
        /// Why, in a sentence.
        reason: String,
    },
}

impl ExtraArgError {
    /// Index of the entry of `extra_args` at fault.
    pub fn entry(&self) -> usize {
        match self {
            Self::Unsplittable { entry } | Self::Refused { entry, .. } => *entry,
        }
    }
}

/// How an allowed flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    /// A boolean: no value, or `=true`/`=false`.
    None,
    /// Any value.
    Any,
    /// `default`, `none`, or `host` when allowed.
    Network,
    /// An image reference or `type=registry`.
    CacheFrom,
    /// An image reference, `type=registry` or `type=inline`.
    CacheTo,
}

/// One allowed flag: long name, shorthand, value.
struct Flag {
    long: &'static str,
    short: Option<char>,
    value: Value,
}

const fn flag(long: &'static str, short: Option<char>, value: Value) -> Flag {
    Flag { long, short, value }
}

/// The flags a build's `extra_args` may use (long names, without `--`).
pub const ALLOWED_FLAGS: &[&str] = &[
    "add-host",
    "annotation",
    "build-arg",
    "cache-from",
    "cache-to",
    "compress",
    "cpu-period",
    "cpu-quota",
    "cpu-shares",
    "cpuset-cpus",
    "cpuset-mems",
    "disable-content-trust",
    "force-rm",
    "label",
    "memory",
    "memory-swap",
    "network",
    "no-cache",
    "no-cache-filter",
    "platform",
    "pull",
    "quiet",
    "rm",
    "shm-size",
    "squash",
    "target",
];

const FLAGS: &[Flag] = &[
    flag("add-host", None, Value::Any),
    flag("annotation", None, Value::Any),
    flag("build-arg", None, Value::Any),
    flag("cache-from", None, Value::CacheFrom),
    flag("cache-to", None, Value::CacheTo),
    flag("compress", None, Value::None),
    flag("cpu-period", None, Value::Any),
    flag("cpu-quota", None, Value::Any),
    flag("cpu-shares", Some('c'), Value::Any),
    flag("cpuset-cpus", None, Value::Any),
    flag("cpuset-mems", None, Value::Any),
    flag("disable-content-trust", None, Value::None),
    flag("force-rm", None, Value::None),
    flag("label", None, Value::Any),
    flag("memory", Some('m'), Value::Any),
    flag("memory-swap", None, Value::Any),
    flag("network", None, Value::Network),
    flag("no-cache", None, Value::None),
    flag("no-cache-filter", None, Value::Any),
    flag("platform", None, Value::Any),
    flag("pull", None, Value::None),
    flag("quiet", Some('q'), Value::None),
    flag("rm", None, Value::None),
    flag("shm-size", None, Value::Any),
    flag("squash", None, Value::None),
    flag("target", None, Value::Any),
];

/// Flags refused on purpose: long name, shorthand, why.
pub const REFUSED_FLAGS: &[(&str, Option<char>, &str)] = &[
    ("output", Some('o'), "it writes the build's result to a path on the builder host; Kiln loads and pushes the image itself"),
    ("push", None, "Kiln pushes the image itself, with the build's registry accounts"),
    ("load", None, "Kiln loads the image itself"),
    ("secret", None, "it reads files or environment variables of the builder host; give the build secrets with secret_args"),
    ("ssh", None, "it exposes the builder host's SSH agent or keys to the build"),
    ("build-context", None, "it reads directories of the builder host as extra build contexts"),
    ("allow", None, "it grants entitlements (host network, insecure security mode, devices)"),
    ("iidfile", None, "it writes a file on the builder host; Kiln sets its own"),
    ("metadata-file", None, "it writes a file on the builder host"),
    ("file", Some('f'), "it reads a Dockerfile from any path of the builder host; use dockerfile_path"),
    ("tag", Some('t'), "it tags images on the builder host's engine; Kiln tags the image (image_tag, image_registry)"),
    ("security-opt", None, "it changes the security profile (seccomp, AppArmor) of RUN steps"),
    ("cgroup-parent", None, "it puts RUN steps in a cgroup of the builder host"),
    ("ulimit", None, "it raises limits the builder host sets for RUN steps"),
    ("isolation", None, "it changes the container isolation of RUN steps"),
    ("builder", None, "it picks another BuildKit instance than the builder's"),
    ("progress", None, "Kiln reads the build's log in plain progress"),
    ("call", None, "it changes what the build produces (no image)"),
    ("check", None, "it changes what the build produces (no image)"),
    ("print", None, "it changes what the build produces (no image)"),
];

/// Checks a build's `extra_args` entries (split like a shell, several
/// flags to an entry or a flag's value in the next entry) against the
/// sandbox; the first refusal, or `Ok`.
///
/// Errors: [`ExtraArgError::Unsplittable`] for unbalanced quotes,
/// [`ExtraArgError::Refused`] naming the first flag or word refused.
pub fn check_extra_args(
    entries: &[String],
    policy: ArgsPolicy,
    stage: Stage,
) -> Result<(), ExtraArgError> {
    let mut words: Vec<(usize, String)> = Vec::new();
    for (entry, text) in entries.iter().enumerate() {
        let split = shlex::split(text).ok_or(ExtraArgError::Unsplittable { entry })?;
        words.extend(split.into_iter().map(|w| (entry, w)));
    }
    Checker {
        words: &words,
        policy,
        stage,
        next: 0,
    }
    .run()
}

struct Checker<'a> {
    words: &'a [(usize, String)],
    policy: ArgsPolicy,
    stage: Stage,
    next: usize,
}

fn refuse(entry: usize, flag: impl fmt::Display, reason: impl Into<String>) -> ExtraArgError {
    ExtraArgError::Refused {
        entry,
        flag: flag.to_string(),
        reason: reason.into(),
    }
}

impl Checker<'_> {
    fn deferred(&self, word: &str) -> bool {
        self.stage == Stage::Saved && word.contains("[[")
    }

    fn run(mut self) -> Result<(), ExtraArgError> {
        while let Some((entry, word)) = self.words.get(self.next).cloned() {
            self.next += 1;
            if self.deferred(&word) && !word.starts_with('-') {
                // `[[EXTRA]]`: maybe flags, judged after interpolation; a
                // following plain word may be a value of them.
                if let Some((_, following)) = self.words.get(self.next) {
                    if !following.starts_with('-') {
                        self.next += 1;
                    }
                }
                continue;
            }
            if word == "--" {
                return Err(refuse(
                    entry,
                    "'--'",
                    "it ends the flags, and what follows would be read as the build context; extra_args hold only flags",
                ));
            }
            if let Some(long) = word.strip_prefix("--") {
                self.long(entry, long)?;
            } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
                self.shorts(entry, shorts)?;
            } else {
                return Err(refuse(
                    entry,
                    format!("'{word}'"),
                    "it is not a flag (it would be read as a second build context); extra_args hold only docker build flags",
                ));
            }
        }
        Ok(())
    }

    fn long(&mut self, entry: usize, long: &str) -> Result<(), ExtraArgError> {
        let (name, inline) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (long, None),
        };
        if self.deferred(name) {
            return Ok(());
        }
        let shown = format!("--{name}");
        if let Some((_, _, reason)) = REFUSED_FLAGS.iter().find(|(l, _, _)| *l == name) {
            return Err(refuse(entry, shown, *reason));
        }
        let Some(flag) = FLAGS.iter().find(|f| f.long == name) else {
            return Err(unknown(entry, &shown));
        };
        self.value_of(entry, &shown, flag.value, inline)
    }

    /// `-q`, `-m1g`, `-m=1g`, `-m 1g`, `-qm 1g`: pflag's shorthand rules.
    fn shorts(&mut self, entry: usize, shorts: &str) -> Result<(), ExtraArgError> {
        for (at, c) in shorts.char_indices() {
            let shown = format!("-{c}");
            if let Some((long, _, reason)) = REFUSED_FLAGS.iter().find(|(_, s, _)| *s == Some(c)) {
                return Err(refuse(entry, format!("{shown} (--{long})"), *reason));
            }
            let Some(flag) = FLAGS.iter().find(|f| f.short == Some(c)) else {
                if self.deferred(shorts) {
                    return Ok(());
                }
                return Err(unknown(entry, &shown));
            };
            if flag.value == Value::None {
                continue;
            }
            let rest = &shorts[at + c.len_utf8()..];
            let inline =
                (!rest.is_empty()).then(|| rest.strip_prefix('=').unwrap_or(rest).to_string());
            return self.value_of(
                entry,
                &format!("{shown} (--{})", flag.long),
                flag.value,
                inline,
            );
        }
        Ok(())
    }

    fn value_of(
        &mut self,
        entry: usize,
        shown: &str,
        kind: Value,
        inline: Option<String>,
    ) -> Result<(), ExtraArgError> {
        if kind == Value::None {
            return Ok(());
        }
        let value = match inline {
            Some(value) => value,
            None => match self.words.get(self.next) {
                Some((_, value)) => {
                    self.next += 1;
                    value.clone()
                }
                None => return Err(refuse(entry, shown, "it needs a value")),
            },
        };
        if self.deferred(&value) {
            return Ok(());
        }
        match kind {
            Value::None | Value::Any => Ok(()),
            Value::Network => self.network(entry, shown, &value),
            Value::CacheFrom => cache(entry, shown, &value, &["registry"]),
            Value::CacheTo => cache(entry, shown, &value, &["registry", "inline"]),
        }
    }

    fn network(&self, entry: usize, shown: &str, value: &str) -> Result<(), ExtraArgError> {
        match value {
            "default" | "none" => Ok(()),
            "host" if self.policy.allow_host_network => Ok(()),
            "host" => Err(refuse(
                entry,
                format!("{shown} host"),
                "RUN steps would share the builder host's network; the builder's allow_host_network setting is off",
            )),
            _ => Err(refuse(
                entry,
                shown,
                "only the networks default and none (and host where the builder allows it) are accepted; another network would join RUN steps to the host's containers",
            )),
        }
    }
}

fn unknown(entry: usize, shown: &str) -> ExtraArgError {
    refuse(
        entry,
        shown,
        format!(
            "it is not one of the docker build flags Kiln allows in extra_args (--{})",
            ALLOWED_FLAGS.join(", --")
        ),
    )
}

/// `--cache-from`/`--cache-to`: a plain image reference, or CSV attributes
/// whose `type` is one of `types`.
fn cache(entry: usize, shown: &str, value: &str, types: &[&str]) -> Result<(), ExtraArgError> {
    if !value.contains('=') {
        return Ok(());
    }
    let kind = value
        .split(',')
        .filter_map(|field| field.trim().split_once('='))
        .find(|(key, _)| key.trim().trim_matches('"') == "type")
        .map(|(_, kind)| kind.trim().trim_matches('"'));
    match kind {
        Some(kind) if types.contains(&kind) => Ok(()),
        Some(kind @ ("local" | "gha" | "s3" | "azblob")) => Err(refuse(
            entry,
            format!("{shown} type={kind}"),
            "it reads or writes paths or credentials of the builder host; use type=registry",
        )),
        _ => Err(refuse(
            entry,
            shown,
            format!(
                "only an image reference or type={} is accepted",
                types.join(" or type=")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_allow_list_is_the_table() {
        let table: Vec<&str> = FLAGS.iter().map(|f| f.long).collect();
        assert_eq!(table, ALLOWED_FLAGS);
        for (long, _, _) in REFUSED_FLAGS {
            assert!(
                !ALLOWED_FLAGS.contains(long),
                "{long} is both allowed and refused"
            );
        }
    }
}
