//! The perceptual hash of a picture: the classic pHash (grey 32×32, 2-D DCT, the 8×8 lowest
//! frequencies without the DC row and column, thresholded at their median). It survives
//! re-encoding, resizing, small crops and brightening — a crop shifts the picture, which
//! moves a difference hash's neighbouring-pixel gradients but barely moves the lowest
//! frequencies — while unrelated scenes land about half the bits apart.

use image::DynamicImage;

const SIDE: usize = 32;
const LOW: usize = 8;

/// The 64-bit pHash of a picture.
#[must_use]
pub fn phash(img: &DynamicImage) -> u64 {
    // thumbnail_exact averages whole areas, so a big photo is not aliased into noise.
    let grey = img.thumbnail_exact(SIDE as u32, SIDE as u32).to_luma32f();
    let px: Vec<f64> = grey.pixels().map(|p| f64::from(p.0[0])).collect();
    let cos: Vec<[f64; SIDE]> = (0..=LOW)
        .map(|k| {
            let mut row = [0.0; SIDE];
            for (n, c) in row.iter_mut().enumerate() {
                *c = (std::f64::consts::PI * (2 * n + 1) as f64 * k as f64 / (2 * SIDE) as f64)
                    .cos();
            }
            row
        })
        .collect();
    // Rows first (only the frequencies kept), then columns.
    let mut rows = vec![[0.0f64; LOW + 1]; SIDE];
    for (y, out) in rows.iter_mut().enumerate() {
        for (k, o) in out.iter_mut().enumerate() {
            *o = (0..SIDE).map(|x| px[y * SIDE + x] * cos[k][x]).sum();
        }
    }
    let mut coeffs = Vec::with_capacity(LOW * LOW);
    for cv in &cos[1..=LOW] {
        for u in 1..=LOW {
            coeffs.push(rows.iter().zip(cv).map(|(r, c)| r[u] * c).sum::<f64>());
        }
    }
    let mut sorted = coeffs.clone();
    sorted.sort_by(f64::total_cmp);
    let median = f64::midpoint(sorted[LOW * LOW / 2 - 1], sorted[LOW * LOW / 2]);
    coeffs
        .iter()
        .enumerate()
        .fold(0u64, |h, (i, c)| if *c > median { h | (1 << i) } else { h })
}

/// Bits that differ between two hashes written as hex; `None` for hashes that are not
/// both 64-bit hex (an old or foreign hash is never compared).
#[must_use]
pub fn distance(a: &str, b: &str) -> Option<u32> {
    let (a, b) = (hex::decode(a).ok()?, hex::decode(b).ok()?);
    (a.len() == b.len() && a.len() == 8)
        .then(|| a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_bits() {
        assert_eq!(distance("ff00000000000000", "0f00000000000000"), Some(4));
        assert_eq!(distance("ff", "ff00"), None);
        assert_eq!(distance("zz", "zz"), None);
    }

    #[test]
    fn a_flat_picture_hashes_without_panicking() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(5, 3, image::Rgb([9, 9, 9])));
        let _ = phash(&img);
    }
}
