//! Data that is not people's: the [`demo`] a newcomer explores, bulk data
//! [`generate`]d for benchmarks, and one-time [`upgrade`] work.

pub mod demo;
pub mod generate;
pub mod upgrade;
