//! The configured resources: builds, builders, repos, variables and accounts.
//! Structured config is stored as JSON text (the domain crate owns its shape);
//! times are Unix milliseconds.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables of named resources with description, tags and JSON config.
const CONFIGURED: [&str; 3] = ["build", "builder", "repo"];
/// Tables of credentials, unique per (domain, username).
const ACCOUNTS: [&str; 2] = ["git_account", "registry_account"];

fn ident(name: &str) -> Alias {
    Alias::new(name)
}

fn id() -> ColumnDef {
    ColumnDef::new(ident("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn text(col: &str) -> ColumnDef {
    ColumnDef::new(ident(col)).text().not_null().to_owned()
}

fn name_col() -> ColumnDef {
    ColumnDef::new(ident("name"))
        .string_len(128)
        .not_null()
        .unique_key()
        .to_owned()
}

fn timestamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(ColumnDef::new(ident("created_at")).big_integer().not_null())
        .col(ColumnDef::new(ident("updated_at")).big_integer().not_null())
}

fn configured_table(name: &str) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(ident(name))
        .if_not_exists()
        .col(id())
        .col(name_col())
        .col(text("description"))
        .col(text("tags"))
        .col(text("config"));
    timestamps(&mut table).to_owned()
}

fn account_table(name: &str) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(ident(name))
        .if_not_exists()
        .col(id())
        .col(ColumnDef::new(ident("domain")).string_len(255).not_null())
        .col(ColumnDef::new(ident("username")).string_len(255).not_null())
        .col(text("token"))
        .index(
            Index::create()
                .name(format!("ux_{name}_domain_username"))
                .unique()
                .col(ident("domain"))
                .col(ident("username")),
        );
    timestamps(&mut table).to_owned()
}

fn variable_table() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(ident("variable"))
        .if_not_exists()
        .col(id())
        .col(name_col())
        .col(text("value"))
        .col(text("description"))
        .col(ColumnDef::new(ident("is_secret")).boolean().not_null());
    timestamps(&mut table).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in CONFIGURED {
            manager.create_table(configured_table(name)).await?;
        }
        for name in ACCOUNTS {
            manager.create_table(account_table(name)).await?;
        }
        manager.create_table(variable_table()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let all = CONFIGURED
            .iter()
            .chain(ACCOUNTS.iter())
            .chain(["variable"].iter());
        for name in all {
            manager
                .drop_table(Table::drop().table(ident(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
