//! Writes of whole resources inside one connection or transaction. Each
//! write increments the row's `revision` and records a history entry
//! (`history.rs`).

use crate::convert::{Codec, ConfiguredRow};
use crate::history::{identity, record, resource_json, Recorded};
use crate::StoreError;
use kiln_domain::history::{diff, diff_whole, Action, Author, SecretFields};
use kiln_domain::sync::{Change, ChangeAction, ResourceKind};
use kiln_domain::{Catalog, Variable};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// Applies `changes` (from `before` to `target`), taking each created or
/// updated resource from `target`, and records each in the history as
/// `author`'s. An update that changes nothing is skipped. Answers what was
/// recorded, in order.
pub async fn apply_changes(
    conn: &impl ConnectionTrait,
    codec: &Codec,
    before: &Catalog,
    target: &Catalog,
    changes: &[Change],
    author: &Author,
    now: i64,
) -> Result<Vec<Recorded>, StoreError> {
    let mut recorded = Vec::with_capacity(changes.len());
    for change in changes {
        if let Some(done) = apply_change(conn, codec, before, target, change, author, now).await? {
            recorded.push(done);
        }
    }
    Ok(recorded)
}

async fn apply_change(
    conn: &impl ConnectionTrait,
    codec: &Codec,
    before: &Catalog,
    target: &Catalog,
    change: &Change,
    author: &Author,
    now: i64,
) -> Result<Option<Recorded>, StoreError> {
    let name = change.name.as_str();
    let old = resource_json(before, change.kind, name)?;
    let new = resource_json(target, change.kind, name)?;
    let secret_variable = [&old, &new].iter().any(|v| {
        v.as_ref()
            .and_then(|v| v.get("is_secret"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    });
    let secrets = SecretFields::of(change.kind, secret_variable);
    if change.action == ChangeAction::Delete {
        let (id, revision) = identity(conn, change.kind, name).await?;
        delete(conn, change.kind, name).await?;
        let entry = Recorded::new(change.kind, id, name, revision + 1, Action::Delete);
        let fields = diff_whole(old.as_ref(), None, &secrets);
        record(conn, &entry, author, now, &fields).await?;
        return Ok(Some(entry));
    }
    let create = change.action == ChangeAction::Create;
    let fields = match (&old, &new) {
        (Some(old), Some(new)) if !create => diff(old, new, &secrets),
        _ => diff_whole(None, new.as_ref(), &secrets),
    };
    if !create && fields.is_empty() {
        return Ok(None);
    }
    write_row(conn, codec, target, change, create, now).await?;
    let (id, revision) = identity(conn, change.kind, name).await?;
    let action = if create {
        Action::Create
    } else {
        Action::Update
    };
    let entry = Recorded::new(change.kind, id, name, revision, action);
    record(conn, &entry, author, now, &fields).await?;
    Ok(Some(entry))
}

async fn write_row(
    conn: &impl ConnectionTrait,
    codec: &Codec,
    target: &Catalog,
    change: &Change,
    create: bool,
    now: i64,
) -> Result<(), StoreError> {
    let name = change.name.as_str();
    let missing = || StoreError::NotFound {
        kind: change.kind.as_str(),
        name: name.to_string(),
    };
    match change.kind {
        ResourceKind::Build => {
            let b = target
                .builds
                .iter()
                .find(|b| b.name.as_str() == name)
                .ok_or_else(missing)?;
            write_configured(conn, "build", codec.build_row(b)?, create, now).await
        }
        ResourceKind::Builder => {
            let b = target
                .builders
                .iter()
                .find(|b| b.name.as_str() == name)
                .ok_or_else(missing)?;
            write_configured(conn, "builder", codec.builder_row(b)?, create, now).await
        }
        ResourceKind::Repo => {
            let r = target
                .repos
                .iter()
                .find(|r| r.name.as_str() == name)
                .ok_or_else(missing)?;
            write_configured(conn, "repo", codec.repo_row(r)?, create, now).await
        }
        ResourceKind::Alerter => {
            let a = target
                .alerters
                .iter()
                .find(|a| a.name.as_str() == name)
                .ok_or_else(missing)?;
            write_configured(conn, "alerter", codec.alerter_row(a)?, create, now).await
        }
        ResourceKind::Variable => {
            let v = target
                .variables
                .iter()
                .find(|v| v.name.as_str() == name)
                .ok_or_else(missing)?;
            write_variable(conn, v, codec.seal(v.value.expose()), create, now).await
        }
        ResourceKind::GitAccount => {
            let a = target
                .git_accounts
                .iter()
                .find(|a| account_key(&a.domain, &a.username) == name)
                .ok_or_else(missing)?;
            write_account(
                conn,
                "git_account",
                &a.domain,
                &a.username,
                codec.seal(a.token.expose()),
                create,
                now,
            )
            .await
        }
        ResourceKind::RegistryAccount => {
            let a = target
                .registry_accounts
                .iter()
                .find(|a| account_key(&a.domain, &a.username) == name)
                .ok_or_else(missing)?;
            write_account(
                conn,
                "registry_account",
                &a.domain,
                &a.username,
                codec.seal(a.token.expose()),
                create,
                now,
            )
            .await
        }
    }
}

/// How sync names an account: "domain/username".
pub fn account_key(domain: &str, username: &str) -> String {
    format!("{domain}/{username}")
}

pub(crate) fn table_of(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Build => "build",
        ResourceKind::Builder => "builder",
        ResourceKind::Repo => "repo",
        ResourceKind::Variable => "variable",
        ResourceKind::GitAccount => "git_account",
        ResourceKind::RegistryAccount => "registry_account",
        ResourceKind::Alerter => "alerter",
    }
}

pub async fn delete(
    conn: &impl ConnectionTrait,
    kind: ResourceKind,
    name: &str,
) -> Result<(), StoreError> {
    let table = Alias::new(table_of(kind));
    let mut stmt = Query::delete();
    stmt.from_table(table);
    match kind {
        ResourceKind::GitAccount | ResourceKind::RegistryAccount => {
            let (domain, username) = name.split_once('/').unwrap_or((name, ""));
            stmt.and_where(Expr::col(Alias::new("domain")).eq(domain))
                .and_where(Expr::col(Alias::new("username")).eq(username));
        }
        _ => {
            stmt.and_where(Expr::col(Alias::new("name")).eq(name));
        }
    }
    let done = conn.execute(&stmt).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            kind: kind.as_str(),
            name: name.to_string(),
        });
    }
    Ok(())
}

/// Inserts or updates (by name) a build, builder or repo row.
pub async fn write_configured(
    conn: &impl ConnectionTrait,
    table: &'static str,
    row: ConfiguredRow,
    create: bool,
    now: i64,
) -> Result<(), StoreError> {
    let values = [
        ("description", row.description.into()),
        ("tags", row.tags.into()),
        ("config", row.config.into()),
    ];
    upsert_row(
        conn,
        table,
        &[("name", row.name.as_str())],
        values,
        create,
        now,
    )
    .await
}

async fn write_variable(
    conn: &impl ConnectionTrait,
    v: &Variable,
    sealed_value: String,
    create: bool,
    now: i64,
) -> Result<(), StoreError> {
    let values = [
        ("value", sealed_value.into()),
        ("description", v.description.as_str().into()),
        ("is_secret", v.is_secret.into()),
    ];
    let key = [("name", v.name.as_str())];
    upsert_row(conn, "variable", &key, values, create, now).await
}

async fn write_account(
    conn: &impl ConnectionTrait,
    table: &'static str,
    domain: &str,
    username: &str,
    sealed_token: String,
    create: bool,
    now: i64,
) -> Result<(), StoreError> {
    let key = [("domain", domain), ("username", username)];
    upsert_row(
        conn,
        table,
        &key,
        [("token", sealed_token.into())],
        create,
        now,
    )
    .await
}

/// Inserts a row (key columns + values + both timestamps, revision 1) or
/// updates the row matching the key columns (values + `updated_at`,
/// revision + 1).
async fn upsert_row<const N: usize>(
    conn: &impl ConnectionTrait,
    table: &'static str,
    key: &[(&str, &str)],
    values: [(&str, Value); N],
    create: bool,
    now: i64,
) -> Result<(), StoreError> {
    if create {
        let mut columns: Vec<Alias> = key.iter().map(|(c, _)| Alias::new(*c)).collect();
        let mut row: Vec<Expr> = key.iter().map(|(_, v)| (*v).into()).collect();
        for (c, v) in values {
            columns.push(Alias::new(c));
            row.push(v.into());
        }
        columns.extend([
            Alias::new("created_at"),
            Alias::new("updated_at"),
            Alias::new("revision"),
        ]);
        row.extend([now.into(), now.into(), 1i64.into()]);
        let mut stmt = Query::insert();
        stmt.into_table(Alias::new(table))
            .columns(columns)
            .values(row)
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        conn.execute(&stmt).await?;
        return Ok(());
    }
    let mut stmt = Query::update();
    stmt.table(Alias::new(table));
    for (c, v) in values {
        stmt.value(Alias::new(c), v);
    }
    stmt.value(Alias::new("updated_at"), now);
    stmt.value(
        Alias::new("revision"),
        Expr::col(Alias::new("revision")).add(1),
    );
    for (c, v) in key {
        stmt.and_where(Expr::col(Alias::new(*c)).eq(*v));
    }
    let done = conn.execute(&stmt).await?;
    if done.rows_affected() == 0 {
        let name = key.iter().map(|(_, v)| *v).collect::<Vec<_>>().join("/");
        return Err(StoreError::NotFound { kind: table, name });
    }
    Ok(())
}
