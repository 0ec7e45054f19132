//! Rate limits counted in the database, so every server process sees the same counts.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::service::ServiceError;
use crate::service::entity::rate_event;

/// A limit: at most `max` events of `kind` per subject within `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub kind: &'static str,
    pub max: u64,
    pub window: Duration,
}

/// Failed sign-ins per account (the email as typed, lower-cased).
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit {
    kind: "sign_in_account",
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
