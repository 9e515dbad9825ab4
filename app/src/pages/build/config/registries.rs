use crate::components::FieldErrors;
use crate::pages::build::draft::Draft;
use kiln_domain::{ImageRegistry, ValidationError};
use leptos::prelude::*;

/// Where runs push: an editable list of (domain, account, organization).
pub fn registries(draft: Draft) -> AnyView {
    let errors = draft.errors_signal();
    let count = Memo::new(move |_| draft.draft.with(|b| b.config.image_registry.len()));
    let add = move |_| draft.update(|c| c.image_registry.push(ImageRegistry::default()));
    let rows = move || {
        (0..count.get())
            .map(|index| view! { <RegistryRow draft index errors/> })
            .collect_view()
    };
    view! {
        <div id="registries">
            <p class="hint">"Each run pushes every tag to each registry. None: the image is only built."</p>
            <ul class="registry-list">{rows}</ul>
            <button type="button" class="secondary" id="add-registry" on:click=add>"Add registry"</button>
        </div>
    }
    .into_any()
}

#[component]
fn RegistryRow(draft: Draft, index: usize, errors: Signal<Vec<ValidationError>>) -> impl IntoView {
    let get = move |f: fn(&ImageRegistry) -> String| {
        move || {
            draft.draft.with(|b| {
                b.config
                    .image_registry
                    .get(index)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let set = move |f: fn(&mut ImageRegistry, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|c| {
                if let Some(r) = c.image_registry.get_mut(index) {
                    f(r, value);
                }
            });
        }
    };
    let remove = move |_| {
        draft.update(|c| {
            if index < c.image_registry.len() {
                c.image_registry.remove(index);
            }
        })
    };
    let id = |name: &str| format!("cfg-registry-{index}-{name}");
    let path = |name: &str| format!("config.image_registry[{index}].{name}");
    view! {
        <li class="registry-row">
            <div class="field">
                <label for=id("domain")>"Domain"</label>
                <input id=id("domain") type="text" placeholder="ghcr.io" value=untrack(get(|r| r.domain.clone())) prop:value=get(|r| r.domain.clone())
                    on:input=set(|r, v| r.domain = v)/>
                <FieldErrors path=path("domain") errors/>
            </div>
            <div class="field">
                <label for=id("account")>"Account"</label>
                <input id=id("account") type="text" list="registry-account-choices"
                    value=untrack(get(|r| r.account.clone())) prop:value=get(|r| r.account.clone()) on:input=set(|r, v| r.account = v)/>
                <FieldErrors path=path("account") errors/>
            </div>
            <div class="field">
                <label for=id("organization")>"Organization"</label>
                <input id=id("organization") type="text" value=untrack(get(|r| r.organization.clone())) prop:value=get(|r| r.organization.clone())
                    on:input=set(|r, v| r.organization = v)/>
                <FieldErrors path=path("organization") errors/>
            </div>
            <button type="button" class="secondary" aria-label=format!("Remove registry {}", index + 1)
                on:click=remove>"Remove"</button>
        </li>
    }
    .into_any()
}
