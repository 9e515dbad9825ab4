//! Revisions and the audit trail: every resource row gets a `revision`
//! (1 for rows that existed before, incremented by every write), runs point
//! at their build by id (`build_id`, filled in from `build_name` for
//! existing runs), and the `history` table records each change: resource
//! kind and id, the revision it produced, who, through which door, when
//! (Unix milliseconds) and its field-by-field diff as JSON.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table of a resource kind.
const RESOURCES: [&str; 7] = [
    "build",
    "builder",
    "repo",
    "variable",
    "git_account",
    "registry_account",
    "alerter",
];

fn col(name: &str) -> Alias {
    Alias::new(name)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in RESOURCES {
            manager
                .alter_table(
                    Table::alter()
                        .table(col(table))
                        .add_column(
                            ColumnDef::new(col("revision"))
                                .big_integer()
                                .not_null()
                                .default(1),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(col("run"))
                    .add_column(ColumnDef::new(col("build_id")).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE run SET build_id = (SELECT build.id FROM build WHERE build.name = run.build_name)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_run_build_id")
                    .table(col("run"))
                    .col(col("build_id"))
                    .to_owned(),
            )
            .await?;
        let text = |name: &str| ColumnDef::new(col(name)).text().not_null().to_owned();
        let number = |name: &str| {
            ColumnDef::new(col(name))
                .big_integer()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(col("history"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(col("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(col("kind")).string_len(32).not_null())
                    .col(number("resource_id"))
                    .col(text("name"))
                    .col(number("revision"))
                    .col(ColumnDef::new(col("action")).string_len(16).not_null())
                    .col(text("actor"))
                    .col(ColumnDef::new(col("door")).string_len(16).not_null())
                    .col(number("at_ms"))
                    .col(text("changes"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_history_resource")
                    .table(col("history"))
                    .col(col("kind"))
                    .col(col("resource_id"))
                    .col(col("revision"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(col("history")).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_run_build_id")
                    .table(col("run"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(col("run"))
                    .drop_column(col("build_id"))
                    .to_owned(),
            )
            .await?;
        for table in RESOURCES {
            manager
                .alter_table(
                    Table::alter()
                        .table(col(table))
                        .drop_column(col("revision"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
