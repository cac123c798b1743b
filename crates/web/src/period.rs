//! The periods the campaign pages (八个一批, acceptance) are read for: each phase of each
//! campaign and the whole campaign, or any two days; by default the phase holding today.

use chrono::{Datelike as _, NaiveDate};
use maud::{Markup, html};

use crate::AppState;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use minewatch_store::Actor;

/// A period a campaign page can be read for, as the page offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Period {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

pub(crate) fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The campaign's phases and the whole campaign, in order.
async fn periods(state: &AppState, actor: &Actor, lang: Lang) -> Result<Vec<Period>, WebError> {
    let mut out = Vec::new();
    for c in state.store.campaigns(actor.county_id).await? {
        for (name, from, to) in &c.phases {
            if let (Some(from), Some(to)) = (day(from), day(to)) {
                out.push(Period {
                    name: name.clone(),
                    from,
                    to,
                });
            }
        }
        if let (Some(from), Some(to)) = (day(&c.starts_on), day(&c.ends_on)) {
            out.push(Period {
                name: format!("{}{}", c.name, lang.t("（全程）", " (whole campaign)")),
                from,
                to,
            });
        }
    }
    Ok(out)
}

/// The period asked for (`from` and `to`), else the phase holding today, else the month so
/// far.
pub(crate) async fn period_of(
    state: &AppState,
    actor: &Actor,
    q: &Fields,
    lang: Lang,
) -> Result<(Period, Vec<Period>), WebError> {
    let all = periods(state, actor, lang).await?;
    let today = state.clock.today();
    let get = |k: &str| q.get(k).map_or("", String::as_str);
    if !get("from").is_empty() || !get("to").is_empty() {
        let from = day(get("from")).ok_or_else(|| {
            WebError::field(
                "from",
                format!("起始日期应写作 2026-03-01，而不是“{}”", get("from")),
                format!("a day is written 2026-03-01, not '{}'", get("from")),
            )
        })?;
        let to = day(get("to")).ok_or_else(|| {
            WebError::field(
                "to",
                format!("截止日期应写作 2026-03-31，而不是“{}”", get("to")),
                format!("a day is written 2026-03-31, not '{}'", get("to")),
            )
        })?;
        let name = all
            .iter()
            .find(|p| p.from == from && p.to == to)
            .map_or_else(|| format!("{from} 至 {to}"), |p| p.name.clone());
        return Ok((Period { name, from, to }, all));
    }
    let current = all
        .iter()
        .find(|p| p.from <= today && today <= p.to)
        .cloned()
        .unwrap_or_else(|| {
            let from = today.with_day0(0).unwrap_or(today);
            Period {
                name: lang.t("本月", "This month").into(),
                from,
                to: today,
            }
        });
    Ok((current, all))
}

pub(crate) fn period_query(p: &Period) -> String {
    format!("from={}&to={}", p.from, p.to)
}

/// The phases as links, the chosen one in bold, then two days to pick any period, and the
/// page's own buttons.
pub(crate) fn picker(
    path: &str,
    p: &Period,
    all: &[Period],
    lang: Lang,
    buttons: Markup,
) -> Markup {
    html! {
        nav.periods {
            @for o in all {
                @if o == p { strong { (o.name) } } @else { a href={(path) "?" (period_query(o))} { (o.name) } }
            }
        }
        form.filters method="get" action=(path) {
            label { (lang.t("自", "From")) " " input type="date" name="from" value=(p.from); }
            label { (lang.t("至", "to")) " " input type="date" name="to" value=(p.to); }
            button type="submit" { (lang.t("查看", "Show")) }
            (buttons)
        }
    }
}
