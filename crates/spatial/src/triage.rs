//! Triage of satellite change patches (卫片图斑) against licences, constraint and key zones,
//! and grids: exact shares and areas on the ellipsoid, and a preliminary class.
//!
//! Large polygons (a nature reserve may have 20,000 vertices) are cut once into pieces of
//! at most [`PIECE_VERTICES`] vertices, and every piece goes into one R-tree; a patch then
//! meets only the few pieces around it. This is the same idea as PostGIS's `ST_Subdivide`,
//! done once per run rather than left to the user.

use std::cmp::Ordering;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::NaiveDate;
use geo::{BooleanOps, BoundingRect, CoordsIter, Intersects, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::area::area_m2;
use crate::clip;
use crate::zone::ZoneKind;

/// Pieces of big polygons hold at most this many vertices.
pub const PIECE_VERTICES: usize = 256;

/// A patch inside licences for at least this share counts as inside (digitising tolerance).
pub const INSIDE_SHARE: f64 = 0.99;

/// A change patch from a satellite batch.
#[derive(Debug, Clone)]
pub struct Patch {
    pub id: String,
    pub shape: MultiPolygon<f64>,
    /// Date of the later image (后时相); licence validity is judged on it.
    pub later_date: Option<NaiveDate>,
}

/// A mining or exploration licence.
#[derive(Debug, Clone)]
pub struct Licence {
    pub id: String,
    pub shape: MultiPolygon<f64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Cancelled, revoked or closed: invalid whatever its dates say.
    pub withdrawn: bool,
}

impl Licence {
    /// Whether the licence held on `date`.
    #[must_use]
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        !self.withdrawn
            && self.valid_from.is_none_or(|from| from <= date)
            && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// A constraint layer or key zone.
#[derive(Debug, Clone)]
pub struct Zone {
    pub id: String,
    pub kind: ZoneKind,
    pub shape: MultiPolygon<f64>,
}

/// A grid cell of the duty hierarchy, with the township and village that hold it.
#[derive(Debug, Clone)]
pub struct GridArea {
    pub township: String,
    pub village: String,
    pub grid: String,
    pub shape: MultiPolygon<f64>,
}

/// The preliminary class of a patch, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PatchClass {
    /// Overlaps a protected layer (nature reserve, ecological red line, farmland, forest).
    Protected,
    /// Touches no licence at all.
    NoLicence,
    /// Touches only licences that did not hold on the later image date.
    ExpiredLicence,
    /// Partly inside a valid licence, partly outside it.
    OverstepsLicence,
    /// Inside valid licences.
    InsideLicence,
}

impl PatchClass {
    pub const ALL: [PatchClass; 5] = [
        PatchClass::Protected,
        PatchClass::NoLicence,
        PatchClass::ExpiredLicence,
        PatchClass::OverstepsLicence,
        PatchClass::InsideLicence,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            PatchClass::Protected => "protected",
            PatchClass::NoLicence => "no_licence",
            PatchClass::ExpiredLicence => "expired_licence",
            PatchClass::OverstepsLicence => "oversteps_licence",
            PatchClass::InsideLicence => "inside_licence",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<PatchClass> {
        PatchClass::ALL.into_iter().find(|c| c.code() == code)
    }

    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            PatchClass::Protected => "涉及保护区域",
            PatchClass::NoLicence => "无证",
            PatchClass::ExpiredLicence => "证照失效",
            PatchClass::OverstepsLicence => "越界",
            PatchClass::InsideLicence => "持证范围内",
        }
    }

    /// Whether a patch of this class must be checked in the field as a suspect.
    #[must_use]
    pub fn suspect(self) -> bool {
        self != PatchClass::InsideLicence
    }
}

/// A licence a patch touches.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceTouch {
    pub id: String,
    /// Share of the patch's area inside the licence, 0..=1.
    pub share: f64,
    pub valid: bool,
}

/// A zone a patch touches.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneTouch {
    pub id: String,
    pub kind: ZoneKind,
    pub area_m2: f64,
}

/// The triage of one patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    pub patch_id: String,
    pub area_m2: f64,
    /// The grid holding the largest share of the patch, if any grid touches it.
    pub grid: Option<(String, String, String)>,
    pub licences: Vec<LicenceTouch>,
    pub zones: Vec<ZoneTouch>,
    pub class: PatchClass,
}

/// Why one patch could not be triaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("patch {patch_id}: {reason}")]
pub struct TriageError {
    pub patch_id: String,
    pub reason: String,
}

struct Piece {
    owner: usize,
    shape: Polygon<f64>,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Polygons cut into pieces and indexed once, to be met by many patches.
struct Indexed {
    pieces: Vec<Piece>,
    tree: RTree<Entry>,
}

impl Indexed {
    fn build(shapes: impl Iterator<Item = MultiPolygon<f64>>) -> Indexed {
        let shapes: Vec<MultiPolygon<f64>> = shapes.collect();
        let per_owner: Vec<Vec<Polygon<f64>>> = shapes
            .par_iter()
            .map(|s| {
                let mut out = Vec::new();
                for p in &s.0 {
                    subdivide(p.clone(), &mut out);
                }
                out
            })
            .collect();
        let mut pieces = Vec::new();
        for (owner, parts) in per_owner.into_iter().enumerate() {
            pieces.extend(parts.into_iter().map(|shape| Piece { owner, shape }));
        }
        let entries: Vec<Entry> = pieces
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.shape.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Indexed {
            pieces,
            tree: RTree::bulk_load(entries),
        }
    }

    /// For each owner the patch touches, the area of the patch inside it, in m².
    fn meet(
        &self,
        patch: &MultiPolygon<f64>,
        bbox: Rect<f64>,
        patch_area: f64,
    ) -> Vec<(usize, f64)> {
        let envelope =
            AABB::from_corners([bbox.min().x, bbox.min().y], [bbox.max().x, bbox.max().y]);
        let mut found: Vec<(usize, f64)> = Vec::new();
        for entry in self.tree.locate_in_envelope_intersecting(&envelope) {
            let piece = &self.pieces[entry.data];
            let inside = match clip::against(&piece.shape, bbox) {
                // The piece covers the patch's whole box, so the whole patch.
                clip::Cover::Whole => Some(patch_area),
                // Nothing of the piece inside the box: at most a touch on its edge.
                clip::Cover::Nothing => (piece.shape.intersects(&bbox.to_polygon())
                    && patch.intersects(&piece.shape))
                .then_some(0.0),
                clip::Cover::Part => {
                    let a = area_m2(&patch.intersection(&piece.shape));
                    (a > 0.0 || patch.intersects(&piece.shape)).then_some(a)
                }
            };
            let Some(inside) = inside else {
                continue;
            };
            match found.iter_mut().find(|(o, _)| *o == piece.owner) {
                Some((_, a)) => *a += inside,
                None => found.push((piece.owner, inside)),
            }
        }
        found.sort_by_key(|(o, _)| *o);
        found
    }
}

/// A patch as it meets the registers: whole when small; a large one cut into pieces like
/// the registers, so a patch of many vertices across a licence of many vertices costs
/// pieces × pieces of bounded size, never vertices × vertices.
/// A small patch is borrowed as it is: most patches are, and triage runs on every one.
struct Parts<'a>(Vec<(std::borrow::Cow<'a, MultiPolygon<f64>>, Rect<f64>, f64)>);

impl<'a> Parts<'a> {
    fn of(shape: &'a MultiPolygon<f64>, bbox: Rect<f64>, area: f64) -> Parts<'a> {
        if shape.coords_count() <= PIECE_VERTICES {
            return Parts(vec![(std::borrow::Cow::Borrowed(shape), bbox, area)]);
        }
        let mut pieces = Vec::new();
        for p in &shape.0 {
            subdivide(p.clone(), &mut pieces);
        }
        Parts(
            pieces
                .into_iter()
                .filter_map(|p| {
                    let r = p.bounding_rect()?;
                    let mp = MultiPolygon(vec![p]);
                    let a = area_m2(&mp);
                    Some((std::borrow::Cow::Owned(mp), r, a))
                })
                .collect(),
        )
    }
}

impl Indexed {
    /// [`Indexed::meet`] summed over the parts of a patch.
    fn meet_parts(&self, parts: &Parts<'_>) -> Vec<(usize, f64)> {
        let mut found: Vec<(usize, f64)> = Vec::new();
        for (shape, bbox, area) in &parts.0 {
            for (owner, a) in self.meet(shape, *bbox, *area) {
                match found.iter_mut().find(|(o, _)| *o == owner) {
                    Some((_, sum)) => *sum += a,
                    None => found.push((owner, a)),
                }
            }
        }
        found.sort_by_key(|(o, _)| *o);
        found
    }
}

/// Cuts a polygon into pieces of at most [`PIECE_VERTICES`] vertices by halving its box
/// along the longer side. The halving is Sutherland–Hodgman (linear time, areas exact but
/// zero-width seams where a concave part is cut); only each final small piece goes through
/// the polygon overlay, which removes the seams and leaves valid polygons.
fn subdivide(p: Polygon<f64>, out: &mut Vec<Polygon<f64>>) {
    if p.coords_count() <= PIECE_VERTICES {
        out.push(p);
        return;
    }
    let Some(cell) = p.bounding_rect() else {
        return;
    };
    let rings: Vec<Vec<geo::Coord<f64>>> = std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(clip::open)
        .collect();
    split(rings, cell, out, 0);
}

fn split(
    rings: Vec<Vec<geo::Coord<f64>>>,
    cell: Rect<f64>,
    out: &mut Vec<Polygon<f64>>,
    depth: u32,
) {
    let count: usize = rings.iter().map(Vec::len).sum();
    if count <= PIECE_VERTICES || depth > 24 {
        // Even-odd over all rings: holes subtract from their shell, seams cancel out.
        let parts = MultiPolygon(
            rings
                .into_iter()
                .map(|mut r| {
                    if let Some(&first) = r.first() {
                        r.push(first);
                    }
                    Polygon::new(geo::LineString(r), vec![])
                })
                .collect(),
        );
        out.extend(parts.intersection(&cell.to_polygon()));
        return;
    }
    let (min, max) = (cell.min(), cell.max());
    let halves = if cell.width() >= cell.height() {
        let mid = min.x + cell.width() / 2.0;
        [
            (
                clip::Keep::West(mid),
                Rect::new(min, geo::coord! { x: mid, y: max.y }),
            ),
            (
                clip::Keep::East(mid),
                Rect::new(geo::coord! { x: mid, y: min.y }, max),
            ),
        ]
    } else {
        let mid = min.y + cell.height() / 2.0;
        [
            (
                clip::Keep::South(mid),
                Rect::new(min, geo::coord! { x: max.x, y: mid }),
            ),
            (
                clip::Keep::North(mid),
                Rect::new(geo::coord! { x: min.x, y: mid }, max),
            ),
        ]
    };
    for (keep, half) in halves {
        let kept: Vec<Vec<geo::Coord<f64>>> = rings
            .iter()
            .map(|r| clip::cut(r, keep))
            .filter(|r| r.len() >= 3 && clip::twice_area(r) != 0.0)
            .collect();
        if !kept.is_empty() {
            split(kept, half, out, depth + 1);
        }
    }
}

/// Everything a triage runs against, indexed once.
pub struct Triager {
    licences: Vec<Licence>,
    zones: Vec<Zone>,
    grids: Vec<GridArea>,
    licence_index: Indexed,
    zone_index: Indexed,
    grid_index: Indexed,
    /// Licence validity is judged on this date when a patch has no later-image date.
    pub default_date: NaiveDate,
}

impl Triager {
    #[must_use]
    pub fn new(
        licences: Vec<Licence>,
        zones: Vec<Zone>,
        grids: Vec<GridArea>,
        default_date: NaiveDate,
    ) -> Triager {
        let licence_index = Indexed::build(licences.iter().map(|l| l.shape.clone()));
        let zone_index = Indexed::build(zones.iter().map(|z| z.shape.clone()));
        let grid_index = Indexed::build(grids.iter().map(|g| g.shape.clone()));
        Triager {
            licences,
            zones,
            grids,
            licence_index,
            zone_index,
            grid_index,
            default_date,
        }
    }

    /// One patch.
    ///
    /// # Errors
    /// When the geometry library fails on this patch (reported, never a crash).
    pub fn triage(&self, patch: &Patch) -> Result<Triage, TriageError> {
        let fail = |reason: String| TriageError {
            patch_id: patch.id.clone(),
            reason,
        };
        let bbox = patch
            .shape
            .bounding_rect()
            .ok_or_else(|| fail("has no extent".into()))?;
        catch_unwind(AssertUnwindSafe(|| self.triage_unchecked(patch, bbox)))
            .map_err(|_| fail("the geometry could not be intersected (degenerate shape)".into()))
    }

    fn triage_unchecked(&self, patch: &Patch, bbox: Rect<f64>) -> Triage {
        let area = area_m2(&patch.shape);
        let date = patch.later_date.unwrap_or(self.default_date);
        let share = |a: f64| if area > 0.0 { (a / area).min(1.0) } else { 0.0 };
        let parts = Parts::of(&patch.shape, bbox, area);

        let licences: Vec<LicenceTouch> = self
            .licence_index
            .meet_parts(&parts)
            .into_iter()
            .map(|(i, a)| LicenceTouch {
                id: self.licences[i].id.clone(),
                share: share(a),
                valid: self.licences[i].valid_on(date),
            })
            .collect();
        let zones: Vec<ZoneTouch> = self
            .zone_index
            .meet_parts(&parts)
            .into_iter()
            .map(|(i, a)| ZoneTouch {
                id: self.zones[i].id.clone(),
                kind: self.zones[i].kind,
                area_m2: a,
            })
            .collect();
        let grid = self
            .grid_index
            .meet_parts(&parts)
            .into_iter()
            .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Equal))
            .map(|(i, _)| {
                let g = &self.grids[i];
                (g.township.clone(), g.village.clone(), g.grid.clone())
            });
        let class = classify(&licences, &zones);
        Triage {
            patch_id: patch.id.clone(),
            area_m2: area,
            grid,
            licences,
            zones,
            class,
        }
    }

    /// Every patch, on all cores, calling `progress` once per patch done. Results keep the
    /// patches' order.
    pub fn triage_all(
        &self,
        patches: &[Patch],
        progress: &(dyn Fn() + Sync),
    ) -> Vec<Result<Triage, TriageError>> {
        patches
            .par_iter()
            .map(|p| {
                let r = self.triage(p);
                progress();
                r
            })
            .collect()
    }
}

/// The preliminary class from what a patch touches.
#[must_use]
pub fn classify(licences: &[LicenceTouch], zones: &[ZoneTouch]) -> PatchClass {
    if zones
        .iter()
        .any(|z| z.kind.is_protected() && z.area_m2 > 0.0)
    {
        return PatchClass::Protected;
    }
    let valid_share: f64 = licences
        .iter()
        .filter(|l| l.valid)
        .map(|l| l.share)
        .sum::<f64>()
        .min(1.0);
    if valid_share >= INSIDE_SHARE {
        PatchClass::InsideLicence
    } else if valid_share > 0.0 {
        PatchClass::OverstepsLicence
    } else if licences.iter().any(|l| !l.valid && l.share > 0.0) {
        PatchClass::ExpiredLicence
    } else {
        PatchClass::NoLicence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::{Invalid, to_area};
    use geo::polygon;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        let p = polygon![(x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)];
        to_area(p.into(), Invalid::Refuse).expect("square")
    }

    /// A circle-ish polygon with many vertices, to force subdivision.
    fn disc(cx: f64, cy: f64, r: f64, n: usize) -> MultiPolygon<f64> {
        let ring: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                (cx + r * t.cos(), cy + r * t.sin())
            })
            .collect();
        to_area(Polygon::new(ring.into(), vec![]).into(), Invalid::Refuse).expect("disc")
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn licence(id: &str, shape: MultiPolygon<f64>, to: &str) -> Licence {
        Licence {
            id: id.into(),
            shape,
            valid_from: Some(date("2020-01-01")),
            valid_to: Some(date(to)),
            withdrawn: false,
        }
    }

    /// A patch of 100,000 vertices across a licence of 100,000 vertices: both are cut into
    /// pieces, so the work is pieces × pieces (this took 8 s whole against whole), and the
    /// share still matches the exact overlap of the two discs.
    #[test]
    fn a_huge_patch_across_a_huge_licence_is_met_piece_by_piece() {
        let r = 0.01;
        let licence = disc(112.0, 36.0, r, 100_000);
        let patch = Patch {
            id: "P".into(),
            shape: disc(112.0 + r, 36.0, r, 100_000),
            later_date: None,
        };
        let t = Triager::new(
            vec![self::licence("L", licence, "2030-12-31")],
            vec![],
            vec![],
            date("2026-05-01"),
        );
        let parts = Parts::of(&patch.shape, patch.shape.bounding_rect().expect("box"), 1.0);
        assert!(parts.0.len() > 100, "the patch is cut: {}", parts.0.len());
        let got = t.triage(&patch).expect("triage");
        // Two equal circles a radius apart overlap by (2π/3 − √3/2)·r² of πr².
        let lens = (2.0 * std::f64::consts::PI / 3.0 - 3f64.sqrt() / 2.0) / std::f64::consts::PI;
        assert_eq!(got.licences.len(), 1);
        assert!(
            (got.licences[0].share - lens).abs() < 2e-3,
            "share {} vs {lens}",
            got.licences[0].share
        );
    }

    #[test]
    fn subdivided_areas_add_up_to_the_whole() {
        let big = disc(112.5, 36.5, 0.2, 5000);
        let mut pieces = Vec::new();
        subdivide(big.0[0].clone(), &mut pieces);
        assert!(pieces.len() > 16, "{} pieces", pieces.len());
        assert!(
            pieces
                .iter()
                .all(|p| p.coords_count() <= PIECE_VERTICES + 8)
        );
        let whole = geo::Area::unsigned_area(&big);
        let sum: f64 = pieces.iter().map(geo::Area::unsigned_area).sum();
        assert!((sum - whole).abs() / whole < 1e-8, "{sum} vs {whole}");
    }

    #[test]
    fn concave_shapes_are_cut_into_valid_pieces() {
        // A comb: 400 teeth pointing north, so every east–west cut crosses the gaps.
        // The base is densified as surveyed boundaries are: a single 36 km edge would be a
        // geodesic that bulges 18 m north of the straight cuts.
        let mut ring: Vec<(f64, f64)> = (0..=400)
            .map(|i| (112.0 + f64::from(i) * 0.001, 36.0))
            .collect();
        for i in (0..400).rev() {
            let x = 112.0 + f64::from(i) * 0.001;
            ring.extend([
                (x + 0.0008, 36.01),
                (x + 0.0008, 36.2),
                (x + 0.0002, 36.2),
                (x + 0.0002, 36.01),
            ]);
        }
        let comb =
            to_area(Polygon::new(ring.into(), vec![]).into(), Invalid::Refuse).expect("comb");
        let mut pieces = Vec::new();
        subdivide(comb.0[0].clone(), &mut pieces);
        assert!(pieces.len() > 8);
        for p in &pieces {
            let one = MultiPolygon(vec![p.clone()]);
            assert_eq!(crate::validity::fault(&one), None, "a piece with a seam");
        }
        // Planar sums: pieces tile the polygon exactly. (On the ellipsoid a long cut along a
        // parallel is a geodesic that bulges, but patches only ever meet short stretches.)
        let sum: f64 = pieces.iter().map(geo::Area::unsigned_area).sum();
        let whole = geo::Area::unsigned_area(&comb);
        assert!((sum - whole).abs() / whole < 1e-8, "{sum} vs {whole}");
        let across = Patch {
            id: "across".into(),
            shape: square(112.1, 36.005, 0.002),
            later_date: None,
        };
        let direct = area_m2(&across.shape.intersection(&comb));
        // A patch in a gap between teeth touches nothing.
        let t = Triager::new(
            vec![],
            vec![Zone {
                id: "comb".into(),
                kind: ZoneKind::ForestLand,
                shape: comb,
            }],
            vec![],
            date("2026-01-01"),
        );
        let gap = Patch {
            id: "gap".into(),
            shape: square(112.2001, 36.1, 0.0000_5),
            later_date: None,
        };
        assert!(t.triage(&gap).expect("triage").zones.is_empty());
        let got = t.triage(&across).expect("triage").zones[0].area_m2;
        assert!((got - direct).abs() / direct < 1e-6, "{got} vs {direct}");
    }

    #[test]
    fn classes_follow_licences_zones_and_dates() {
        let reserve = Zone {
            id: "NR1".into(),
            kind: ZoneKind::NatureReserve,
            shape: disc(112.0, 36.0, 0.05, 3000),
        };
        let key = Zone {
            id: "K1".into(),
            kind: ZoneKind::IllegalHotspot,
            shape: square(112.3, 36.3, 0.05),
        };
        let licences = vec![
            licence("L-valid", square(112.2, 36.2, 0.01), "2030-12-31"),
            licence("L-old", square(112.4, 36.4, 0.01), "2021-12-31"),
        ];
        let grids = vec![GridArea {
            township: "东岭镇".into(),
            village: "上河村".into(),
            grid: "1".into(),
            shape: square(111.5, 35.5, 1.5),
        }];
        let t = Triager::new(licences, vec![reserve, key], grids, date("2026-05-01"));
        let patch = |id: &str, shape| Patch {
            id: id.into(),
            shape,
            later_date: Some(date("2026-05-01")),
        };
        let cases = [
            (
                patch("inside", square(112.202, 36.202, 0.002)),
                PatchClass::InsideLicence,
            ),
            (
                patch("half", square(112.209, 36.205, 0.002)),
                PatchClass::OverstepsLicence,
            ),
            (
                patch("old", square(112.402, 36.402, 0.002)),
                PatchClass::ExpiredLicence,
            ),
            (
                patch("none", square(112.302, 36.302, 0.002)),
                PatchClass::NoLicence,
            ),
            (
                patch("reserve", square(112.0, 36.0, 0.002)),
                PatchClass::Protected,
            ),
        ];
        for (p, want) in &cases {
            let r = t.triage(p).expect("triage");
            assert_eq!(r.class, *want, "{}: {r:?}", p.id);
            assert_eq!(r.grid.as_ref().map(|g| g.1.as_str()), Some("上河村"));
        }
        let half = t.triage(&cases[1].0).expect("triage");
        assert!((half.licences[0].share - 0.5).abs() < 0.01, "{half:?}");
        let none = t.triage(&cases[3].0).expect("triage");
        assert_eq!(none.zones.len(), 1);
        assert!(
            (none.zones[0].area_m2 - none.area_m2).abs() / none.area_m2 < 1e-6,
            "{none:?}"
        );
        let reserve = t.triage(&cases[4].0).expect("triage");
        assert!(reserve.zones[0].area_m2 > 0.0 && reserve.zones[0].area_m2 <= reserve.area_m2);
    }

    #[test]
    fn withdrawn_licences_are_invalid_whatever_the_dates() {
        let mut l = licence("L", square(112.0, 36.0, 0.01), "2030-01-01");
        assert!(l.valid_on(date("2026-01-01")));
        assert!(!l.valid_on(date("2019-01-01")));
        l.withdrawn = true;
        assert!(!l.valid_on(date("2026-01-01")));
    }
}
