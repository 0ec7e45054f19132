//! The DUP: the [`editions_page`], one [`edition_page`], an
//! [`objective_page`], the [`plan_links`] shown on proposals and projects,
//! the [`coverage_page`] and the [`monitoring_page`]; what they show alike
//! ([`widgets`]); and their [`server_fns`].

pub mod coverage_page;
pub mod edition_page;
pub mod editions_page;
pub mod monitoring_page;
pub mod objective_page;
pub mod plan_links;
pub mod server_fns;
pub mod widgets;
