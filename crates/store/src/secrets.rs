//! The server's keyed pseudonyms: HMAC-SHA256 under a secret made on first use and kept in
//! the database, so stored hashes of network addresses or tip secrets cannot be reversed by
//! hashing every candidate, while the same input still gives the same pseudonym.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::{Result, Store, StoreError};

const PSEUDONYM_KEY: &str = "pseudonym";

impl Store {
    async fn pseudonym_key(&self) -> Result<Vec<u8>> {
        let key = self
            .secret
            .get_or_try_init(|| async {
                let fresh = hex::encode(self.draw(|rng| {
                    let mut b = [0u8; 32];
                    rng.fill_bytes(&mut b);
                    b
                }));
                // Several servers may start at once: the first secret written wins.
                crate::db::query(
                    "INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                )
                .bind(PSEUDONYM_KEY)
                .bind(fresh)
                .execute(self.pool())
                .await?;
                let value: String =
                    crate::db::query("SELECT value FROM server_secret WHERE name = $1")
                        .bind(PSEUDONYM_KEY)
                        .fetch_scalar(self.pool())
                        .await?;
                hex::decode(value).map_err(|_| StoreError::Corrupt("server secret is not hex".into()))
            })
            .await?;
        Ok(key.clone())
    }

    /// The keyed pseudonym of `text` for one purpose (`kind` keeps purposes apart).
    ///
    /// # Errors
    /// On database failure while the secret is first read.
    pub async fn pseudonym(&self, kind: &str, text: &str) -> Result<String> {
        let key = self.pseudonym_key().await?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key)
            .map_err(|_| StoreError::Corrupt("server secret has no length".into()))?;
        mac.update(kind.as_bytes());
        mac.update(b"|");
        mac.update(text.as_bytes());
        Ok(format!("k1:{}", hex::encode(mac.finalize().into_bytes())))
    }
}
