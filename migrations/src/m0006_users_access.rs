//! Identity and access: `kiln_user` (argon2id password hash in PHC form, admin
//! and disabled flags), `user_session` (keyed by the SHA-256 of the cookie's
//! token, with the CSRF token the session's pages carry), `api_key` (the
//! SHA-256 of the key, a display prefix, an optional level cap and expiry,
//! last use), `user_group` and `group_member`, and `access_grant` (a user or a
//! group has a level on one resource, by id, or on every resource of a
//! kind: `resource_id` NULL). Times are Unix milliseconds.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn id() -> ColumnDef {
    ColumnDef::new(col("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).text().not_null().to_owned()
}

fn short(name: &str) -> ColumnDef {
    ColumnDef::new(col(name))
        .string_len(64)
        .not_null()
        .to_owned()
}

fn number(name: &str) -> ColumnDef {
    ColumnDef::new(col(name))
        .big_integer()
        .not_null()
        .to_owned()
}

fn optional_number(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).big_integer().null().to_owned()
}

fn flag(name: &str) -> ColumnDef {
    ColumnDef::new(col(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("kiln_user"))
                    .if_not_exists()
                    .col(id())
                    .col(short("username").unique_key().to_owned())
                    .col(text("password_hash"))
                    .col(flag("admin"))
                    .col(flag("disabled"))
                    .col(number("created_at_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("user_session"))
                    .if_not_exists()
                    .col(short("token_hash").primary_key().to_owned())
                    .col(number("user_id"))
                    .col(short("csrf_token"))
                    .col(number("created_at_ms"))
                    .col(number("last_seen_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("api_key"))
                    .if_not_exists()
                    .col(id())
                    .col(number("user_id"))
                    .col(text("name"))
                    .col(short("key_hash").unique_key().to_owned())
                    .col(short("prefix"))
                    .col(ColumnDef::new(col("level_cap")).string_len(16).null())
                    .col(number("created_at_ms"))
                    .col(optional_number("expires_at_ms"))
                    .col(optional_number("last_used_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("user_group"))
                    .if_not_exists()
                    .col(id())
                    .col(short("name").unique_key().to_owned())
                    .col(flag("everyone"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("group_member"))
                    .if_not_exists()
                    .col(number("group_id"))
                    .col(number("user_id"))
                    .primary_key(Index::create().col(col("group_id")).col(col("user_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("access_grant"))
                    .if_not_exists()
                    .col(id())
                    .col(ColumnDef::new(col("subject_type")).string_len(8).not_null())
                    .col(number("subject_id"))
                    .col(
                        ColumnDef::new(col("resource_kind"))
                            .string_len(32)
                            .not_null(),
                    )
                    .col(optional_number("resource_id"))
                    .col(ColumnDef::new(col("level")).string_len(16).not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_grant_subject")
                    .table(col("access_grant"))
                    .col(col("subject_type"))
                    .col(col("subject_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_user")
                    .table(col("user_session"))
                    .col(col("user_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "access_grant",
            "group_member",
            "user_group",
            "api_key",
            "user_session",
            "kiln_user",
        ] {
            manager
                .drop_table(Table::drop().table(col(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
