//! painpath-store.
