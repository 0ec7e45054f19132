//! An export's files as one zip, for the site's download.

use std::fs::File;
use std::io::{self};
use std::path::Path;

use crate::service::open_data::writers::{ExportError, ExportSummary};

/// The files an export wrote in `dir`, zipped into `out` (the site's
/// download): each file is copied through, never held whole in memory.
pub fn zip_export(
    dir: &Path,
    summary: &ExportSummary,
    out: impl io::Write + io::Seek,
) -> Result<(), ExportError> {
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for file in &summary.files {
        zip.start_file(file.name.as_str(), options)
            .map_err(io::Error::other)?;
        io::copy(&mut File::open(dir.join(&file.name))?, &mut zip)?;
    }
    zip.finish().map_err(io::Error::other)?;
    Ok(())
}
