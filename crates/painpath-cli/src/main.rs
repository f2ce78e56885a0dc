//! The painpath binary.
fn main() {}
