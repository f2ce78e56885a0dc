//! Repository checks live in `tests/tidy.rs`; this crate ships nothing.
