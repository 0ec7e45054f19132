//! Background jobs: delivering the outbox (SMTP, or the log when no SMTP
//! server is configured) and forgetting expired sessions. Safe with several
//! server processes: messages are claimed in the database before sending.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shared::service::common::outbox::{Mail, MailTransport};
use shared::service::{Actor, Ctx, Db, accounts::sessions, common::outbox};

use crate::config::Config;

/// Delivery through an SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// Builds the transport from `PIAZZA_SMTP_URL` and `PIAZZA_MAIL_FROM`.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("PIAZZA_SMTP_URL is not valid: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("PIAZZA_MAIL_FROM is not valid: {e}"))?;
        Ok(Self { transport, from })
    }
}

impl MailTransport for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, mail: &Mail) -> Result<(), String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .body(mail.body.clone())
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// With no SMTP server: each message is logged without its one-time links
/// (and stays in the outbox, also without them). A demo instance
/// (`PIAZZA_SEED_DEMO`) prints the whole message to the console of the
/// person running it instead, clearly marked, so they can follow a
/// registration or a reset link; a production instance never does.
pub struct LogOnly {
    /// Print whole messages to the console (demo instances only).
    pub console: bool,
}

impl MailTransport for LogOnly {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, mail: &Mail) -> Result<(), String> {
        if self.console {
            eprintln!(
                "──── DEMO: email not sent (no SMTP server), shown whole to whoever runs this demo ────\n\
                 To: {}\nSubject: {}\n\n{}\n──── end of email ────",
                mail.recipient, mail.subject, mail.body
            );
        } else {
            tracing::info!(
                to = %mail.recipient,
                subject = %mail.subject,
                body = %outbox::redact(&mail.body),
                "email not sent (no SMTP server configured); kept in the outbox without its links"
            );
        }
        Ok(())
    }
}

/// Runs the jobs until the process ends.
pub fn spawn(db: Db, config: &Config) -> Result<(), String> {
    match &config.smtp_url {
        Some(url) => {
            let smtp = Smtp::new(url.expose(), &config.mail_from)?;
            tracing::info!("email goes out over SMTP");
            tokio::spawn(run(db, smtp));
        }
        None => {
            tracing::warn!(
                demo = config.seed_demo,
                "no SMTP server configured (PIAZZA_SMTP_URL): emails are not sent; the log and \
                 the outbox keep them without their one-time links (a demo instance prints them \
                 whole to this console)"
            );
            tokio::spawn(run(
                db,
                LogOnly {
                    console: config.seed_demo,
                },
            ));
        }
    }
    Ok(())
}

async fn run(db: Db, transport: impl MailTransport) {
    let mut ticks: u64 = 0;
    loop {
        let ctx = Ctx::new(db.clone(), Actor::System);
        if let Err(error) = outbox::deliver_pending(&ctx, &transport, 50).await {
            tracing::error!(%error, "outbox delivery failed");
        }
        // About once an hour.
        if ticks.is_multiple_of(1200) {
            match sessions::purge_expired(&db, ctx.now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions removed"),
                Err(error) => tracing::error!(%error, "expired sessions not removed"),
            }
        }
        ticks += 1;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}
