//! The people the load needs, made the way a clinic makes them, through the server's own pages
//! and API: the first administrator from the printed link, a clinician the administrator creates,
//! and patients the clinician invites. The result is each patient's API token and account id.

use std::net::SocketAddr;

use anyhow::Context;
use serde_json::json;

use crate::http::{Body, Conn, form, path_of};

/// Every bench account shares this password (it is thrown away with the temporary database).
pub const PASSWORD: &str = "bench password, never used anywhere else";

/// The first patient's username, whose diary page is timed.
pub const PATIENT: &str = "benchpatient1";

/// The administrator's and the clinician's usernames.
pub const ADMIN: &str = "benchadmin";
pub const CLINICIAN: &str = "benchclinician";

/// Every account `seed` makes for `patients` patients: the administrator, the clinician and each
/// patient.
pub fn usernames(patients: usize) -> Vec<String> {
    let mut names = vec![ADMIN.to_owned(), CLINICIAN.to_owned()];
    names.extend((1..=patients).map(|n| format!("benchpatient{n}")));
    names
}

/// The seeded patient.
pub struct Patient {
    pub id: i64,
    pub token: String,
}

/// Makes an administrator, a clinician and `patients` invited patients (`benchpatient1`, …);
/// returns the patients with their tokens.
pub async fn seed(
    addr: SocketAddr,
    first_admin_link: &str,
    patients: usize,
) -> anyhow::Result<Vec<Patient>> {
    let mut conn = Conn::connect(addr).await?;

    redeem_account_link(&mut conn, first_admin_link, ADMIN, "Bench Admin", 303).await?;
    let admin = api_token(&mut conn, ADMIN).await?;

    let staff = post_json(
        &mut conn,
        "/api/admin/accounts",
        &admin,
        &json!({"username": CLINICIAN, "display_name": "Bench Clinician", "role": "clinician"}),
    )
    .await
    .context("creating the clinician")?;
    let password_link = staff["password_link"]["url"]
        .as_str()
        .context("no password_link.url in the new staff account")?;
    let origin = conn.origin();
    conn.send(
        "POST",
        &path_of(password_link)?,
        &[("Origin", &origin)],
        Some(Body {
            content_type: "application/x-www-form-urlencoded",
            bytes: &form(&[("password", PASSWORD), ("confirm", PASSWORD)]),
        }),
    )
    .await?
    .expect(303, "setting the clinician's password")?;
    let clinician = api_token(&mut conn, CLINICIAN).await?;

    let mut made = Vec::with_capacity(patients);
    for n in 1..=patients {
        let username = format!("benchpatient{n}");
        let invitation = post_json(&mut conn, "/api/invitations", &clinician, &json!({}))
            .await
            .context("inviting a patient")?;
        let invitation = invitation["url"]
            .as_str()
            .context("no url in the invitation")?;
        redeem_account_link(
            &mut conn,
            invitation,
            &username,
            &format!("Bench Patient {n}"),
            // A new patient is shown their recovery codes (once) rather than sent on.
            200,
        )
        .await?;
        let token = api_token(&mut conn, &username).await?;
        let me = conn
            .send(
                "GET",
                "/api/me",
                &[("Authorization", &bearer(&token))],
                None,
            )
            .await?
            .expect(200, "reading the patient's own account")?
            .json()?;
        let id = me["id"].as_i64().context("no id in /api/me")?;
        made.push(Patient { id, token });
    }
    Ok(made)
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Redeems a first-admin or invitation link through its form, as a browser would; `expected` is
/// the status the server answers a redeemed link with.
async fn redeem_account_link(
    conn: &mut Conn,
    url: &str,
    username: &str,
    display_name: &str,
    expected: u16,
) -> anyhow::Result<()> {
    let origin = conn.origin();
    let body = form(&[
        ("display_name", display_name),
        ("username", username),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ]);
    conn.send(
        "POST",
        &path_of(url)?,
        &[("Origin", &origin)],
        Some(Body {
            content_type: "application/x-www-form-urlencoded",
            bytes: &body,
        }),
    )
    .await?
    .expect(expected, &format!("redeeming the link for {username}"))?;
    Ok(())
}

/// Exchanges a username and the bench password for an API token.
async fn api_token(conn: &mut Conn, username: &str) -> anyhow::Result<String> {
    let body = json!({"username": username, "password": PASSWORD, "name": "painpath-bench"});
    let answer = conn
        .send(
            "POST",
            "/api/tokens",
            &[],
            Some(Body {
                content_type: "application/json",
                bytes: body.to_string().as_bytes(),
            }),
        )
        .await?
        .expect(201, &format!("making an API token for {username}"))?
        .json()?;
    answer["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token in the answer")
}

async fn post_json(
    conn: &mut Conn,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> anyhow::Result<serde_json::Value> {
    conn.send(
        "POST",
        path,
        &[("Authorization", &bearer(token))],
        Some(Body {
            content_type: "application/json",
            bytes: body.to_string().as_bytes(),
        }),
    )
    .await?
    .expect(201, path)?
    .json()
}

/// Signs the patient in through the sign-in form and returns the `Cookie` header value.
pub async fn sign_in(conn: &mut Conn) -> anyhow::Result<String> {
    let origin = conn.origin();
    let body = form(&[
        ("username", PATIENT),
        ("password", PASSWORD),
        ("next", "/diary"),
    ]);
    let answer = conn
        .send(
            "POST",
            "/sign-in",
            &[("Origin", &origin)],
            Some(Body {
                content_type: "application/x-www-form-urlencoded",
                bytes: &body,
            }),
        )
        .await?
        .expect(303, "signing the patient in")?;
    answer
        .headers("set-cookie")
        .find(|c| c.starts_with("painpath_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .context("signing in set no painpath_session cookie")
}
