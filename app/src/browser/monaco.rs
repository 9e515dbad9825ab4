//! The Monaco editor, loaded on demand from `/monaco/vs` (copied there by
//! `scripts/monaco.sh`): the loader script is added to the page only when an
//! editor is first mounted, so other pages never fetch Monaco.

use leptos::html::Div;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function loadMonaco() {
  if (window.__kilnMonaco) return window.__kilnMonaco;
  window.__kilnMonaco = new Promise((resolve, reject) => {
    const ready = () => {
      window.require.config({ paths: { vs: '/monaco/vs' } });
      window.require(['vs/editor/editor.main'], () => resolve(window.monaco), reject);
    };
    const script = document.createElement('script');
    script.src = '/monaco/vs/loader.js';
    script.onload = ready;
    script.onerror = () => reject(new Error('cannot load the Monaco editor'));
    document.head.appendChild(script);
  });
  return window.__kilnMonaco;
}

export async function kilnMonacoCreate(el, value, readOnly, onChange) {
  const monaco = await loadMonaco();
  el.textContent = '';
  const editor = monaco.editor.create(el, {
    value,
    language: 'dockerfile',
    readOnly,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    tabSize: 4,
  });
  editor.onDidChangeModelContent(() => onChange(editor.getValue()));
  el.dataset.editor = 'ready';
  return editor;
}

export function kilnMonacoDispose(editor) {
  editor.dispose();
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = kilnMonacoCreate)]
    fn monaco_create(
        el: &web_sys::HtmlElement,
        value: &str,
        read_only: bool,
        on_change: &Closure<dyn FnMut(String)>,
    ) -> js_sys::Promise;

    #[wasm_bindgen(js_name = kilnMonacoDispose)]
    fn monaco_dispose(editor: &JsValue);
}

/// A mounted (or loading) editor; disposed on drop.
pub struct Editor {
    state: Rc<RefCell<EditorState>>,
    _on_change: Rc<Closure<dyn FnMut(String)>>,
}

#[derive(Default)]
struct EditorState {
    editor: Option<JsValue>,
    dropped: bool,
}

impl Drop for Editor {
    fn drop(&mut self) {
        let mut state = self.state.borrow_mut();
        state.dropped = true;
        if let Some(editor) = state.editor.take() {
            monaco_dispose(&editor);
        }
    }
}

/// Replaces the contents of `node` with a Dockerfile editor holding `value`;
/// `on_change` gets the whole text after every edit.
pub fn mount_editor(
    node: NodeRef<Div>,
    value: &str,
    read_only: bool,
    on_change: impl Fn(String) + 'static,
) -> Editor {
    let state = Rc::new(RefCell::new(EditorState::default()));
    let on_change = Rc::new(Closure::<dyn FnMut(String)>::new(on_change));
    if let Some(el) = node.get_untracked() {
        let promise = monaco_create(&el, value, read_only, &on_change);
        let state = state.clone();
        let keep_alive = on_change.clone();
        leptos::task::spawn_local(async move {
            let created = wasm_bindgen_futures::JsFuture::from(promise).await;
            let _ = &keep_alive;
            match created {
                Ok(editor) => {
                    let mut state = state.borrow_mut();
                    if state.dropped {
                        monaco_dispose(&editor);
                    } else {
                        state.editor = Some(editor);
                    }
                }
                Err(e) => leptos::logging::warn!("Monaco did not load: {e:?}"),
            }
        });
    }
    Editor {
        state,
        _on_change: on_change,
    }
}
