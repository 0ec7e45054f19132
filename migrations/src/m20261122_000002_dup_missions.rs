//! The 23 official DUP budget missions (D.Lgs. 118/2011), shipped with the
//! product as reference data: every instance has them, demo or not. The
//! technical ones (20, 50, 60, 99) are accounting items never offered for
//! linking. The source list is `data/dup_missioni.csv`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DupMissions {
    Table,
    Code,
    Name,
    Technical,
}

const MISSIONS_CSV: &str = include_str!("../data/dup_missioni.csv");

/// One row of the missions file.
#[derive(Debug, serde::Deserialize)]
struct MissionRow {
    codice: String,
    denominazione: String,
    tecnica: bool,
}

/// The missions as shipped: code (two digits), name, technical flag.
fn missions() -> Result<Vec<MissionRow>, DbErr> {
    let mut reader = csv::Reader::from_reader(MISSIONS_CSV.as_bytes());
    let rows: Vec<MissionRow> = reader
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| DbErr::Migration(format!("dup_missioni.csv: {e}")))?;
    if rows.len() != 23
        || rows
            .iter()
            .any(|r| r.codice.len() != 2 || !r.codice.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(DbErr::Migration(
            "dup_missioni.csv must list the 23 missions with two-digit codes".into(),
        ));
    }
    Ok(rows)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DupMissions::Table)
                    .col(
                        ColumnDef::new(DupMissions::Code)
                            .string_len(2)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(DupMissions::Name).string_len(200).not_null())
                    .col(ColumnDef::new(DupMissions::Technical).boolean().not_null())
                    .take(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table(DupMissions::Table).columns([
            DupMissions::Code,
            DupMissions::Name,
            DupMissions::Technical,
        ]);
        for mission in missions()? {
            insert.values_panic([
                mission.codice.into(),
                mission.denominazione.into(),
                mission.tecnica.into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DupMissions::Table).take())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::missions;

    #[test]
    fn the_shipped_file_lists_the_23_missions_four_of_them_technical() {
        let rows = missions().unwrap();
        assert_eq!(rows.len(), 23);
        let technical: Vec<&str> = rows
            .iter()
            .filter(|r| r.tecnica)
            .map(|r| r.codice.as_str())
            .collect();
        assert_eq!(technical, ["20", "50", "60", "99"]);
        assert_eq!(
            rows[0].denominazione,
            "Servizi istituzionali, generali e di gestione"
        );
    }
}
