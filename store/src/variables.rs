//! Variables one at a time (the UI's Variables page), each write validated
//! against the whole catalog.

use crate::{Store, StoreError};
use kiln_domain::history::Author;
use kiln_domain::sync::{Change, ChangeAction, ResourceKind};
use kiln_domain::{Secret, Variable};

/// A change to an existing variable; `value: None` keeps the stored value
/// (secret values are write-only in the UI).
#[derive(Clone, Debug)]
pub struct VariableEdit {
    pub description: String,
    pub is_secret: bool,
    pub value: Option<Secret>,
}

impl Store {
    /// Every variable ordered by name, values included (callers hide secrets).
    pub async fn list_variables(&self) -> Result<Vec<Variable>, StoreError> {
        Ok(self.catalog().await?.variables)
    }

    /// Creates a variable after validating the catalog with it.
    pub async fn create_variable(&self, new: Variable, author: &Author) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        if catalog.variables.iter().any(|v| v.name == new.name) {
            return Err(StoreError::AlreadyExists {
                kind: "variable",
                name: new.name.to_string(),
            });
        }
        let name = new.name.to_string();
        catalog.variables.push(new);
        let change = change(name, ChangeAction::Create);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }

    /// Changes a variable's description, secrecy and (when given) value.
    pub async fn update_variable(
        &self,
        name: &str,
        edit: VariableEdit,
        author: &Author,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        let slot = catalog
            .variables
            .iter_mut()
            .find(|v| v.name.as_str() == name)
            .ok_or_else(|| StoreError::NotFound {
                kind: "variable",
                name: name.to_string(),
            })?;
        slot.description = edit.description;
        slot.is_secret = edit.is_secret;
        if let Some(value) = edit.value {
            slot.value = value;
        }
        let change = change(name.to_string(), ChangeAction::Update);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }

    /// Deletes a variable by name.
    pub async fn delete_variable(&self, name: &str, author: &Author) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        catalog.variables.retain(|v| v.name.as_str() != name);
        let change = change(name.to_string(), ChangeAction::Delete);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }
}

fn change(name: String, action: ChangeAction) -> Change {
    Change {
        kind: ResourceKind::Variable,
        name,
        action,
        fields: Vec::new(),
    }
}
