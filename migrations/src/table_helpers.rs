//! Helpers the migrations share to describe tables, columns and indexes.

use sea_orm_migration::prelude::*;

pub(crate) fn name(value: &str) -> Alias {
    Alias::new(value)
}

pub(crate) fn uuid(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).uuid().not_null().take()
}

pub(crate) fn optional_uuid(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).uuid().null().take()
}

pub(crate) fn primary_id() -> ColumnDef {
    ColumnDef::new(name("id"))
        .uuid()
        .not_null()
        .primary_key()
        .take()
}

pub(crate) fn timestamp(column: &str) -> ColumnDef {
    ColumnDef::new(name(column))
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

pub(crate) fn optional_timestamp(column: &str) -> ColumnDef {
    ColumnDef::new(name(column))
        .timestamp_with_time_zone()
        .null()
        .take()
}

pub(crate) fn integer(column: &str, default: i32) -> ColumnDef {
    ColumnDef::new(name(column))
        .integer()
        .not_null()
        .default(default)
        .take()
}

pub(crate) fn boolean(column: &str, default: bool) -> ColumnDef {
    ColumnDef::new(name(column))
        .boolean()
        .not_null()
        .default(default)
        .take()
}

pub(crate) fn text(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).text().not_null().take()
}

pub(crate) fn string(column: &str, len: u32) -> ColumnDef {
    ColumnDef::new(name(column))
        .string_len(len)
        .not_null()
        .take()
}

pub(crate) fn fk(
    table: &str,
    column: &str,
    target: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(name(table), name(column))
        .to(name(target), name("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

pub(crate) async fn add_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(name(table)).add_column(column).take())
        .await
}

pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    table: &str,
    index_name: &str,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(index_name).table(name(table));
    for column in columns {
        match column.strip_suffix(" desc") {
            Some(column) => stmt.col((name(column), IndexOrder::Desc)),
            None => stmt.col(name(column)),
        };
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

pub(crate) async fn create(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: Vec<ColumnDef>,
    foreign_keys: Vec<ForeignKeyCreateStatement>,
) -> Result<(), DbErr> {
    let mut stmt = Table::create();
    stmt.table(name(table));
    for mut column in columns {
        stmt.col(&mut column);
    }
    for mut key in foreign_keys {
        stmt.foreign_key(&mut key);
    }
    manager.create_table(stmt).await
}
