//! Page data loading shared by every page: one resource type, one Suspense
//! view (see [`PageJson`] for why the data travels as JSON text).

use super::json::BytesJson;
use super::ErrorText;
use crate::api::error_text;
use kiln_api::PageJson;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A server function call that answers with a page's data.
pub type PageFetch = Pin<Box<dyn Future<Output = Result<PageJson, ServerFnError>> + Send>>;

/// A page's data: loaded on the server for the first render, then again in
/// the browser whenever its key changes.
#[derive(Clone, Copy)]
pub struct PageData(Resource<Result<PageJson, ServerFnError>, BytesJson>);

impl PageData {
    /// Loads `fetch(key)`, and again whenever `key` changes.
    pub fn new(
        key: Signal<String>,
        fetch: impl Fn(String) -> PageFetch + Send + Sync + 'static,
    ) -> Self {
        Self::new_erased(key, Arc::new(fetch))
    }

    fn new_erased(
        key: Signal<String>,
        fetch: Arc<dyn Fn(String) -> PageFetch + Send + Sync>,
    ) -> Self {
        Self(Resource::new_with_options(
            move || key.get(),
            move |key| fetch(key),
            false,
        ))
    }

    /// `loading` until the data is in, then `render` of it, or the error.
    pub fn view<T: DeserializeOwned>(
        self,
        loading: &'static str,
        render: impl Fn(T) -> AnyView + Send + Sync + 'static,
    ) -> AnyView {
        self.view_or(loading, render, |message| {
            view! { <ErrorText message/> }.into_any()
        })
    }

    /// Like [`PageData::view`], with `error` showing a failure's message.
    pub fn view_or<T: DeserializeOwned>(
        self,
        loading: &'static str,
        render: impl Fn(T) -> AnyView + Send + Sync + 'static,
        error: fn(String) -> AnyView,
    ) -> AnyView {
        self.view_answer(
            loading,
            Arc::new(move |answer: Result<PageJson, ServerFnError>| {
                match answer
                    .map_err(|e| error_text(&e))
                    .and_then(|json| json.decode::<T>())
                {
                    Ok(data) => render(data),
                    Err(message) => error(message),
                }
            }),
        )
    }

    fn view_answer(
        self,
        loading: &'static str,
        render: Arc<dyn Fn(Result<PageJson, ServerFnError>) -> AnyView + Send + Sync>,
    ) -> AnyView {
        let resource = self.0;
        view! {
            <Suspense fallback=move || view! { <p>{loading}</p> }>
                {move || {
                    let render = render.clone();
                    Suspend::new(async move { render(resource.await) })
                }}
            </Suspense>
        }
        .into_any()
    }
}
