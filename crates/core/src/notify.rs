//! Notifications (提醒/通知, R25): what the outbox sends, to which kind of channel, in which
//! shape, and how soon a failed delivery is tried again. Nothing here sends; the server's
//! adapters do, and the store keeps every delivery until it has gone through.

use serde::{Deserialize, Serialize};

macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $( $variant:ident => $code:literal, $zh:literal, $en:literal; )* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $variant, )* }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )* _ => None }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( $name::$variant => if zh { $zh } else { $en }, )* }
            }
        }
    };
}

coded! {
    /// Where a county can send notifications besides the app.
    ChannelKind {
        WeCom => "wecom", "企业微信群机器人", "WeChat Work group robot";
        DingTalk => "dingtalk", "钉钉群机器人", "DingTalk group robot";
        Sms => "sms", "短信网关", "SMS gateway";
        Email => "email", "电子邮件", "E-mail";
    }
}

coded! {
    /// Why a notification was raised.
    NoticeKind {
        Reminder => "reminder", "到期提醒", "Due tomorrow";
        Overdue => "overdue", "逾期通知", "Overdue";
        SentBack => "sent_back", "退回通知", "Sent back";
        RankedLow => "ranked_low", "通报排名靠后", "Ranked near the bottom";
    }
}

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// The page that takes the step, as a path (`/cases/12`).
    pub link: String,
}

impl Message {
    /// One text for the channels that carry plain text: title, body, and the link in full.
    #[must_use]
    pub fn text(&self, base_url: &str) -> String {
        let base = base_url.trim_end_matches('/');
        if base.is_empty() {
            format!("【{}】{}", self.title, self.body)
        } else {
            format!("【{}】{} {base}{}", self.title, self.body, self.link)
        }
    }

    /// The JSON a group robot takes (WeChat Work and DingTalk both take a text message).
    #[must_use]
    pub fn robot_json(&self, base_url: &str) -> serde_json::Value {
        serde_json::json!({"msgtype": "text", "text": {"content": self.text(base_url)}})
    }

    /// The JSON posted to an SMS gateway: the numbers and the text.
    #[must_use]
    pub fn sms_json(&self, phones: &[String], base_url: &str) -> serde_json::Value {
        serde_json::json!({"phones": phones, "text": self.text(base_url)})
    }
}

/// How long to wait before trying a failed delivery again: one minute, then five, fifteen,
/// an hour, and every four hours after that. A delivery is never dropped.
#[must_use]
pub fn retry_after(attempts: i64) -> chrono::Duration {
    match attempts {
        ..=1 => chrono::Duration::minutes(1),
        2 => chrono::Duration::minutes(5),
        3 => chrono::Duration::minutes(15),
        4 => chrono::Duration::hours(1),
        _ => chrono::Duration::hours(4),
    }
}

/// A channel's recipients as entered: phones or addresses separated by commas, spaces or
/// new lines (the Chinese comma too).
#[must_use]
pub fn recipients(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '，' || c == ';' || c == '；' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_the_link_and_retries_slow_down() {
        let m = Message {
            title: "明日到期".into(),
            body: "QL-2026-000012 后山沟口".into(),
            link: "/cases/12".into(),
        };
        assert_eq!(
            m.text("https://mw.example.cn/"),
            "【明日到期】QL-2026-000012 后山沟口 https://mw.example.cn/cases/12"
        );
        assert_eq!(
            m.robot_json("")["text"]["content"],
            "【明日到期】QL-2026-000012 后山沟口"
        );
        assert_eq!(
            m.sms_json(&["13800000000".into()], "")["phones"][0],
            "13800000000"
        );
        assert!(retry_after(1) < retry_after(2) && retry_after(4) < retry_after(9));
        assert_eq!(retry_after(9), retry_after(50));
        assert_eq!(
            recipients("13800000000，13900000000\n a@b.cn"),
            ["13800000000", "13900000000", "a@b.cn"]
        );
        for &k in ChannelKind::ALL {
            assert_eq!(ChannelKind::from_code(k.code()), Some(k));
        }
    }
}
