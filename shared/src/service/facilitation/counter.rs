//! Assisted participation at the counter (sportello). Staff record a person
//! who came in (name, how identity was checked, optionally a census code for
//! residence) and then propose and support on their behalf. The person gets
//! an account nobody signs in to, so every rule applies unchanged: the same
//! phases, limits and one support per person, enforced by the same code and
//! the same unique index. Contributions carry the staff member who recorded
//! them. The receipt carries a claim code: a person who later signs up online
//! claims the record, and everything moves into their account, a support
//! they had already given online counting once.

use crate::service::accounts::people;
use crate::service::common::db::begin_write;
use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::facilitation::{
    ClaimOutcome, CounterBudget, CounterReceipt, CounterRecordDto, IdentityCheck,
};
use crate::model::participation::{ProposalInput, SupportOutcome};
use crate::service::accounts::sessions::grants_of;
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::statement;
use crate::service::common::rate_limit::COUNTER_RECORDS_PER_STAFF;
use crate::service::entity::{counter_record, proposal, role_assignment, support, user};
use crate::service::{
    Actor, Ctx, Person, ServiceError, accounts::residence, common::audit, common::secrets,
    participation::authoring, participation::supports, processes::phases,
};

/// Letters of a claim code: no 0/O, 1/I, easy to read aloud and type.
const CLAIM_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Records a search returns.
const SEARCH_LIMIT: u64 = 20;

/// A new claim code: three groups of four letters or digits (60 random bits).
fn new_claim_code() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random source failed");
        ServiceError::Database(sea_orm::DbErr::Custom("random source unavailable".into()))
    })?;
    let letters: Vec<char> = bytes
        .iter()
        .map(|b| CLAIM_ALPHABET[usize::from(*b) % CLAIM_ALPHABET.len()] as char)
        .collect();
    Ok(letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The hash a claim code is stored and looked up by (case and dashes ignored).
fn claim_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    secrets::sha256_hex(&normal)
}

/// A full name as typed at the counter: 3 to 120 characters, one line.
fn parse_full_name(text: &str) -> Result<String, FieldProblem> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = text.chars().count();
    if length == 0 {
        Err(FieldProblem::Empty)
    } else if length < 3 {
        Err(FieldProblem::TooShort { min: 3 })
    } else if length > 120 {
        Err(FieldProblem::TooLong { max: 120 })
    } else if text.chars().any(char::is_control) {
        Err(FieldProblem::ControlCharacters)
    } else {
        Ok(text)
    }
}

/// The public name of an assisted person: first name and initial ("Maria R.").
fn public_name(full_name: &str) -> String {
    let mut words = full_name.split_whitespace();
    let first = words.next().unwrap_or_default();
    match words.last().and_then(|w| w.chars().next()) {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_owned(),
    }
}

/// Each staff member's use of the counter budget: everyone who recorded a
/// person in the last 7 days, busiest first (for administrators).
pub async fn budgets(ctx: &Ctx) -> Result<Vec<CounterBudget>, ServiceError> {
    authorize(ctx, Operation::ViewCounterBudgets, Scope::Global)?;
    let day_ago = ctx.now - COUNTER_RECORDS_PER_STAFF.window;
    let week_ago = ctx.now - chrono::Duration::days(7);
    let rows: Vec<(Option<Uuid>, chrono::DateTime<chrono::Utc>)> = counter_record::Entity::find()
        .select_only()
        .column(counter_record::Column::RecordedBy)
        .column(counter_record::Column::CreatedAt)
        .filter(counter_record::Column::CreatedAt.gt(week_ago))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut per_staff: HashMap<Uuid, (u64, u64)> = HashMap::new();
    for (staff, at) in rows {
        let Some(staff) = staff else { continue };
        let entry = per_staff.entry(staff).or_default();
        entry.1 += 1;
        if at > day_ago {
            entry.0 += 1;
        }
    }
    let names = people::display_names(&ctx.db, per_staff.keys().copied()).await?;
    let mut budgets: Vec<CounterBudget> = per_staff
        .into_iter()
        .map(|(staff_id, (used, week))| CounterBudget {
            staff_id,
            staff_name: names.get(&staff_id).cloned().unwrap_or_default(),
            used,
            max: COUNTER_RECORDS_PER_STAFF.max,
            week,
        })
        .collect();
    budgets.sort_by(|a, b| b.used.cmp(&a.used).then(b.week.cmp(&a.week)));
    Ok(budgets)
}

/// Records a person at the counter. The receipt's claim code is shown once.
/// Each staff member records at most [`COUNTER_RECORDS_PER_STAFF`] a day.
pub async fn record(
    ctx: &Ctx,
    full_name: &str,
    identity_check: &str,
    census_code: &str,
) -> Result<CounterReceipt, ServiceError> {
    authorize(ctx, Operation::RecordVisitor, Scope::Global)?;
    let staff = person(ctx)?.id;
    let full_name = parse_full_name(full_name).map_err(|p| ServiceError::field("nome", p))?;
    let check = IdentityCheck::parse(identity_check.trim())
        .ok_or_else(|| ServiceError::field("documento", FieldProblem::NotRecognized))?;
    let census_code = census_code.trim();
    let code = new_claim_code()?;
    let user_id = Uuid::now_v7();
    let record_id = Uuid::now_v7();
    let txn = begin_write(&ctx.db).await?;
    // The staff member's daily budget, taken before the record is made.
    let _ = COUNTER_RECORDS_PER_STAFF
        .take(&txn, &staff.to_string(), ctx.now)
        .await?;
    user::Entity::insert(user::ActiveModel {
        id: Set(user_id),
        email: Set(None),
        display_name: Set(public_name(&full_name)),
        is_demo: Set(false),
        created_at: Set(ctx.now),
        password_hash: Set(None),
        email_confirmed_at: Set(None),
        email_digest: Set(false),
        is_assisted: Set(true),
    })
    .exec_without_returning(&txn)
    .await?;
    counter_record::Entity::insert(counter_record::ActiveModel {
        id: Set(record_id),
        user_id: Set(Some(user_id)),
        full_name: Set(full_name.clone()),
        identity_check: Set(check.as_str().to_owned()),
        resident: Set(false),
        recorded_by: Set(Some(staff)),
        created_at: Set(ctx.now),
        claim_hash: Set(claim_hash(&code)),
        claimed_by: Set(None),
        claimed_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        ctx,
        "sportello.registrazione",
        Some(user_id),
        format!("{full_name} (documento: {})", check.as_str()),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    if !census_code.is_empty() {
        // The same redemption a person makes online, for the assisted account.
        let assisted = acting_for(ctx, user_id).await?;
        if let Err(error) = residence::redeem_code(&assisted, census_code, None).await {
            // Nothing is kept of a record whose residence could not be checked.
            user::Entity::delete_by_id(user_id).exec(&ctx.db).await?;
            counter_record::Entity::delete_by_id(record_id)
                .exec(&ctx.db)
                .await?;
            return Err(match error {
                ServiceError::InvalidInput { problem, .. } => {
                    ServiceError::field("codice", problem)
                }
                other => other,
            });
        }
        counter_record::Entity::update_many()
            .col_expr(counter_record::Column::Resident, Expr::value(true))
            .filter(counter_record::Column::Id.eq(record_id))
            .exec(&ctx.db)
            .await?;
    }
    Ok(CounterReceipt {
        record_id,
        claim_code: code,
    })
}

/// A context acting as the assisted person, recorded as assisted by the staff member.
async fn acting_for(ctx: &Ctx, user_id: Uuid) -> Result<Ctx, ServiceError> {
    let staff = person(ctx)?.id;
    let account = user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .filter(|u| u.is_assisted)
        .ok_or(ServiceError::NotFound("counter record"))?;
    Ok(Ctx {
        actor: Actor::Person(Person {
            id: account.id,
            display_name: account.display_name,
            is_demo: false,
            grants: grants_of(&ctx.db, account.id).await?,
            session_id: None,
        }),
        assisted_by: Some(staff),
        ..ctx.clone()
    })
}

/// The assisted account of an unclaimed record.
async fn open_record(
    ctx: &Ctx,
    record_id: Uuid,
) -> Result<(counter_record::Model, Uuid), ServiceError> {
    let record = counter_record::Entity::find_by_id(record_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("counter record"))?;
    match (record.user_id, record.claimed_at) {
        (Some(user_id), None) => Ok((record, user_id)),
        _ => Err(ServiceError::NotFound("counter record")),
    }
}

/// Staff write a proposal on behalf of a recorded person.
pub async fn propose(
    ctx: &Ctx,
    record_id: Uuid,
    process_slug: &str,
    platform_slug: &str,
    input: &ProposalInput,
) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::ProposeForVisitor, Scope::Global)?;
    let (_, user_id) = open_record(ctx, record_id).await?;
    let assisted = acting_for(ctx, user_id).await?;
    let id = authoring::create(&assisted, process_slug, platform_slug, input).await?;
    audit::record(
        &ctx.db,
        ctx,
        "sportello.proposta",
        Some(user_id),
        format!("{id}: «{}»", input.title.as_str()),
    )
    .await?;
    Ok(id)
}

/// Staff give a support on behalf of a recorded person.
pub async fn support(
    ctx: &Ctx,
    record_id: Uuid,
    proposal_id: Uuid,
) -> Result<SupportOutcome, ServiceError> {
    authorize(ctx, Operation::SupportForVisitor, Scope::Global)?;
    let (_, user_id) = open_record(ctx, record_id).await?;
    let assisted = acting_for(ctx, user_id).await?;
    let outcome = supports::give(&assisted, proposal_id).await?;
    if outcome.changed {
        audit::record(
            &ctx.db,
            ctx,
            "sportello.sostegno",
            Some(user_id),
            proposal_id.to_string(),
        )
        .await?;
    }
    Ok(outcome)
}

/// Staff's view of records, with what was done for each: three queries
/// whatever the number of records.
async fn dtos(
    db: &impl ConnectionTrait,
    records: Vec<counter_record::Model>,
) -> Result<Vec<CounterRecordDto>, ServiceError> {
    let staff = people::display_names(db, records.iter().filter_map(|r| r.recorded_by)).await?;
    let people: Vec<Uuid> = records.iter().filter_map(|r| r.user_id).collect();
    let mut authored: HashMap<Uuid, Vec<NamedRef>> = HashMap::new();
    let mut supported: HashMap<Uuid, Vec<NamedRef>> = HashMap::new();
    if !people.is_empty() {
        let rows: Vec<(Uuid, String, Option<Uuid>)> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::Title)
            .column(proposal::Column::AuthorId)
            .filter(proposal::Column::AuthorId.is_in(people.clone()))
            .order_by_asc(proposal::Column::CreatedAt)
            .into_tuple()
            .all(db)
            .await?;
        for (id, title, author) in rows {
            if let Some(author) = author {
                authored.entry(author).or_default().push(named(id, title));
            }
        }
        let rows: Vec<(Uuid, String, Option<Uuid>)> = support::Entity::find()
            .select_only()
            .column(support::Column::ProposalId)
            .column_as(proposal::Column::Title, "title")
            .column(support::Column::UserId)
            .join(
                sea_orm::JoinType::InnerJoin,
                support::Entity::belongs_to(proposal::Entity)
                    .from(support::Column::ProposalId)
                    .to(proposal::Column::Id)
                    .into(),
            )
            .filter(support::Column::UserId.is_in(people))
            .order_by_asc(proposal::Column::Title)
            .into_tuple()
            .all(db)
            .await?;
        for (id, title, supporter) in rows {
            if let Some(supporter) = supporter {
                supported
                    .entry(supporter)
                    .or_default()
                    .push(named(id, title));
            }
        }
    }
    Ok(records
        .into_iter()
        .map(|record| CounterRecordDto {
            id: record.id,
            identity_check: IdentityCheck::parse(&record.identity_check)
                .unwrap_or(IdentityCheck::IdentityCard),
            resident: record.resident,
            recorded_at: record.created_at,
            recorded_by: record.recorded_by.and_then(|id| staff.get(&id).cloned()),
            claimed: record.claimed_at.is_some(),
            proposals: record
                .user_id
                .and_then(|id| authored.remove(&id))
                .unwrap_or_default(),
            supports: record
                .user_id
                .and_then(|id| supported.remove(&id))
                .unwrap_or_default(),
            full_name: record.full_name,
        })
        .collect())
}

fn named(id: Uuid, title: String) -> NamedRef {
    NamedRef {
        key: id.to_string(),
        name: title,
    }
}

/// One recorded person with what was done on their behalf.
pub async fn detail(ctx: &Ctx, record_id: Uuid) -> Result<CounterRecordDto, ServiceError> {
    authorize(ctx, Operation::ViewVisitor, Scope::Global)?;
    let record = counter_record::Entity::find_by_id(record_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("counter record"))?;
    let mut found = dtos(&ctx.db, vec![record]).await?;
    found.pop().ok_or(ServiceError::NotFound("counter record"))
}

/// Recorded people whose name contains `text` (newest first), so staff find
/// someone who comes back instead of recording them twice.
pub async fn search(ctx: &Ctx, text: &str) -> Result<Vec<CounterRecordDto>, ServiceError> {
    authorize(ctx, Operation::SearchVisitors, Scope::Global)?;
    let text: String = text.trim().chars().take(60).collect();
    let mut select = counter_record::Entity::find();
    if !text.is_empty() {
        let pattern = format!("%{}%", text.to_lowercase().replace(['\\', '%', '_'], ""));
        select = select.filter(Expr::cust_with_values(
            match ctx.db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => "LOWER(full_name) LIKE $1",
                _ => "LOWER(full_name) LIKE ?",
            },
            [Value::from(pattern)],
        ));
    }
    let rows = select
        .order_by_desc(counter_record::Column::CreatedAt)
        .limit(SEARCH_LIMIT)
        .all(&ctx.db)
        .await?;
    dtos(&ctx.db, rows).await
}

/// A person signed in online claims their counter record with the code on
/// the receipt: the proposals and supports made for them become theirs, and
/// a support they had also given online counts once.
pub async fn claim(ctx: &Ctx, code: &str) -> Result<ClaimOutcome, ServiceError> {
    authorize(ctx, Operation::ClaimCounterRecord, Scope::Global)?;
    let me = person(ctx)?.clone();
    if code.trim().is_empty() {
        return Err(ServiceError::field("codice", FieldProblem::Empty));
    }
    let record = counter_record::Entity::find()
        .filter(counter_record::Column::ClaimHash.eq(claim_hash(code)))
        .filter(counter_record::Column::ClaimedAt.is_null())
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ServiceError::field("codice", FieldProblem::NotRecognized))?;
    let Some(assisted) = record.user_id else {
        return Err(ServiceError::field("codice", FieldProblem::NotRecognized));
    };
    let txn = begin_write(&ctx.db).await?;
    let backend = txn.get_database_backend();
    // Claim first: a second claim of the same code changes nothing.
    let claimed = counter_record::Entity::update_many()
        .col_expr(counter_record::Column::ClaimedBy, Expr::value(Some(me.id)))
        .col_expr(
            counter_record::Column::ClaimedAt,
            Expr::value(Some(ctx.now)),
        )
        .col_expr(counter_record::Column::UserId, Expr::value(None::<Uuid>))
        .filter(counter_record::Column::Id.eq(record.id))
        .filter(counter_record::Column::ClaimedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed == 0 {
        txn.rollback().await?;
        return Err(ServiceError::field("codice", FieldProblem::NotRecognized));
    }
    let run = |sql: &str, values: Vec<Value>| statement(backend, sql, values);
    // Supports given both at the counter and online: the counter's goes.
    let duplicates = txn
        .query_all_raw(run(
            "DELETE FROM supports WHERE user_id = ? AND proposal_id IN \
             (SELECT proposal_id FROM supports WHERE user_id = ?) RETURNING proposal_id",
            vec![Value::from(assisted), Value::from(me.id)],
        ))
        .await?;
    for row in &duplicates {
        let proposal_id: Uuid = row.try_get_by_index(0)?;
        proposal::Entity::update_many()
            .col_expr(
                proposal::Column::SupportCount,
                Expr::cust("support_count - 1"),
            )
            .filter(proposal::Column::Id.eq(proposal_id))
            .exec(&txn)
            .await?;
    }
    let moved_supports = txn
        .execute_raw(run(
            "UPDATE supports SET user_id = ? WHERE user_id = ?",
            vec![Value::from(me.id), Value::from(assisted)],
        ))
        .await?
        .rows_affected();
    let moved_proposals = txn
        .execute_raw(run(
            "UPDATE proposals SET author_id = ? WHERE author_id = ?",
            vec![Value::from(me.id), Value::from(assisted)],
        ))
        .await?
        .rows_affected();
    txn.execute_raw(run(
        "UPDATE proposal_versions SET editor_id = ? WHERE editor_id = ?",
        vec![Value::from(me.id), Value::from(assisted)],
    ))
    .await?;
    txn.execute_raw(run(
        "UPDATE follows SET user_id = ? WHERE user_id = ? \
         AND proposal_id NOT IN (SELECT f.proposal_id FROM follows f WHERE f.user_id = ?)",
        vec![
            Value::from(me.id),
            Value::from(assisted),
            Value::from(me.id),
        ],
    ))
    .await?;
    // One person holds no more supports per platform than the phase allows:
    // the counter's newest go first.
    let mut over_limit = 0u64;
    let held = txn
        .query_all_raw(run(
            "SELECT p.platform_id, p.process_id, COUNT(*) FROM supports s \
             JOIN proposals p ON p.id = s.proposal_id \
             WHERE s.user_id = ? AND p.state <> 'withdrawn' GROUP BY p.platform_id, p.process_id",
            vec![Value::from(me.id)],
        ))
        .await?;
    for row in held {
        let platform_id: Uuid = row.try_get_by_index(0)?;
        let process_id: Uuid = row.try_get_by_index(1)?;
        let count: i64 = row.try_get_by_index(2)?;
        let Some(limit) = phases::load(&txn, process_id).await?.support_limit() else {
            continue;
        };
        let excess = count - i64::from(limit);
        if excess <= 0 {
            continue;
        }
        let dropped = txn
            .query_all_raw(run(
                "SELECT s.id, s.proposal_id FROM supports s \
                 JOIN proposals p ON p.id = s.proposal_id \
                 WHERE s.user_id = ? AND p.platform_id = ? AND p.state <> 'withdrawn' \
                 ORDER BY CASE WHEN s.assisted_by IS NULL THEN 1 ELSE 0 END, s.created_at DESC \
                 LIMIT ?",
                vec![
                    Value::from(me.id),
                    Value::from(platform_id),
                    Value::from(excess),
                ],
            ))
            .await?;
        for victim in dropped {
            let support_id: Uuid = victim.try_get_by_index(0)?;
            let proposal_id: Uuid = victim.try_get_by_index(1)?;
            support::Entity::delete_by_id(support_id).exec(&txn).await?;
            proposal::Entity::update_many()
                .col_expr(
                    proposal::Column::SupportCount,
                    Expr::cust("support_count - 1"),
                )
                .filter(proposal::Column::Id.eq(proposal_id))
                .exec(&txn)
                .await?;
            over_limit += 1;
        }
    }
    // What each platform's limit counts, recomputed from the supports now held.
    txn.execute_raw(run(
        "DELETE FROM support_allowances WHERE user_id IN (?, ?)",
        vec![Value::from(me.id), Value::from(assisted)],
    ))
    .await?;
    txn.execute_raw(run(
        "INSERT INTO support_allowances (user_id, platform_id, used) \
         SELECT s.user_id, p.platform_id, COUNT(*) FROM supports s \
         JOIN proposals p ON p.id = s.proposal_id \
         WHERE s.user_id = ? AND p.state <> 'withdrawn' GROUP BY s.user_id, p.platform_id",
        vec![Value::from(me.id)],
    ))
    .await?;
    // Residence verified at the counter carries over.
    let held = grants_of(&txn, me.id).await?;
    for grant in grants_of(&txn, assisted).await? {
        if !held.contains(&grant) {
            role_assignment::Entity::insert(role_assignment::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(me.id),
                role: Set(grant.role.as_str().to_owned()),
                process_id: Set(grant.process_id),
                platform_id: Set(grant.platform_id),
                created_at: Set(ctx.now),
            })
            .exec_without_returning(&txn)
            .await?;
        }
    }
    // A block follows the person: their content stays hidden and the
    // moderators can still lift it.
    txn.execute_raw(run(
        "UPDATE process_blocks SET user_id = ? WHERE user_id = ? \
         AND process_id NOT IN (SELECT b.process_id FROM process_blocks b WHERE b.user_id = ?)",
        vec![
            Value::from(me.id),
            Value::from(assisted),
            Value::from(me.id),
        ],
    ))
    .await?;
    user::Entity::delete_by_id(assisted).exec(&txn).await?;
    audit::record(
        &txn,
        ctx,
        "sportello.rivendicazione",
        Some(me.id),
        format!(
            "scheda {}: {moved_proposals} proposte, {moved_supports} sostegni, {} doppi, \
             {over_limit} oltre il limite",
            record.id,
            duplicates.len()
        ),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(ClaimOutcome {
        proposals: moved_proposals,
        supports: moved_supports.saturating_sub(over_limit),
        duplicates_dropped: duplicates.len() as u64,
        over_limit_dropped: over_limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_codes_read_well_and_match_however_typed() {
        let code = new_claim_code().unwrap();
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || CLAIM_ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(
            claim_hash(&code),
            claim_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(new_claim_code().unwrap(), code);
    }

    #[test]
    fn public_names_keep_only_the_initial_of_the_surname() {
        assert_eq!(public_name("Maria Rossi"), "Maria R.");
        assert_eq!(public_name("Gian Luca De Santis"), "Gian S.");
        assert_eq!(public_name("Aldo"), "Aldo");
        assert_eq!(
            parse_full_name("  Maria   Rossi "),
            Ok("Maria Rossi".into())
        );
        assert_eq!(parse_full_name(""), Err(FieldProblem::Empty));
    }
}
