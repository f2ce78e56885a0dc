//! painpath-web.
