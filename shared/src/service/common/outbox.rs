//! The outbox: every email is written here first (in the same transaction as
//! what caused it), then delivered by a background job over SMTP, or written
//! to the log when no SMTP server is configured. Nothing is silently dropped.

use chrono::Duration;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::accounts::{OutboxPage, OutboxView};
use crate::model::common::FieldProblem;
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::outbox_message;
use crate::service::{Ctx, ServiceError};

/// Messages per page of the outbox.
pub const PAGE_SIZE: u64 = 30;
/// Attempts before a message is left for an administrator to look at.
pub const MAX_ATTEMPTS: i32 = 8;

/// An email to send.
#[derive(Clone, Debug)]
pub struct Mail {
    pub id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// How mail leaves the building (SMTP, or the log).
pub trait MailTransport: Send + Sync {
    /// `smtp` or `log`: recorded with each delivered message.
    fn name(&self) -> &'static str;
    /// Sends one message; the error text is kept in the outbox (never shown to users).
    fn send(&self, mail: &Mail) -> impl Future<Output = Result<(), String>> + Send;
}

/// Queues an email, in the caller's transaction.
pub(crate) async fn enqueue(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    recipient: &str,
    subject: &str,
    body: String,
) -> Result<(), ServiceError> {
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        recipient: Set(recipient.to_owned()),
        subject: Set(subject.chars().take(200).collect()),
        body: Set(body),
        created_at: Set(ctx.now),
        delivered_at: Set(None),
        delivery: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        locked_until: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What replaces a one-time link's secret wherever an email is shown or
/// logged.
pub const REDACTED: &str = "[nascosto]";

/// An email's text with the secret of every one-time link cut out
/// (`…?token=[nascosto]`): what administrators, logs and the stored copy of a
/// delivered message keep. A link to reset a password or confirm an address
/// is as good as the account, so only the recipient ever sees it whole.
pub fn redact(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let secret_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '%'))
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
}

/// The outbox, newest first; `before` is the id of the last message shown.
pub async fn list(ctx: &Ctx, before: Option<&str>) -> Result<OutboxPage, ServiceError> {
    authorize(ctx, Operation::ViewOutbox, Scope::Global)?;
    let mut select = outbox_message::Entity::find().order_by_desc(outbox_message::Column::Id);
    if let Some(cursor) = before.filter(|c| !c.is_empty()) {
        let id = Uuid::try_parse(cursor)
            .map_err(|_| ServiceError::field("dopo", FieldProblem::Malformed))?;
        select = select.filter(outbox_message::Column::Id.lt(id));
    }
    let mut rows = select.limit(PAGE_SIZE + 1).all(&ctx.db).await?;
    let next = (rows.len() as u64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id.to_string()).unwrap_or_default()
    });
    Ok(OutboxPage {
        items: rows
            .into_iter()
            .map(|r| OutboxView {
                id: r.id,
                recipient: r.recipient,
                subject: r.subject,
                body: redact(&r.body),
                created_at: r.created_at,
                delivered_at: r.delivered_at,
                delivery: r.delivery,
                last_error: r.last_error,
            })
            .collect(),
        next,
    })
}

/// Delivers up to `batch` pending messages through `transport`. Safe with
/// several server processes: each message is claimed (leased for two
/// minutes) before it is sent. Returns how many were delivered.
pub async fn deliver_pending(
    ctx: &Ctx,
    transport: &impl MailTransport,
    batch: u64,
) -> Result<u64, ServiceError> {
    authorize(ctx, Operation::DeliverMail, Scope::Global)?;
    use outbox_message::Column as C;
    let free = || {
        Condition::any()
            .add(C::LockedUntil.is_null())
            .add(C::LockedUntil.lt(ctx.now))
    };
    let pending = outbox_message::Entity::find()
        .filter(C::DeliveredAt.is_null())
        .filter(C::Attempts.lt(MAX_ATTEMPTS))
        .filter(free())
        .order_by_asc(C::CreatedAt)
        .limit(batch)
        .all(&ctx.db)
        .await?;
    let mut delivered = 0;
    for message in pending {
        let claimed = outbox_message::Entity::update_many()
            .col_expr(C::LockedUntil, Expr::value(ctx.now + Duration::minutes(2)))
            .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
            .filter(C::Id.eq(message.id))
            .filter(C::DeliveredAt.is_null())
            .filter(free())
            .exec(&ctx.db)
            .await?
            .rows_affected
            == 1;
        if !claimed {
            continue;
        }
        let mail = Mail {
            id: message.id,
            recipient: message.recipient,
            subject: message.subject,
            body: message.body,
        };
        match transport.send(&mail).await {
            Ok(()) => {
                outbox_message::Entity::update_many()
                    .col_expr(C::DeliveredAt, Expr::value(Some(ctx.now)))
                    .col_expr(C::Delivery, Expr::value(Some(transport.name())))
                    .col_expr(C::LastError, Expr::value(Option::<String>::None))
                    // Delivered, the one-time links are no longer kept.
                    .col_expr(C::Body, Expr::value(redact(&mail.body)))
                    .filter(C::Id.eq(mail.id))
                    .exec(&ctx.db)
                    .await?;
                delivered += 1;
            }
            Err(error) => {
                tracing::warn!(message = %mail.id, %error, "email not delivered; will retry");
                // Back off: 1, 2, 4… minutes.
                let backoff = Duration::minutes(1 << message.attempts.clamp(0, 10));
                outbox_message::Entity::update_many()
                    .col_expr(
                        C::LastError,
                        Expr::value(Some(error.chars().take(500).collect::<String>())),
                    )
                    .col_expr(C::LockedUntil, Expr::value(Some(ctx.now + backoff)))
                    .filter(C::Id.eq(mail.id))
                    .exec(&ctx.db)
                    .await?;
            }
        }
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_links_lose_their_secret_and_nothing_else() {
        let body = "Ciao,\nhttps://piazza.example/reimposta-password?token=Ab-_9xZ\n\
                    e https://piazza.example/conferma-email?token=Q1%2Bz&x=1 fine. token= vuoto";
        assert_eq!(
            redact(body),
            "Ciao,\nhttps://piazza.example/reimposta-password?token=[nascosto]\n\
             e https://piazza.example/conferma-email?token=[nascosto]&x=1 fine. token= vuoto"
        );
        assert_eq!(redact("niente da nascondere"), "niente da nascondere");
    }
}
