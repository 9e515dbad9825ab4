use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `ResourceKind::as_str`.
    pub kind: String,
    pub resource_id: i64,
    pub name: String,
    pub revision: i64,
    /// `Action::as_str`.
    pub action: String,
    pub actor: String,
    /// `Door::as_str`.
    pub door: String,
    pub at_ms: i64,
    /// JSON list of `FieldChange`s (secret fields without values).
    pub changes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
