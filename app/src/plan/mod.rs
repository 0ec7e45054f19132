//! The final plan: its page, versions, comparison and composer ([`pages`]),
//! and their [`server_fns`].

pub mod pages;
pub mod server_fns;
