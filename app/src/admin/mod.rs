//! Administration: the administrators' [`pages`] (people and roles, the
//! action log, the outbox, the census list, the legal pages' text), the
//! [`legal`] pages everyone reads, and their [`server_fns`].

pub mod legal;
pub mod pages;
pub mod server_fns;
