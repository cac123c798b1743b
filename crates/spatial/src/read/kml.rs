//! KML and KMZ (as Google Earth and 奥维 export them): every Placemark becomes a feature,
//! with its name, description and ExtendedData as attributes. KML is lon/lat by definition.

use std::collections::BTreeMap;
use std::path::Path;

use kml::types::Element;
use kml::{Kml, KmlReader};

use super::{Feature, RawLayer};

pub(crate) fn read(path: &Path, ext: &str) -> Result<RawLayer, String> {
    let root: Kml<f64> = if ext == "kmz" {
        KmlReader::<_, f64>::from_kmz_path(path)
            .map_err(|e| format!("is not a readable KMZ: {e}"))?
            .read()
    } else {
        KmlReader::<_, f64>::from_path(path)
            .map_err(|e| format!("cannot open: {e}"))?
            .read()
    }
    .map_err(|e| format!("is not valid KML: {e}"))?;
    let mut features = Vec::new();
    walk(root, &mut features);
    if features.is_empty() {
        return Err("holds no Placemark".into());
    }
    Ok(RawLayer {
        features,
        crs: None,
        encoding: None,
        lonlat_by_definition: true,
    })
}

fn walk(node: Kml<f64>, out: &mut Vec<Result<Feature, (usize, String)>>) {
    match node {
        Kml::KmlDocument(doc) => doc.elements.into_iter().for_each(|k| walk(k, out)),
        Kml::Document { elements, .. } => elements.into_iter().for_each(|k| walk(k, out)),
        Kml::Folder(folder) => folder.elements.into_iter().for_each(|k| walk(k, out)),
        Kml::Placemark(p) => {
            let number = out.len() + 1;
            let mut attributes = BTreeMap::new();
            if let Some(name) = p.name {
                attributes.insert("name".to_string(), name.trim().to_string());
            }
            if let Some(d) = p.description {
                attributes.insert("description".to_string(), d.trim().to_string());
            }
            for child in &p.children {
                extended_data(child, &mut attributes);
            }
            let item = match p.geometry {
                None => Err((number, "Placemark has no geometry".to_string())),
                Some(g) => geo::Geometry::<f64>::try_from(g)
                    .map(|geometry| Feature {
                        number,
                        geometry,
                        attributes,
                    })
                    .map_err(|e| (number, format!("bad geometry: {e}"))),
            };
            out.push(item);
        }
        _ => {}
    }
}

/// `<Data name="x"><value>…</value></Data>` and `<SimpleData name="x">…</SimpleData>`.
fn extended_data(e: &Element, attributes: &mut BTreeMap<String, String>) {
    let name = e.attrs.get("name");
    match (e.name.as_str(), name) {
        ("Data", Some(name)) => {
            if let Some(v) = e
                .children
                .iter()
                .find(|c| c.name == "value")
                .and_then(|c| c.content.as_ref())
            {
                attributes.insert(name.clone(), v.trim().to_string());
            }
        }
        ("SimpleData", Some(name)) => {
            if let Some(v) = &e.content {
                attributes.insert(name.clone(), v.trim().to_string());
            }
        }
        _ => e.children.iter().for_each(|c| extended_data(c, attributes)),
    }
}
