//! Building blocks shared by the chapters.

pub mod error_panel;
pub mod keys;
pub mod param_panel;
pub mod step_nav;
pub mod timeline;

pub use param_panel::{ParamErrors, ParamGroup, ParamPanel, ParamRow, Presets};
pub use step_nav::StepNav;
pub use timeline::{Timeline, TimelineState};
