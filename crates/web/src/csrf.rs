//! Cross-site request forgery: a state-changing request that rides on the session cookie
//! must come from minewatch's own pages. Its `Origin` (or, without one, `Sec-Fetch-Site`)
//! must name this site, and the JSON API takes such requests only as JSON or multipart —
//! a form on another site can send neither with the user's cookie. Requests with a bearer
//! token carry no ambient credential and pass.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::SESSION_COOKIE;

/// The check, as an axum middleware over the whole router.
pub(crate) async fn guard(request: Request, next: Next) -> Response {
    if let Some(refusal) = refuse(request.method(), request.uri().path(), request.headers()) {
        return refusal;
    }
    next.run(request).await
}

fn refuse(method: &Method, path: &str, headers: &HeaderMap) -> Option<Response> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    if headers.contains_key(header::AUTHORIZATION) || !has_session(headers) {
        return None;
    }
    if !same_site(headers) {
        return Some(
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"code":"cross_site","field":null,"message":"跨站请求被拒绝 / a request from another site was refused"}"#,
            )
                .into_response(),
        );
    }
    if path.starts_with("/api/") {
        let kind = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !(kind.starts_with("application/json") || kind.starts_with("multipart/form-data")) {
            return Some(
                (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"code":"unsupported_media_type","field":"body","message":"请以 JSON 提交 / send JSON (Content-Type: application/json)"}"#,
                )
                    .into_response(),
            );
        }
    }
    None
}

fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim()
                .split_once('=')
                .is_some_and(|(k, _)| k == SESSION_COOKIE)
        })
}

/// Whether the browser says the request comes from this site. A client that sends neither
/// header (a script, an old browser) is no forged cross-site form and passes. Behind a
/// reverse proxy the site's name may arrive as `X-Forwarded-Host`: a page on another site
/// cannot set that header, so it counts as well.
fn same_site(headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let authority = origin
            .split_once("://")
            .map_or(origin, |(_, rest)| rest)
            .trim_end_matches('/');
        return [header::HOST.as_str(), "x-forwarded-host"]
            .iter()
            .filter_map(|name| headers.get(*name).and_then(|h| h.to_str().ok()))
            .any(|h| h.eq_ignore_ascii_case(authority));
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        h
    }

    #[test]
    fn a_foreign_origin_with_the_cookie_is_refused() {
        let cookie = ("cookie", "lang=zh; mw_session=abc");
        let post = Method::POST;
        let foreign = headers(&[
            cookie,
            ("host", "county.example"),
            ("origin", "https://evil.example"),
        ]);
        assert!(refuse(&post, "/cases/1/act", &foreign).is_some());
        let own = headers(&[
            cookie,
            ("host", "county.example"),
            ("origin", "https://county.example"),
        ]);
        assert!(refuse(&post, "/cases/1/act", &own).is_none());
        let fetched = headers(&[
            cookie,
            ("host", "county.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(refuse(&post, "/cases/1/act", &fetched).is_some());
        // No cookie, or a bearer token: nothing to forge.
        let anonymous = headers(&[
            ("host", "county.example"),
            ("origin", "https://evil.example"),
        ]);
        assert!(refuse(&post, "/tip", &anonymous).is_none());
        let token = headers(&[
            cookie,
            ("authorization", "Bearer x"),
            ("origin", "https://evil.example"),
        ]);
        assert!(refuse(&post, "/api/v1/clues", &token).is_none());
        assert!(refuse(&Method::GET, "/cases/1", &foreign).is_none());
    }

    #[test]
    fn the_api_takes_cookie_requests_as_json_only() {
        let plain = headers(&[
            ("cookie", "mw_session=abc"),
            ("host", "h"),
            ("content-type", "text/plain"),
        ]);
        assert!(refuse(&Method::POST, "/api/v1/clues", &plain).is_some());
        let json = headers(&[
            ("cookie", "mw_session=abc"),
            ("host", "h"),
            ("content-type", "application/json"),
        ]);
        assert!(refuse(&Method::POST, "/api/v1/clues", &json).is_none());
    }
}
