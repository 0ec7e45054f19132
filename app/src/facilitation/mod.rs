//! Running a process: the [`dashboard_page`], a [`project_page`], the
//! [`moderation_page`] and the public [`moderation_log_page`], the report
//! and moderation forms ([`moderation_forms`]), the counter ([`counter_page`], [`counter_record_page`]), words for
//! what facilitators see ([`labels`]), and their [`server_fns`].

pub mod counter_page;
pub mod counter_record_page;
pub mod dashboard_page;
pub mod labels;
pub mod moderation_forms;
pub mod moderation_log_page;
pub mod moderation_page;
pub mod project_page;
pub mod server_fns;
