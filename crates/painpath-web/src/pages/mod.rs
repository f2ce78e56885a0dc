//! Server-rendered pages, grouped by area. Every page works without JavaScript, with a keyboard
//! and with a screen reader, and carries a "Need help now?" link (design.md 14).

pub mod admin;
pub mod alerts;
pub mod assets;
pub mod body_map;
pub mod check_in;
pub mod details;
pub mod diary;
pub mod help;
pub mod history;
pub mod home;
pub mod links;
pub mod patients;
pub mod questionnaires;
pub mod recover;
pub mod settings;
pub mod sign_in;
pub mod treatments;

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use painpath_core::person::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, PageError};

/// What every page's frame needs: the title, who is signed in, their display settings.
#[derive(Clone, Debug)]
pub struct Layout {
    pub title: String,
    pub clinic_name: String,
    pub signed_in: Option<SignedIn>,
    pub low_glare: bool,
    pub large_text: bool,
    /// The path of this page, to mark the current navigation item.
    pub current: String,
    /// A clinician's count of alerts on the duty list, shown in the menu.
    pub duty_count: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
    /// The session's CSRF token masked for this page (`forms::mask_csrf`).
    pub csrf: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// A count shown beside the label (alerts on the duty list).
    pub count: Option<u32>,
}

impl Layout {
    pub fn new(
        state: &AppState,
        caller: Option<&Caller>,
        title: impl Into<String>,
        current: &str,
    ) -> Layout {
        Layout {
            title: title.into(),
            clinic_name: if state.config.clinic_name.is_empty() {
                "painpath".into()
            } else {
                state.config.clinic_name.clone()
            },
            signed_in: caller.map(|c| SignedIn {
                name: c.account.display_name.clone(),
                role: c.account.role,
                csrf: crate::forms::mask_csrf(c.csrf()),
            }),
            low_glare: caller.is_some_and(|c| c.preferences.low_glare),
            large_text: caller.is_some_and(|c| c.preferences.large_text),
            current: current.to_owned(),
            duty_count: caller.and_then(|c| c.duty_count),
        }
    }

    /// A frame with nobody signed in, for error pages.
    pub fn bare(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            clinic_name: "painpath".into(),
            signed_in: None,
            low_glare: false,
            large_text: false,
            current: String::new(),
            duty_count: None,
        }
    }

    pub fn html_class(&self) -> String {
        let mut c = Vec::new();
        if self.low_glare {
            c.push("low-glare");
        }
        if self.large_text {
            c.push("large-text");
        }
        c.join(" ")
    }

    /// The stylesheet's content-hashed address (`pages::assets`).
    pub fn stylesheet(&self) -> &'static str {
        assets::stylesheet_href()
    }

    pub fn csrf(&self) -> &str {
        self.signed_in
            .as_ref()
            .map(|s| s.csrf.as_str())
            .unwrap_or("")
    }

    pub fn nav(&self) -> Vec<NavItem> {
        let Some(s) = &self.signed_in else {
            return vec![NavItem {
                href: "/sign-in",
                label: "Sign in",
                count: None,
            }];
        };
        let mut items = vec![NavItem {
            href: "/",
            label: "Home",
            count: None,
        }];
        match s.role {
            Role::Patient => items.extend([
                NavItem {
                    href: "/check-in",
                    label: "Check in",
                    count: None,
                },
                NavItem {
                    href: "/diary",
                    label: "Diary",
                    count: None,
                },
                NavItem {
                    href: "/treatments",
                    label: "My treatments",
                    count: None,
                },
                NavItem {
                    href: "/questionnaires",
                    label: "Questionnaires",
                    count: None,
                },
            ]),
            Role::Clinician => items.extend([
                NavItem {
                    href: "/patients",
                    label: "My patients",
                    count: None,
                },
                NavItem {
                    href: "/alerts",
                    label: "Alerts",
                    count: None,
                },
                NavItem {
                    href: "/duty",
                    label: "Duty list",
                    count: self.duty_count.filter(|n| *n > 0),
                },
            ]),
            Role::Admin => items.extend([
                NavItem {
                    href: "/admin",
                    label: "Accounts",
                    count: None,
                },
                NavItem {
                    href: "/admin/audit",
                    label: "Audit",
                    count: None,
                },
            ]),
        }
        items.push(NavItem {
            href: "/settings",
            label: "Settings",
            count: None,
        });
        items
    }

    pub fn is_current(&self, href: &str) -> bool {
        self.current == href
    }
}

/// Renders a template as a 200 page.
pub fn render<T: Template>(page: &T) -> Result<Response, PageError> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a template with a status (a form with problems is 422, so tests and tools can tell).
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Result<Response, PageError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Post, redirect, get: after a successful form, go to a page with a plain GET.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Percent-encodes a value for a query string.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Anything not in the route table: JSON under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound.into_response()
    } else {
        PageError::NotFound.into_response()
    }
}

/// A form field's problem, for showing beside it.
pub fn problem_for<'a>(problems: &'a painpath_core::problems::Problems, field: &str) -> &'a str {
    problems.for_field(field).unwrap_or("")
}
