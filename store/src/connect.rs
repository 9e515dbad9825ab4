use crate::convert::Codec;
use crate::{SecretCipher, Store, StoreError};
use kiln_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

impl Store {
    /// Opens (creating if needed) the database at `url` and applies every
    /// pending migration. SQLite files are switched to WAL. Secret columns
    /// are sealed with `cipher`.
    pub async fn connect(url: &str, cipher: SecretCipher) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(url.to_string());
        options
            .max_connections(8)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let db = Database::connect(options)
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        Migrator::up(&db, None).await?;
        Ok(Self {
            db,
            write_lock: Arc::new(Mutex::new(())),
            codec: Codec::new(cipher),
        })
    }

    /// The database backend in use ("sqlite", "postgres").
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => "sqlite",
            DbBackend::Postgres => "postgres",
            DbBackend::MySql => "mysql",
            _ => "other",
        }
    }
}

/// `sqlite://<dir>/kiln.db?mode=rwc`: the default database inside a data dir.
pub fn sqlite_url_in(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("kiln.db").display())
}
