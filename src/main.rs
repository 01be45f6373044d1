//! The `corridor` command-line tool: a thin shell over the library.

fn main() {
    println!(
        "corridor {}: the scenario runner arrives with the model; see README.md",
        env!("CARGO_PKG_VERSION")
    );
}
