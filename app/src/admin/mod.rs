//! Administration: the administrators' pages ([`home_page`], people and
//! roles in [`users_page`], the action [`log_page`], the [`outbox_page`], the
//! [`census_page`], the legal pages' text in [`page_edit_page`]), the
//! [`legal`] pages everyone reads, and their [`server_fns`].

pub mod census_page;
pub mod home_page;
pub mod legal;
pub mod log_page;
pub mod outbox_page;
pub mod page_edit_page;
pub mod server_fns;
pub mod users_page;
