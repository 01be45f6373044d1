//! The terminal side of a run: progress on standard error and a Ctrl-C that lets the
//! replications in progress finish.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Writes a line to standard error, ignoring a closed stderr.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
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
