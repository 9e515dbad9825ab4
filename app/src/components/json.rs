//! JSON in the browser: everything is parsed from bytes, the way server
//! functions parse their answers, so the wasm carries one decoder per type.

use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The resource codec for page data (see [`parse_json`]).
pub struct BytesJson;

impl<T: Serialize> Encoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        parse_json(val)
    }
}

/// JSON text to a value, through the byte-slice decoder every server
/// function answer already uses in the browser.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_slice(text.as_bytes())
}
