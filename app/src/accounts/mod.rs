//! People and their access: signing in ([`sign_in_page`]), registering
//! ([`register_page`], [`register_sent_page`], [`confirm_email_page`]),
//! passwords ([`forgot_password_page`], [`reset_password_page`]), the
//! [`profile`], and their server functions ([`server_fns`], API tokens in
//! [`token_fns`]).

pub mod confirm_email_page;
pub mod forgot_password_page;
pub mod profile;
pub mod register_page;
pub mod register_sent_page;
pub mod reset_password_page;
pub mod server_fns;
pub mod sign_in_page;
pub mod token_fns;
