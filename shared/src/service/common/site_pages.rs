//! Pages an administrator edits in Markdown: the privacy notice and the
//! accessibility statement, in Italian and English.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::model::common::FieldProblem;
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::entity::site_page;
use crate::service::{Ctx, ServiceError, common::audit, common::markdown};

/// The editable pages: slug as in the URL.
pub const EDITABLE: [&str; 2] = ["privacy", "accessibilita"];
/// The languages a page is written in.
pub const LOCALES: [&str; 2] = ["it", "en"];
/// The longest page accepted.
pub const MAX_CHARS: usize = 100_000;

fn check(slug: &str, locale: &str) -> Result<(), ServiceError> {
    if !EDITABLE.contains(&slug) {
        return Err(ServiceError::NotFound("page"));
    }
    if !LOCALES.contains(&locale) {
        return Err(ServiceError::field("locale", FieldProblem::Malformed));
    }
    Ok(())
}

/// A page's Markdown source and its sanitized HTML, if an administrator wrote it.
pub async fn get(
    ctx: &Ctx,
    slug: &str,
    locale: &str,
) -> Result<Option<(String, String)>, ServiceError> {
    authorize(ctx, Operation::ViewSitePage, Scope::Global)?;
    check(slug, locale)?;
    Ok(
        site_page::Entity::find_by_id((slug.to_owned(), locale.to_owned()))
            .one(&ctx.db)
            .await?
            .map(|page| {
                let html = markdown::render(&page.body_md);
                (page.body_md, html)
            }),
    )
}

/// Replaces a page's text; an empty text restores the built-in one.
pub async fn update(
    ctx: &Ctx,
    slug: &str,
    locale: &str,
    body_md: &str,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::EditSitePage, Scope::Global)?;
    check(slug, locale)?;
    let me = person(ctx)?;
    if body_md.chars().count() > MAX_CHARS {
        return Err(ServiceError::field(
            "body",
            FieldProblem::TooLong { max: MAX_CHARS },
        ));
    }
    if body_md
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ServiceError::field("body", FieldProblem::ControlCharacters));
    }
    let body = body_md.replace("\r\n", "\n");
    if body.trim().is_empty() {
        site_page::Entity::delete_by_id((slug.to_owned(), locale.to_owned()))
            .exec(&ctx.db)
            .await?;
    } else {
        site_page::Entity::insert(site_page::ActiveModel {
            slug: Set(slug.to_owned()),
            locale: Set(locale.to_owned()),
            body_md: Set(body),
            updated_at: Set(ctx.now),
            updated_by: Set(Some(me.id)),
        })
        .on_conflict(
            OnConflict::columns([site_page::Column::Slug, site_page::Column::Locale])
                .update_columns([
                    site_page::Column::BodyMd,
                    site_page::Column::UpdatedAt,
                    site_page::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    }
    audit::record(
        &ctx.db,
        ctx,
        "page_updated",
        None,
        format!("{slug} ({locale})"),
    )
    .await?;
    Ok(())
}
