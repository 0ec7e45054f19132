//! People and their access: signing in, registering and passwords
//! ([`auth`]), the [`profile`], and their server functions ([`server_fns`],
//! API tokens in [`token_fns`]).

pub mod auth;
pub mod profile;
pub mod server_fns;
pub mod token_fns;
