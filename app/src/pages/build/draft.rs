//! The build being edited: the saved build, the draft, the server's
//! validation of the draft, and the draft kept in localStorage so unsaved
//! changes survive a reload.

use crate::api::{check_build, error_text, save_build};
use crate::browser::{draft_clear, draft_load, draft_save};
use crate::components::parse_json;
use kiln_api::SaveAnswer;
use kiln_domain::{Build, BuildConfig, ValidationError};
use leptos::prelude::*;
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
}

/// The editing state shared by the build page's tabs (Leptos context).
#[derive(Clone, Copy)]
pub struct Draft {
    pub saved: RwSignal<Build>,
    pub draft: RwSignal<Build>,
    pub errors: RwSignal<Vec<ValidationError>>,
    /// The draft was brought back from localStorage.
    pub restored: RwSignal<bool>,
    pub save_state: RwSignal<SaveState>,
}

impl Draft {
    /// Starts editing `build` and wires persistence and validation.
    pub fn new(build: Build) -> Self {
        let draft = Self {
            saved: RwSignal::new(build.clone()),
            draft: RwSignal::new(build),
            errors: RwSignal::new(Vec::new()),
            restored: RwSignal::new(false),
            save_state: RwSignal::new(SaveState::Idle),
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

    /// Throws the draft away.
    pub fn discard(&self) {
        self.draft.set(self.saved.get_untracked());
        self.errors.set(Vec::new());
        self.restored.set(false);
        self.save_state.set(SaveState::Idle);
    }

    /// Sends the draft to the server; validation problems land in `errors`.
    pub fn save(&self) {
        let this = *self;
        let build = self.draft.get_untracked();
        this.save_state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            match save_build(build).await {
                Ok(SaveAnswer::Saved(stored)) => {
                    this.saved.set((*stored).clone());
                    this.draft.set(*stored);
                    this.errors.set(Vec::new());
                    this.restored.set(false);
                    this.save_state.set(SaveState::Saved);
                }
                Ok(SaveAnswer::Invalid(errors)) => {
                    this.save_state.set(SaveState::Invalid(errors.len()));
                    this.errors.set(errors);
                }
                Err(e) => this.save_state.set(SaveState::Failed(error_text(&e))),
            }
        });
    }

    fn storage_key(&self) -> String {
        format!("kiln:draft:build:{}", self.name())
    }

    /// First run: brings back a stored draft. Later runs: stores the draft
    /// while it differs from the saved build, forgets it otherwise.
    fn keep_in_storage(&self) {
        let this = *self;
        let key = self.storage_key();
        Effect::new(move |started: Option<()>| {
            let current = this.draft.get();
            if started.is_none() {
                let stored = draft_load(&key).and_then(|json| parse_json::<Build>(&json).ok());
                if let Some(stored) = stored {
                    let differs = this
                        .saved
                        .with_untracked(|s| *s != stored && s.name == stored.name);
                    if differs {
                        this.draft.set(stored);
                        this.restored.set(true);
                    } else {
                        draft_clear(&key);
                    }
                }
                return;
            }
            if this.saved.with_untracked(|s| *s != current) {
                if let Ok(json) = serde_json::to_string(&current) {
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
