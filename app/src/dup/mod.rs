//! The DUP: editions, objectives, the links from the plan, coverage and
//! monitoring ([`pages`]), and their [`server_fns`].

pub mod pages;
pub mod server_fns;
