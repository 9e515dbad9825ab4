use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The build this run belongs to (None only for runs of builds deleted
    /// before ids were recorded).
    pub build_id: Option<i64>,
    pub build_name: String,
    pub builder: String,
    pub trigger: String,
    pub status: String,
    pub version: String,
    pub commit_sha: String,
    pub short_commit: String,
    pub error: String,
    pub image_id: String,
    pub image_size: i64,
    /// JSON list of pushed images.
    pub pushed: String,
    /// JSON list of stage records.
    pub stages: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
