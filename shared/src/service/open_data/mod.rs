//! Open data: one process exported as CSV and JSON files anyone may reuse
//! ([`export`]), the [`datasets`] and their columns, the [`writers`] that
//! hash what they write, the check of an exported folder without a database
//! ([`verify`]), and the [`zip`] the site serves.

pub mod datasets;
pub mod export;
pub mod verify;
pub mod writers;
pub mod zip;

pub use datasets::{DATASETS, LICENSE, MANIFEST, METADATA, PAGE_ROWS, TOTALS};
pub use export::export;
pub use verify::{VerifyReport, verify};
pub use writers::{ExportError, ExportSummary, ExportedFile};
pub use zip::zip_export;
