//! Who may do what: the one place roles are checked. Every route that needs
//! a login takes an `Authorized<act::X>` (the caller, the database it acts
//! on, and the proof that its role may do X there), and the checks that
//! depend on the record (its own HCP, the users it created) are the
//! functions below. Nothing is inferred from the database an account sits in.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::AppState;
use crate::auth::{Account, Caller, Role};
use crate::error::{ApiError, ApiResult};

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// What a route does, as far as permissions go.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action { $($(#[$doc])* $name),* }

        /// One marker type per action, for `Authorized<act::X>`.
        pub mod act {
            $(
                $(#[$doc])*
                pub struct $name;
                impl super::Act for $name {
                    const ACTION: super::Action = super::Action::$name;
                }
            )*
        }
    };
}

actions! {
    /// The databases the caller may use.
    ListDatabases,
    /// List and read the HCPs of a database.
    ReadDirectory,
    /// Create an HCP (with its user).
    CreateHcp,
    /// Update an HCP (an HCP user: only its own).
    UpdateHcp,
    /// Delete an HCP (kept as deleted).
    DeleteHcp,
    /// Delete an HCP for good.
    PurgeHcp,
    /// Create up to a thousand HCPs in one transaction.
    BatchCreate,
    /// The spreadsheet import.
    Import,
    /// Send an invitation (an HCP user: to the users it created).
    Invite,
    /// Read a user (an HCP user: itself and the users it created).
    ReadUser,
    /// Change a password, deactivate, reactivate (as `may_manage_user` says).
    ManageUser,
    /// Authentication tokens (a data owner: only its own).
    ManageTokens,
    /// The e-mails kept when no SMTP server is configured.
    ReadOutbox,
    /// A data owner's public keys.
    ReadDataOwner,
    /// Add a key to one's own data owner.
    ManageOwnKeys,
    /// Exchange data (the delegator writes, both parties read).
    ExchangeData,
    /// Read encrypted entities shared with the caller.
    ReadMedical,
    /// Create, update, share and delete encrypted entities (per kind and
    /// per delegation, as `check_create` and the entity routes say).
    WriteMedical,
    /// Create the user of a patient or a device.
    CreateDataOwnerUser,
}

pub trait Act {
    const ACTION: Action;
}

/// The role table: what each kind of account may attempt at all.
pub fn allows(role: &Role, action: Action) -> bool {
    use Action::*;
    // Administrators hold no medical keys: the encrypted data is for data owners.
    let data_owners_only = matches!(
        action,
        ManageOwnKeys | ExchangeData | ReadMedical | WriteMedical
    );
    match role {
        Role::Admin => !data_owners_only,
        Role::Hcp(_) => {
            matches!(
                action,
                ListDatabases
                    | ReadDirectory
                    | CreateHcp
                    | UpdateHcp
                    | Invite
                    | ReadUser
                    | ManageUser
                    | ManageTokens
                    | ReadDataOwner
                    | CreateDataOwnerUser
            ) || data_owners_only
        }
        Role::Patient(_) | Role::Device(_) => {
            matches!(
                action,
                ListDatabases | ReadUser | ManageUser | ManageTokens | ReadDataOwner
            ) || data_owners_only
        }
    }
}

/// Which kinds of encrypted entity each data owner creates: an HCP all of
/// them, a patient its Notifications, a device Data Samples (visits).
pub fn check_create(
    caller: &Caller,
    kind: hcp_core::dataowner::entity::EntityKind,
) -> ApiResult<()> {
    use hcp_core::dataowner::entity::EntityKind as K;
    let allowed = match caller.role {
        Role::Admin => false,
        Role::Hcp(_) => true,
        Role::Patient(_) => kind == K::MaintenanceTask,
        Role::Device(_) => kind == K::Contact,
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden(&format!("create a {}", kind.route())))
    }
}

/// The data owner the caller acts as; an administrator has none.
pub fn data_owner(caller: &Caller) -> ApiResult<&str> {
    caller
        .role
        .data_owner()
        .ok_or_else(|| forbidden("handle medical data as an administrator"))
}

/// Whether the caller may act on database `group_id`: an administrator on
/// the databases granted to it (`admin_granted`: it has a row in
/// `admin_groups` for this one), a data owner's user on its own.
pub fn may_use(caller: &Caller, group_id: &str, admin_granted: bool) -> bool {
    match caller.role {
        Role::Admin => admin_granted,
        _ => caller.home_group == group_id,
    }
}

/// A caller allowed to perform `A` on database `group_id` (the route's
/// `inGroup/{groupId}`, else the caller's own).
pub struct Authorized<A> {
    pub caller: Caller,
    pub group_id: String,
    _action: PhantomData<A>,
}

impl<A: Act> FromRequestParts<AppState> for Authorized<A> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let asked = params
            .iter()
            .find(|(k, _)| *k == "groupId")
            .map(|(_, v)| v.to_owned());
        let (caller, granted) = Caller::authenticate(parts, state, asked.as_deref()).await?;
        let group_id = asked.unwrap_or_else(|| caller.home_group.clone());
        if !allows(&caller.role, A::ACTION) {
            return Err(ApiError::Forbidden(format!(
                "a {} user may not do this",
                caller.role.kind()
            )));
        }
        if !may_use(&caller, &group_id, granted) {
            return Err(ApiError::Forbidden(format!(
                "no access to database {group_id}"
            )));
        }
        Ok(Authorized {
            caller,
            group_id,
            _action: PhantomData,
        })
    }
}

fn forbidden(what: &str) -> ApiError {
    ApiError::Forbidden(format!("you may not {what}"))
}

/// An HCP document the caller may change: any of its databases for an
/// administrator, only its own for an HCP user.
pub fn check_update_hcp(caller: &Caller, hcp_id: &str) -> ApiResult<()> {
    match &caller.role {
        Role::Admin => Ok(()),
        Role::Hcp(own) if own == hcp_id => Ok(()),
        _ => Err(forbidden("change another HCP's document")),
    }
}

/// Whether the caller manages `target` (passwords, deactivation,
/// invitations): an administrator manages every data owner's user of its
/// databases (`target` was looked up in one), an HCP user the users it created.
pub fn manages(caller: &Caller, target: &Account) -> bool {
    if target.kind == Role::Admin.kind() || target.id == caller.user_id {
        return false;
    }
    match caller.role {
        Role::Admin => true,
        Role::Hcp(_) => target.created_by.as_deref() == Some(caller.user_id.as_str()),
        Role::Patient(_) | Role::Device(_) => false,
    }
}

pub fn check_manage_user(caller: &Caller, target: &Account) -> ApiResult<()> {
    if manages(caller, target) {
        Ok(())
    } else {
        Err(forbidden("manage this user"))
    }
}

/// Reading a user: itself, or one it manages.
pub fn check_read_user(caller: &Caller, target: &Account) -> ApiResult<()> {
    if target.id == caller.user_id || manages(caller, target) {
        Ok(())
    } else {
        Err(forbidden("read this user"))
    }
}

/// Changing a password: one's own (with the current one), or that of a
/// user one manages.
pub fn check_set_password(caller: &Caller, target: &Account) -> ApiResult<()> {
    check_read_user(caller, target)
}

/// Authentication tokens: one's own, and an administrator's for the users
/// of its databases. Tokens for other users stay with administrators.
pub fn check_tokens(caller: &Caller, target: &Account) -> ApiResult<()> {
    let allowed = target.id == caller.user_id
        || (caller.role == Role::Admin && target.kind != Role::Admin.kind());
    if allowed {
        Ok(())
    } else {
        Err(forbidden("manage this user's authentication tokens"))
    }
}

/// The user of an HCP in a database, if it has one.
pub async fn user_of_hcp(
    st: &AppState,
    group_id: &str,
    hcp_id: &str,
) -> ApiResult<Option<Account>> {
    let row = sqlx::query(&format!(
        "{} WHERE u.hcp_id = $1 AND u.group_id = $2",
        crate::auth::ACCOUNT_SQL
    ))
    .bind(hcp_id)
    .bind(group_id)
    .fetch_optional(&st.pool)
    .await?;
    row.as_ref().map(Account::from_row).transpose()
}

/// A user of a database, or 404.
pub async fn user_in(st: &AppState, group_id: &str, user_id: &str) -> ApiResult<Account> {
    let row = sqlx::query(&format!(
        "{} WHERE u.id = $1 AND u.group_id = $2",
        crate::auth::ACCOUNT_SQL
    ))
    .bind(user_id)
    .bind(group_id)
    .fetch_optional(&st.pool)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("no user with id {user_id} in this database")))?;
    Account::from_row(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_purge_import_batch_and_read_the_outbox() {
        let hcp = Role::Hcp("h".into());
        let patient = Role::Patient("p".into());
        for action in [
            Action::DeleteHcp,
            Action::PurgeHcp,
            Action::BatchCreate,
            Action::Import,
            Action::ReadOutbox,
        ] {
            assert!(allows(&Role::Admin, action));
            assert!(!allows(&hcp, action), "{action:?}");
            assert!(!allows(&patient, action), "{action:?}");
        }
        assert!(allows(&hcp, Action::CreateHcp));
        assert!(!allows(&patient, Action::ReadDirectory));
    }

    fn account(id: &str, kind: &str, created_by: Option<&str>) -> Account {
        Account {
            id: id.into(),
            login: format!("{id}@x.be"),
            group_id: "g".into(),
            kind: kind.into(),
            hcp_id: None,
            patient_id: None,
            device_id: None,
            status: "ACTIVE".into(),
            password_hash: None,
            created_by: created_by.map(Into::into),
            live_owner: None,
        }
    }

    #[test]
    fn an_hcp_user_manages_the_users_it_created_and_no_one_manages_admins() {
        let me = Caller {
            user_id: "me".into(),
            session_id: "s".into(),
            home_group: "g".into(),
            role: Role::Hcp("h".into()),
        };
        let admin = Caller {
            role: Role::Admin,
            user_id: "adm".into(),
            ..me.clone()
        };
        let mine = account("u1", "hcp", Some("me"));
        let theirs = account("u2", "hcp", Some("adm"));
        let other_admin = account("adm2", "admin", None);
        assert!(manages(&me, &mine));
        assert!(!manages(&me, &theirs));
        assert!(manages(&admin, &theirs));
        assert!(!manages(&admin, &other_admin));
        assert!(
            check_tokens(&me, &mine).is_err(),
            "tokens for others stay with admins"
        );
        assert!(check_tokens(&admin, &mine).is_ok());
        assert!(check_set_password(&me, &account("me", "hcp", None)).is_ok());
    }
}
