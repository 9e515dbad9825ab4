//! Kiln's schema. Every migration is written with sea-query's portable
//! builders so the same files run on SQLite (the default) and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m0001_resources;
mod m0002_runs;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_resources::Migration),
            Box::new(m0002_runs::Migration),
        ]
    }
}
