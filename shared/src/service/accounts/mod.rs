//! People and their access: one person's [`account`] (registering, signing
//! in, passwords, own data), [`sessions`], API [`tokens`], [`roles`],
//! [`residence`] verification, and the [`people`] lookup every feature uses
//! to name authors.

pub mod account;
pub mod people;
pub mod residence;
pub mod roles;
pub mod sessions;
pub mod tokens;
