//! Official documents as the offices file them (R27): 交办单, 督办函, 销号审批表, the weekly
//! dispatch, the monthly bulletin and the patrol record, rendered to PDF by typst.
//!
//! The templates are typst files compiled into the binary; the record travels as JSON data
//! (`/data.json`) and pictures as SVG files (`/img/…`), so nothing a user typed is ever read
//! as typst markup. Chinese text needs a CJK font from the machine (Debian's fonts-noto-cjk)
//! or from the directory the county names; a county with licensed 公文 fonts (方正小标宋,
//! 仿宋_GB2312) puts them there and the templates prefer them.

mod forms;
mod world;

use std::path::Path;

pub use forms::*;
pub use world::{Press, Printed};

/// The documents minewatch prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// 问题交办单: the county hands a case to the unit that must act.
    Handoff,
    /// 督办函: a case past its deadline, pressed on the responsible unit.
    Supervision,
    /// 销号审批表: the closing chain of a case, with every sign-off.
    Closing,
    /// 周调度表: one township's frozen weekly dispatch.
    Dispatch,
    /// 月通报: the month's ranking with its charts and map.
    Bulletin,
    /// 巡查记录表: one patrol as the grid member records it.
    Patrol,
}

impl Template {
    pub const ALL: [Template; 6] = [
        Template::Handoff,
        Template::Supervision,
        Template::Closing,
        Template::Dispatch,
        Template::Bulletin,
        Template::Patrol,
    ];

    fn source(self) -> &'static str {
        match self {
            Template::Handoff => include_str!("../templates/handoff.typ"),
            Template::Supervision => include_str!("../templates/supervision.typ"),
            Template::Closing => include_str!("../templates/closing.typ"),
            Template::Dispatch => include_str!("../templates/dispatch.typ"),
            Template::Bulletin => include_str!("../templates/bulletin.typ"),
            Template::Patrol => include_str!("../templates/patrol.typ"),
        }
    }
}

/// One document to print: its template, the record as JSON, and its pictures.
#[derive(Debug, Clone)]
pub struct Paper {
    pub template: Template,
    pub data: serde_json::Value,
    /// SVG pictures by name; the template reads `/img/<name>.svg`.
    pub images: Vec<(Picture, Vec<u8>)>,
}

impl Paper {
    /// The paper of one filled form, with no pictures yet.
    #[must_use]
    pub fn new<F: Form>(form: &F) -> Paper {
        Paper {
            template: F::TEMPLATE,
            data: serde_json::to_value(form).unwrap_or_default(),
            images: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_picture(mut self, picture: Picture, svg: impl Into<Vec<u8>>) -> Paper {
        self.images.push((picture, svg.into()));
        self
    }
}

/// The pictures a template may show, by a fixed name: typst keeps every file name it sees
/// for the life of the process, so names must not be made per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Map,
    ChartScores,
    ChartSources,
    ChartOverdue,
    Track,
}

impl Picture {
    fn path(self) -> &'static str {
        match self {
            Picture::Map => "/img/map.svg",
            Picture::ChartScores => "/img/chart-scores.svg",
            Picture::ChartSources => "/img/chart-sources.svg",
            Picture::ChartOverdue => "/img/chart-overdue.svg",
            Picture::Track => "/img/track.svg",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    #[error(
        "no Chinese font on this machine: install fonts-noto-cjk (Debian) or put a CJK font \
         into the directory named by MINEWATCH_FONT_DIR"
    )]
    NoChineseFont,
    #[error("the document could not be laid out: {0}")]
    Layout(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

impl Press {
    /// Fonts of the machine and of `font_dir` (where a county keeps its 公文 fonts).
    #[must_use]
    pub fn load(font_dir: Option<&Path>) -> Press {
        world::Press::with_fonts(font_dir)
    }
}

#[cfg(test)]
mod tests;
