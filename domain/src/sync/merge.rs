//! Merging the resources of one kind and recording the changes.

use super::diff::changed_fields;
use super::{Change, ChangeAction, ResourceKind};
use serde::Serialize;

pub(super) struct Merger<'a> {
    delete: bool,
    changes: &'a mut Vec<Change>,
}

impl<'a> Merger<'a> {
    /// With `delete`, current resources absent from the file are deleted.
    pub fn new(delete: bool, changes: &'a mut Vec<Change>) -> Self {
        Self { delete, changes }
    }

    /// The resulting resources of `kind`: the current ones in their order
    /// (replaced by the incoming one with the same key, kept, or deleted),
    /// then the new ones in file order. Unchanged resources record nothing.
    pub fn merge<T: Clone + PartialEq + Serialize>(
        &mut self,
        kind: ResourceKind,
        current: &[T],
        incoming: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> Vec<T> {
        let mut incoming: Vec<Option<T>> = incoming.into_iter().map(Some).collect();
        let mut target = Vec::new();
        for old in current {
            let name = key(old);
            let found = incoming
                .iter_mut()
                .find(|slot| slot.as_ref().is_some_and(|new| key(new) == name));
            match found.and_then(Option::take) {
                Some(new) => {
                    if new != *old {
                        let fields = changed_fields(old, &new);
                        self.record(kind, name, ChangeAction::Update, fields);
                    }
                    target.push(new);
                }
                None if self.delete => self.record(kind, name, ChangeAction::Delete, Vec::new()),
                None => target.push(old.clone()),
            }
        }
        for new in incoming.into_iter().flatten() {
            self.record(kind, key(&new), ChangeAction::Create, Vec::new());
            target.push(new);
        }
        target
    }

    fn record(
        &mut self,
        kind: ResourceKind,
        name: String,
        action: ChangeAction,
        fields: Vec<String>,
    ) {
        self.changes.push(Change {
            kind,
            name,
            action,
            fields,
        });
    }
}
