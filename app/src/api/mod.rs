//! Server functions: the SPA's own RPC. Each is thin: it builds the service
//! context from the request, calls the service, and maps the error.

mod error;
pub mod processes;
pub mod proposals;

pub use error::ApiError;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! What only the server side of a server function needs.
    use leptos::prelude::use_context;
    use shared::service::{Actor, Ctx, Db};

    use super::ApiError;

    /// The service context of the current request.
    pub fn ctx() -> Result<Ctx, ApiError> {
        let db = use_context::<Db>().ok_or_else(|| {
            tracing::error!("database missing from the request context");
            ApiError::Internal
        })?;
        Ok(Ctx::new(db, Actor::Anonymous))
    }
}
