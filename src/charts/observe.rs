//! Two browser observations the `<Chart>` needs, in a few lines each instead of a dependency
//! (they replace leptos-use's `use_element_size` and `use_device_pixel_ratio`, with the same
//! behaviour, for about 2 KB less gzipped wasm).

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, ResizeObserver, ResizeObserverEntry, ResizeObserverSize};

/// The content-box size of `target` [CSS px], `(width, height)`: 0 × 0 until a `ResizeObserver`
/// first reports it, then every change. The observer is disconnected when the owner is cleaned up.
pub fn element_size(target: NodeRef<html::Div>) -> (ReadSignal<f64>, ReadSignal<f64>) {
    let (width, set_width) = signal(0.0);
    let (height, set_height) = signal(0.0);
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Ok(entry) = entries.get(0).dyn_into::<ResizeObserverEntry>() else { return };
        let sizes = entry.content_box_size();
        if sizes.length() > 0 {
            // One fragment per column or page; a block box has one.
            let (mut w, mut h) = (0.0, 0.0);
            for size in sizes.iter() {
                let size: ResizeObserverSize = size.unchecked_into();
                w += size.inline_size();
                h += size.block_size();
            }
            set_width.set(w);
            set_height.set(h);
        } else {
            let rect = entry.content_rect();
            set_width.set(rect.width());
            set_height.set(rect.height());
        }
    });
    let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
        return (width, height);
    };
    let kept = StoredValue::new_local(Some((observer, on_resize)));
    target.on_load(move |el| {
        kept.with_value(|k| {
            if let Some((observer, _)) = k {
                observer.observe(&el);
            }
        })
    });
    on_cleanup(move || {
        if let Some(Some((observer, _closure))) = kept.try_update_value(Option::take) {
            observer.disconnect();
        }
    });
    (width, height)
}

/// `window.devicePixelRatio`, followed: a media query for the current ratio stops matching when
/// it changes (browser zoom, a window moved to another screen), and the ratio is read again.
pub fn device_pixel_ratio() -> ReadSignal<f64> {
    let (ratio, set_ratio) = signal(window().device_pixel_ratio());
    Effect::new(move |_| {
        let query = format!("(resolution: {}dppx)", ratio.get());
        let Ok(Some(media)) = window().match_media(&query) else { return };
        let on_change = Closure::<dyn FnMut()>::new(move || {
            let _ = set_ratio.try_set(window().device_pixel_ratio());
        });
        let options = AddEventListenerOptions::new();
        options.set_once(true);
        options.set_passive(true);
        let _ = media.add_event_listener_with_callback_and_add_event_listener_options(
            "change",
            on_change.as_ref().unchecked_ref(),
            &options,
        );
        // Removed when the ratio changes (a new query replaces this one) or the chart goes away.
        let listener = StoredValue::new_local(Some((media, on_change)));
        on_cleanup(move || {
            if let Some(Some((media, on_change))) = listener.try_update_value(Option::take) {
                let _ =
                    media.remove_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            }
        });
    });
    ratio
}
