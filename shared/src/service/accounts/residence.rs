//! Resident verification without SPID: an administrator loads the census
//! list (fiscal codes, their SHA-256 hashes, or one-time codes the
//! municipality hands out); a person proves residence by entering their
//! code, once. Codes are stored only as a keyed digest (HMAC-SHA-256 of the
//! code's SHA-256 under the server key, kept outside the database): fiscal
//! codes are few enough to enumerate, so a plain hash of them would be
//! reversible by anyone holding a copy of the table.
//! Each verification records its method, so an OpenID Connect login
//! (SPID/CIE through a gateway) can be another method later.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::model::Role;
use crate::model::accounts::{CensusCode, CensusUploadReport};
use crate::model::common::FieldProblem;
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::begin_write;
use crate::service::common::rate_limit::{CENSUS_ATTEMPTS_PER_ADDRESS, CENSUS_ATTEMPTS_PER_PERSON};
use crate::service::entity::{census_code, residence_verification, role_assignment};
use crate::service::{Ctx, ServiceError, common::audit, common::secrets};

/// The method recorded for a census code.
pub const METHOD_CENSUS_CODE: &str = "census_code";
/// The largest census file accepted (about 400,000 fiscal-code hashes).
pub const MAX_UPLOAD_BYTES: usize = 30 * 1024 * 1024;

/// The prefix of keyed digests (rows loaded before keying have none, and are
/// keyed at the next start by [`key_legacy_codes`]).
pub const KEYED_PREFIX: &str = "k1:";

/// The digest a census code is stored and looked up by, from the code's
/// SHA-256 (hex).
fn keyed(sha256: &str) -> Result<String, ServiceError> {
    Ok(format!(
        "{KEYED_PREFIX}{}",
        secrets::keyed_hex("census", sha256.as_bytes())?
    ))
}

/// A census line's SHA-256 (hex). A line that already is a SHA-256 hex
/// digest (64 hex digits) is taken as such, so a municipality may send
/// hashes instead of fiscal codes.
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
    let mut hashes: Vec<String> = Vec::new();
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
            Some(hash) => hashes.push(keyed(&hash)?),
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
/// once; unknown and used codes get the same answer. Attempts are limited
/// per account and per client `address` (one person guessing through many
/// accounts); the counter passes none, its staff having a budget of their own.
pub async fn redeem_code(ctx: &Ctx, code: &str, address: Option<&str>) -> Result<(), ServiceError> {
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
    if let Some(address) = address {
        let _ = CENSUS_ATTEMPTS_PER_ADDRESS
            .reserve(&ctx.db, address, ctx.now)
            .await?;
    }
    let _ = CENSUS_ATTEMPTS_PER_PERSON
        .reserve(&ctx.db, &subject, ctx.now)
        .await?;
    let hash = keyed(&secrets::sha256_hex(code.as_str()))?;
    let txn = begin_write(&ctx.db).await?;
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

/// Keys the census digests loaded before keying (plain SHA-256), in place;
/// returns how many. Safe at every start: it finds nothing the second time.
pub(crate) async fn key_legacy_codes(ctx: &Ctx) -> Result<u64, ServiceError> {
    let mut keyed_rows = 0;
    loop {
        let rows: Vec<(Uuid, String)> = census_code::Entity::find()
            .select_only()
            .column(census_code::Column::Id)
            .column(census_code::Column::CodeHash)
            .filter(census_code::Column::CodeHash.not_like(format!("{KEYED_PREFIX}%")))
            .limit(500)
            .into_tuple()
            .all(&ctx.db)
            .await?;
        if rows.is_empty() {
            return Ok(keyed_rows);
        }
        let txn = begin_write(&ctx.db).await?;
        for (id, sha256) in rows {
            census_code::Entity::update_many()
                .col_expr(census_code::Column::CodeHash, Expr::value(keyed(&sha256)?))
                .filter(census_code::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            keyed_rows += 1;
        }
        txn.commit().await?;
    }
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
