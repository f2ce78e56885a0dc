//! painpath-wire.
