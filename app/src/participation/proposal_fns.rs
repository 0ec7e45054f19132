//! Proposal lists and proposals.

use leptos::prelude::*;
use shared::model::{ProposalDetail, ProposalListParams, ProposalPage};

use crate::ui::api_error::ApiError;

/// One page of a process's proposals, filtered and sorted as the URL says.
/// JSON input: a URL-encoded body cannot carry a nested struct whose fields are all empty.
#[server(endpoint = "proposals/list", input = leptos::server_fn::codec::Json)]
pub async fn list_proposals(
    process: String,
    params: ProposalListParams,
) -> Result<ProposalPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    // A random order without a seed gets one; the next page's link keeps it.
    let fresh_seed = (uuid::Uuid::now_v7().as_u128() & u128::from(u32::MAX)) as u32;
    let query = params
        .parse(fresh_seed)
        .map_err(|e| ApiError::field(&e.field, shared::model::common::FieldProblem::Malformed))?;
    Ok(shared::service::participation::proposals::list(&ctx, &process, &query).await?)
}

/// One proposal.
#[server(endpoint = "proposals/get")]
pub async fn get_proposal(id: String) -> Result<ProposalDetail, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::participation::proposals::detail(&ctx, id).await?)
}
