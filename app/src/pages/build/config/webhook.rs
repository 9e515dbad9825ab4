use crate::components::{encode_segment, CheckField, FieldErrors, ListEditor};
use crate::pages::build::draft::{lens, Draft};
use kiln_domain::redact::HIDDEN_SECRET;
use leptos::prelude::*;

/// Webhook on/off, its secret (write-only) and the URLs to give the git host.
#[component]
pub fn WebhookGroup(draft: Draft, origin: String) -> impl IntoView {
    let errors = draft.errors_signal();
    let name = encode_segment(&draft.name());
    let github = format!("{origin}/listener/github/build/{name}");
    let gitlab = format!("{origin}/listener/gitlab/build/{name}");
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
        <fieldset class="group">
            <legend>"Webhook"</legend>
            <CheckField id="cfg-webhook-enabled" label="Runs start on pushes to the branch"
                value=draft.value(lens!(webhook_enabled)) set=draft.setter(lens!(webhook_enabled))/>
            <dl class="webhook-urls">
                <dt>"GitHub"</dt><dd><code id="webhook-github">{github}</code></dd>
                <dt>"GitLab"</dt><dd><code id="webhook-gitlab">{gitlab}</code></dd>
            </dl>
            <div class="field">
                <label for="cfg-webhook-secret">"Webhook secret"</label>
                <input id="cfg-webhook-secret" type="password" autocomplete="new-password"
                    prop:value=shown on:input=on_input/>
                <p class="hint">{state}</p>
                <Show when=has_saved_secret>
                    <button type="button" class="secondary"
                        on:click=move |_| draft.update(|c| c.webhook_secret = String::new())>
                        "Remove secret"
                    </button>
                </Show>
                <FieldErrors path="config.webhook_secret" errors/>
            </div>
        </fieldset>
    }
    .into_any()
}

/// Quick links shown in the build's header.
#[component]
pub fn LinksGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    view! {
        <fieldset class="group">
            <legend>"Links"</legend>
            <ListEditor id="cfg-links" label="Link" path="config.links"
                items=draft.value(lens!(links)) set=draft.setter(lens!(links)) errors
                placeholder="https://github.com/acme/api"
                hint="Shown as quick links in the header, opening in a new tab."/>
        </fieldset>
    }
    .into_any()
}
