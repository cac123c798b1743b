//! A refused request stores nothing: the photos of a form the store turns down are taken
//! back — the record and the bytes — whether a village files out of its area, a case step
//! is refused, or a citizen sends the same tip twice.

mod common;

use common::{Server, client, login_page, org_ids, start};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const PHOTO: &[u8] = include_bytes!("../../store/tests/fixtures/photos/pillow.jpg");

/// A photo no other test sends: the fixture with a few bytes after its end marker (JPEG
/// readers ignore them), so its digest is new.
fn photo(tag: &str) -> (Vec<u8>, String) {
    let mut bytes = PHOTO.to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    let sha = hex::encode(Sha256::digest(&bytes));
    (bytes, sha)
}

async fn kept(s: &Server, sha: &str) -> bool {
    let recorded = s.store.attachment(sha).await.is_ok();
    let on_disk = s.store.blobs().path(sha).is_some_and(|p| p.exists());
    assert_eq!(recorded, on_disk, "the record and the bytes go together");
    recorded
}

fn form(fields: &[(&str, String)], bytes: Vec<u8>) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new();
    for (k, v) in fields {
        f = f.text((*k).to_string(), v.clone());
    }
    f.part(
        "photo",
        reqwest::multipart::Part::bytes(bytes).file_name("现场.jpg"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_leaves_no_photo_behind() {
    let s = start().await;
    let village = login_page(&s, "village01").await;
    let (_, t2, _) = org_ids(&village, &s).await;

    // A village files a clue in another township: refused by the store, after the photo
    // was read and stored; it is gone again.
    let (bytes, refused) = photo("refused-clue");
    let fields = [
        ("source", "patrol".to_string()),
        ("problem_kind", "unlicensed_mining".to_string()),
        ("township_id", t2.to_string()),
        ("address", "别的乡镇".to_string()),
        ("description", "越界登记".to_string()),
    ];
    let r = village
        .post(format!("{}/clues/new", s.base))
        .multipart(form(&fields, bytes))
        .send()
        .await
        .expect("post");
    assert!(r.status().is_client_error(), "{}", r.status());
    assert!(!kept(&s, &refused).await, "a refused clue keeps no photo");

    // The same form in its own township is taken, photo and all.
    let (t1, _, v1) = org_ids(&village, &s).await;
    let (bytes, taken) = photo("taken-clue");
    let fields = [
        ("source", "patrol".to_string()),
        ("problem_kind", "unlicensed_mining".to_string()),
        ("township_id", t1.to_string()),
        ("village_id", v1.to_string()),
        ("address", "本村河滩".to_string()),
        ("description", "河滩有人挖沙".to_string()),
    ];
    let r = village
        .post(format!("{}/clues/new", s.base))
        .multipart(form(&fields, bytes))
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success() || r.status().is_redirection());
    assert!(kept(&s, &taken).await);
    let case_id: i64 = r
        .url()
        .path()
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("sent to the case");

    // A case step refused (a deadline in the past) keeps no photo either; the photo the
    // case holds already stays when the same bytes come with a refused step.
    let office = login_page(&s, "office").await;
    let (bytes, step_photo) = photo("refused-step");
    let fields = [
        ("action", "order_rectification".to_string()),
        ("measures", "恢复河道".to_string()),
        ("deadline", "2020-01-01".to_string()),
        ("responsible_unit", "甲镇".to_string()),
    ];
    let r = office
        .post(format!("{}/cases/{case_id}/act", s.base))
        .multipart(form(&fields, bytes))
        .send()
        .await
        .expect("act");
    assert!(r.status().is_client_error(), "{}", r.status());
    assert!(!kept(&s, &step_photo).await);
    let (bytes, _) = photo("taken-clue");
    let r = office
        .post(format!("{}/cases/{case_id}/act", s.base))
        .multipart(form(&fields, bytes))
        .send()
        .await
        .expect("act");
    assert!(r.status().is_client_error());
    assert!(kept(&s, &taken).await, "a file in use is never taken back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tip_sent_twice_keeps_one_set_of_photos() {
    let s = start().await;
    let c = client();
    let office = login_page(&s, "office").await;
    let (t1, _, _) = org_ids(&office, &s).await;
    let fields = |(): ()| {
        vec![
            ("township_id", t1.to_string()),
            ("address", "北山脚下".to_string()),
            ("description", "晚上有货车拉矿石".to_string()),
        ]
    };
    let (first, first_sha) = photo("tip-first");
    let r = c
        .post(format!("{}/tip", s.base))
        .multipart(form(&fields(()), first))
        .send()
        .await
        .expect("tip");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(kept(&s, &first_sha).await);
    // Sent again with another photo: refused as the same tip, and its photo not kept.
    let (second, second_sha) = photo("tip-second");
    let r = c
        .post(format!("{}/tip", s.base))
        .multipart(form(&fields(()), second))
        .send()
        .await
        .expect("tip");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!kept(&s, &second_sha).await);
    assert!(kept(&s, &first_sha).await);
}
