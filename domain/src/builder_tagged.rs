//! Reading a builder's `{ type, params }` table.
//!
//! serde's adjacently tagged derive cannot default a missing `params`, and
//! Komodo files may write `type = "Local"` alone, so this is hand-written.
//! `params` is read straight into the chosen type when `type` comes first
//! (as in every Komodo file), which keeps the TOML line numbers in errors;
//! otherwise it is buffered and read afterwards.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// A builder config read with caller-chosen parameter types.
pub(crate) enum Tagged<L, S, A> {
    Local(L),
    Server(S),
    /// Komodo's agent-address builder; Kiln reads it as a Server builder.
    Url(S),
    Aws(A),
}

/// Reads `{ type = "Local" | "Server" | "Url" | "Aws", params = { .. } }`.
pub(crate) fn deserialize_tagged<'de, D, L, S, A>(
    deserializer: D,
) -> Result<Tagged<L, S, A>, D::Error>
where
    D: Deserializer<'de>,
    L: Deserialize<'de> + Default,
    S: Deserialize<'de> + Default,
    A: Deserialize<'de> + Default,
{
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

#[derive(Clone, Copy, Deserialize)]
enum Kind {
    Local,
    Server,
    Url,
    Aws,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Type,
    Params,
}

struct TaggedVisitor<L, S, A>(PhantomData<(L, S, A)>);

impl<'de, L, S, A> Visitor<'de> for TaggedVisitor<L, S, A>
where
    L: Deserialize<'de> + Default,
    S: Deserialize<'de> + Default,
    A: Deserialize<'de> + Default,
{
    type Value = Tagged<L, S, A>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a builder config table with `type` and optional `params`")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut kind: Option<Kind> = None;
        let mut read: Option<Self::Value> = None;
        let mut buffered: Option<serde_json::Value> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type => {
                    if kind.is_some() {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    kind = Some(map.next_value()?);
                }
                Field::Params => {
                    if read.is_some() || buffered.is_some() {
                        return Err(de::Error::duplicate_field("params"));
                    }
                    match kind {
                        Some(kind) => read = Some(read_params(kind, &mut map)?),
                        None => buffered = Some(map.next_value()?),
                    }
                }
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        match (read, buffered) {
            (Some(value), _) => Ok(value),
            (None, Some(json)) => from_json(kind, json).map_err(de::Error::custom),
            (None, None) => Ok(defaults(kind)),
        }
    }
}

fn read_params<'de, M, L, S, A>(kind: Kind, map: &mut M) -> Result<Tagged<L, S, A>, M::Error>
where
    M: MapAccess<'de>,
    L: Deserialize<'de>,
    S: Deserialize<'de>,
    A: Deserialize<'de>,
{
    Ok(match kind {
        Kind::Local => Tagged::Local(map.next_value()?),
        Kind::Server => Tagged::Server(map.next_value()?),
        Kind::Url => Tagged::Url(map.next_value()?),
        Kind::Aws => Tagged::Aws(map.next_value()?),
    })
}

fn from_json<'de, L, S, A>(
    kind: Kind,
    json: serde_json::Value,
) -> Result<Tagged<L, S, A>, serde_json::Error>
where
    L: Deserialize<'de>,
    S: Deserialize<'de>,
    A: Deserialize<'de>,
{
    Ok(match kind {
        Kind::Local => Tagged::Local(L::deserialize(json)?),
        Kind::Server => Tagged::Server(S::deserialize(json)?),
        Kind::Url => Tagged::Url(S::deserialize(json)?),
        Kind::Aws => Tagged::Aws(A::deserialize(json)?),
    })
}

fn defaults<L: Default, S: Default, A: Default>(kind: Kind) -> Tagged<L, S, A> {
    match kind {
        Kind::Local => Tagged::Local(L::default()),
        Kind::Server => Tagged::Server(S::default()),
        Kind::Url => Tagged::Url(S::default()),
        Kind::Aws => Tagged::Aws(A::default()),
    }
}
