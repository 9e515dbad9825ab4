//! Build runs: one row per run, with its stages and pushed images as JSON.
//! Log lines live in files under the data dir (`runs/<id>.log`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |name: &str| ColumnDef::new(col(name)).text().not_null().to_owned();
        let millis = |name: &str| ColumnDef::new(col(name)).big_integer().null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(col("run"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(col("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(col("build_name")).string_len(128).not_null())
                    .col(ColumnDef::new(col("builder")).string_len(128).not_null())
                    .col(text("trigger"))
                    .col(ColumnDef::new(col("status")).string_len(16).not_null())
                    .col(ColumnDef::new(col("version")).string_len(64).not_null())
                    .col(text("commit_sha"))
                    .col(text("short_commit"))
                    .col(text("error"))
                    .col(text("image_id"))
                    .col(ColumnDef::new(col("image_size")).big_integer().not_null())
                    .col(text("pushed"))
                    .col(text("stages"))
                    .col(ColumnDef::new(col("created_at")).big_integer().not_null())
                    .col(millis("started_at"))
                    .col(millis("ended_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_run_build_name")
                    .table(col("run"))
                    .col(col("build_name"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_run_status")
                    .table(col("run"))
                    .col(col("status"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(col("run")).to_owned())
            .await
    }
}
