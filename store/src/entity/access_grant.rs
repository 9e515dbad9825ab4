use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_grant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `"user"` or `"group"`.
    pub subject_type: String,
    pub subject_id: i64,
    /// `ResourceKind::as_str`.
    pub resource_kind: String,
    /// None: every resource of the kind.
    pub resource_id: Option<i64>,
    /// `Level::as_str`.
    pub level: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
