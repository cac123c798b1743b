// `sqlx::migrate!` embeds the migration folders; a new file there must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
