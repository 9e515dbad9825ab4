//! The build being edited: the build at the revision the edits started
//! from, the draft, the server's validation of the draft, and the draft
//! kept in localStorage (with its revision) so unsaved changes survive a
//! reload. A save sends only the fields the draft changed, with that
//! revision (`patch.rs`); a conflict is shown with reload and re-apply.

use super::patch::{apply_changes, changes, Changes};
use crate::api::{check_build, error_text, patch_build};
use crate::browser::{draft_clear, draft_load, draft_save};
use crate::components::parse_json;
use kiln_api::{FieldConflict, SaveAnswer};
use kiln_domain::{Build, BuildConfig, ValidationError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One field of a build's config: how to read and write it.
pub struct Lens<T: 'static> {
    pub get: fn(&BuildConfig) -> T,
    pub set: fn(&mut BuildConfig, T),
}

impl<T> Clone for Lens<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Lens<T> {}

/// `lens!(image_tag)` or `lens!(pre_build.command)`: a [`Lens`] on that field.
macro_rules! lens {
    ($($field:ident).+) => {
        $crate::pages::build::draft::Lens {
            get: |c: &kiln_domain::BuildConfig| c.$($field).+.clone(),
            set: |c: &mut kiln_domain::BuildConfig, v| c.$($field).+ = v,
        }
    };
}
pub(crate) use lens;

/// What the last save did, for the save bar.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Idle,
    Saving,
    Saved,
    Invalid(usize),
    Failed(String),
    /// Someone else changed fields this draft changes.
    Conflicted,
}

/// A stale save's conflicts: the fields, and the build as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub fields: Vec<FieldConflict>,
    pub current: Build,
    pub revision: i64,
}

/// What localStorage keeps of an unsaved draft: the build at the revision
/// the edits started from, and the draft.
#[derive(Serialize, Deserialize)]
struct StoredDraft {
    revision: i64,
    base: Build,
    draft: Build,
}

/// The editing state shared by the build page's tabs (Leptos context).
#[derive(Clone, Copy)]
pub struct Draft {
    /// The build at [`Draft::revision`]: what the draft's edits are
    /// relative to.
    pub saved: RwSignal<Build>,
    /// The revision of `saved`, sent with a save.
    pub revision: RwSignal<i64>,
    pub draft: RwSignal<Build>,
    pub errors: RwSignal<Vec<ValidationError>>,
    /// The draft was brought back from localStorage.
    pub restored: RwSignal<bool>,
    pub save_state: RwSignal<SaveState>,
    /// The last save's conflicts, until reloaded or re-applied.
    pub conflict: RwSignal<Option<Conflict>>,
    /// The draft a save refused for lowering the stored version (the save
    /// bar offers to save it anyway while the draft is unchanged).
    pub refused_lower: RwSignal<Option<Build>>,
    /// The build as the page loaded it (what Discard goes back to).
    loaded: StoredValue<(Build, i64)>,
}

impl Draft {
    /// Starts editing `build` at `revision` and wires persistence and
    /// validation.
    pub fn new(build: Build, revision: i64) -> Self {
        let draft = Self {
            saved: RwSignal::new(build.clone()),
            revision: RwSignal::new(revision),
            draft: RwSignal::new(build.clone()),
            errors: RwSignal::new(Vec::new()),
            restored: RwSignal::new(false),
            save_state: RwSignal::new(SaveState::Idle),
            conflict: RwSignal::new(None),
            refused_lower: RwSignal::new(None),
            loaded: StoredValue::new((build, revision)),
        };
        draft.keep_in_storage();
        draft.validate_on_change();
        draft
    }

    pub fn dirty(&self) -> bool {
        self.draft.with(|d| self.saved.with(|s| d != s))
    }

    pub fn name(&self) -> String {
        self.saved.with_untracked(|b| b.name.to_string())
    }

    /// The current value of a field, tracked.
    pub fn value<T: Send + Sync + 'static>(&self, lens: Lens<T>) -> Signal<T> {
        let draft = self.draft;
        Signal::derive(move || draft.with(|b| (lens.get)(&b.config)))
    }

    /// A setter for a field.
    pub fn setter<T: 'static>(&self, lens: Lens<T>) -> Callback<T> {
        let draft = self.draft;
        Callback::new(move |value| draft.update(|b| (lens.set)(&mut b.config, value)))
    }

    pub fn update(&self, change: impl FnOnce(&mut BuildConfig)) {
        self.draft.update(|b| change(&mut b.config));
    }

    pub fn errors_signal(&self) -> Signal<Vec<ValidationError>> {
        self.errors.into()
    }

    /// Throws the draft away: back to the build as the page loaded it (or
    /// as the last save stored it).
    pub fn discard(&self) {
        let (build, revision) = self.loaded.get_value();
        self.rebase(build.clone(), revision);
        self.draft.set(build);
        self.errors.set(Vec::new());
        self.restored.set(false);
        self.save_state.set(SaveState::Idle);
    }

    /// After a conflict: drops my edits and shows the build as it is now.
    pub fn reload(&self) {
        if let Some(conflict) = self.conflict.get_untracked() {
            self.loaded
                .set_value((conflict.current.clone(), conflict.revision));
            self.rebase(conflict.current.clone(), conflict.revision);
            self.draft.set(conflict.current);
        }
        self.errors.set(Vec::new());
        self.restored.set(false);
        self.save_state.set(SaveState::Idle);
    }

    /// After a conflict: lays my edits over the build as it is now and
    /// saves them at its revision (overwriting the conflicting fields).
    pub fn reapply(&self) {
        let Some(conflict) = self.conflict.get_untracked() else {
            return;
        };
        let mine = self.changes();
        let Some(draft) = apply_changes(&conflict.current, &mine) else {
            self.save_state
                .set(SaveState::Failed("cannot re-apply these edits".into()));
            return;
        };
        self.rebase(conflict.current, conflict.revision);
        self.draft.set(draft);
        self.save();
    }

    fn rebase(&self, build: Build, revision: i64) {
        self.saved.set(build);
        self.revision.set(revision);
        self.conflict.set(None);
    }

    /// What the draft changed since `saved`.
    fn changes(&self) -> Changes {
        self.draft
            .with_untracked(|d| self.saved.with_untracked(|s| changes(s, d)))
    }

    /// Sends the fields the draft changed, with the revision they started
    /// from; validation problems land in `errors`, conflicts in `conflict`.
    pub fn save(&self) {
        self.save_with(false);
    }

    /// [`Draft::save`]; with `force_version` a version lower than the
    /// stored one is saved (the user's explicit choice) instead of refused.
    pub fn save_with(&self, force_version: bool) {
        let this = *self;
        let mine = self.changes();
        let revision = self.revision.get_untracked();
        let name = self.name();
        let sent = self.draft.get_untracked();
        this.refused_lower.set(None);
        this.save_state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let answer = patch_build(
                name,
                revision,
                mine.config,
                mine.description,
                mine.tags,
                force_version,
            )
            .await;
            match answer {
                Ok(SaveAnswer::Saved(stored, revision)) => {
                    this.loaded.set_value(((*stored).clone(), revision));
                    this.rebase((*stored).clone(), revision);
                    this.draft.set(*stored);
                    this.errors.set(Vec::new());
                    this.restored.set(false);
                    this.save_state.set(SaveState::Saved);
                }
                Ok(SaveAnswer::Invalid(errors)) => {
                    if errors.iter().any(|e| e.field == "config.version") {
                        this.refused_lower.set(Some(sent));
                    }
                    this.save_state.set(SaveState::Invalid(errors.len()));
                    this.errors.set(errors);
                }
                Ok(SaveAnswer::Conflict(fields, current, revision)) => {
                    this.conflict.set(Some(Conflict {
                        fields,
                        current: *current,
                        revision,
                    }));
                    this.save_state.set(SaveState::Conflicted);
                }
                Err(e) => this.save_state.set(SaveState::Failed(error_text(&e))),
            }
        });
    }

    fn storage_key(&self) -> String {
        format!("kiln:draft:build:{}", self.name())
    }

    /// First run: brings back a stored draft with the revision it started
    /// from. Later runs: stores the draft (and its base and revision) while
    /// it differs from its base, forgets it otherwise.
    fn keep_in_storage(&self) {
        let this = *self;
        let key = self.storage_key();
        Effect::new(move |started: Option<()>| {
            let current = this.draft.get();
            if started.is_none() {
                let stored =
                    draft_load(&key).and_then(|json| parse_json::<StoredDraft>(&json).ok());
                match stored {
                    Some(stored)
                        if stored.draft != stored.base
                            && this.saved.with_untracked(|s| s.name == stored.draft.name) =>
                    {
                        this.saved.set(stored.base);
                        this.revision.set(stored.revision);
                        this.draft.set(stored.draft);
                        this.restored.set(true);
                    }
                    _ => draft_clear(&key),
                }
                return;
            }
            if this.saved.with_untracked(|s| *s != current) {
                let stored = StoredDraft {
                    revision: this.revision.get_untracked(),
                    base: this.saved.get_untracked(),
                    draft: current,
                };
                if let Ok(json) = serde_json::to_string(&stored) {
                    draft_save(&key, &json);
                }
            } else {
                draft_clear(&key);
            }
        });
    }

    /// Asks the server to validate the draft shortly after each change.
    fn validate_on_change(&self) {
        let this = *self;
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let build = this.draft.get();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            if this.saved.with_untracked(|s| *s == build) {
                this.errors.set(Vec::new());
                return;
            }
            set_timeout(
                move || {
                    if generation.get_value() != mine {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        if let Ok(errors) = check_build(build).await {
                            if generation.get_value() == mine {
                                this.errors.set(errors);
                            }
                        }
                    });
                },
                Duration::from_millis(300),
            );
        });
    }
}

/// The [`Draft`] of the build page this component is in.
pub fn use_draft() -> Option<Draft> {
    use_context::<Draft>()
}
