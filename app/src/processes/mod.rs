//! Processes: the [`home`] page that lists them, a process's page
//! ([`process_page`]), [`editing`] a process, and their [`server_fns`].

pub mod editing;
pub mod home;
pub mod process_page;
pub mod server_fns;
