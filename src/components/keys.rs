//! Page-wide keyboard shortcuts (← → between steps, Space to play) and the controls that need
//! those keys themselves.

use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// Whether a page-wide shortcut must leave `ev` alone: a modifier is held, the key repeats, another
/// handler already used it, or the focused element uses the key itself — text fields, selects and
/// editable content use every key; range inputs use the arrows; buttons, links, summaries and
/// ARIA widgets use Space.
pub fn leave_to_target(ev: &KeyboardEvent) -> bool {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.repeat() || ev.default_prevented() {
        return true;
    }
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    let input_type = el.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
    let space = ev.key() == " ";
    match tag.as_str() {
        "textarea" | "select" => true,
        "input" => input_type != "range" || !space,
        "button" | "a" | "summary" => space,
        _ => el.has_attribute("contenteditable") || (space && el.has_attribute("role")),
    }
}
