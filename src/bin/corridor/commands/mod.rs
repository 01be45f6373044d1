//! One module per command: its flags (a clap `Args` struct) and its work.

pub(crate) mod capacity;
pub(crate) mod new;
pub(crate) mod plan;
pub(crate) mod run;
pub(crate) mod sensitivity;
