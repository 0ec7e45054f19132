//! Open data: one process exported as CSV and JSON files with their
//! metadata and manifest ([`export`]).

pub mod export;
