//! Writes of whole resources inside one connection or transaction.

use crate::convert::{Codec, ConfiguredRow};
use crate::StoreError;
use kiln_domain::sync::{Change, ChangeAction, ResourceKind};
use kiln_domain::{Catalog, Variable};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// Applies `changes`, taking each created or updated resource from `target`.
pub async fn apply_changes(
    conn: &impl ConnectionTrait,
    codec: &Codec,
    target: &Catalog,
    changes: &[Change],
    now: i64,
) -> Result<(), StoreError> {
    for change in changes {
        apply_change(conn, codec, target, change, now).await?;
    }
    Ok(())
}

async fn apply_change(
    conn: &impl ConnectionTrait,
    codec: &Codec,
    target: &Catalog,
    change: &Change,
    now: i64,
) -> Result<(), StoreError> {
    let name = change.name.as_str();
    let missing = || StoreError::NotFound {
        kind: change.kind.as_str(),
        name: name.to_string(),
    };
    if change.action == ChangeAction::Delete {
        return delete(conn, change.kind, name).await;
    }
    let create = change.action == ChangeAction::Create;
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

fn table_of(kind: ResourceKind) -> &'static str {
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

/// Inserts a row (key columns + values + both timestamps) or updates the row
/// matching the key columns (values + `updated_at`).
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
        columns.extend([Alias::new("created_at"), Alias::new("updated_at")]);
        row.extend([now.into(), now.into()]);
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
