//! A saved version of the plan as a file: PDF, OpenDocument, standalone
//! HTML or Markdown. The site's download links and `server export` both
//! come here, so every route to a file gives the same bytes.

use crate::model::plan::PlanVersionView;

use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::{
    Ctx, ServiceError, plan::blocks, plan::odt, plan::pdf, plan::render, plan::versions,
};

/// The formats a plan is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFormat {
    Pdf,
    Odt,
    Html,
    Markdown,
}

impl PlanFormat {
    /// Every format, in the order the site offers them.
    pub const ALL: [PlanFormat; 4] = [Self::Pdf, Self::Odt, Self::Html, Self::Markdown];

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Odt => "odt",
            Self::Html => "html",
            Self::Markdown => "md",
        }
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Html => "text/html; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// The format of an extension ("pdf", "odt", "html", "md").
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|format| format.extension() == extension)
    }
}

/// Why a file could not be written (the plan is always there: the layout
/// failed). Shown to people as a generic failure; the cause goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum PlanExportError {
    #[error("PDF: {0}")]
    Pdf(#[from] pdf::PdfError),
    #[error("OpenDocument: {0}")]
    Odt(#[from] odt::OdtError),
}

/// The file's name: `piano-<process>-v<version>.<extension>`.
pub fn file_name(version: &PlanVersionView, format: PlanFormat) -> String {
    format!(
        "piano-{}-v{}.{}",
        version.document.process.key,
        version.summary.number,
        format.extension()
    )
}

/// The version as a file. CPU-bound for PDF and OpenDocument: run it off
/// the request threads (`spawn_blocking`).
pub fn render(version: &PlanVersionView, format: PlanFormat) -> Result<Vec<u8>, PlanExportError> {
    let approval = version.approval.as_ref();
    Ok(match format {
        PlanFormat::Markdown => render::markdown(&version.document, approval).into_bytes(),
        PlanFormat::Html => render::html_document(&version.document, approval).into_bytes(),
        PlanFormat::Pdf => pdf::pdf(&blocks::blocks(&version.document, approval))?,
        PlanFormat::Odt => odt::odt(&blocks::blocks(&version.document, approval))?,
    })
}

/// The version `number`, or when none is asked for the one the plan page
/// shows: the approved version, else the newest.
pub async fn chosen_version(
    ctx: &Ctx,
    process_slug: &str,
    number: Option<i32>,
) -> Result<PlanVersionView, ServiceError> {
    authorize(ctx, Operation::ExportPlan, Scope::Global)?;
    match number {
        Some(number) => versions::version(ctx, process_slug, number).await,
        None => versions::overview(ctx, process_slug)
            .await?
            .shown
            .ok_or(ServiceError::NotFound("plan_version")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_extension() {
        for format in PlanFormat::ALL {
            assert_eq!(PlanFormat::from_extension(format.extension()), Some(format));
        }
        assert_eq!(PlanFormat::from_extension("exe"), None);
        assert_eq!(PlanFormat::from_extension("PDF"), None);
    }
}
