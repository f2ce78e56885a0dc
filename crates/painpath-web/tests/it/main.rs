//! painpath-web's one integration-test binary: the real server on port 0 with a temporary SQLite
//! database, spoken to over real HTTP (house-style.md, "Where tests live").

mod access;
mod api_diary;
mod api_other;
mod crisis;
mod duty;
mod helpers;
mod malformed;
mod openapi;
mod pages;
mod questionnaires;
mod sessions;
mod transfer;
mod trust;
