//! The typst "world" of one document: the templates, the data, the pictures and the fonts.
//! Fonts are found once per process and shared by every render.

use std::collections::HashMap;
use std::path::Path;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

use crate::{Paper, PaperError};

/// The shared template every document imports: page, heading, number, seal and signatures.
const GONGWEN: &str = include_str!("../templates/gongwen.typ");

/// Fonts and the standard library, loaded once; renders are independent of each other.
pub struct Press {
    fonts: FontStore,
    library: LazyHash<Library>,
    chinese: bool,
}

impl std::fmt::Debug for Press {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Press")
            .field("fonts", &self.fonts.book().families().count())
            .field("chinese", &self.chinese)
            .finish_non_exhaustive()
    }
}

fn file_id(path: &str) -> FileId {
    // Paths here are the crate's own constants; an invalid one is a programming error
    // caught by the tests of every template.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| panic!("bad template path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Press {
    pub(crate) fn with_fonts(font_dir: Option<&Path>) -> Press {
        let mut fonts = FontStore::new();
        if let Some(dir) = font_dir {
            fonts.extend(typst_kit::fonts::scan(dir));
        }
        fonts.extend(typst_kit::fonts::system());
        let chinese = (0..)
            .map_while(|i| fonts.book().info(i))
            .any(|info| info.coverage.contains(u32::from('县')));
        Press {
            fonts,
            library: LazyHash::new(Library::builder().build()),
            chinese,
        }
    }

    /// Forgets what typst remembers between renders (fonts stay loaded), so the next render
    /// lays out from scratch: for measuring, and never needed for correctness.
    pub fn forget_layouts(&self) {
        typst::comemo::evict(0);
    }

    /// Whether a font for Chinese text was found.
    #[must_use]
    pub fn has_chinese(&self) -> bool {
        self.chinese
    }

    /// The PDF of one document.
    ///
    /// # Errors
    /// No Chinese font, or a template that cannot lay out the data (a bug: the error says
    /// where).
    pub fn render(&self, paper: &Paper) -> Result<Vec<u8>, PaperError> {
        self.print(paper).map(|p| p.pdf)
    }

    /// The PDF of one document with its number of pages.
    ///
    /// # Errors
    /// As [`Press::render`].
    pub fn print(&self, paper: &Paper) -> Result<Printed, PaperError> {
        if !self.chinese {
            return Err(PaperError::NoChineseFont);
        }
        let main = file_id("/main.typ");
        let lib = file_id("/gongwen.typ");
        let mut sources = HashMap::new();
        sources.insert(main, Source::new(main, paper.template.source().to_owned()));
        sources.insert(lib, Source::new(lib, GONGWEN.to_owned()));
        let mut files = HashMap::new();
        files.insert(
            file_id("/data.json"),
            Bytes::new(serde_json::to_vec(&paper.data).unwrap_or_default()),
        );
        for (picture, svg) in &paper.images {
            files.insert(file_id(picture.path()), Bytes::new(svg.clone()));
        }
        let desk = Desk {
            press: self,
            main,
            sources,
            files,
        };
        let compiled = typst::compile::<PagedDocument>(&desk).output;
        // typst memoises across compilations; keep what the next render can reuse, drop
        // the rest so a long-running server does not grow.
        typst::comemo::evict(4);
        let document = compiled.map_err(|errors| PaperError::Layout(describe(&desk, &errors)))?;
        let options = typst_pdf::PdfOptions {
            creator: Smart::Custom(Some("minewatch".to_owned())),
            ..typst_pdf::PdfOptions::default()
        };
        let pages = document.pages().len();
        let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
            PaperError::Pdf(
                errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        Ok(Printed { pdf, pages })
    }
}

/// A printed document.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

fn describe(desk: &Desk<'_>, errors: &[typst::diag::SourceDiagnostic]) -> String {
    use typst::WorldExt;
    errors
        .iter()
        .map(|e| {
            let at = desk
                .range(e.span)
                .zip(e.span.id())
                .and_then(|(range, id)| {
                    let source = desk.sources.get(&id)?;
                    let line = source.lines().byte_to_line(range.start)? + 1;
                    Some(format!("{:?}:{line}", id.vpath()))
                })
                .unwrap_or_default();
            format!("{at} {}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

struct Desk<'a> {
    press: &'a Press,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
}

impl World for Desk<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.press.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.press.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(format!("{:?}", id.vpath()).into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.text().to_owned()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(format!("{:?}", id.vpath()).into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.press.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry the dates of their records; the machine's clock has no say.
        None
    }
}
