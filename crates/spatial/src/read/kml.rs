//! KML and KMZ (as Google Earth and 奥维 export them): every Placemark becomes a feature,
//! with its name, description and ExtendedData as attributes. KML is lon/lat by definition.

use std::collections::BTreeMap;
use std::path::Path;

use kml::types::Element;
use kml::{Kml, KmlReader};

use super::{Feature, RawLayer};

/// The most KML text read from one file, packed in a KMZ or not: a county's registers are
/// a few MiB, and a small KMZ that unpacks to gigabytes must not take the machine's memory.
pub const MAX_KML_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) fn read(path: &Path, ext: &str) -> Result<RawLayer, String> {
    let text = if ext == "kmz" {
        unpack_kmz(path)?
    } else {
        let size = std::fs::metadata(path)
            .map_err(|e| format!("cannot open: {e}"))?
            .len();
        if size > MAX_KML_BYTES {
            return Err(too_big("is"));
        }
        std::fs::read(path).map_err(|e| format!("cannot open: {e}"))?
    };
    let root: Kml<f64> = KmlReader::<_, f64>::from_reader(std::io::Cursor::new(text))
        .read()
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

fn too_big(what: &str) -> String {
    format!(
        "{what} larger than {} MiB of KML: split it, or import it as a Shapefile or GeoJSON",
        MAX_KML_BYTES / (1024 * 1024)
    )
}

/// The KML inside a KMZ (`doc.kml`, else the first `.kml`), read up to [`MAX_KML_BYTES`]
/// whatever its header claims: the sizes in a zip are the sender's word.
fn unpack_kmz(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("is not a readable KMZ: {e}"))?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(std::borrow::Cow::into_owned))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("is not a readable KMZ: {e}"))?;
    let kml = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or("is a KMZ without a .kml inside")?
        .clone();
    let entry = archive
        .by_name(&kml)
        .map_err(|e| format!("is not a readable KMZ ({kml}): {e}"))?;
    let mut text = Vec::new();
    entry
        .take(MAX_KML_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("is not a readable KMZ ({kml}): {e}"))?;
    if text.len() as u64 > MAX_KML_BYTES {
        return Err(too_big(&format!("unpacks ({kml}) to")));
    }
    Ok(text)
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
