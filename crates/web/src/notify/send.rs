//! The adapters that take the outbox's deliveries out: a WeChat Work or DingTalk group robot
//! and an SMS gateway over HTTP(S), e-mail through the county's SMTP relay. Each reports sent
//! or the reason it failed; the store then marks the delivery or schedules it again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use minewatch_core::notify::{ChannelKind, Message, recipients};
use minewatch_store::{ChannelRow, Store, StoreError};

/// Deliveries taken in one pass, so one pass never runs unbounded.
const PER_PASS: i64 = 200;

/// What sends: one HTTP client (with its timeouts) and the address links point to.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    base_url: String,
}

impl Sender {
    /// `base_url`: the address users open minewatch at, for the links in messages ("" for
    /// none).
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no TLS roots).
    pub fn new(base_url: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Sender {
            http,
            base_url: base_url.to_string(),
        })
    }

    async fn post(&self, url: &str, body: &serde_json::Value) -> Result<(), String> {
        let r = self
            .http
            .post(url)
            .json(body)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!(
                "{url}: HTTP {status}: {}",
                text.chars().take(200).collect::<String>()
            ));
        }
        // The robots answer 200 with an error code when they refuse a message.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(code) = v["errcode"].as_i64()
            && code != 0
        {
            return Err(format!(
                "{url}: errcode {code}: {}",
                v["errmsg"].as_str().unwrap_or("")
            ));
        }
        Ok(())
    }

    async fn mail(&self, ch: &ChannelRow, m: &Message) -> Result<(), String> {
        let (host, port) = ch
            .endpoint
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
            .ok_or_else(|| format!("{}: not host:port", ch.endpoint))?;
        let from = ch
            .sender
            .parse()
            .map_err(|e| format!("From {}: {e}", ch.sender))?;
        let mut builder = lettre::Message::builder()
            .from(from)
            .subject(m.title.clone())
            .header(ContentType::TEXT_PLAIN);
        for to in recipients(&ch.recipients) {
            builder = builder.to(to.parse().map_err(|e| format!("To {to}: {e}"))?);
        }
        let email = builder
            .body(m.text(&self.base_url))
            .map_err(|e| format!("building the e-mail: {e}"))?;
        // A relay inside the county's network, spoken to in plain SMTP.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(10)))
            .build();
        transport
            .send(email)
            .await
            .map(drop)
            .map_err(|e| format!("{}: {e}", ch.endpoint))
    }

    /// Sends one message through one channel.
    ///
    /// # Errors
    /// The reason it did not go through, for the delivery's record.
    pub async fn send(&self, ch: &ChannelRow, m: &Message) -> Result<(), String> {
        match ChannelKind::from_code(&ch.kind) {
            Some(ChannelKind::WeCom | ChannelKind::DingTalk) => {
                self.post(&ch.endpoint, &m.robot_json(&self.base_url)).await
            }
            Some(ChannelKind::Sms) => {
                self.post(
                    &ch.endpoint,
                    &m.sms_json(&recipients(&ch.recipients), &self.base_url),
                )
                .await
            }
            Some(ChannelKind::Email) => self.mail(ch, m).await,
            None => Err(format!("unknown channel kind '{}'", ch.kind)),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub raised: usize,
    pub sent: usize,
    pub failed: usize,
}

/// One pass of the outbox: raise what is due, then try every delivery due.
///
/// # Errors
/// On database failure (a failed send is not an error: it is recorded and retried).
pub async fn run_once(
    store: &Store,
    sender: &Sender,
    now: DateTime<Utc>,
) -> Result<Pass, StoreError> {
    let mut pass = Pass {
        raised: store.notify_sweep(now).await?,
        ..Pass::default()
    };
    for job in store.due_deliveries(now, PER_PASS).await? {
        let outcome = sender.send(&job.channel, &job.message).await;
        if outcome.is_ok() {
            pass.sent += 1;
        } else {
            pass.failed += 1;
        }
        if let Err(e) = &outcome {
            tracing::warn!(delivery = job.id, attempts = job.attempts + 1, error = %e, "delivery failed; will retry");
        }
        store.delivery_done(job.id, outcome, now).await?;
    }
    Ok(pass)
}
