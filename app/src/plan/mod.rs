//! The final plan: the [`plan_page`], one version ([`version_page`]), two
//! versions compared ([`compare_page`]), the composer ([`compose_page`]), what
//! they show alike ([`widgets`]), and their [`server_fns`].

pub mod compare_page;
pub mod compose_page;
pub mod plan_page;
pub mod server_fns;
pub mod version_page;
pub mod widgets;
