//! The organisation page (R1–R3): campaign and phases, member departments with their duty
//! lists and liaisons, and the routing table, which the county office edits here — the page
//! and the API.

use crate::pages::{PageResult, is_office, layout};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use minewatch_core::ProblemKind;
use minewatch_store::Actor;

async fn render(state: &AppState, actor: &Actor, lang: Lang) -> Result<Response, WebError> {
    let zh = lang.is_zh();
    let c = actor.county_id;
    let (_, county) = state.store.county(c).await?;
    let departments = state.store.departments(c).await?;
    let routing = state.store.routing(c).await?;
    let campaigns = state.store.campaigns(c).await?;
    let townships = state.store.townships(c).await?;
    let villages = state.store.villages(c, None).await?;
    let office = is_office(actor);
    let body = html! {
        h1 { (county) " · " (lang.t("组织机构与分工", "Organisation and duties")) }
        @for camp in &campaigns {
            section.card {
                h2 { (camp.name) " (" (camp.starts_on) " — " (camp.ends_on) ")" }
                ol { @for (name, from, to) in &camp.phases { li { (name) " " (from) " — " (to) } } }
            }
        }
        section.card {
            h2 { (lang.t("问题类型与牵头部门", "Problem kinds and lead departments")) }
            form method="post" action="/org/routing" {
                div.scroll { table {
                    thead { tr { th { (lang.t("问题类型", "Kind")) } th { (lang.t("牵头部门", "Lead department")) } } }
                    tbody { @for r in &routing {
                        @let label = ProblemKind::from_code(&r.problem_kind).map_or(r.problem_kind.as_str(), |k| k.label(zh));
                        tr {
                            td { (label) }
                            td {
                                @if office {
                                    select name=(format!("kind.{}", r.problem_kind)) aria-label=(label) {
                                        @for d in &departments { option value=(d.id) selected[d.id == r.department_id] { (d.name) } }
                                    }
                                } @else { (r.department_name) }
                            }
                        }
                    } }
                } }
                @if office { button type="submit" { (lang.t("保存分工", "Save routing")) } }
            }
        }
        section.card {
            h2 { (lang.t("成员单位职责", "Member departments and duties")) }
            @for d in &departments {
                h3 { (d.name) @if !d.liaison_name.is_empty() { " · " (lang.t("联络员", "liaison")) " " (d.liaison_name) " " (d.liaison_phone) } }
                ul { @for duty in &d.duties { li { (duty) } } }
            }
        }
        section.card {
            h2 { (lang.t("乡镇(街道)", "Townships")) }
            ul { @for t in &townships {
                li { a href=(format!("/ledger?township={}", t.id)) { (t.name) } " · " (villages.iter().filter(|v| v.township_id == t.id).count()) (lang.t(" 个村(社区)", " villages")) }
            } }
        }
    };
    Ok(layout(lang, lang.t("组织机构", "Organisation"), Some(actor), body).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    Ok(render(&state, &actor, lang).await?)
}

/// Saves every changed row of the routing table; each change is its own logged event.
pub async fn save_routing(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Form(f): Form<Fields>,
) -> PageResult {
    let current = state.store.routing(actor.county_id).await?;
    for (key, value) in &f {
        let Some(code) = key.strip_prefix("kind.") else {
            continue;
        };
        let kind = ProblemKind::from_code(code).ok_or_else(|| {
            WebError::field(
                "kind",
                format!("未知问题类型“{code}”"),
                format!("unknown kind '{code}'"),
            )
        })?;
        let dept: i64 = value.parse().map_err(|_| {
            WebError::field("department_id", "应为部门编号", "must be a department id")
        })?;
        if current
            .iter()
            .any(|r| r.problem_kind == code && r.department_id == dept)
        {
            continue;
        }
        state
            .store
            .set_routing(&actor, kind, dept, state.clock.now())
            .await?;
    }
    Ok(Redirect::to("/org").into_response())
}

/// The organisation page.
pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/org", get(page))
        .route("/org/routing", post(save_routing))
}

/// The organisation over `/api/v1`.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_org))
        .routes(routes!(api_routing))
        .routes(routes!(api_set_routing))
}

/// The county as its users are organised.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct OrgView {
    county: CountyName,
    townships: Vec<minewatch_store::TownshipRow>,
    villages: Vec<minewatch_store::VillageRow>,
    departments: Vec<minewatch_store::DepartmentRow>,
    campaigns: Vec<minewatch_store::CampaignRow>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct CountyName {
    /// The administrative division code.
    code: String,
    name: String,
}

#[utoipa::path(get, path = "/org", tag = "org",
    summary = "County, townships, villages, departments with duties, campaigns",
    responses((status = 200, body = OrgView)))]
async fn api_org(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<OrgView>> {
    let c = actor.county_id;
    let (code, name) = state.store.county(c).await?;
    Ok(Json(OrgView {
        county: CountyName { code, name },
        townships: state.store.townships(c).await?,
        villages: state.store.villages(c, None).await?,
        departments: state.store.departments(c).await?,
        campaigns: state.store.campaigns(c).await?,
    }))
}

#[utoipa::path(get, path = "/routing", tag = "org",
    summary = "Routing table: problem kind → lead department",
    responses((status = 200, body = Vec<minewatch_store::RoutingRow>)))]
async fn api_routing(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<minewatch_store::RoutingRow>>> {
    Ok(Json(state.store.routing(actor.county_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RoutingBody {
    /// The department that leads on this kind from now on.
    department_id: i64,
}

#[utoipa::path(put, path = "/routing/{kind}", tag = "org",
    summary = "Re-route a problem kind (county office)",
    params(("kind" = ProblemKind, Path)),
    request_body = RoutingBody,
    responses(
        (status = 204, description = "re-routed: new cases of this kind go to that department"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office re-routes"),
        (status = 422, body = crate::json::ErrorBody, description = "unknown kind or department"),
    ))]
async fn api_set_routing(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(kind): Path<String>,
    ApiJson(b): ApiJson<RoutingBody>,
) -> ApiResult<StatusCode> {
    let kind = ProblemKind::from_code(&kind)
        .ok_or_else(|| WebError::field("kind", "未知问题类型", "unknown problem kind"))?;
    state
        .store
        .set_routing(&actor, kind, b.department_id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
