//! Tests of the built `painpath` binary.
