//! Reading resources, and single-resource writes validated against the catalog.

use crate::convert::Codec;
use crate::entity::{alerter, build, builder, git_account, registry_account, repo, variable};
use crate::history::{identity, Identity, Recorded, Revised};
use crate::write::apply_changes;
use crate::{now_millis, Store, StoreError};
use kiln_domain::history::Author;
use kiln_domain::sync::{Change, ChangeAction, ResourceKind};
use kiln_domain::validation::{validate_change_with, ChangeRules};
use kiln_domain::{Build, Builder, Catalog, Version};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

impl Store {
    /// Every resource, each kind ordered by name.
    pub async fn catalog(&self) -> Result<Catalog, StoreError> {
        load_catalog(&self.db, &self.codec).await
    }

    /// All builds ordered by name.
    pub async fn list_builds(&self) -> Result<Vec<Build>, StoreError> {
        build::Entity::find()
            .order_by_asc(build::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| self.codec.build_from(m))
            .collect()
    }

    /// All builds ordered by name, each with its id and revision.
    pub async fn list_builds_revised(&self) -> Result<Vec<Revised<Build>>, StoreError> {
        build::Entity::find()
            .order_by_asc(build::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                let (id, revision) = (m.id, m.revision);
                Ok(Revised {
                    id,
                    revision,
                    value: self.codec.build_from(m)?,
                })
            })
            .collect()
    }

    /// One build by name.
    pub async fn build(&self, name: &str) -> Result<Build, StoreError> {
        build::Entity::find()
            .filter(build::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .map(|m| self.codec.build_from(m))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                kind: "build",
                name: name.to_string(),
            })
    }

    /// One build and its numeric id (the id in webhook URLs), by id when
    /// `key` is all digits and such a build exists, else by name.
    pub async fn build_by_id_or_name(&self, key: &str) -> Result<(i64, Build), StoreError> {
        let by_id = match key.parse::<i64>() {
            Ok(id) if key.bytes().all(|b| b.is_ascii_digit()) => {
                build::Entity::find_by_id(id).one(&self.db).await?
            }
            _ => None,
        };
        let model = match by_id {
            Some(model) => Some(model),
            None => {
                build::Entity::find()
                    .filter(build::Column::Name.eq(key))
                    .one(&self.db)
                    .await?
            }
        };
        let model = model.ok_or_else(|| StoreError::NotFound {
            kind: "build",
            name: key.to_string(),
        })?;
        let id = model.id;
        Ok((id, self.codec.build_from(model)?))
    }

    /// All stored builders ordered by name (the built-in Local one is not stored).
    pub async fn list_builders(&self) -> Result<Vec<Builder>, StoreError> {
        builder::Entity::find()
            .order_by_asc(builder::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| self.codec.builder_from(m))
            .collect()
    }

    /// One build with its id and revision.
    pub async fn build_revised(&self, name: &str) -> Result<Revised<Build>, StoreError> {
        let model = build::Entity::find()
            .filter(build::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                kind: "build",
                name: name.to_string(),
            })?;
        let (id, revision) = (model.id, model.revision);
        Ok(Revised {
            id,
            revision,
            value: self.codec.build_from(model)?,
        })
    }

    /// Creates a build after validating it against every other resource;
    /// answers it with its new id and revision 1.
    pub async fn create_build(
        &self,
        new: Build,
        author: &Author,
    ) -> Result<Revised<Build>, StoreError> {
        let _guard = self.write_lock.lock().await;
        let before = self.catalog().await?;
        if before.builds.iter().any(|b| b.name == new.name) {
            return Err(StoreError::AlreadyExists {
                kind: "build",
                name: new.name.to_string(),
            });
        }
        let mut after = before.clone();
        after.builds.push(new.clone());
        let name = new.name.to_string();
        let recorded = self
            .write_catalog(
                &before,
                &after,
                &[one(ResourceKind::Build, &name, ChangeAction::Create)],
                author,
            )
            .await?;
        let (id, revision) = first(&recorded, ResourceKind::Build, &name)?;
        Ok(Revised {
            id,
            revision,
            value: new,
        })
    }

    /// Replaces a build's config (and description, tags) after validation.
    /// With `expected`, refused as [`StoreError::Stale`] unless the stored
    /// revision is that one.
    pub async fn update_build(
        &self,
        updated: Build,
        expected: Option<i64>,
        author: &Author,
    ) -> Result<Revised<Build>, StoreError> {
        let name = updated.name.to_string();
        let value = updated.clone();
        let identity = self
            .replace(
                ResourceKind::Build,
                &name,
                expected,
                author,
                move |catalog| {
                    if let Some(slot) = catalog.builds.iter_mut().find(|b| b.name == updated.name) {
                        *slot = updated;
                    }
                    Ok(())
                },
            )
            .await?;
        Ok(Revised {
            id: identity.id,
            revision: identity.revision,
            value,
        })
    }

    /// Saves the version a successful run built (a write like any other:
    /// revision + 1 and a history entry as `author`'s).
    pub async fn set_build_version(
        &self,
        name: &str,
        version: Version,
        author: &Author,
    ) -> Result<(), StoreError> {
        self.replace(ResourceKind::Build, name, None, author, move |catalog| {
            if let Some(slot) = catalog.builds.iter_mut().find(|b| b.name.as_str() == name) {
                slot.config.version = version;
            }
            Ok(())
        })
        .await
        .map(|_| ())
    }

    /// Writes one existing resource `kind`/`key` as `edit` leaves it in the
    /// catalog, after validating the change: revision + 1 and a history
    /// entry (nothing at all when `edit` changes nothing). With `expected`,
    /// refused as [`StoreError::Stale`] unless the stored revision is that
    /// one. Answers the resource's id and (new) revision.
    pub async fn replace(
        &self,
        kind: ResourceKind,
        key: &str,
        expected: Option<i64>,
        author: &Author,
        edit: impl FnOnce(&mut Catalog) -> Result<(), StoreError>,
    ) -> Result<Identity, StoreError> {
        self.replace_with(kind, key, expected, author, ChangeRules::default(), edit)
            .await
    }

    /// [`Store::replace`] with the change checked under `rules` (e.g. a
    /// build's version lowered because the user asked for it explicitly).
    pub async fn replace_with(
        &self,
        kind: ResourceKind,
        key: &str,
        expected: Option<i64>,
        author: &Author,
        rules: ChangeRules,
        edit: impl FnOnce(&mut Catalog) -> Result<(), StoreError>,
    ) -> Result<Identity, StoreError> {
        let _guard = self.write_lock.lock().await;
        let (id, current) = identity(&self.db, kind, key).await?;
        if let Some(expected) = expected.filter(|e| *e != current) {
            return Err(StoreError::Stale {
                kind: kind.as_str(),
                name: key.to_string(),
                expected,
                current,
            });
        }
        let before = self.catalog().await?;
        let mut after = before.clone();
        edit(&mut after)?;
        let recorded = self
            .write_catalog_with(
                &before,
                &after,
                &[one(kind, key, ChangeAction::Update)],
                author,
                rules,
            )
            .await?;
        let revision = first(&recorded, kind, key).map_or(current, |(_, r)| r);
        Ok(Identity { id, revision })
    }

    /// Validates the change from `before` to `after` and writes `changes` in
    /// one transaction with their history. The caller holds the write lock.
    pub(crate) async fn write_catalog(
        &self,
        before: &Catalog,
        after: &Catalog,
        changes: &[Change],
        author: &Author,
    ) -> Result<Vec<Recorded>, StoreError> {
        self.write_catalog_with(before, after, changes, author, ChangeRules::default())
            .await
    }

    /// [`Store::write_catalog`] with the change checked under `rules`.
    async fn write_catalog_with(
        &self,
        before: &Catalog,
        after: &Catalog,
        changes: &[Change],
        author: &Author,
        rules: ChangeRules,
    ) -> Result<Vec<Recorded>, StoreError> {
        validate_change_with(before, after, rules)?;
        let txn = self.db.begin().await?;
        let recorded = apply_changes(
            &txn,
            &self.codec,
            before,
            after,
            changes,
            author,
            now_millis(),
        )
        .await?;
        txn.commit().await?;
        Ok(recorded)
    }
}

/// A one-resource change list.
pub(crate) fn one(kind: ResourceKind, name: &str, action: ChangeAction) -> Change {
    Change {
        kind,
        name: name.to_string(),
        action,
        fields: Vec::new(),
    }
}

/// The id and revision a write recorded for `kind`/`name`.
fn first(recorded: &[Recorded], kind: ResourceKind, name: &str) -> Result<(i64, i64), StoreError> {
    recorded
        .iter()
        .find(|r| r.kind == kind && r.name == name)
        .map(|r| (r.id, r.revision))
        .ok_or_else(|| StoreError::NotFound {
            kind: kind.as_str(),
            name: name.to_string(),
        })
}

pub(crate) async fn load_catalog(
    conn: &impl ConnectionTrait,
    codec: &Codec,
) -> Result<Catalog, StoreError> {
    let builds = build::Entity::find()
        .order_by_asc(build::Column::Name)
        .all(conn)
        .await?;
    let builders = builder::Entity::find()
        .order_by_asc(builder::Column::Name)
        .all(conn)
        .await?;
    let repos = repo::Entity::find()
        .order_by_asc(repo::Column::Name)
        .all(conn)
        .await?;
    let variables = variable::Entity::find()
        .order_by_asc(variable::Column::Name)
        .all(conn)
        .await?;
    let git_accounts = git_account::Entity::find()
        .order_by_asc(git_account::Column::Domain)
        .order_by_asc(git_account::Column::Username)
        .all(conn)
        .await?;
    let registry_accounts = registry_account::Entity::find()
        .order_by_asc(registry_account::Column::Domain)
        .order_by_asc(registry_account::Column::Username)
        .all(conn)
        .await?;
    let alerters = alerter::Entity::find()
        .order_by_asc(alerter::Column::Name)
        .all(conn)
        .await?;
    Ok(Catalog {
        builds: builds
            .into_iter()
            .map(|m| codec.build_from(m))
            .collect::<Result<_, _>>()?,
        builders: builders
            .into_iter()
            .map(|m| codec.builder_from(m))
            .collect::<Result<_, _>>()?,
        repos: repos
            .into_iter()
            .map(|m| codec.repo_from(m))
            .collect::<Result<_, _>>()?,
        variables: variables
            .into_iter()
            .map(|m| codec.variable_from(m))
            .collect::<Result<_, _>>()?,
        git_accounts: git_accounts
            .into_iter()
            .map(|m| codec.git_account_from(m))
            .collect::<Result<_, _>>()?,
        registry_accounts: registry_accounts
            .into_iter()
            .map(|m| codec.registry_account_from(m))
            .collect::<Result<_, _>>()?,
        alerters: alerters
            .into_iter()
            .map(|m| codec.alerter_from(m))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    //! A database may hold a build that a newer rule refuses (saved before
    //! the rule existed): writes are refused only for problems they
    //! introduce, so it does not block unrelated writes.

    use super::*;
    use crate::{sqlite_url_in, SecretCipher, StoreError};
    use kiln_domain::sync::parse;
    use kiln_domain::{BuildConfig, ResourceName, Secret, Variable};

    fn build(name: &str) -> Build {
        Build {
            name: ResourceName::parse(name).expect("name"),
            description: String::new(),
            tags: Vec::new(),
            config: BuildConfig::default(),
        }
    }

    /// Every tag family off: refused since tags are checked at save time.
    fn untagged(name: &str) -> Build {
        let mut build = build(name);
        build.config.include_latest_tag = false;
        build.config.include_version_tags = false;
        build.config.include_commit_tag = false;
        build
    }

    /// Writes `build` as an older Kiln would have: without validation.
    async fn write_unchecked(store: &Store, build: &Build) {
        crate::write::write_configured(
            &store.db,
            "build",
            store.codec.build_row(build).expect("row"),
            true,
            crate::now_millis(),
        )
        .await
        .expect("unchecked write");
    }

    fn fields(error: StoreError) -> Vec<String> {
        match error {
            StoreError::Invalid(errors) => errors.0.iter().map(ToString::to_string).collect(),
            StoreError::Sync(kiln_domain::SyncError::Invalid(errors)) => {
                errors.0.iter().map(ToString::to_string).collect()
            }
            other => panic!("expected a validation error, got {other}"),
        }
    }

    #[tokio::test]
    async fn a_stored_invalid_build_blocks_only_writes_that_add_problems() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::connect(&sqlite_url_in(dir.path()), SecretCipher::from_key(&[3; 32]))
            .await
            .expect("store");
        store
            .create_build(build("api"), &Author::system())
            .await
            .expect("api");
        write_unchecked(&store, &untagged("legacy")).await;
        assert!(
            kiln_domain::validate_catalog(&store.catalog().await.expect("catalog")).is_err(),
            "the stored catalog breaks the tag rule"
        );

        store
            .create_build(build("web"), &Author::system())
            .await
            .expect("another build saves");
        store
            .create_variable(
                Variable {
                    name: ResourceName::parse("REGION").expect("name"),
                    value: Secret::new("eu"),
                    description: String::new(),
                    is_secret: false,
                },
                &Author::system(),
            )
            .await
            .expect("a variable saves");
        let mut legacy = untagged("legacy");
        legacy.description = "kept as it was".to_string();
        store
            .update_build(legacy, None, &Author::system())
            .await
            .expect("editing the old build without adding a problem saves");

        let error = store
            .create_build(untagged("new"), &Author::system())
            .await
            .expect_err("a new untagged build is refused");
        let messages = fields(error);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("build 'new': config.include_latest_tag: no tags to apply"),
            "only the new problem is reported: {messages:?}"
        );
        let error = store
            .update_build(untagged("api"), None, &Author::system())
            .await
            .expect_err("turning every tag off on api is refused");
        assert!(
            fields(error)[0].starts_with("build 'api': config.include_latest_tag"),
            "names the field"
        );

        let file = "[[build]]\nname = \"synced\"\n";
        store
            .sync(&parse(file).expect("file"), false, false, &Author::system())
            .await
            .expect("a sync that adds a valid build applies");
        let file = "[[build]]\nname = \"ok\"\n\n[[build]]\nname = \"bad\"\n[build.config]\ninclude_latest_tag = false\ninclude_version_tags = false\ninclude_commit_tag = false\n";
        let error = store
            .sync(&parse(file).expect("file"), false, false, &Author::system())
            .await
            .expect_err("a sync adding an untagged build is refused");
        assert_eq!(fields(error).len(), 1, "the legacy build is not reported");
        let names: Vec<String> = store
            .list_builds()
            .await
            .expect("builds")
            .iter()
            .map(|b| b.name.to_string())
            .collect();
        assert_eq!(
            names,
            ["api", "legacy", "synced", "web"],
            "sync is all or nothing"
        );
    }
}
