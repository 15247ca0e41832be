// `sqlx::migrate!` embeds the migrations at compile time, but on stable Rust
// it cannot ask Cargo to watch their directories: without this, a new
// migration file left a stale server binary until some source file changed.
fn main() {
    for dir in ["migrations", "migrations-sqlite", "migrations-postgres"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
