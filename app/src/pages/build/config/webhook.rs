use crate::components::{encode_segment, FieldErrors};
use crate::pages::build::draft::Draft;
use kiln_domain::redact::HIDDEN_SECRET;
use leptos::prelude::*;

/// The URLs to give the git host.
pub fn urls(draft: Draft, origin: &str) -> AnyView {
    let name = encode_segment(&draft.name());
    let github = format!("{origin}/listener/github/build/{name}");
    let gitlab = format!("{origin}/listener/gitlab/build/{name}");
    view! {
        <dl class="webhook-urls">
            <dt>"GitHub"</dt><dd><code id="webhook-github">{github}</code></dd>
            <dt>"GitLab"</dt><dd><code id="webhook-gitlab">{gitlab}</code></dd>
        </dl>
    }
    .into_any()
}

/// The webhook's own secret: write-only (shown as set, never as its value).
pub fn secret(draft: Draft) -> AnyView {
    let errors = draft.errors_signal();
    let has_saved_secret = move || {
        draft
            .saved
            .with(|b| b.config.webhook_secret == HIDDEN_SECRET)
    };
    let shown = move || {
        draft.draft.with(|b| {
            if b.config.webhook_secret == HIDDEN_SECRET {
                String::new()
            } else {
                b.config.webhook_secret.clone()
            }
        })
    };
    let state = move || {
        let secret = draft.draft.with(|b| b.config.webhook_secret.clone());
        if secret == HIDDEN_SECRET {
            "A secret is set (hidden). Type a new one to replace it."
        } else if secret.is_empty() && has_saved_secret() {
            "The secret will be removed on save: the server-wide secret applies."
        } else if secret.is_empty() {
            "No secret of its own: the server-wide secret applies."
        } else {
            "A new secret will be saved."
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let value = if typed.is_empty() {
            draft
                .saved
                .with_untracked(|b| b.config.webhook_secret.clone())
        } else {
            typed
        };
        draft.update(|c| c.webhook_secret = value);
    };
    view! {
        <div class="field">
            <label for="cfg-webhook-secret">"Webhook secret"</label>
            <input id="cfg-webhook-secret" type="password" autocomplete="new-password"
                prop:value=shown on:input=on_input/>
            <p class="hint">{state}</p>
            {move || has_saved_secret().then(|| view! {
                <button type="button" class="secondary"
                    on:click=move |_| draft.update(|c| c.webhook_secret = String::new())>
                    "Remove secret"
                </button>
            })}
            <FieldErrors path="config.webhook_secret" errors/>
        </div>
    }
    .into_any()
}
