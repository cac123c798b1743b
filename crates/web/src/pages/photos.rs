//! Photos as a person checks them: each a thumbnail (opening the full picture), with what
//! was read from it — capture time, position, distance to the site, the phone's own record
//! when the page took it — and, never hidden, what could not be read.

use maud::{Markup, html};
use minewatch_store::PhotoReading;

use crate::Lang;

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
