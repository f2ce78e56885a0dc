//! painpath-kb.
