//! The façade: [`Kiln`], built once at start-up and shared by every door.

use crate::alerts::{Alerts, RetryPolicy};
use crate::auth::{AuthSettings, AuthState};
use crate::aws::{Ec2Builders, Ec2Settings};
use crate::health::HealthBoard;
use crate::runs::{RunManager, RunSettings};
use anyhow::Context;
use kiln_domain::Secret;
use kiln_store::{SecretCipher, Store};
use std::path::PathBuf;
use std::sync::Arc;

/// What the core needs at start-up (from the server's configuration).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the secret key, the installation id and (by default) the
    /// database live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: Secret,
    /// Run directories and the Local builder's Docker host.
    pub runs: RunSettings,
    /// How EC2 builders reach AWS and how long they wait.
    pub ec2: Ec2Settings,
    /// Where EC2 instances reach this server (`[[KILN_URL]]`).
    pub kiln_url: String,
    /// How alerts are retried.
    pub alert_retries: RetryPolicy,
    /// Session expiry and login limits.
    pub auth: AuthSettings,
}

/// Kiln's application core: every operation of every front door, one
/// method each (see the crate docs). Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Kiln {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) runs: RunManager,
    pub(crate) health: HealthBoard,
    pub(crate) auth: AuthState,
}

impl std::fmt::Debug for Kiln {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kiln")
            .field("store", &self.inner.store)
            .field("health", &self.inner.health)
            .finish_non_exhaustive()
    }
}

/// Creates the data dir and the secret key when missing, and opens the
/// database (migrating it).
async fn open_store(data_dir: &std::path::Path, database_url: &Secret) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data dir {}", data_dir.display()))?;
    let cipher = SecretCipher::load_or_create(&data_dir.join("secret.key"))
        .context("loading the secret key")?;
    Store::connect(database_url.expose(), cipher)
        .await
        .context("opening the database (KILN_DATABASE_URL)")
}

impl Kiln {
    /// Opens the store (creating the data dir and the secret key when
    /// missing), marks runs left live by a restart as failed, and starts the
    /// background work: alerts on finished runs, builder health checks (the
    /// first round before this returns) and the EC2 orphan sweep.
    pub async fn start(settings: Settings) -> anyhow::Result<Self> {
        let Settings {
            data_dir,
            database_url,
            runs,
            ec2,
            kiln_url,
            alert_retries,
            auth,
        } = settings;
        let store = open_store(&data_dir, &database_url).await?;
        let interrupted = store
            .interrupt_live_runs()
            .await
            .context("closing runs left by a restart")?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "runs left live by a restart were marked failed"
            );
        }
        let installation = crate::aws::load_installation_id(&data_dir)?;
        let ec2 = Ec2Builders::new(ec2, store.clone(), installation, kiln_url);
        let outbound = runs.outbound;
        let run_manager = RunManager::new(store.clone(), runs, Some(ec2.clone()));
        let alerts = Alerts::new(store.clone(), alert_retries, outbound)
            .context("creating the alerts' HTTP client")?;
        run_manager.observe(Arc::new(alerts));
        let health = HealthBoard::default();
        crate::health::start(health.clone(), store.clone(), outbound).await;
        crate::aws::sweep::start(ec2);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                runs: run_manager,
                health,
                auth: AuthState::new(auth),
            }),
        })
    }

    /// Opens the store for an admin command on the server host (`kiln user
    /// create`, `kiln api-key create`): no background work, no run is
    /// touched. The command acts as [`crate::Actor::System`].
    pub async fn open(settings: Settings) -> anyhow::Result<Self> {
        let Settings {
            data_dir,
            database_url,
            runs,
            ec2,
            kiln_url,
            auth,
            ..
        } = settings;
        let store = open_store(&data_dir, &database_url).await?;
        let installation = crate::aws::load_installation_id(&data_dir)?;
        let ec2 = Ec2Builders::new(ec2, store.clone(), installation, kiln_url);
        let run_manager = RunManager::new(store.clone(), runs, Some(ec2));
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                runs: run_manager,
                health: HealthBoard::default(),
                auth: AuthState::new(auth),
            }),
        })
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn runs(&self) -> &RunManager {
        &self.inner.runs
    }
}
