//! EC2 instances launched for runs on Aws builders: recorded right after
//! RunInstances (before any waiting), so a crash cannot lose track of one.

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
        manager
            .create_table(
                Table::create()
                    .table(col("ec2_instance"))
                    .if_not_exists()
                    .col(
                        ColumnDef::new(col("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(col("instance_id"))
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(col("run_id")).big_integer().not_null())
                    .col(ColumnDef::new(col("builder")).string_len(128).not_null())
                    .col(ColumnDef::new(col("region")).string_len(64).not_null())
                    .col(ColumnDef::new(col("state")).string_len(32).not_null())
                    .col(text("last_error"))
                    .col(ColumnDef::new(col("created_at")).big_integer().not_null())
                    .col(ColumnDef::new(col("terminated_at")).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_ec2_instance_state")
                    .table(col("ec2_instance"))
                    .col(col("state"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(col("ec2_instance")).to_owned())
            .await
    }
}
