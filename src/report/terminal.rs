//! The terminal side of a run: progress on standard error and a Ctrl-C that lets the
//! replications in progress finish.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Writes a line to standard error, ignoring a closed stderr. Control characters are
/// shown escaped (see [`printable`]).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", printable(text));
}

/// `text` safe to print to a terminal: control characters other than newline and tab
/// (an escape sequence in a scenario's `name` could recolour, retitle or clear the
/// terminal) and the invisible marks that reorder text (bidirectional overrides) are
/// shown as Rust escapes, e.g. `\u{1b}`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Progress on standard error: a bar on a terminal, otherwise a line at the first
/// replication and at every tenth (`progress: DONE/TOTAL replications`).
pub fn progress(done: u64, total: u64) {
    static BAR: OnceLock<indicatif::ProgressBar> = OnceLock::new();
    static LAST_TENTH: AtomicU64 = AtomicU64::new(u64::MAX);
    if std::io::stderr().is_terminal() {
        let bar = BAR.get_or_init(|| {
            let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications ({eta} left)");
            indicatif::ProgressBar::new(total)
                .with_style(style.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()))
        });
        bar.set_length(total);
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    } else {
        let tenth = done * 10 / total.max(1);
        if LAST_TENTH.swap(tenth, Ordering::Relaxed) != tenth {
            note(&format!("progress: {done}/{total} replications"));
        }
    }
}

/// A flag set by the first Ctrl-C (or SIGTERM): replications not yet started are
/// skipped and what is done is written; a second Ctrl-C exits at once (130). Under
/// `mpirun` (`distributed`), mpirun stops every rank at once, so the handler only
/// says so and exits.
pub fn interrupt_on_ctrl_c(distributed: bool) -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    let flag = FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler = Arc::clone(&flag);
        let _ = ctrlc::set_handler(move || {
            if distributed {
                note("error: stopped: under mpirun a Ctrl-C stops every rank at once, so nothing is written; use `run --shard` and `merge` to keep partial work");
                std::process::exit(130);
            }
            if handler.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            note("\ninterrupted: finishing the replications in progress, then writing what is done (Ctrl-C again to quit now)");
        });
        flag
    });
    Arc::clone(flag)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped_and_text_kept() {
        assert_eq!(printable("Baku\u{1b}[2J port\r"), "Baku\\u{1b}[2J port\\u{d}");
        assert_eq!(printable("two\nlines\tand a tab, ρ ≤ 1"), "two\nlines\tand a tab, ρ ≤ 1");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
    }
}
