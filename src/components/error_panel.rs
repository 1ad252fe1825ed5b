//! The last line of defence: when a panic escapes, a visible panel replaces the blank page.
//!
//! The panic hook first logs the message and where it happened to the console, then builds the
//! panel with plain DOM calls, because after a panic the reactive system may be in any state. The
//! panel's "Reset" button drops the URL's query (the most likely culprit), keeps the route, and
//! reloads.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The panel's element id (one panel, however many panics).
pub const PANEL_ID: &str = "pml-error-panel";

/// Installs the panic hook. Call once, before mounting.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.as_str().into());
        show_error_panel(&message);
    }));
}

/// Shows the error panel with `message`, hiding the app. Safe to call more than once: later messages
/// are appended. Does nothing outside a browser.
pub fn show_error_panel(message: &str) {
    let _ = try_show(message);
}

fn try_show(message: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    if let Some(existing) = document.get_element_by_id(PANEL_ID) {
        let pre = document.create_element("pre").ok()?;
        pre.set_text_content(Some(message));
        existing.query_selector(".error-messages").ok()??.append_child(&pre).ok()?;
        return Some(());
    }
    // Hide whatever the app rendered: it may be half-updated.
    let children = body.children();
    for i in 0..children.length() {
        if let Some(el) = children.item(i) {
            if el.tag_name() != "SCRIPT" {
                let _ = el.set_attribute("hidden", "");
            }
        }
    }
    let panel = document.create_element("section").ok()?;
    panel.set_id(PANEL_ID);
    panel.set_class_name("error-panel");
    panel.set_attribute("role", "alert").ok()?;
    panel.set_attribute("data-testid", "error-panel").ok()?;
    let h = document.create_element("h1").ok()?;
    h.set_text_content(Some("Something went wrong"));
    let p = document.create_element("p").ok()?;
    p.set_text_content(Some(
        "The page hit an internal error and stopped. Reset clears the settings in the address \
         (keeping the chapter) and reloads; if the error comes back, the message below helps us fix it.",
    ));
    let messages = document.create_element("div").ok()?;
    messages.set_class_name("error-messages");
    let pre = document.create_element("pre").ok()?;
    pre.set_text_content(Some(message));
    messages.append_child(&pre).ok()?;
    let button: web_sys::HtmlElement = document.create_element("button").ok()?.dyn_into().ok()?;
    button.set_attribute("type", "button").ok()?;
    button.set_attribute("data-testid", "error-reset").ok()?;
    button.set_class_name("button primary");
    button.set_text_content(Some("Reset"));
    let on_click = Closure::<dyn Fn()>::new(reset);
    button.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    on_click.forget();
    for child in [&h, &p, &messages, button.as_ref()] {
        panel.append_child(child).ok()?;
    }
    body.append_child(&panel).ok()?;
    button.focus().ok()?;
    Some(())
}

/// The route part of a hash: `#/basics?step=2&x=1` → `#/basics`.
pub fn route_only(hash: &str) -> &str {
    hash.split_once('?').map_or(hash, |(route, _)| route)
}

fn reset() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let route = route_only(&hash);
    let route = if route.is_empty() { "#/" } else { route };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(route));
    }
    let _ = location.reload();
}

#[cfg(test)]
mod tests {
    #[test]
    fn reset_keeps_the_route_only() {
        assert_eq!(super::route_only("#/basics?step=2&servers=0"), "#/basics");
        assert_eq!(super::route_only("#/vsts-2018"), "#/vsts-2018");
        assert_eq!(super::route_only(""), "");
    }
}
