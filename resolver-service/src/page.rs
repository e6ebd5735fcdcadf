//! The avatar login page a world shows its players (`GET /login`): it starts a login through
//! `POST /login/requests`, shows the `openid4vp://` link and its QR code
//! (`GET /login/requests/{id}/qr.svg`, drawn here from the service's own state), follows the
//! transaction and shows the result or the reason for a refusal.
//!
//! Everything the page needs is embedded in the binary (`assets/`): it works offline and under
//! a strict Content-Security-Policy ([`CONTENT_SECURITY_POLICY`]) that allows no inline script,
//! no inline style and nothing from another origin. The page carries what the world asks in
//! `data-*` attributes, escaped here; the script (`/login/page.js`) puts every piece of data
//! into the page as text, never as markup.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use did_core::excerpt::excerpt;
use qrcode::QrCode;
use qrcode::render::svg;

use crate::body::ApiError;
use crate::login::{LoginService, NewLogin, claims};

/// The Content-Security-Policy of the page and its assets: scripts, styles, images and
/// requests from this origin only, no inline script or style, no `<base>`, no form
/// submission, no framing (so the page cannot be clickjacked inside another site).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

const PAGE_HTML: &str = include_str!("../assets/login.html");
const ERROR_HTML: &str = include_str!("../assets/error.html");
const PAGE_JS: &str = include_str!("../assets/page.js");
const PAGE_CSS: &str = include_str!("../assets/page.css");
const ICON_SVG: &str = include_str!("../assets/icon.svg");

/// How long a browser may keep the script, the stylesheet and the icon: the page names them with
/// [`ASSET_VERSION`], so a new build is fetched anew whatever the browser kept.
const ASSET_CACHE_CONTROL: &str = "public, max-age=86400";

/// A digest of the embedded assets (64-bit FNV-1a), the `?v=` of their URLs in the page.
const ASSET_VERSION: u64 = fnv1a(
    ICON_SVG.as_bytes(),
    fnv1a(PAGE_CSS.as_bytes(), fnv1a(PAGE_JS.as_bytes(), FNV_OFFSET)),
);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

const fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The page's routes, beside the `/login/*` routes of [`crate::login::router`], each answered
/// with the page's security headers.
pub(crate) fn routes() -> Router<Arc<LoginService>> {
    Router::new()
        .route("/login", get(page))
        .route("/login/page.js", get(script))
        .route("/login/page.css", get(stylesheet))
        .route("/login/icon.svg", get(icon))
        .route("/login/requests/{id}/qr.svg", get(qr_code))
        .layer(map_response(security_headers))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The `openid4vp://` link and the transaction id must not leak to another site.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// What a login page asks for, read from its query: `platform` (required), `claims`
/// (comma-separated names `POST /login/requests` accepts) and `passkey` (`true`/`false`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageRequest {
    platform: String,
    claims: Vec<String>,
    passkey: bool,
}

impl PageRequest {
    /// Reads the query, checking it with the very rules of `POST /login/requests`, so the
    /// page never starts a login that the service would refuse. Messages excerpt the input.
    fn parse(query: &str) -> Result<Self, String> {
        let mut platform = None;
        let mut claims = None;
        let mut passkey = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "platform" => &mut platform,
                "claims" => &mut claims,
                "passkey" => &mut passkey,
                other => {
                    return Err(format!(
                        "unknown parameter `{}`: the page takes `platform`, `claims` and `passkey`",
                        excerpt(other)
                    ));
                }
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(format!("the parameter `{name}` is given twice"));
            }
        }
        let platform = platform.ok_or("the parameter `platform` is required")?;
        let mut names: Vec<String> = Vec::new();
        for name in claims.iter().flat_map(|list| list.split(',')) {
            if !name.is_empty() && !names.iter().any(|known| known == name) {
                names.push(name.to_owned());
            }
        }
        let passkey = match passkey.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(format!(
                    "`passkey` is `true` or `false`, not `{}`",
                    excerpt(other)
                ));
            }
        };
        let asked = NewLogin {
            platform,
            claims: names,
            passkey,
        };
        asked.avatar_login().map_err(|error| error.description)?;
        Ok(Self {
            platform: asked.platform,
            claims: asked.claims,
            passkey: asked.passkey,
        })
    }

    /// What the world asks beyond the avatar, in words: `, with …`, or nothing.
    fn asks(&self) -> String {
        let mut parts: Vec<&str> = self
            .claims
            .iter()
            .map(|claim| match claim.as_str() {
                claims::AGE_OVER_18 => "proof that you are over 18",
                claims::HOLDER_DID => "your holder DID",
                _ => "another claim",
            })
            .collect();
        if self.passkey {
            parts.push("your passkey");
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(", with {}", parts.join(" and "))
        }
    }
}

/// `GET /login`: the login page for the login its query asks, or a 400 page saying what is
/// wrong with the query.
#[utoipa::path(get, path = "/login", tag = "login",
    params(("platform" = String, Query, description = "The platform of the avatar the world asks for"),
        ("claims" = Option<String>, Query, description = "Comma-separated claims beside the avatar: `age_over_18`, `sub`"),
        ("passkey" = Option<bool>, Query, description = "Whether the passkey factor is required (default `false`)")),
    responses((status = 200, description = "The login page", content_type = "text/html"),
        (status = 400, description = "The query asks for no valid login", content_type = "text/html")))]
async fn page(RawQuery(query): RawQuery) -> Response {
    match PageRequest::parse(query.as_deref().unwrap_or("")) {
        Ok(asked) => {
            let version = format!("{ASSET_VERSION:016x}");
            let claims = asked.claims.join(",");
            let passkey = if asked.passkey { "true" } else { "false" };
            let asks = asked.asks();
            Html(render(
                PAGE_HTML,
                &[
                    ("version", &version),
                    ("platform", &asked.platform),
                    ("claims", &claims),
                    ("passkey", passkey),
                    ("asks", &asks),
                ],
            ))
            .into_response()
        }
        Err(problem) => {
            let version = format!("{ASSET_VERSION:016x}");
            let body = render(ERROR_HTML, &[("version", &version), ("problem", &problem)]);
            (StatusCode::BAD_REQUEST, Html(body)).into_response()
        }
    }
}

/// `GET /login/page.js`: the page's script.
#[utoipa::path(get, path = "/login/page.js", tag = "login",
    responses((status = 200, description = "The login page's script", content_type = "text/javascript")))]
async fn script() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS)
}

/// `GET /login/page.css`: the page's stylesheet.
#[utoipa::path(get, path = "/login/page.css", tag = "login",
    responses((status = 200, description = "The login page's stylesheet", content_type = "text/css")))]
async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS)
}

/// `GET /login/icon.svg`: the page's icon, so that a browser asks for no `/favicon.ico` that
/// the world may not serve.
#[utoipa::path(get, path = "/login/icon.svg", tag = "login",
    responses((status = 200, description = "The login page's icon", content_type = "image/svg+xml")))]
async fn icon() -> Response {
    asset("image/svg+xml", ICON_SVG)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, ASSET_CACHE_CONTROL),
        ],
        body,
    )
        .into_response()
}

/// `GET /login/requests/{id}/qr.svg`: the `openid4vp://` URL of login `id` as a QR code. The
/// URL comes from the service's state, never from the request, so that the page cannot be
/// made to draw a code for someone else's text.
#[utoipa::path(get, path = "/login/requests/{id}/qr.svg", tag = "login", params(("id" = String, Path, description = "The transaction id")),
    responses((status = 200, description = "The QR code of the login's `openid4vp://` URL", content_type = "image/svg+xml"),
        (status = 404, description = "No login of this id", body = crate::body::ErrorBody)))]
async fn qr_code(State(service): State<Arc<LoginService>>, Path(id): Path<String>) -> Response {
    let url = match service.openid4vp_url(&id).await {
        Ok(Some(url)) => url,
        Ok(None) => {
            return ApiError::not_found("no login of this id: it was never started, or is over")
                .into_response();
        }
        Err(error) => return error.into_response(),
    };
    match qr_svg(&url) {
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                // The code names a transaction whose outcome its id reads: no copy kept.
                (header::CACHE_CONTROL, "no-store"),
            ],
            svg,
        )
            .into_response(),
        Err(error) => {
            ApiError::server(format!("the QR code cannot be drawn: {error}")).into_response()
        }
    }
}

/// `text` as a QR code in SVG, black on white with the quiet zone of ISO/IEC 18004 §6.3.8.
fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(264, 264)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

/// Fills the `{{name}}` slots of `template` with the HTML-escaped `values`, in one pass, so
/// that a value can never open a slot of its own. A slot without a value stays empty.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        if let Some((_, value)) = values.iter().find(|(slot, _)| *slot == name) {
            escape_html(value, &mut out);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Appends `text` to `out`, escaped for HTML text and quoted attribute values (HTML Living
/// Standard §13.1.2.3 and §13.1.3).
fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_html(text, &mut out);
        out
    }

    #[test]
    fn rejects_markup_in_escaped_text() {
        assert_eq!(
            escaped(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn rejects_a_value_that_opens_a_slot_of_its_own() {
        let out = render(
            "<p a=\"{{one}}\">{{two}}</p>",
            &[("one", "{{two}}\""), ("two", "<b>")],
        );
        assert_eq!(out, "<p a=\"{{two}}&quot;\">&lt;b&gt;</p>");
    }

    #[test]
    fn reads_the_page_parameters() {
        let asked = PageRequest::parse(
            "platform=resonite&claims=age_over_18%2Csub,age_over_18&passkey=true",
        )
        .unwrap();
        assert_eq!(
            asked,
            PageRequest {
                platform: "resonite".into(),
                claims: vec!["age_over_18".into(), "sub".into()],
                passkey: true,
            }
        );
        let plain = PageRequest::parse("platform=vrchat").unwrap();
        assert_eq!((plain.claims.len(), plain.passkey), (0, false));
    }

    #[test]
    fn rejects_page_parameters_the_login_would_refuse() {
        let cases = [
            ("", "`platform` is required"),
            ("claims=age_over_18", "`platform` is required"),
            ("platform=", "`platform` must be 1 to"),
            ("platform=a&platform=b", "given twice"),
            ("platform=a&claims=email", "not `email`"),
            ("platform=a&passkey=yes", "not `yes`"),
            (
                "platform=a&next=https://evil.example",
                "unknown parameter `next`",
            ),
        ];
        for (query, expected) in cases {
            let problem = PageRequest::parse(query).unwrap_err();
            assert!(problem.contains(expected), "{query}: {problem}");
        }
        let long = format!("platform={}", "p".repeat(129));
        assert!(PageRequest::parse(&long).is_err());
    }

    #[test]
    fn draws_a_qr_code_as_svg() {
        let svg = qr_svg("openid4vp://?client_id=x&request_uri=y").unwrap();
        assert!(svg.starts_with("<?xml"), "{svg}");
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
