//! Processes and their platforms.

use leptos::prelude::*;
use shared::model::{PlatformDetail, ProcessDetail, ProcessSummary};

use crate::ui::api_error::ApiError;

/// Every process, for the home page.
#[server(endpoint = "processes/list")]
pub async fn list_processes() -> Result<Vec<ProcessSummary>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::processes::read::list(&ctx).await?)
}

/// One process with its phases, directions, platforms, zones and figures.
#[server(endpoint = "processes/get")]
pub async fn get_process(slug: String) -> Result<ProcessDetail, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::processes::read::detail(&ctx, &slug).await?)
}

/// One platform of a process, with its figures and top proposals.
#[server(endpoint = "platforms/get")]
pub async fn get_platform(process: String, platform: String) -> Result<PlatformDetail, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(
        shared::service::participation::platforms::platform_detail(&ctx, &process, &platform)
            .await?,
    )
}
