//! Tests of the built `painpath` binary, run as a user runs it (`env!("CARGO_BIN_EXE_painpath")`),
//! as ripgrep's tests do: the fixed points of `painpath serve` (contracts/server.md), the demo,
//! crash safety, `user add`, `kb check` and the refusal of wrong flags.

mod crash;
mod demo;
mod flags;
mod http;
mod kb;
mod score;
mod serve;
mod support;
mod user;
