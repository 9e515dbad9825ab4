//! Revisions and partial saves: what a patch sends, what a stale one's
//! conflicts say, a value with its id and revision, and the history page.

use kiln_domain::history::{Door, HistoryEntry};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A value with its stable id and the revision it is at. As JSON the
/// value's own fields sit beside `id` and `revision`
/// (`{"name": …, "config": …, "id": 3, "revision": 7}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Revised<T> {
    pub id: i64,
    pub revision: i64,
    #[serde(flatten)]
    pub value: T,
}

/// A partial save: the revision the editor started from and only the
/// fields it changed, as a JSON object of the resource's top-level fields
/// (`config` holding only the changed config fields, `description`,
/// `tags`; variables: `value`, `description`, `is_secret`; accounts:
/// `token`).
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub revision: i64,
    pub fields: Map<String, Value>,
}

impl Patch {
    /// Reads a request body `{"revision": N, …changed fields…}`; the error
    /// is a sentence for a 422.
    pub fn from_body(body: Value) -> Result<Self, String> {
        let Value::Object(mut fields) = body else {
            return Err("a patch is a JSON object: {\"revision\": N, …changed fields…}".into());
        };
        let revision = fields
            .remove("revision")
            .and_then(|r| r.as_i64())
            .ok_or("a patch names the revision it started from: \"revision\": N")?;
        Ok(Self { revision, fields })
    }
}

/// One field a stale patch changed that someone else changed since the
/// patch's revision (a 409 lists them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// Its dotted path (`"config.image_tag"`).
    pub field: String,
    /// Its value now (secrets as placeholders).
    pub current: Value,
    /// Who changed it last.
    pub changed_by: String,
    /// Through which door.
    pub door: Door,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The revision that change produced.
    pub revision: i64,
}

/// A build's History tab: its changes, newest first, with the server's
/// clock for ages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildHistory {
    pub entries: Vec<HistoryEntry>,
    pub now_ms: i64,
}
