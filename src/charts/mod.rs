//! Charts: a plain-data [`spec::ChartSpec`], a drawing function generic over plotters backends
//! ([`draw::draw_chart`]), the theme it reads from CSS ([`theme::Theme`]), a HiDPI canvas backend
//! ([`canvas::HiDpiCanvas`]) and the `<Chart>` component ([`component::Chart`]).
//!
//! **Invariant:** drawing code never touches the DOM; only `canvas.rs`, `theme.rs`'s `from_css` and
//! the component do. The same `draw_chart` renders to SVG in native tests and can render to a
//! bitmap for PNG export.

pub mod canvas;
pub mod component;
pub mod draw;
pub mod grid;
pub mod observe;
pub mod spec;
pub mod theme;

pub use component::{Chart, ExportStem, ThemeEpoch};
pub use grid::{ChartDef, ChartGrid, Frame};
pub use spec::{Axis, ChartSpec, XTime};
pub use theme::ColorRole;
