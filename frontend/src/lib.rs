//! Hydrates the page the server rendered, making it interactive.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`: some routes load their code on demand (`--split`).
    leptos::mount::hydrate_lazy(kiln_app::App);
}
