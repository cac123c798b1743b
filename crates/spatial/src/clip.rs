//! How much of a box a polygon covers, by clipping its rings to the box (Sutherland–Hodgman,
//! whose output may carry zero-width slivers along the box edge but always the right area).
//! Most patches lie wholly inside one grid, licence or zone piece, or wholly outside it; this
//! answers those in O(vertices) and leaves only the patches that cross a boundary to the
//! full polygon overlay.

use geo::{Coord, LineString, Polygon, Rect};

/// What a polygon makes of a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// The polygon covers the whole box.
    Whole,
    /// No part of the polygon's interior is inside the box.
    Nothing,
    /// Some of the box, not all.
    Part,
}

/// Covering of `r` by `p`.
#[must_use]
pub fn against(p: &Polygon<f64>, r: Rect<f64>) -> Cover {
    let box_area = r.width() * r.height();
    let shell = clipped_area(p.exterior(), r);
    if shell <= 0.0 {
        return Cover::Nothing;
    }
    let holes: f64 = p.interiors().iter().map(|h| clipped_area(h, r)).sum();
    let covered = shell - holes;
    if covered <= box_area * 1e-12 {
        Cover::Nothing
    } else if holes == 0.0 && shell >= box_area * (1.0 - 1e-12) {
        Cover::Whole
    } else {
        Cover::Part
    }
}

/// One side of an axis-parallel line; what lies on it is kept.
#[derive(Debug, Clone, Copy)]
pub enum Keep {
    /// x ≥ v
    East(f64),
    /// x ≤ v
    West(f64),
    /// y ≥ v
    North(f64),
    /// y ≤ v
    South(f64),
}

impl Keep {
    fn inside(self, c: Coord<f64>) -> bool {
        match self {
            Keep::East(v) => c.x >= v,
            Keep::West(v) => c.x <= v,
            Keep::North(v) => c.y >= v,
            Keep::South(v) => c.y <= v,
        }
    }

    fn cross(self, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
        match self {
            Keep::East(v) | Keep::West(v) => cross(a, b, true, v),
            Keep::North(v) | Keep::South(v) => cross(a, b, false, v),
        }
    }
}

/// A ring (open: no repeated closing point) cut to one side of a line, Sutherland–Hodgman.
/// For a ring with concave parts across the line the result runs along the line between
/// them: zero-width, so areas stay right, but not a valid polygon until cleaned.
#[must_use]
pub fn cut(ring: &[Coord<f64>], keep: Keep) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(ring.len() + 4);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    for &cur in ring {
        let (pin, cin) = (keep.inside(prev), keep.inside(cur));
        if cin {
            if !pin {
                out.push(keep.cross(prev, cur));
            }
            out.push(cur);
        } else if pin {
            out.push(keep.cross(prev, cur));
        }
        prev = cur;
    }
    out
}

/// Twice the signed planar area of an open ring.
#[must_use]
pub fn twice_area(pts: &[Coord<f64>]) -> f64 {
    let Some(&o) = pts.first() else {
        return 0.0;
    };
    let n = pts.len();
    (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y)
        })
        .sum()
}

/// The points of a closed ring without its closing point.
#[must_use]
pub fn open(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut pts = ring.0.clone();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

/// Unsigned planar area of a ring clipped to a box.
fn clipped_area(ring: &LineString<f64>, r: Rect<f64>) -> f64 {
    let (min, max) = (r.min(), r.max());
    let mut pts = open(ring);
    for keep in [
        Keep::East(min.x),
        Keep::West(max.x),
        Keep::North(min.y),
        Keep::South(max.y),
    ] {
        pts = cut(&pts, keep);
        if pts.is_empty() {
            return 0.0;
        }
    }
    (twice_area(&pts) / 2.0).abs()
}

/// Where segment a–b meets the line x = v (vertical) or y = v.
fn cross(a: Coord<f64>, b: Coord<f64>, vertical: bool, v: f64) -> Coord<f64> {
    if vertical {
        let t = (v - a.x) / (b.x - a.x);
        Coord {
            x: v,
            y: a.y + t * (b.y - a.y),
        }
    } else {
        let t = (v - a.y) / (b.y - a.y);
        Coord {
            x: a.x + t * (b.x - a.x),
            y: v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect<f64> {
        Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 })
    }

    #[test]
    fn whole_nothing_and_part() {
        // A U shape: the notch is outside the polygon.
        let u = polygon![(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 2.0, y: 3.0),
                         (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0)];
        assert_eq!(against(&u, rect(0.1, 0.1, 0.9, 0.9)), Cover::Whole);
        assert_eq!(
            against(&u, rect(1.2, 1.2, 1.8, 2.8)),
            Cover::Nothing,
            "inside the notch"
        );
        assert_eq!(against(&u, rect(0.5, 0.5, 1.5, 1.5)), Cover::Part);
        assert_eq!(against(&u, rect(5.0, 5.0, 6.0, 6.0)), Cover::Nothing);
        let holed = Polygon::new(
            u.exterior().clone(),
            vec![LineString::from(vec![
                (0.2, 0.2),
                (0.8, 0.2),
                (0.8, 0.8),
                (0.2, 0.8),
                (0.2, 0.2),
            ])],
        );
        assert_eq!(
            against(&holed, rect(0.3, 0.3, 0.7, 0.7)),
            Cover::Nothing,
            "inside the hole"
        );
        assert_eq!(against(&holed, rect(0.1, 0.1, 0.9, 0.9)), Cover::Part);
    }
}
