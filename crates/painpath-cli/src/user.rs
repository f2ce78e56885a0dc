//! `painpath user add`: an account made from the command line, with a one-time link to set its
//! password, so no password ever passes through a shell history.

use clap::Args;
use painpath_core::person::{DisplayName, Role, Username};
use painpath_store::{LinkPurpose, NewAccount};
use painpath_web::auth;

use crate::{Failure, StorageArgs, config};

#[derive(Args, Debug)]
pub struct AddArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// admin or clinician (patients join through a clinician's invitation).
    #[arg(long)]
    role: String,
    /// The sign-in name.
    #[arg(long)]
    username: String,
    /// The name shown on pages.
    #[arg(long)]
    name: String,
}

pub async fn add(args: AddArgs) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let role = match args.role.parse::<Role>() {
        Ok(r) if r.is_staff() => Some(r),
        _ => {
            problems.push(
                "--role: expected admin or clinician (patients join by a clinician's invitation)"
                    .to_owned(),
            );
            None
        }
    };
    let username = Username::parse(&args.username)
        .map_err(|e| problems.push(format!("--username: {e}")))
        .ok();
    let name = DisplayName::parse(&args.name)
        .map_err(|e| problems.push(format!("--name: {e}")))
        .ok();
    let (Some(role), Some(username), Some(name)) = (role, username, name) else {
        return Err(Failure::Input(problems));
    };
    let file = config::read_file(args.storage.config.as_deref())?;
    let web = config::web_config(&file)?;
    let store = config::open_store(&args.storage, &file).await?;
    let unusable = auth::hash_password(auth::new_token())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = store
        .create_account(
            None,
            &NewAccount {
                username: username.clone(),
                display_name: name.as_str().to_owned(),
                role,
                password_hash: unusable,
                recovery_codes: Vec::new(),
            },
        )
        .await
        .map_err(|e| match e {
            painpath_store::StoreError::Conflict(_) => {
                Failure::Input(vec![format!("--username: {} is taken", username.as_str())])
            }
            other => Failure::Other(anyhow::anyhow!("{other}")),
        })?;
    let token = auth::new_token();
    let now = jiff::Timestamp::now();
    store
        .create_link(
            None,
            &auth::token_hash(&token),
            LinkPurpose::PasswordReset { user: id },
            auth::expires_in(now, auth::INVITATION_LIFETIME),
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Added {} ({}) as {}. To set the password, open within 14 days:",
        name.as_str(),
        username.as_str(),
        role.code()
    );
    match web.public_url {
        Some(base) => println!("  {base}/link/{token}"),
        // Without a configured public address we cannot know where the server will listen.
        None => println!(
            "  http://127.0.0.1:8080/link/{token}\n(if painpath serve listens elsewhere, change the address, or set PAINPATH_PUBLIC_URL)"
        ),
    }
    Ok(())
}
