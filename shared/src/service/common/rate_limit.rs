//! Rate limits counted in the database, so every server process sees the same counts.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::service::ServiceError;
use crate::service::common::db::begin_write;
use crate::service::entity::rate_event;

/// An attempt taken from a limit, until it is given back.
#[derive(Debug)]
#[must_use]
pub struct Reserved(Uuid);

/// A limit: at most `max` events of `kind` per subject within `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub kind: &'static str,
    pub max: u64,
    pub window: Duration,
}

/// Failed sign-ins per account from one client address (`email address`):
/// the tight limit, which only that client can trigger.
pub const SIGN_IN_PER_ACCOUNT_AND_ADDRESS: Limit = Limit {
    kind: "sign_in_account_address",
    max: 5,
    window: Duration::minutes(15),
};
/// Failed sign-ins per account from anywhere (the email, lower-cased): a
/// loose limit against guessing spread over many addresses, lifted by a
/// password reset.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit {
    kind: "sign_in_account",
    max: 50,
    window: Duration::hours(1),
};
/// Wrong answers when a signed-in person is asked for their password again
/// (a write token, a new password).
pub const REAUTH_PER_ACCOUNT: Limit = Limit {
    kind: "reauth_account",
    max: 5,
    window: Duration::minutes(15),
};
/// Failed sign-ins per client address.
pub const SIGN_IN_PER_IP: Limit = Limit {
    kind: "sign_in_ip",
    max: 30,
    window: Duration::minutes(15),
};
/// Registrations and reset requests per client address.
pub const ACCOUNT_EMAILS_PER_IP: Limit = Limit {
    kind: "account_mail_ip",
    max: 10,
    window: Duration::hours(1),
};
/// Account emails (reset, confirmation, "you already have an account") per address.
pub const ACCOUNT_EMAILS_PER_ADDRESS: Limit = Limit {
    kind: "account_mail_to",
    max: 3,
    window: Duration::hours(1),
};
/// People one staff member records at the counter in a day: a busy counter
/// sees a few dozen; more is a mistake or someone making up participants.
pub const COUNTER_RECORDS_PER_STAFF: Limit = Limit {
    kind: "counter_staff",
    max: 60,
    window: Duration::hours(24),
};
/// Census code attempts per client address, whichever account makes them.
pub const CENSUS_ATTEMPTS_PER_ADDRESS: Limit = Limit {
    kind: "census_address",
    max: 30,
    window: Duration::hours(1),
};
/// Census code attempts per person.
pub const CENSUS_ATTEMPTS_PER_PERSON: Limit = Limit {
    kind: "census_person",
    max: 10,
    window: Duration::hours(1),
};
/// New proposals per person (spam brake; real people write a few a day).
pub const PROPOSALS_PER_PERSON: Limit = Limit {
    kind: "proposal_person",
    max: 10,
    window: Duration::hours(1),
};
/// Comments per person.
pub const COMMENTS_PER_PERSON: Limit = Limit {
    kind: "comment_person",
    max: 60,
    window: Duration::hours(1),
};

impl Limit {
    /// `Err(RateLimited)` when `subject` already reached the limit.
    pub async fn check(
        &self,
        db: &impl ConnectionTrait,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        match self.retry_after(db, subject, now).await? {
            Some(retry_after_secs) => Err(ServiceError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }

    /// Whether `subject` reached the limit (without saying so to anyone).
    pub async fn reached(
        &self,
        db: &impl ConnectionTrait,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, ServiceError> {
        Ok(self.retry_after(db, subject, now).await?.is_some())
    }

    async fn retry_after(
        &self,
        db: &impl ConnectionTrait,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, ServiceError> {
        let since = now - self.window;
        let recent = rate_event::Entity::find()
            .filter(rate_event::Column::Kind.eq(self.kind))
            .filter(rate_event::Column::Subject.eq(subject))
            .filter(rate_event::Column::At.gt(since));
        if recent.clone().count(db).await? < self.max {
            return Ok(None);
        }
        // Free again when the oldest counted event leaves the window.
        let oldest = recent
            .order_by_asc(rate_event::Column::At)
            .limit(1)
            .one(db)
            .await?
            .map(|e| e.at)
            .unwrap_or(now);
        let free_at = oldest + self.window;
        Ok(Some((free_at - now).num_seconds().max(1) as u64))
    }

    /// Takes one of `subject`'s attempts before the work it limits, or
    /// refuses: the count and the new event are one atomic step (SQLite's
    /// write lock; on PostgreSQL a lock on this limit and subject), so
    /// parallel requests can never all pass a check made before any of
    /// them is counted. [`release`](Self::release) gives it back when the
    /// attempt should not count after all (a sign-in that succeeded).
    pub async fn reserve(
        &self,
        db: &crate::service::Db,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Reserved, ServiceError> {
        let txn = begin_write(db).await?;
        let taken = self.take(&txn, subject, now).await;
        match taken {
            Ok(reserved) => {
                txn.commit().await?;
                Ok(reserved)
            }
            Err(error) => {
                txn.rollback().await?;
                Err(error)
            }
        }
    }

    /// Takes one of `subject`'s attempts inside the caller's write
    /// transaction, before its work, or refuses: it counts only if the work
    /// commits. Atomic like [`reserve`](Self::reserve).
    pub async fn take(
        &self,
        txn: &impl ConnectionTrait,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Reserved, ServiceError> {
        if txn.get_database_backend() == DbBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                [format!("{}:{subject}", self.kind).into()],
            ))
            .await?;
        }
        if let Some(retry_after_secs) = self.retry_after(txn, subject, now).await? {
            return Err(ServiceError::RateLimited { retry_after_secs });
        }
        let id = Uuid::now_v7();
        rate_event::Entity::insert(rate_event::ActiveModel {
            id: Set(id),
            kind: Set(self.kind.to_owned()),
            subject: Set(subject.chars().take(254).collect()),
            at: Set(now),
        })
        .exec_without_returning(txn)
        .await?;
        Ok(Reserved(id))
    }

    /// Gives back an attempt [`reserve`](Self::reserve)d.
    pub async fn release(
        &self,
        db: &impl ConnectionTrait,
        reserved: Reserved,
    ) -> Result<(), ServiceError> {
        rate_event::Entity::delete_by_id(reserved.0)
            .exec(db)
            .await?;
        Ok(())
    }

    /// Counts one event for `subject`, and forgets events older than a day.
    pub async fn record(
        &self,
        db: &impl ConnectionTrait,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        rate_event::Entity::insert(rate_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(self.kind.to_owned()),
            subject: Set(subject.chars().take(254).collect()),
            at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        rate_event::Entity::delete_many()
            .filter(rate_event::Column::At.lt(now - Duration::days(1)))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Forgets `subject`'s events (after a successful sign-in).
    pub async fn clear(
        &self,
        db: &impl ConnectionTrait,
        subject: &str,
    ) -> Result<(), ServiceError> {
        rate_event::Entity::delete_many()
            .filter(rate_event::Column::Kind.eq(self.kind))
            .filter(rate_event::Column::Subject.eq(subject))
            .exec(db)
            .await?;
        Ok(())
    }
}
