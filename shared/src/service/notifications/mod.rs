//! Notifications for people who follow what matters to them: the in-app
//! list and the email digest ([`inbox`]). Below accounts and processes,
//! which notify people when things happen.

pub mod inbox;
