//! One module per page.

pub mod home;
pub mod legal;
pub mod not_found;
pub mod platform;
pub mod process;
pub mod proposal;
pub mod proposals;
