//! Static files, embedded in the binary so nothing is fetched from anywhere else.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::PageError;

const APP_CSS: &str = include_str!("../../static/app.css");

pub async fn file(Path(name): Path<String>) -> Result<Response, PageError> {
    match name.as_str() {
        "app.css" => {
            let mut r = APP_CSS.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            );
            // Stylesheets hold no personal data, so they may be cached, unlike every page.
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            Ok(r)
        }
        _ => Err(PageError::NotFound),
    }
}
