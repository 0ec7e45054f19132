//! Running a process: [`moderation`] decisions in the open, [`reports`],
//! [`blocks`] and the moderators' [`queue`]; merging proposals into
//! [`projects`]; the facilitators' [`dashboard`]; and assisted
//! participation at the [`counter`].

pub mod blocks;
pub mod counter;
pub mod dashboard;
pub mod moderation;
pub mod projects;
pub mod queue;
pub mod reports;
