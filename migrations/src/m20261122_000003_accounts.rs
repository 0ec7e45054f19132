//! Accounts and the security baseline: passwords, sessions, one-time tokens,
//! rate-limit events, the mail outbox, the admin action log, census codes for
//! resident verification, editable site pages, and the verified-residence
//! requirements of a process.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    PasswordHash,
    EmailConfirmedAt,
}

#[derive(DeriveIden)]
enum Processes {
    Table,
    VerifiedToPropose,
    VerifiedToSupport,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserId,
    TokenHash,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    UserId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RateEvents {
    Table,
    Kind,
    Subject,
    At,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Recipient,
    Subject,
    Body,
    CreatedAt,
    DeliveredAt,
    Delivery,
    Attempts,
    LastError,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    At,
    ActorId,
    ActorLabel,
    Action,
    SubjectUserId,
    Details,
}

#[derive(DeriveIden)]
enum CensusCodes {
    Table,
    CodeHash,
    BatchId,
    CreatedAt,
    UsedAt,
    UsedBy,
}

#[derive(DeriveIden)]
enum ResidenceVerifications {
    Table,
    UserId,
    Method,
    Reference,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum SitePages {
    Table,
    Slug,
    Locale,
    BodyMd,
    UpdatedAt,
    UpdatedBy,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .uuid()
        .not_null()
        .primary_key()
        .take()
}

fn timestamp(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

fn optional_timestamp(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .take()
}

fn to_users(
    name: &str,
    column: impl IntoIden,
    table: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: &[&str],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for column in columns {
        stmt.col(Alias::new(*column));
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(Users::PasswordHash)
                .string_len(255)
                .null()
                .take(),
            optional_timestamp(Users::EmailConfirmedAt),
        ] {
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(column).take())
                .await?;
        }
        // Every page asks whether demo accounts exist (the demo banner).
        index(manager, "idx_users_demo", Users::Table, &["is_demo"]).await?;
        for column in [Processes::VerifiedToPropose, Processes::VerifiedToSupport] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Processes::Table)
                        .add_column(
                            ColumnDef::new(column)
                                .boolean()
                                .not_null()
                                .default(false)
                                .take(),
                        )
                        .take(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id())
                    .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(Sessions::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(timestamp(Sessions::CreatedAt))
                    .col(timestamp(Sessions::LastSeenAt))
                    .col(timestamp(Sessions::ExpiresAt))
                    .col(ColumnDef::new(Sessions::UserAgent).string_len(200).null())
                    .foreign_key(&mut to_users(
                        "fk_sessions_user",
                        Sessions::UserId,
                        Sessions::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(manager, "idx_sessions_user", Sessions::Table, &["user_id"]).await?;
        index(
            manager,
            "idx_sessions_expires",
            Sessions::Table,
            &["expires_at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(id())
                    .col(ColumnDef::new(AccountTokens::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(AccountTokens::Purpose)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(timestamp(AccountTokens::CreatedAt))
                    .col(timestamp(AccountTokens::ExpiresAt))
                    .col(optional_timestamp(AccountTokens::UsedAt))
                    .foreign_key(&mut to_users(
                        "fk_account_tokens_user",
                        AccountTokens::UserId,
                        AccountTokens::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_account_tokens_user",
            AccountTokens::Table,
            &["user_id", "purpose"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RateEvents::Table)
                    .col(id())
                    .col(ColumnDef::new(RateEvents::Kind).string_len(30).not_null())
                    .col(
                        ColumnDef::new(RateEvents::Subject)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(timestamp(RateEvents::At))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_rate_events_subject",
            RateEvents::Table,
            &["kind", "subject", "at"],
        )
        .await?;
        index(manager, "idx_rate_events_at", RateEvents::Table, &["at"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id())
                    .col(ColumnDef::new(Outbox::Recipient).string_len(254).not_null())
                    .col(ColumnDef::new(Outbox::Subject).string_len(200).not_null())
                    .col(ColumnDef::new(Outbox::Body).text().not_null())
                    .col(timestamp(Outbox::CreatedAt))
                    .col(optional_timestamp(Outbox::DeliveredAt))
                    .col(ColumnDef::new(Outbox::Delivery).string_len(10).null())
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(Outbox::LastError).string_len(500).null())
                    .col(optional_timestamp(Outbox::LockedUntil))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_outbox_created",
            Outbox::Table,
            &["created_at"],
        )
        .await?;
        index(
            manager,
            "idx_outbox_pending",
            Outbox::Table,
            &["delivered_at", "created_at"],
        )
        .await?;
        index(
            manager,
            "idx_outbox_recipient",
            Outbox::Table,
            &["recipient"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id())
                    .col(timestamp(AuditLog::At))
                    .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                    .col(
                        ColumnDef::new(AuditLog::ActorLabel)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::Action).string_len(40).not_null())
                    .col(ColumnDef::new(AuditLog::SubjectUserId).uuid().null())
                    .col(ColumnDef::new(AuditLog::Details).text().not_null())
                    .foreign_key(&mut to_users(
                        "fk_audit_log_actor",
                        AuditLog::ActorId,
                        AuditLog::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut to_users(
                        "fk_audit_log_subject",
                        AuditLog::SubjectUserId,
                        AuditLog::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        index(manager, "idx_audit_log_at", AuditLog::Table, &["at", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(CensusCodes::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(CensusCodes::CodeHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(CensusCodes::BatchId).uuid().not_null())
                    .col(timestamp(CensusCodes::CreatedAt))
                    .col(optional_timestamp(CensusCodes::UsedAt))
                    .col(ColumnDef::new(CensusCodes::UsedBy).uuid().null())
                    .foreign_key(&mut to_users(
                        "fk_census_codes_user",
                        CensusCodes::UsedBy,
                        CensusCodes::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResidenceVerifications::Table)
                    .col(
                        ColumnDef::new(ResidenceVerifications::UserId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ResidenceVerifications::Method)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResidenceVerifications::Reference)
                            .string_len(100)
                            .null(),
                    )
                    .col(timestamp(ResidenceVerifications::VerifiedAt))
                    .foreign_key(&mut to_users(
                        "fk_residence_verifications_user",
                        ResidenceVerifications::UserId,
                        ResidenceVerifications::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SitePages::Table)
                    .col(ColumnDef::new(SitePages::Slug).string_len(40).not_null())
                    .col(ColumnDef::new(SitePages::Locale).string_len(5).not_null())
                    .col(ColumnDef::new(SitePages::BodyMd).text().not_null())
                    .col(timestamp(SitePages::UpdatedAt))
                    .col(ColumnDef::new(SitePages::UpdatedBy).uuid().null())
                    .primary_key(Index::create().col(SitePages::Slug).col(SitePages::Locale))
                    .foreign_key(&mut to_users(
                        "fk_site_pages_user",
                        SitePages::UpdatedBy,
                        SitePages::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SitePages::Table.into_iden(),
            ResidenceVerifications::Table.into_iden(),
            CensusCodes::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Outbox::Table.into_iden(),
            RateEvents::Table.into_iden(),
            AccountTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        for column in [Processes::VerifiedToPropose, Processes::VerifiedToSupport] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Processes::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        for column in [Users::PasswordHash, Users::EmailConfirmedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
