//! What every feature stands on: who acts ([`context`]), the database
//! ([`db`]), the one error type ([`error`]), authorization ([`authz`]), the
//! action log ([`audit`]), secrets, rate limits, the outbox, live updates,
//! Markdown, full-text search, form drafts and the legal pages.

pub mod audit;
pub mod authz;
pub mod context;
pub(crate) mod db;
pub mod drafts;
pub(crate) mod error;
pub mod live;
pub mod markdown;
pub mod outbox;
pub mod rate_limit;
pub mod search;
pub mod secrets;
pub mod site_pages;
#[cfg(test)]
mod source_files;
pub mod spreadsheet;
