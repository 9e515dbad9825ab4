use crate::components::TextField;
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
    // Fields differ only in data (fn pointers), so all three share one view type.
    let field = move |name: &'static str,
                      label: &'static str,
                      placeholder: &'static str,
                      list: &'static str,
                      get: fn(&ImageRegistry) -> String,
                      set: fn(&mut ImageRegistry, String)| {
        let value = Signal::derive(move || {
            draft.draft.with(|b| {
                b.config
                    .image_registry
                    .get(index)
                    .map(get)
                    .unwrap_or_default()
            })
        });
        let set = Callback::new(move |value: String| {
            draft.update(|c| {
                if let Some(r) = c.image_registry.get_mut(index) {
                    set(r, value);
                }
            })
        });
        view! {
            <TextField id=format!("cfg-registry-{index}-{name}") label
                path=format!("config.image_registry[{index}].{name}") value set errors
                placeholder list/>
        }
    };
    let remove = move |_| {
        draft.update(|c| {
            if index < c.image_registry.len() {
                c.image_registry.remove(index);
            }
        })
    };
    view! {
        <li class="registry-row">
            {field("domain", "Domain", "ghcr.io", "", |r| r.domain.clone(), |r, v| r.domain = v)}
            {field("account", "Account", "", "registry-account-choices", |r| r.account.clone(), |r, v| r.account = v)}
            {field("organization", "Organization", "", "", |r| r.organization.clone(), |r, v| r.organization = v)}
            <button type="button" class="secondary" aria-label=format!("Remove registry {}", index + 1)
                on:click=remove>"Remove"</button>
        </li>
    }
    .into_any()
}
