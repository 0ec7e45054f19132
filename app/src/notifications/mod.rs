//! The person's notifications ([`list`]).

pub mod list;
