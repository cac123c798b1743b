//! What a file is, from its bytes: the declared Content-Type of an upload is the sender's
//! claim and is never trusted.

/// The kinds of file minewatch tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Heic,
    Pdf,
    /// Anything else: kept and offered as a download, never shown inline.
    Other,
}

impl MediaKind {
    /// Reads the kind from the first bytes of a file.
    #[must_use]
    pub fn sniff(bytes: &[u8]) -> MediaKind {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            MediaKind::Jpeg
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            MediaKind::Png
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            MediaKind::Webp
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            MediaKind::Gif
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(
                &bytes[8..12],
                b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis"
            )
        {
            MediaKind::Heic
        } else if bytes.starts_with(b"%PDF-") {
            MediaKind::Pdf
        } else {
            MediaKind::Other
        }
    }

    /// The media type stored and served for this kind.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Gif => "image/gif",
            MediaKind::Heic => "image/heic",
            MediaKind::Pdf => "application/pdf",
            MediaKind::Other => "application/octet-stream",
        }
    }

    /// Pictures minewatch decodes, hashes and shows.
    #[must_use]
    pub fn is_decodable_image(self) -> bool {
        matches!(
            self,
            MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp | MediaKind::Gif
        )
    }

    /// Whether a browser may show it in the page (images it can decode and PDF); everything
    /// else is served as a download, so an uploaded page or script never runs.
    #[must_use]
    pub fn inline(media_type: &str) -> bool {
        matches!(
            media_type,
            "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "application/pdf"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(MediaKind::sniff(b"\xFF\xD8\xFF\xE0rest"), MediaKind::Jpeg);
        assert_eq!(MediaKind::sniff(b"<html><script>"), MediaKind::Other);
        assert_eq!(MediaKind::sniff(b"<svg xmlns="), MediaKind::Other);
        assert_eq!(MediaKind::sniff(b"%PDF-1.7"), MediaKind::Pdf);
        assert_eq!(MediaKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), MediaKind::Webp);
        assert_eq!(
            MediaKind::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            MediaKind::Heic
        );
        assert!(!MediaKind::inline("text/html"));
        assert!(!MediaKind::inline("image/svg+xml"));
        assert!(MediaKind::inline("image/jpeg"));
    }
}
