//! The foundation: people, processes with their phases, strategic directions,
//! platforms and zones, proposals and their supports.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    IsDemo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
    Slug,
    Title,
    Organization,
    Scope,
    Summary,
    DescriptionMd,
    IsDemo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Phases {
    Table,
    ProcessId,
    Position,
    Kind,
    Title,
    DescriptionMd,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum StrategicDirections {
    Table,
    Id,
    ProcessId,
    Position,
    Code,
    Title,
    Motto,
    DescriptionMd,
}

#[derive(DeriveIden)]
enum Platforms {
    Table,
    Id,
    ProcessId,
    Position,
    Slug,
    Title,
    DescriptionMd,
    DirectionId,
}

#[derive(DeriveIden)]
enum Zones {
    Table,
    Id,
    ProcessId,
    Position,
    Slug,
    Name,
    Description,
}

#[derive(DeriveIden)]
enum RoleAssignments {
    Table,
    UserId,
    Role,
    ProcessId,
    PlatformId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    ProcessId,
    PlatformId,
    DirectionId,
    ZoneId,
    AuthorId,
    Title,
    BodyMd,
    State,
    SupportCount,
    RandomKey,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Supports {
    Table,
    ProposalId,
    UserId,
    CreatedAt,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .uuid()
        .not_null()
        .primary_key()
        .take()
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: &[(&str, Option<IndexOrder>)],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for (column, order) in columns {
        match order {
            Some(order) => stmt.col((Alias::new(*column), order.clone())),
            None => stmt.col(Alias::new(*column)),
        };
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Users::Email)
                            .string_len(254)
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Users::DisplayName).string_len(80).not_null())
                    .col(
                        ColumnDef::new(Users::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Users::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Processes::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Processes::Slug)
                            .string_len(80)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Processes::Title).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Processes::Organization)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Processes::Scope).string_len(20).not_null())
                    .col(ColumnDef::new(Processes::Summary).text().not_null())
                    .col(ColumnDef::new(Processes::DescriptionMd).text().not_null())
                    .col(
                        ColumnDef::new(Processes::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Processes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Processes::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Phases::Table)
                    .col(id())
                    .col(ColumnDef::new(Phases::ProcessId).uuid().not_null())
                    .col(ColumnDef::new(Phases::Position).integer().not_null())
                    .col(ColumnDef::new(Phases::Kind).string_len(20).not_null())
                    .col(ColumnDef::new(Phases::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Phases::DescriptionMd).text().not_null())
                    .col(ColumnDef::new(Phases::StartsOn).date().not_null())
                    .col(ColumnDef::new(Phases::EndsOn).date().not_null())
                    .foreign_key(&mut fk(
                        "fk_phases_process",
                        (Phases::Table, Phases::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ux_phases_process_position",
            Phases::Table,
            &[("process_id", None), ("position", None)],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(StrategicDirections::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(StrategicDirections::ProcessId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StrategicDirections::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StrategicDirections::Code)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StrategicDirections::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StrategicDirections::Motto)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StrategicDirections::DescriptionMd)
                            .text()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_directions_process",
                        (StrategicDirections::Table, StrategicDirections::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ux_directions_process_code",
            StrategicDirections::Table,
            &[("process_id", None), ("code", None)],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Platforms::Table)
                    .col(id())
                    .col(ColumnDef::new(Platforms::ProcessId).uuid().not_null())
                    .col(ColumnDef::new(Platforms::Position).integer().not_null())
                    .col(ColumnDef::new(Platforms::Slug).string_len(80).not_null())
                    .col(ColumnDef::new(Platforms::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Platforms::DescriptionMd).text().not_null())
                    .col(ColumnDef::new(Platforms::DirectionId).uuid().null())
                    .foreign_key(&mut fk(
                        "fk_platforms_process",
                        (Platforms::Table, Platforms::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_platforms_direction",
                        (Platforms::Table, Platforms::DirectionId),
                        (StrategicDirections::Table, StrategicDirections::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ux_platforms_process_slug",
            Platforms::Table,
            &[("process_id", None), ("slug", None)],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Zones::Table)
                    .col(id())
                    .col(ColumnDef::new(Zones::ProcessId).uuid().not_null())
                    .col(ColumnDef::new(Zones::Position).integer().not_null())
                    .col(ColumnDef::new(Zones::Slug).string_len(80).not_null())
                    .col(ColumnDef::new(Zones::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Zones::Description).text().not_null())
                    .foreign_key(&mut fk(
                        "fk_zones_process",
                        (Zones::Table, Zones::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ux_zones_process_slug",
            Zones::Table,
            &[("process_id", None), ("slug", None)],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleAssignments::Table)
                    .col(id())
                    .col(ColumnDef::new(RoleAssignments::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(RoleAssignments::Role)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RoleAssignments::ProcessId).uuid().null())
                    .col(ColumnDef::new(RoleAssignments::PlatformId).uuid().null())
                    .col(
                        ColumnDef::new(RoleAssignments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_roles_user",
                        (RoleAssignments::Table, RoleAssignments::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_roles_process",
                        (RoleAssignments::Table, RoleAssignments::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_roles_platform",
                        (RoleAssignments::Table, RoleAssignments::PlatformId),
                        (Platforms::Table, Platforms::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ix_roles_user",
            RoleAssignments::Table,
            &[("user_id", None)],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(id())
                    .col(ColumnDef::new(Proposals::ProcessId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::PlatformId).uuid().not_null())
                    .col(ColumnDef::new(Proposals::DirectionId).uuid().null())
                    .col(ColumnDef::new(Proposals::ZoneId).uuid().null())
                    .col(ColumnDef::new(Proposals::AuthorId).uuid().null())
                    .col(ColumnDef::new(Proposals::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Proposals::BodyMd).text().not_null())
                    .col(ColumnDef::new(Proposals::State).string_len(20).not_null())
                    .col(
                        ColumnDef::new(Proposals::SupportCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Proposals::RandomKey)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::PublishedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_proposals_process",
                        (Proposals::Table, Proposals::ProcessId),
                        (Processes::Table, Processes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_platform",
                        (Proposals::Table, Proposals::PlatformId),
                        (Platforms::Table, Platforms::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_direction",
                        (Proposals::Table, Proposals::DirectionId),
                        (StrategicDirections::Table, StrategicDirections::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_zone",
                        (Proposals::Table, Proposals::ZoneId),
                        (Zones::Table, Zones::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_author",
                        (Proposals::Table, Proposals::AuthorId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        // One index per list sort (keyset: the sort key then id), per scope
        // (whole process or one platform); the other filters narrow those.
        let desc = Some(IndexOrder::Desc);
        for (name, scope) in [("process", "process_id"), ("platform", "platform_id")] {
            index(
                manager,
                &format!("ix_proposals_{name}_supports"),
                Proposals::Table,
                &[
                    (scope, None),
                    ("support_count", desc.clone()),
                    ("id", desc.clone()),
                ],
                false,
            )
            .await?;
            index(
                manager,
                &format!("ix_proposals_{name}_published"),
                Proposals::Table,
                &[
                    (scope, None),
                    ("published_at", desc.clone()),
                    ("id", desc.clone()),
                ],
                false,
            )
            .await?;
        }
        index(
            manager,
            "ix_proposals_zone",
            Proposals::Table,
            &[("zone_id", None), ("support_count", desc.clone())],
            false,
        )
        .await?;
        index(
            manager,
            "ix_proposals_direction",
            Proposals::Table,
            &[("direction_id", None), ("support_count", desc.clone())],
            false,
        )
        .await?;
        index(
            manager,
            "ix_proposals_state",
            Proposals::Table,
            &[("process_id", None), ("state", None)],
            false,
        )
        .await?;
        index(
            manager,
            "ix_proposals_author",
            Proposals::Table,
            &[("author_id", None)],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Supports::Table)
                    .col(id())
                    .col(ColumnDef::new(Supports::ProposalId).uuid().not_null())
                    .col(ColumnDef::new(Supports::UserId).uuid().null())
                    .col(
                        ColumnDef::new(Supports::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_supports_proposal",
                        (Supports::Table, Supports::ProposalId),
                        (Proposals::Table, Proposals::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_supports_user",
                        (Supports::Table, Supports::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        // One person, one support per proposal: guaranteed here, not in code.
        index(
            manager,
            "ux_supports_proposal_user",
            Supports::Table,
            &[("proposal_id", None), ("user_id", None)],
            true,
        )
        .await?;
        index(
            manager,
            "ix_supports_user",
            Supports::Table,
            &[("user_id", None)],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Supports::Table.into_iden(),
            Proposals::Table.into_iden(),
            RoleAssignments::Table.into_iden(),
            Zones::Table.into_iden(),
            Platforms::Table.into_iden(),
            StrategicDirections::Table.into_iden(),
            Phases::Table.into_iden(),
            Processes::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
