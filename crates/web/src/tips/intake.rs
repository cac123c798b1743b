//! Taking a tip in, for the citizens' page and the API alike: the public desk's guards
//! (per address, per device, county-wide), the photo checks that run before anything is
//! decoded, and the write into the store.

use minewatch_store::{MAX_TIP_PHOTOS, NewTip, TipReceipt};

use super::desk::{Desk, Refusal};
use crate::AppState;
use crate::error::WebError;

/// Largest photo with a tip.
pub const MAX_TIP_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The pixels all photos of one tip may hold together (five 40-megapixel phone photos);
/// measured from their headers before anything is decoded.
pub const MAX_TIP_PIXELS: u64 = 200_000_000;
pub(crate) fn refusal_error(r: Refusal) -> WebError {
    let (field, zh, en, s) = match r {
        Refusal::Address { retry_after_s } => (
            "rate",
            "本网络提交过于频繁",
            "too many tips from this network",
            retry_after_s,
        ),
        Refusal::Device { retry_after_s } => (
            "rate",
            "本设备提交过于频繁",
            "too many tips from this device",
            retry_after_s,
        ),
        Refusal::Busy { retry_after_s } => (
            "rate",
            "举报系统繁忙",
            "the tip desk is busy",
            retry_after_s,
        ),
    };
    WebError::RateLimited {
        retry_after_s: s,
        message_zh: format!("{zh}，请 {s} 秒后再试。紧急情况请拨打举报电话。"),
        message_en: format!("{en}; try again in {s} s. In an emergency, call the hotline."),
        field: field.to_string(),
    }
}

/// Who is sending a tip: the network address, the device, and the operator for the hotline.
pub(crate) struct Sender<'a> {
    pub address: std::net::IpAddr,
    pub device: Option<&'a str>,
    pub operator: Option<&'a minewatch_store::Actor>,
}

/// Takes a tip through the desk's guards and into the store; shared by the page and the API.
pub(crate) async fn take_tip(
    state: &AppState,
    desk: &Desk,
    county: Option<&str>,
    from: &Sender<'_>,
    mut tip: NewTip,
    photos: Vec<(String, Vec<u8>)>,
) -> Result<TipReceipt, WebError> {
    if from.operator.is_none() {
        desk.admit_sender(from.address, from.device)
            .map_err(refusal_error)?;
    }
    if photos.len() > MAX_TIP_PHOTOS {
        return Err(WebError::field(
            "photo",
            format!("最多{MAX_TIP_PHOTOS}张照片"),
            format!("at most {MAX_TIP_PHOTOS} photos"),
        ));
    }
    let mut typed = Vec::new();
    for (name, bytes) in photos {
        if bytes.len() > MAX_TIP_PHOTO_BYTES {
            return Err(WebError::TooLarge {
                field: format!("photo {name}"),
                limit_bytes: MAX_TIP_PHOTO_BYTES,
            });
        }
        // The kind is read from the bytes, whatever the name or the declared type says.
        if !minewatch_store::photo::MediaKind::sniff(&bytes).is_decodable_image() {
            return Err(WebError::field(
                "photo",
                format!("“{name}”不是 JPEG、PNG、WebP 或 GIF 照片"),
                format!("'{name}' is not a JPEG, PNG, WebP or GIF photo"),
            ));
        }
        typed.push((name, bytes));
    }
    let pixels: u64 = typed
        .iter()
        .filter_map(|(_, b)| minewatch_store::photo::dimensions(b))
        .map(|(w, h)| u64::from(w) * u64::from(h))
        .sum();
    if pixels > MAX_TIP_PIXELS {
        return Err(WebError::field(
            "photo",
            format!(
                "照片总像素过多（{} 万，最多 {} 万），请缩小后再发",
                pixels / 10_000,
                MAX_TIP_PIXELS / 10_000
            ),
            format!(
                "the photos hold {pixels} pixels together, at most {MAX_TIP_PIXELS}: send smaller ones"
            ),
        ));
    }
    if from.operator.is_none() {
        desk.admit_county().map_err(refusal_error)?;
    }
    // Decoding happens before a write slot is taken, a few photos at a time county-wide,
    // so a picture bomb never holds the slots honest tips need.
    let mut analysed = Vec::with_capacity(typed.len());
    for (name, bytes) in typed {
        analysed.push((name, state.store.analyse_upload(bytes).await?));
    }
    // A few writers at a time: a flood queues here, briefly, instead of in the database.
    let _permit = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        desk.writers.clone().acquire_owned(),
    )
    .await
    .map_err(|_| refusal_error(Refusal::Busy { retry_after_s: 5 }))?
    .map_err(|_| refusal_error(Refusal::Busy { retry_after_s: 5 }))?;
    let now = state.clock.now();
    let (county_id, _) = state.store.public_county(county).await?;
    let desk_actor = state.store.public_actor(county_id, now).await?;
    let mut metas = Vec::with_capacity(analysed.len());
    for (name, file) in analysed {
        match state
            .store
            .store_analysed(&desk_actor, file, &name, None, now)
            .await
        {
            Ok(m) => metas.push(m),
            Err(e) => {
                let kept = crate::upload::stored(metas);
                return kept.settle(state, &desk_actor, Err(e.into())).await;
            }
        }
    }
    let stored = crate::upload::stored(metas);
    tip.photos = stored.hashes();
    let outcome = async {
        tip.source_hash = state
            .store
            .pseudonym(
                "tip-source",
                &format!("{}|{}", from.address, from.device.unwrap_or("")),
            )
            .await?;
        Ok(state
            .store
            .submit_tip(county_id, from.operator, &tip, now)
            .await?)
    }
    .await;
    stored.settle(state, &desk_actor, outcome).await
}
