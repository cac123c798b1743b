//! The JSON side of every API operation: one extractor for request bodies ([`ApiJson`]),
//! one error type ([`ApiError`]) that every store and web error converts into with `?`, and
//! the error body they answer with ([`ErrorBody`]).
//!
//! The caller's language is known to the request, not to the error: the request scope
//! ([`crate::scope`]) keeps it for the request's task, and `ApiError` renders in it.

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::WebError;

/// A refused API call. Any store or web error becomes one with `?`; it answers
/// [`ErrorBody`] with the status of its kind, in the caller's language.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<minewatch_store::StoreError> for ApiError {
    fn from(e: minewatch_store::StoreError) -> Self {
        ApiError(WebError::Store(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json(crate::scope::lang())
    }
}

/// What an API handler returns.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body as `T`. A body that is not JSON, or not a `T`, is refused with 422
/// naming the failing field by its path (`finding.lon`, `photos[2]`); one over the size
/// limit with 413.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                // Only an over-long body is the caller's to fix by size; a broken read is not.
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    WebError::TooLarge {
                        field: "body".into(),
                        limit_bytes: crate::MAX_BODY_BYTES,
                    }
                } else {
                    WebError::field(
                        "body",
                        format!("请求内容未能读取：{e}"),
                        format!("the body could not be read: {e}"),
                    )
                }
            })?;
        Ok(ApiJson(parse(&bytes, "body")?))
    }
}

/// Parses JSON as `T`; the error names the field by its path, or `whole` for the value as
/// a whole.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], whole: &str) -> Result<T, WebError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = parsed.map_err(|e| {
        // Broken JSON is the body's fault as a whole, wherever the parser stopped.
        if e.inner().is_syntax() || e.inner().is_eof() {
            let inner = e.into_inner();
            WebError::field(
                whole,
                format!("请求内容不是有效的 JSON：{inner}"),
                format!("the body is not valid JSON: {inner}"),
            )
        } else {
            refusal(&e, whole)
        }
    })?;
    de.end().map_err(|e| {
        WebError::field(
            whole,
            format!("请求内容有误：{e}"),
            format!("bad request body: {e}"),
        )
    })?;
    Ok(value)
}

/// Converts an already parsed JSON value, naming the failing field as [`parse`] does.
pub(crate) fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    whole: &str,
) -> Result<T, WebError> {
    serde_path_to_error::deserialize(value).map_err(|e| refusal(&e, whole))
}

/// A query string as `T`. A parameter that does not parse is refused with 422 naming it
/// (`from`, `township`), as a body field is.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        Ok(ApiQuery(
            serde_path_to_error::deserialize(de).map_err(|e| refusal(&e, "query"))?,
        ))
    }
}

fn refusal<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>, whole: &str) -> WebError {
    let inner = e.inner();
    let message = inner.to_string();
    let path = e.path().to_string();
    let parent = if path == "." { String::new() } else { path };
    // A missing field is reported at its parent; serde names the field only in its message
    // ("missing field `x`"), which is the one message shape read here.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (missing, parent.is_empty()) {
        (Some(name), true) => name.to_string(),
        (Some(name), false) => format!("{parent}.{name}"),
        (None, false) => parent,
        (None, true) => whole.to_string(),
    };
    WebError::Field {
        field,
        message_zh: format!("请求内容有误：{message}"),
        message_en: message,
    }
}

/// The error body every API operation answers with when it refuses.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// What kind of refusal: `unauthenticated`, `invalid_field`, `invalid_row`, `bad_file`,
    /// `not_found`, `forbidden`, `too_large`, `rate_limited`, `no_route`, `internal`; and
    /// for a step the case machine refuses: `wrong_status`, `missing_field`, `out_of_order`,
    /// `steps_missing`.
    pub code: String,
    /// The reason, in the caller's language (Chinese, or English with the cookie `lang=en`).
    pub message: String,
    /// The field the request got wrong, when there is one (a path such as `finding.lon`).
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Finding {
        description: String,
        lon: Option<f64>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Report {
        grid_id: i64,
        finding: Option<Finding>,
        photos: Vec<String>,
    }

    fn field_of(body: &str) -> String {
        match parse::<Report>(body.as_bytes(), "body") {
            Err(WebError::Field { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_by_its_path() {
        assert_eq!(field_of(r#"{"photos": []}"#), "grid_id");
        assert_eq!(field_of(r#"{"grid_id": "x", "photos": []}"#), "grid_id");
        assert_eq!(
            field_of(
                r#"{"grid_id": 1, "photos": [], "finding": {"description": "d", "lon": "e"}}"#
            ),
            "finding.lon"
        );
        assert_eq!(
            field_of(r#"{"grid_id": 1, "photos": [], "finding": {"lon": 1}}"#),
            "finding.description"
        );
        assert_eq!(
            field_of(r#"{"grid_id": 1, "photos": ["a", 2]}"#),
            "photos[1]"
        );
        assert_eq!(field_of("not json"), "body");
        assert_eq!(field_of(r#"{"grid_id": "#), "body");
        assert_eq!(field_of(r#"{"grid_id": 1, "photos": [}"#), "body");
        assert_eq!(field_of(r#"{"grid_id": 1, "photos": []} trailing"#), "body");
        assert!(parse::<Report>(br#"{"grid_id": 1, "photos": []}"#, "body").is_ok());
    }
}

/// The id of a record an API call created, answered with 201.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Created {
    pub id: i64,
}

/// `201 Created` with the new record's id.
pub(crate) fn created(id: i64) -> (axum::http::StatusCode, axum::Json<Created>) {
    (axum::http::StatusCode::CREATED, axum::Json(Created { id }))
}
