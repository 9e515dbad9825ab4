use super::toml_text::{string_text, value_text, write_fields};
use crate::alerter::AlerterConfig;
use crate::redact::redact_secret_args;
use crate::{
    Alerter, Build, BuildConfig, Builder, BuilderConfig, Catalog, Repo, RepoConfig, Variable,
};
use serde::Serialize;
use std::fmt::Write;
use toml::{Table, Value};

/// Writes `catalog` as a sync file in Komodo's layout: `[[build]]` with
/// `name`, `description`, `tags` then `[build.config]` holding only the
/// fields that differ from the defaults, `[[builder]]` with `[builder.config]`
/// `type` and `params.*`, `[[variable]]`, `[[repo]]` with `[repo.config]`,
/// `[[git_account]]` and `[[registry_account]]`. Never writes a secret.
pub fn export(catalog: &Catalog) -> String {
    let mut out = String::from(HEADER);
    for variable in &catalog.variables {
        write_variable(&mut out, variable);
    }
    for account in &catalog.git_accounts {
        write_account(&mut out, "git_account", &account.domain, &account.username);
    }
    for account in &catalog.registry_accounts {
        write_account(
            &mut out,
            "registry_account",
            &account.domain,
            &account.username,
        );
    }
    for builder in &catalog.builders {
        write_builder(&mut out, builder);
    }
    for repo in &catalog.repos {
        write_repo(&mut out, repo);
    }
    for build in &catalog.builds {
        write_build(&mut out, build);
    }
    for alerter in &catalog.alerters {
        write_alerter(&mut out, alerter);
    }
    out
}

const HEADER: &str = "\
# Kiln resources, in Komodo's resource-sync layout.
# Secrets are not exported: secret variable values, account tokens, builder
# passkeys, webhook secrets and alerter URLs are left out (syncing this file
# keeps them).
";

fn write_header(out: &mut String, kind: &str, name: &str, description: &str, tags: &[String]) {
    let _ = write!(out, "\n[[{kind}]]\nname = {}\n", string_text(name));
    if !description.is_empty() {
        let _ = writeln!(out, "description = {}", string_text(description));
    }
    if !tags.is_empty() {
        let tags = Value::Array(tags.iter().cloned().map(Value::String).collect());
        let _ = writeln!(out, "tags = {}", value_text(&tags));
    }
}

fn write_variable(out: &mut String, variable: &Variable) {
    let _ = write!(
        out,
        "\n[[variable]]\nname = {}\n",
        string_text(variable.name.as_str())
    );
    if !variable.is_secret {
        let _ = writeln!(out, "value = {}", string_text(variable.value.expose()));
    }
    if !variable.description.is_empty() {
        let _ = writeln!(out, "description = {}", string_text(&variable.description));
    }
    if variable.is_secret {
        out.push_str("is_secret = true\n");
    }
}

fn write_account(out: &mut String, kind: &str, domain: &str, username: &str) {
    let _ = write!(
        out,
        "\n[[{kind}]]\ndomain = {}\nusername = {}\n",
        string_text(domain),
        string_text(username)
    );
}

fn write_builder(out: &mut String, builder: &Builder) {
    write_header(
        out,
        "builder",
        builder.name.as_str(),
        &builder.description,
        &builder.tags,
    );
    let _ = write!(
        out,
        "[builder.config]\ntype = \"{}\"\n",
        builder.config.kind()
    );
    let default = match &builder.config {
        BuilderConfig::Local(_) => BuilderConfig::Local(Default::default()),
        BuilderConfig::Server(_) => BuilderConfig::Server(Default::default()),
        BuilderConfig::Aws(_) => BuilderConfig::Aws(Default::default()),
    };
    match (params_table(&builder.config), params_table(&default)) {
        (Ok(params), Ok(default)) => {
            write_fields(out, "params.", &params, Some(&default), &["passkey"])
        }
        (Err(error), _) | (_, Err(error)) => note_error(out, &error),
    }
}

fn write_repo(out: &mut String, repo: &Repo) {
    write_header(
        out,
        "repo",
        repo.name.as_str(),
        &repo.description,
        &repo.tags,
    );
    write_config(out, "repo", &repo.config, &RepoConfig::default(), &[]);
}

fn write_build(out: &mut String, build: &Build) {
    write_header(
        out,
        "build",
        build.name.as_str(),
        &build.description,
        &build.tags,
    );
    // Secret args as `KEY=<KEY>`: applying the file back keeps the values.
    let config = BuildConfig {
        secret_args: redact_secret_args(&build.config.secret_args),
        ..build.config.clone()
    };
    write_config(
        out,
        "build",
        &config,
        &BuildConfig::default(),
        &["webhook_secret"],
    );
}

/// `[alerter.config]` without the endpoint URL (a secret).
fn write_alerter(out: &mut String, alerter: &Alerter) {
    write_header(
        out,
        "alerter",
        alerter.name.as_str(),
        &alerter.description,
        &alerter.tags,
    );
    match (
        Table::try_from(&alerter.config),
        Table::try_from(AlerterConfig::default()),
    ) {
        (Ok(mut config), Ok(default)) => {
            if let Some(Value::Table(endpoint)) = config.get_mut("endpoint") {
                endpoint.remove("params");
            }
            let mut fields = String::new();
            write_fields(&mut fields, "", &config, Some(&default), &[]);
            if !fields.is_empty() {
                let _ = write!(out, "[alerter.config]\n{fields}");
            }
        }
        (Err(error), _) | (_, Err(error)) => note_error(out, &error),
    }
}

/// `[{kind}.config]` with the fields that differ from `default`; nothing
/// when none do.
fn write_config<T: Serialize>(
    out: &mut String,
    kind: &str,
    config: &T,
    default: &T,
    skip: &[&str],
) {
    match (Table::try_from(config), Table::try_from(default)) {
        (Ok(config), Ok(default)) => {
            let mut fields = String::new();
            write_fields(&mut fields, "", &config, Some(&default), skip);
            if !fields.is_empty() {
                let _ = write!(out, "[{kind}.config]\n{fields}");
            }
        }
        (Err(error), _) | (_, Err(error)) => note_error(out, &error),
    }
}

fn params_table(config: &BuilderConfig) -> Result<Table, toml::ser::Error> {
    let table = Table::try_from(config)?;
    Ok(match table.get("params") {
        Some(Value::Table(params)) => params.clone(),
        _ => Table::new(),
    })
}

/// Serializing Kiln's own types to TOML does not fail; if it ever did, say
/// so in the file rather than dropping fields silently.
fn note_error(out: &mut String, error: &toml::ser::Error) {
    let _ = writeln!(out, "# export error: {error}");
}
