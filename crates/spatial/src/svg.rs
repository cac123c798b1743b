//! SVG maps: shapes in lon/lat drawn on a local equirectangular projection (true shape at
//! the map's own latitude), with a scale bar and a legend, for pages and for print.

use std::fmt::Write;

use geo::{BoundingRect, Coord, MultiPolygon, Rect};

/// How a shape is drawn.
#[derive(Debug, Clone)]
pub struct Style {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub fill_opacity: f64,
    pub stroke_width: f64,
    /// Dashed outlines for boundaries.
    pub dashed: bool,
}

/// One thing on the map.
#[derive(Debug, Clone)]
pub struct Shape<'a> {
    pub geometry: &'a MultiPolygon<f64>,
    pub style: Style,
    /// Shown on hover and read by screen readers.
    pub title: String,
    /// Where a click goes.
    pub href: Option<String>,
}

/// A line on the map (a patrol track), drawn above the shapes.
#[derive(Debug, Clone)]
pub struct Line {
    /// (lon, lat) in order.
    pub points: Vec<(f64, f64)>,
    pub stroke: &'static str,
    pub stroke_width: f64,
    pub dashed: bool,
    pub title: String,
}

/// A point on the map (a case), drawn above the lines.
#[derive(Debug, Clone)]
pub struct Dot {
    pub lon: f64,
    pub lat: f64,
    pub fill: &'static str,
    pub title: String,
}

/// A map to draw: shapes in drawing order (first at the bottom), lines, dots and a legend.
#[derive(Debug, Clone, Default)]
pub struct Map<'a> {
    pub shapes: Vec<Shape<'a>>,
    pub lines: Vec<Line>,
    pub dots: Vec<Dot>,
    pub legend: Vec<(Style, String)>,
    /// The area to show; the extent of all shapes when `None`.
    pub frame: Option<Rect<f64>>,
    pub width: f64,
    pub caption: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" length for a scale bar: 1, 2 or 5 times a power of ten, near `target` metres.
fn nice(target: f64) -> f64 {
    let p = 10f64.powf(target.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|v| *v <= target)
        .unwrap_or(p)
}

/// The smallest box holding all the boxes.
pub fn extent(rects: impl Iterator<Item = Rect<f64>>) -> Option<Rect<f64>> {
    rects.reduce(|a, b| {
        Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )
    })
}

impl Map<'_> {
    /// The SVG document.
    #[must_use]
    pub fn render(&self) -> String {
        let frame = self.frame.or_else(|| {
            let line_boxes = self
                .lines
                .iter()
                .filter_map(|l| geo::LineString::from(l.points.clone()).bounding_rect());
            let dot_boxes = self
                .dots
                .iter()
                .map(|d| Rect::new(Coord { x: d.lon, y: d.lat }, Coord { x: d.lon, y: d.lat }));
            extent(
                self.shapes
                    .iter()
                    .filter_map(|s| s.geometry.bounding_rect())
                    .chain(line_boxes)
                    .chain(dot_boxes),
            )
        });
        let Some(frame) = frame else {
            return String::from(
                r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 100 20"><text x="4" y="14" font-size="10">—</text></svg>"#,
            );
        };
        // Pad by 5 % and keep a minimum extent so a single tiny patch is not a full screen.
        let (w0, h0) = (frame.width().max(0.002), frame.height().max(0.002));
        let c = frame.center();
        let (w0, h0) = (w0 * 1.1, h0 * 1.1);
        let k = (c.y.to_radians()).cos();
        let width = if self.width > 0.0 { self.width } else { 800.0 };
        let scale = width / (w0 * k);
        let height = (h0 * scale).clamp(120.0, width * 1.5);
        let (x0, y1) = (c.x - w0 / 2.0, c.y + h0 / 2.0);
        let px = |p: Coord<f64>| ((p.x - x0) * k * scale, (y1 - p.y) * scale);

        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{}" data-pan-zoom="1" style="overflow:hidden">"#,
            escape(&self.caption)
        );
        let _ = write!(
            out,
            r##"<rect class="map-bg" x="0" y="0" width="{width:.0}" height="{height:.0}" fill="#f7f5ef"/><g class="map-layers">"##
        );
        for s in &self.shapes {
            let mut d = String::new();
            for poly in &s.geometry.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for (i, p) in ring.0.iter().enumerate() {
                        let (x, y) = px(*p);
                        let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
                    }
                    d.push('Z');
                }
            }
            let dash = if s.style.dashed {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            };
            let path = format!(
                r#"<path d="{d}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="{}" fill-rule="evenodd" vector-effect="non-scaling-stroke"{dash}><title>{}</title></path>"#,
                s.style.fill,
                s.style.fill_opacity,
                s.style.stroke,
                s.style.stroke_width,
                escape(&s.title)
            );
            match &s.href {
                Some(h) => {
                    let _ = write!(out, r#"<a href="{}">{path}</a>"#, escape(h));
                }
                None => out.push_str(&path),
            }
        }
        for l in &self.lines {
            let mut d = String::new();
            for (i, &(x, y)) in l.points.iter().enumerate() {
                let (x, y) = px(Coord { x, y });
                let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
            }
            let dash = if l.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<path class="map-line" d="{d}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round" vector-effect="non-scaling-stroke"{dash}><title>{}</title></path>"#,
                l.stroke,
                l.stroke_width,
                escape(&l.title)
            );
        }
        for dot in &self.dots {
            let (x, y) = px(Coord {
                x: dot.lon,
                y: dot.lat,
            });
            let _ = write!(
                out,
                r##"<circle class="map-dot" cx="{x:.1}" cy="{y:.1}" r="4" fill="{}" stroke="#fff" stroke-width="1"><title>{}</title></circle>"##,
                dot.fill,
                escape(&dot.title)
            );
        }
        out.push_str("</g>");
        // Scale bar: about a fifth of the width.
        let m_per_px = w0 * k * 111_320.0 / width;
        let bar_m = nice(width / 5.0 * m_per_px);
        let bar_px = bar_m / m_per_px;
        let label = if bar_m >= 1000.0 {
            format!("{} km", bar_m / 1000.0)
        } else {
            format!("{bar_m} m")
        };
        let _ = write!(
            out,
            r##"<g class="map-scale"><rect x="10" y="{y:.0}" width="{bar_px:.1}" height="4" fill="#333"/><text x="10" y="{ty:.0}" font-size="12" fill="#333">{label}</text></g>"##,
            y = height - 14.0,
            ty = height - 18.0
        );
        // Legend, top left.
        let mut y = 8.0;
        for (style, text) in &self.legend {
            let _ = write!(
                out,
                r##"<g class="map-legend"><rect x="10" y="{y:.0}" width="14" height="10" fill="{}" fill-opacity="{}" stroke="{}"/><text x="30" y="{:.0}" font-size="12" fill="#333">{}</text></g>"##,
                style.fill,
                style.fill_opacity.max(0.3),
                style.stroke,
                y + 9.0,
                escape(text)
            );
            y += 16.0;
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::{Invalid, to_area};
    use geo::polygon;

    #[test]
    fn shapes_titles_and_scale_are_drawn() {
        let p = to_area(
            polygon![(x: 112.0, y: 36.0), (x: 112.01, y: 36.0), (x: 112.01, y: 36.01)].into(),
            Invalid::Refuse,
        )
        .expect("triangle");
        let style = Style {
            fill: "#d33",
            stroke: "#900",
            fill_opacity: 0.5,
            stroke_width: 1.0,
            dashed: false,
        };
        let map = Map {
            shapes: vec![Shape {
                geometry: &p,
                style: style.clone(),
                title: "图斑 <P1>".into(),
                href: Some("/patches/1".into()),
            }],
            lines: vec![Line {
                points: vec![(112.0, 36.0), (112.01, 36.01)],
                stroke: "#123",
                stroke_width: 2.0,
                dashed: true,
                title: "夜间巡查".into(),
            }],
            dots: vec![Dot {
                lon: 112.005,
                lat: 36.005,
                fill: "#d92d20",
                title: "案件 <1>".into(),
            }],
            legend: vec![(style, "无证".into())],
            frame: None,
            width: 600.0,
            caption: "测试".into(),
        };
        let svg = map.render();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"class="map-line""#) && svg.contains("夜间巡查"));
        assert!(svg.contains("<title>图斑 &lt;P1&gt;</title>"));
        assert!(svg.contains(r#"<a href="/patches/1">"#));
        assert!(
            svg.contains(r#"class="map-dot""#) && svg.contains("<title>案件 &lt;1&gt;</title>")
        );
        // 0.011° at 36°N is about 990 m over 600 px: a 100 m bar of about 61 px.
        assert!(
            svg.contains(r#"width="60.6" height="4""#) && svg.contains("100 m"),
            "{svg}"
        );
        assert_eq!(svg.matches("<path").count(), 2, "the shape and the line");
    }
}
