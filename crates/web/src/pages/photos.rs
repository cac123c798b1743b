//! Photos as a person checks them: each a thumbnail (opening the full picture), with what
//! was read from it — capture time, position, distance to the site, the phone's own record
//! when the page took it — and, never hidden, what could not be read.

use maud::{Markup, html};
use minewatch_store::PhotoReading;

use crate::{AppState, Lang};

/// What was read from a page's photos, by SHA-256.
pub(crate) struct Readings(std::collections::HashMap<String, PhotoReading>);

impl Readings {
    /// The readings of these files, in their order.
    pub(crate) fn of(&self, shas: &[String]) -> Vec<PhotoReading> {
        shas.iter().filter_map(|s| self.0.get(s).cloned()).collect()
    }
}

/// Reads the page's photos once, with each one's distance to the site's point when known.
/// A failure to read them shows the page without the readings rather than no page.
pub(crate) async fn readings_near<'a>(
    state: &AppState,
    shas: impl Iterator<Item = &'a String>,
    site: Option<(f64, f64)>,
) -> Readings {
    let mut list: Vec<String> = shas.cloned().collect();
    list.sort();
    list.dedup();
    let found = match state.store.photo_readings(&list, None).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "photo readings unavailable");
            Vec::new()
        }
    };
    Readings(
        found
            .into_iter()
            .map(|mut p| {
                if let (Some((x, y)), Some((sx, sy))) = (p.position(), site)
                    && let (Ok(a), Ok(b)) = (
                        minewatch_spatial::LonLat::new(x, y),
                        minewatch_spatial::LonLat::new(sx, sy),
                    )
                {
                    p.distance_m = Some(a.distance_m(b));
                }
                (p.sha256.clone(), p)
            })
            .collect(),
    )
}

/// The cards of a list of photos; nothing when the list is empty.
pub(crate) fn cards(lang: Lang, photos: &[PhotoReading]) -> Markup {
    let zh = lang.is_zh();
    html! {
        @if !photos.is_empty() {
            div.photo-cards {
                @for p in photos { (card(lang, zh, p)) }
            }
        }
    }
}

fn card(lang: Lang, zh: bool, p: &PhotoReading) -> Markup {
    let image = p.media_type.starts_with("image/");
    html! {
        figure.photo-card {
            a href={"/attachments/" (p.sha256)} target="_blank" rel="noopener" {
                @if image {
                    img src={"/attachments/" (p.sha256) "/thumb"} alt=(p.file_name) loading="lazy";
                } @else {
                    span.file-icon { (lang.t("文件", "File")) }
                }
            }
            figcaption {
                span.file-name title=(p.sha256) { (p.file_name) }
                @if image {
                    br;
                    (lang.t("拍摄：", "Taken: "))
                    @match &p.taken_at {
                        Some(t) => { (t.replace('T', " ")) @if let Some(o) = &p.offset { " (UTC" (o) ")" } }
                        None => { span.bad { (lang.t("未知", "unknown")) } }
                    }
                    @if !p.from_public {
                        br;
                        (lang.t("位置：", "Position: "))
                        @match (p.lon, p.lat) {
                            (Some(x), Some(y)) => { (format!("{x:.5}, {y:.5}")) }
                            _ => { span.bad { (lang.t("无", "none")) } }
                        }
                        @if let Some(d) = p.distance_m {
                            br;
                            (lang.t("距现场：", "From the site: "))
                            @if d > minewatch_store::PHOTO_MAX_DISTANCE_M { span.bad { (format!("{d:.0} m")) } }
                            @else { (format!("{d:.0} m")) }
                        }
                        @if let Some(c) = &p.device {
                            br;
                            span.muted {
                                (lang.t("手机记录：", "Phone: "))
                                @if let Some(t) = c.taken_at { (minewatch_core::clock::display_stamp(&t.to_rfc3339())) }
                                @if let (Some(x), Some(y)) = (c.lon, c.lat) { " · " (format!("{x:.5}, {y:.5}")) }
                                @if let Some(a) = c.accuracy_m { " ±" (format!("{a:.0}")) " m" }
                            }
                        }
                    }
                    @for u in &p.unread {
                        br; span.bad { "⚠ " (u.describe(zh)) }
                    }
                }
            }
        }
    }
}
