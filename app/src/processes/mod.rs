//! Processes: the [`home`] page that lists them, a process's page
//! ([`process_page`]), setting one up ([`new_process_page`],
//! [`editor_page`]), and their server functions ([`server_fns`], setup in
//! [`editing_fns`]).

pub mod editing_fns;
pub mod editor_page;
pub mod home;
pub mod new_process_page;
pub mod process_page;
pub mod server_fns;
