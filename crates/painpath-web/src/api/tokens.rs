//! `/api/tokens`: API tokens for programmatic clients, exchanged for a username and password.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json, extract::State};
use painpath_core::problems::Problems;
use painpath_wire::account::{NewTokenView, TokenRequest, TokenView};

use super::{JsonBody, RawPath, id_param, path_params};
use crate::AppState;
use crate::auth::{self, Caller, ClientAddress, SignInError};
use crate::error::ApiError;

/// Exchanges a username and password for an API token, shown once. Failures count towards the
/// same sign-in limits as the sign-in page.
#[utoipa::path(post, path = "/api/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = NewTokenView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody),
              (status = 429, body = painpath_wire::ErrorBody), (status = 503, body = painpath_wire::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<Response, ApiError> {
    let name = body.name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || painpath_core::problems::has_stray_control(name, false)
    {
        return Err(ApiError::Invalid(Problems::single(
            "name",
            "expected a name of 1 to 100 characters",
        )));
    }
    let account = match auth::check_credentials(&state, &body.username, &body.password, &address.0)
        .await
    {
        Ok(a) => a,
        Err(SignInError::Wrong) => return Err(ApiError::Unauthorised),
        Err(SignInError::TooMany) => return Err(ApiError::TooMany(auth::TOO_MANY_ATTEMPTS.into())),
        Err(SignInError::Busy) => return Err(ApiError::Busy),
        Err(SignInError::Store(e)) => return Err(e.into()),
    };
    let actor = painpath_core::access::Actor {
        user: account.id,
        role: account.role,
    };
    let token = auth::new_token();
    let expires = auth::expires_in(state.clock.now(), auth::API_TOKEN_LIFETIME);
    let id = state
        .store
        .create_api_token(&actor, &auth::token_hash(&token), name, Some(expires))
        .await?;
    Ok(super::created(NewTokenView {
        id,
        token,
        expires_at: Some(expires.to_string()),
    }))
}

/// The caller's own API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/tokens", tag = "accounts",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = painpath_wire::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let tokens = state.store.api_tokens(&caller.actor()).await?;
    Ok(Json(tokens.iter().map(token_view).collect()))
}

/// Revokes one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/tokens/{token}", tag = "accounts",
    params(("token" = i64, Path, description = "The token's id")),
    responses((status = 204), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    _headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = id_param(&path_params(raw_path)?, "token")?;
    state
        .store
        .revoke_api_token(&caller.actor(), id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn token_view(t: &painpath_store::ApiToken) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name.clone(),
        created_at: t.created_at.to_string(),
        expires_at: t.expires_at.map(|x| x.to_string()),
        revoked_at: t.revoked_at.map(|x| x.to_string()),
        last_used_at: t.last_used_at.map(|x| x.to_string()),
    }
}
