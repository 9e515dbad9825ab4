//! Alerters: named resources like builds, with description, tags and the
//! JSON config (sealed by the store: it holds the endpoint URL, a secret).

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
        let millis = |name: &str| {
            ColumnDef::new(col(name))
                .big_integer()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(col("alerter"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(col("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(col("name"))
                            .string_len(128)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text("description"))
                    .col(text("tags"))
                    .col(text("config"))
                    .col(millis("created_at"))
                    .col(millis("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(col("alerter")).to_owned())
            .await
    }
}
