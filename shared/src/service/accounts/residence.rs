//! Resident verification without SPID: an administrator loads the census
//! list (SHA-256 hashes of fiscal codes, or one-time codes the municipality
//! hands out); a person proves residence by entering their code, once.
//! Each verification records its method, so an OpenID Connect login
//! (SPID/CIE through a gateway) can be another method later.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::Role;
use crate::model::accounts::{CensusCode, CensusUploadReport};
use crate::model::common::FieldProblem;
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::begin_write;
use crate::service::common::rate_limit::CENSUS_ATTEMPTS_PER_PERSON;
use crate::service::entity::{census_code, residence_verification, role_assignment};
use crate::service::{Ctx, ServiceError, common::audit, common::secrets};

/// The method recorded for a census code.
pub const METHOD_CENSUS_CODE: &str = "census_code";
/// The largest census file accepted (about 400,000 fiscal-code hashes).
pub const MAX_UPLOAD_BYTES: usize = 30 * 1024 * 1024;

/// The code as stored: its SHA-256 (hex). A line that already is a SHA-256
/// hex digest (64 hex digits) is taken as such.
fn stored_form(line: &str) -> Option<String> {
    let trimmed = line.trim().trim_matches('"').trim();
    if trimmed.len() == 64 && trimmed.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(trimmed.to_ascii_lowercase());
    }
    CensusCode::parse(trimmed)
        .ok()
        .map(|code| secrets::sha256_hex(code.as_str()))
}

/// Loads a census list: one code per line (the first column of a CSV), an
/// optional header (`codice`, `codice_fiscale`, `hash`, `sha256`). Codes
/// already present are counted, not duplicated.
pub async fn upload_census(ctx: &Ctx, csv_text: &str) -> Result<CensusUploadReport, ServiceError> {
    authorize(ctx, Operation::UploadCensusCodes, Scope::Global)?;
    if csv_text.len() > MAX_UPLOAD_BYTES {
        return Err(ServiceError::field(
            "file",
            FieldProblem::TooLong {
                max: MAX_UPLOAD_BYTES,
            },
        ));
    }
    let mut hashes = Vec::new();
    let mut invalid_lines = Vec::new();
    let mut invalid_count = 0;
    for (index, line) in csv_text.lines().enumerate() {
        let first = line.split([',', ';']).next().unwrap_or_default().trim();
        if first.is_empty() {
            continue;
        }
        let header = first.trim_matches('"').to_ascii_lowercase();
        if index == 0
            && matches!(
                header.as_str(),
                "codice" | "codice_fiscale" | "hash" | "sha256" | "code"
            )
        {
            continue;
        }
        match stored_form(first) {
            Some(hash) => hashes.push(hash),
            None => {
                invalid_count += 1;
                if invalid_lines.len() < 20 {
                    invalid_lines.push(index as u64 + 1);
                }
            }
        }
    }
    if hashes.is_empty() {
        return Err(ServiceError::field("file", FieldProblem::Empty));
    }
    let read = hashes.len() as u64;
    hashes.sort();
    hashes.dedup();
    let batch_id = Uuid::now_v7();
    let txn = begin_write(&ctx.db).await?;
    let mut added = 0;
    for chunk in hashes.chunks(500) {
        let rows = chunk.iter().map(|hash| census_code::ActiveModel {
            id: Set(Uuid::now_v7()),
            code_hash: Set(hash.clone()),
            batch_id: Set(batch_id),
            created_at: Set(ctx.now),
            used_at: Set(None),
            used_by: Set(None),
        });
        added += census_code::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(census_code::Column::CodeHash)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let report = CensusUploadReport {
        added,
        duplicates: read - added,
        invalid_lines,
        invalid_count,
    };
    audit::record(
        &txn,
        ctx,
        "census_uploaded",
        None,
        format!(
            "lotto {batch_id}: {} codici aggiunti, {} già presenti, {} righe non valide",
            report.added, report.duplicates, report.invalid_count
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// Proves the signed-in person's residence with a census code. A code works
/// once; unknown and used codes get the same answer. Attempts are limited.
pub async fn redeem_code(ctx: &Ctx, code: &str) -> Result<(), ServiceError> {
    authorize(ctx, Operation::RedeemCensusCode, Scope::Global)?;
    let me = person(ctx)?;
    let code = CensusCode::parse(code).map_err(|p| ServiceError::field("code", p))?;
    if me.has(Role::Verified) {
        return Err(ServiceError::field("code", FieldProblem::AlreadyPresent));
    }
    // Every attempt counts, taken before the code is tried (a wrong one must
    // count even though nothing else is written): parallel guesses cannot
    // all pass a check made before any of them is counted.
    let subject = me.id.to_string();
    let _ = CENSUS_ATTEMPTS_PER_PERSON
        .reserve(&ctx.db, &subject, ctx.now)
        .await?;
    let txn = begin_write(&ctx.db).await?;
    let hash = secrets::sha256_hex(code.as_str());
    let claimed = census_code::Entity::update_many()
        .col_expr(census_code::Column::UsedAt, Expr::value(Some(ctx.now)))
        .col_expr(census_code::Column::UsedBy, Expr::value(Some(me.id)))
        .filter(census_code::Column::CodeHash.eq(&hash))
        .filter(census_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        // The failed attempt keeps counting.
        txn.rollback().await?;
        return Err(ServiceError::field("code", FieldProblem::NotRecognized));
    }
    let batch = census_code::Entity::find()
        .filter(census_code::Column::CodeHash.eq(&hash))
        .one(&txn)
        .await?
        .map(|c| c.batch_id.to_string());
    residence_verification::Entity::insert(residence_verification::ActiveModel {
        user_id: Set(me.id),
        method: Set(METHOD_CENSUS_CODE.to_owned()),
        reference: Set(batch),
        verified_at: Set(ctx.now),
    })
    .on_conflict(
        OnConflict::column(residence_verification::Column::UserId)
            .update_columns([
                residence_verification::Column::Method,
                residence_verification::Column::Reference,
                residence_verification::Column::VerifiedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(me.id),
        role: Set(Role::Verified.as_str().to_owned()),
        process_id: Set(None),
        platform_id: Set(None),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stored_form;
    use crate::service::common::secrets::sha256_hex;

    #[test]
    fn codes_and_hashes_are_stored_alike() {
        let hash = sha256_hex("RSSMRA80A01H501U");
        assert_eq!(stored_form(" rssmra80a01h501u "), Some(hash.clone()));
        assert_eq!(stored_form(&hash.to_uppercase()), Some(hash));
        assert_eq!(stored_form("x"), None);
    }
}
