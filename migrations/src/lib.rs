//! Kiln's schema. Every migration is written with sea-query's portable
//! builders so the same files run on SQLite (the default) and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m0001_resources;
mod m0002_runs;
mod m0003_alerters;
mod m0004_ec2_instances;
mod m0005_revisions_history;
mod m0006_users_access;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_resources::Migration),
            Box::new(m0002_runs::Migration),
            Box::new(m0003_alerters::Migration),
            Box::new(m0004_ec2_instances::Migration),
            Box::new(m0005_revisions_history::Migration),
            Box::new(m0006_users_access::Migration),
        ]
    }
}
