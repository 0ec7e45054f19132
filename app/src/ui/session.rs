//! Who is signed in, as every page reads it.

use leptos::prelude::Resource;
use shared::model::accounts::SessionInfo;

use crate::ui::api_error::ApiError;

/// Who is signed in, loaded once per page (and again after each navigation,
/// so signing in or out shows at once).
#[derive(Clone, Copy)]
pub struct SessionContext(pub Resource<Result<SessionInfo, ApiError>>);
