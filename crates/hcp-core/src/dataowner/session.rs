//! The data owner's session (see the module documentation).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::entity::{
    Delegation, EncryptedSample, Entity, EntityKind, Permission, SecurityMetadata,
};
use super::{DataOwnerKeys, Method, NewKey};
use crate::client::ApiError;
use crate::crypto::aead::{Aad, SecretKey, delegation_aad};
use crate::crypto::certs::{VerifiedKeys, certify, chain_checks};
use crate::crypto::exchange::ExchangeData;
use crate::crypto::links::{new_secret_id, secret_foreign_key};
use crate::crypto::{CryptoError, tampered};
use crate::error::{Code, Coded};
use crate::keys::{KeyPair, PublicKey};

/// What the session needs from where it runs. `call` carries a request
/// (`path` is under the server's base URL, `/rest/v2/...`; the answer is the
/// body of a 2xx response). `verify` checks an ECDSA P-256/SHA-256 signature
/// (64-byte `r || s`): p256's by default; a browser may hand this public-key
/// operation to WebCrypto, several times faster than wasm.
#[allow(async_fn_in_trait)]
pub trait Platform {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> std::result::Result<String, ApiError>;

    async fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
        key.verify(message, signature)
    }
}

/// A failed session call: from the backend, or from the cryptography.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl Coded for SessionError {
    fn code(&self) -> Code {
        match self {
            SessionError::Api(e) => e.code,
            SessionError::Crypto(e) => e.code(),
        }
    }

    fn status(&self) -> Option<u16> {
        match self {
            SessionError::Api(e) => e.status,
            SessionError::Crypto(_) => None,
        }
    }
}

type Result<T> = std::result::Result<T, SessionError>;

fn invalid(message: impl Into<String>) -> SessionError {
    SessionError::Crypto(CryptoError::Invalid(message.into()))
}

fn unexpected(e: impl std::fmt::Display) -> SessionError {
    SessionError::Api(ApiError::unexpected(e))
}

fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The field an entity's plain object names its patient with.
const PATIENT_ID: &str = "patientId";
/// Where a patient keeps the secret its children's keys derive from.
const SECRET_ID: &str = "secretId";
/// The Data Samples of a visit, in its plain object.
const SAMPLES: &str = "samples";

#[derive(Default)]
struct Caches {
    /// Verified key chains, by data owner.
    owners: HashMap<String, VerifiedKeys>,
    /// Exchange keys by exchange data id.
    exchange_keys: HashMap<String, SecretKey>,
    /// My exchange data to each delegate.
    outgoing: HashMap<String, (String, SecretKey)>,
    /// The newest (key version, content version) seen of each entity: a
    /// server that serves an older one is caught.
    seen: HashMap<String, (u32, u64)>,
}

/// A data owner's session. Holds the private key until dropped (its memory
/// is wiped then).
pub struct Session<T> {
    platform: T,
    me: KeyPair,
    me_id: String,
    caches: RefCell<Caches>,
}

fn page_path(base: &str, limit: u32, cursor: Option<&str>, extra: &str) -> String {
    let mut path = format!("{base}?limit={limit}{extra}");
    if let Some(c) = cursor {
        path.push_str(&format!("&startDocumentId={}", encode(c)));
    }
    path
}

/// An app's object split: clear metadata, content to encrypt, Data Samples.
type Split = (
    Map<String, Value>,
    Map<String, Value>,
    Vec<Map<String, Value>>,
);

/// A page of plain objects and the cursor of the next one.
pub type PlainPage = (Vec<Map<String, Value>>, Option<String>);

impl<T: Platform> Session<T> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let text = self
            .platform
            .call(method, path, body.map(|b| b.to_string()))
            .await?;
        serde_json::from_str(&text).map_err(unexpected)
    }

    /// Registers `key` as the first key of data owner `owner_id` (it
    /// certifies itself), unless the owner already has keys: then `key` must
    /// be one of them. The first login of a patient or a device does this.
    pub async fn register_first_key(transport: &T, owner_id: &str, key: &KeyPair) -> Result<()> {
        let path = format!("/rest/v2/dataowner/{}", encode(owner_id));
        let text = transport.call(Method::Get, &path, None).await?;
        let owner: DataOwnerKeys = serde_json::from_str(&text).map_err(unexpected)?;
        let hex = key.public_key().spki_hex();
        if owner.public_keys_p256.contains(&hex) {
            return Ok(());
        }
        if !owner.public_keys_p256.is_empty() {
            return Err(SessionError::Crypto(CryptoError::KeyMissing(format!(
                "data owner {owner_id} already has keys, and this is not one of them"
            ))));
        }
        let body = NewKey {
            public_key: hex,
            certificate: certify(owner_id, key, key.public_key()),
        };
        let body = serde_json::to_string(&body).map_err(unexpected)?;
        transport
            .call(Method::Post, &format!("{path}/keys"), Some(body))
            .await?;
        Ok(())
    }

    /// Opens the session of data owner `me_id` with its key pair, after
    /// checking that the key is one of the owner's certified keys.
    pub async fn open(transport: T, me_id: &str, me: KeyPair) -> Result<Session<T>> {
        let session = Session {
            platform: transport,
            me,
            me_id: me_id.to_owned(),
            caches: RefCell::new(Caches::default()),
        };
        let mine = session.owner_keys(me_id).await?;
        if mine
            .by_fingerprint(&session.me.public_key().fingerprint())
            .is_none()
        {
            return Err(SessionError::Crypto(CryptoError::KeyMissing(format!(
                "this key is not one of the registered keys of data owner {me_id}"
            ))));
        }
        Ok(session)
    }

    pub fn id(&self) -> &str {
        &self.me_id
    }

    pub fn key_pair(&self) -> &KeyPair {
        &self.me
    }

    /// The delegator's signature on exchange data, by a key of its chain.
    async fn verify_exchange(&self, data: &ExchangeData, keys: &VerifiedKeys) -> Result<()> {
        let signer = data.signer(keys)?;
        if self
            .platform
            .verify(signer, &data.signed_bytes(), &data.signature_bytes())
            .await
        {
            Ok(())
        } else {
            Err(tampered(format!(
                "exchange data {} does not carry its delegator's signature",
                data.id
            ))
            .into())
        }
    }

    /// A data owner's chain, its certificates checked by the platform.
    async fn verified_chain(&self, owner: &DataOwnerKeys) -> Result<VerifiedKeys> {
        let (keys, checks) =
            chain_checks(&owner.id, &owner.public_keys_p256, &owner.key_certificates)?;
        for c in checks {
            if !self
                .platform
                .verify(&c.signer, &c.message, &c.signature)
                .await
            {
                return Err(tampered(format!(
                    "a key of data owner {} is not certified by its earlier keys",
                    owner.id
                ))
                .into());
            }
        }
        Ok(keys)
    }

    /// A chain given by the caller, verified once per session.
    async fn chain_of(&self, owner: &DataOwnerKeys) -> Result<VerifiedKeys> {
        if let Some(known) = self.caches.borrow().owners.get(&owner.id)
            && known
                .keys
                .iter()
                .map(PublicKey::spki_hex)
                .eq(owner.public_keys_p256.iter().cloned())
        {
            return Ok(known.clone());
        }
        let keys = self.verified_chain(owner).await?;
        self.caches
            .borrow_mut()
            .owners
            .insert(owner.id.clone(), keys.clone());
        Ok(keys)
    }

    /// Checks exchange data without the network: the delegator's key chain
    /// (verified once per session), its signature, and that it opens with
    /// this session's key (the key is then dropped). What a reader does
    /// before trusting a shared entity.
    pub async fn check_exchange_data(
        &self,
        data: &ExchangeData,
        delegator: &DataOwnerKeys,
    ) -> Result<()> {
        if data.delegator != delegator.id {
            return Err(tampered("the keys given are not the delegator's").into());
        }
        let keys = self.chain_of(delegator).await?;
        self.verify_exchange(data, &keys).await?;
        data.open(&self.me)?;
        Ok(())
    }

    /// The verified key chain of a data owner (cached for the session).
    pub async fn owner_keys(&self, owner_id: &str) -> Result<VerifiedKeys> {
        if let Some(keys) = self.caches.borrow().owners.get(owner_id) {
            return Ok(keys.clone());
        }
        let path = format!("/rest/v2/dataowner/{}", encode(owner_id));
        let owner: DataOwnerKeys =
            serde_json::from_value(self.send(Method::Get, &path, None).await?)
                .map_err(unexpected)?;
        if owner.id != owner_id {
            return Err(tampered("the server answered for another data owner").into());
        }
        let keys = self.verified_chain(&owner).await?;
        self.caches
            .borrow_mut()
            .owners
            .insert(owner_id.to_owned(), keys.clone());
        Ok(keys)
    }

    /// My exchange data to `delegate`, and its key: found (and checked) or created.
    async fn outgoing(&self, delegate: &str) -> Result<(String, SecretKey)> {
        if let Some(found) = self.caches.borrow().outgoing.get(delegate) {
            return Ok(found.clone());
        }
        let mine = self.owner_keys(&self.me_id).await?;
        let theirs = self.owner_keys(delegate).await?;
        let path = format!(
            "/rest/v2/exchangedata/byDelegatorDelegate/{}/{}",
            encode(&self.me_id),
            encode(delegate)
        );
        let found = match self.send(Method::Get, &path, None).await {
            Ok(v) => Some(serde_json::from_value::<ExchangeData>(v).map_err(unexpected)?),
            Err(SessionError::Api(e)) if e.code == Code::NotFound => None,
            Err(e) => return Err(e),
        };
        let (id, key) = match found {
            Some(mut data) => {
                if data.delegator != self.me_id || data.delegate != delegate {
                    return Err(tampered("the server answered another pair's exchange data").into());
                }
                // Signed by me: the delegate's chain root in it is the one I
                // trusted before; a replaced chain is refused.
                self.verify_exchange(&data, &mine).await?;
                if data.delegate_root != theirs.root {
                    return Err(tampered(format!(
                        "the keys of data owner {delegate} were replaced since they were first used"
                    ))
                    .into());
                }
                let key = data.open(&self.me)?;
                if data.rewrap(&self.me, &key, &[&mine, &theirs])? {
                    let body = serde_json::to_value(&data).map_err(unexpected)?;
                    self.send(Method::Put, "/rest/v2/exchangedata", Some(body))
                        .await?;
                }
                (data.id, key)
            }
            None => {
                let id = uuid_v4()?;
                let (data, key) =
                    ExchangeData::create(&id, &self.me, &self.me_id, &mine, delegate, &theirs)?;
                let body = serde_json::to_value(&data).map_err(unexpected)?;
                self.send(Method::Post, "/rest/v2/exchangedata", Some(body))
                    .await?;
                (id, key)
            }
        };
        let mut caches = self.caches.borrow_mut();
        caches.exchange_keys.insert(id.clone(), key.clone());
        caches
            .outgoing
            .insert(delegate.to_owned(), (id.clone(), key.clone()));
        Ok((id, key))
    }

    /// The key of exchange data `id`, which `delegator` must have signed and
    /// which must concern me.
    async fn exchange_key(&self, id: &str, delegator: &str) -> Result<SecretKey> {
        if let Some(key) = self.caches.borrow().exchange_keys.get(id) {
            return Ok(key.clone());
        }
        let path = format!("/rest/v2/exchangedata/{}", encode(id));
        let data: ExchangeData = serde_json::from_value(self.send(Method::Get, &path, None).await?)
            .map_err(unexpected)?;
        if data.id != id
            || data.delegator != delegator
            || (data.delegate != self.me_id && data.delegator != self.me_id)
        {
            return Err(tampered(format!(
                "exchange data {id} is not the one the delegation names"
            ))
            .into());
        }
        let delegator_keys = self.owner_keys(delegator).await?;
        self.verify_exchange(&data, &delegator_keys).await?;
        let key = data.open(&self.me)?;
        self.caches
            .borrow_mut()
            .exchange_keys
            .insert(id.to_owned(), key.clone());
        Ok(key)
    }

    /// The entity key, through my delegation.
    async fn entity_key(
        &self,
        kind: EntityKind,
        entity: &Entity,
    ) -> Result<(SecretKey, Permission)> {
        let delegation = entity
            .security_metadata
            .secure_delegations
            .get(&self.me_id)
            .ok_or_else(|| {
                CryptoError::NotShared(format!(
                    "{} {} is not shared with data owner {}",
                    kind.route(),
                    entity.id,
                    self.me_id
                ))
            })?;
        let exchange = self
            .exchange_key(&delegation.exchange_data_id, &delegation.delegator)
            .await?;
        let aad = delegation_aad(
            kind.route(),
            &entity.id,
            entity.security_metadata.key_version,
            &self.me_id,
        );
        let raw = exchange.open(&aad, &delegation.encrypted_key)?;
        Ok((SecretKey::from_bytes(&raw)?, delegation.permission))
    }

    /// A delegation of `key` to `delegate`, through my exchange data to it.
    async fn delegate(
        &self,
        kind: EntityKind,
        id: &str,
        key_version: u32,
        key: &SecretKey,
        delegate: &str,
        permission: Permission,
    ) -> Result<Delegation> {
        let (exchange_id, exchange) = self.outgoing(delegate).await?;
        let aad = delegation_aad(kind.route(), id, key_version, delegate);
        Ok(Delegation {
            delegator: self.me_id.clone(),
            exchange_data_id: exchange_id,
            encrypted_key: exchange.seal(&aad, key.as_bytes())?,
            permission,
        })
    }

    fn check_fresh(&self, entity: &Entity) -> Result<()> {
        let now = (entity.security_metadata.key_version, entity.content_version);
        let mut caches = self.caches.borrow_mut();
        let seen = caches.seen.entry(entity.id.clone()).or_insert(now);
        if now < *seen {
            return Err(tampered(format!(
                "the server served an older version of {} than this session saw",
                entity.id
            ))
            .into());
        }
        *seen = now;
        Ok(())
    }

    /// Decrypts an entity into the app's plain object.
    pub async fn decrypt(&self, kind: EntityKind, entity: Entity) -> Result<Map<String, Value>> {
        let (key, permission) = self.entity_key(kind, &entity).await?;
        let aad = |part: &str| {
            Aad {
                kind: kind.route(),
                id: &entity.id,
                key_version: entity.security_metadata.key_version,
                content_version: entity.content_version,
                part,
            }
            .bytes()
        };
        let content = key.open(&aad("self"), &entity.encrypted_self)?;
        let mut plain: Map<String, Value> = serde_json::from_slice(&content)
            .map_err(|_| tampered("decrypted content is not a JSON object"))?;
        self.check_fresh(&entity)?;
        if kind == EntityKind::Contact {
            let mut samples = Vec::with_capacity(entity.services.len());
            for s in &entity.services {
                let content = key.open(&aad(&format!("service:{}", s.id)), &s.encrypted_self)?;
                let mut sample: Map<String, Value> = serde_json::from_slice(&content)
                    .map_err(|_| tampered("a decrypted Data Sample is not a JSON object"))?;
                sample.insert("id".into(), json!(s.id));
                if let Some(d) = s.value_date {
                    sample.insert("valueDate".into(), json!(d));
                }
                if !s.tags.is_empty() {
                    sample.insert("tags".into(), json!(s.tags));
                }
                samples.push(Value::Object(sample));
            }
            plain.insert(SAMPLES.into(), Value::Array(samples));
        }
        plain.remove(SECRET_ID);
        for (k, v) in &entity.clear {
            plain.insert(k.clone(), v.clone());
        }
        plain.insert("id".into(), json!(entity.id));
        for (k, v) in [
            ("rev", json!(entity.rev)),
            ("created", json!(entity.created)),
            ("modified", json!(entity.modified)),
            ("author", json!(entity.author)),
        ] {
            if !v.is_null() {
                plain.insert(k.into(), v);
            }
        }
        plain.insert(
            "sharedWith".into(),
            json!(
                entity
                    .security_metadata
                    .secure_delegations
                    .iter()
                    .map(|(id, d)| (id.clone(), json!(d.permission)))
                    .collect::<Map<String, Value>>()
            ),
        );
        plain.insert("permission".into(), json!(permission));
        Ok(plain)
    }

    /// The secret of a patient (its children's secret foreign keys derive from it).
    async fn patient_secret(&self, patient_id: &str) -> Result<String> {
        let entity = self.fetch(EntityKind::Patient, patient_id).await?;
        let (key, _) = self.entity_key(EntityKind::Patient, &entity).await?;
        let aad = Aad {
            kind: EntityKind::Patient.route(),
            id: &entity.id,
            key_version: entity.security_metadata.key_version,
            content_version: entity.content_version,
            part: "self",
        };
        let content = key.open(&aad.bytes(), &entity.encrypted_self)?;
        let plain: Map<String, Value> = serde_json::from_slice(&content)
            .map_err(|_| tampered("decrypted content is not a JSON object"))?;
        self.check_fresh(&entity)?;
        plain
            .get(SECRET_ID)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| tampered(format!("patient {patient_id} has no secret id")).into())
    }

    /// Splits an app's object into clear metadata and the content to
    /// encrypt, and the Data Samples of a visit.
    fn split(kind: EntityKind, plain: &Map<String, Value>) -> Result<Split> {
        let mut clear = Map::new();
        let mut secret = Map::new();
        let mut samples = Vec::new();
        for (k, v) in plain {
            match k.as_str() {
                // Envelope fields the session or the server sets.
                "id" | "rev" | "created" | "modified" | "author" | "deletionDate"
                | "sharedWith" | "permission" | SECRET_ID => {}
                SAMPLES if kind == EntityKind::Contact => {
                    let list = v
                        .as_array()
                        .ok_or_else(|| invalid("samples must be an array of objects"))?;
                    for s in list {
                        samples.push(
                            s.as_object()
                                .cloned()
                                .ok_or_else(|| invalid("each sample must be an object"))?,
                        );
                    }
                }
                _ if kind.clear_fields().contains(&k.as_str()) => {
                    clear.insert(k.clone(), v.clone());
                }
                _ => {
                    secret.insert(k.clone(), v.clone());
                }
            }
        }
        Ok((clear, secret, samples))
    }

    /// Encrypts content (and samples) into `entity` under `key`.
    fn seal_content(
        kind: EntityKind,
        entity: &mut Entity,
        key: &SecretKey,
        secret: &Map<String, Value>,
        samples: Vec<Map<String, Value>>,
    ) -> Result<()> {
        let aad = |id: &str, part: &str| {
            Aad {
                kind: kind.route(),
                id,
                key_version: entity.security_metadata.key_version,
                content_version: entity.content_version,
                part,
            }
            .bytes()
        };
        let bytes = serde_json::to_vec(secret).map_err(unexpected)?;
        let sealed_self = key.seal(&aad(&entity.id, "self"), &bytes)?;
        let mut services = Vec::with_capacity(samples.len());
        for mut s in samples {
            let id = match s.remove("id") {
                Some(Value::String(id)) => id,
                _ => uuid_v4()?,
            };
            let value_date = s.remove("valueDate").and_then(|v| v.as_i64());
            let tags = match s.remove("tags") {
                Some(Value::Array(t)) => t
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let bytes = serde_json::to_vec(&s).map_err(unexpected)?;
            let encrypted_self = key.seal(&aad(&entity.id, &format!("service:{id}")), &bytes)?;
            services.push(EncryptedSample {
                id,
                value_date,
                tags,
                encrypted_self,
            });
        }
        entity.encrypted_self = sealed_self;
        entity.services = services;
        Ok(())
    }

    /// Creates an entity from an app's object, shared with me (write) and
    /// with `share_with`. A visit or a Healthcare Element names its patient
    /// with `patientId` (kept encrypted; the server sees only a secret
    /// foreign key derived from the patient's secret).
    pub async fn create(
        &self,
        kind: EntityKind,
        plain: &Map<String, Value>,
        share_with: &[(String, Permission)],
    ) -> Result<Map<String, Value>> {
        let (clear, mut secret, samples) = Self::split(kind, plain)?;
        let id = uuid_v4()?;
        let mut secret_foreign_keys = Vec::new();
        if kind == EntityKind::Patient {
            secret.insert(SECRET_ID.into(), json!(new_secret_id()?));
        }
        if kind.belongs_to_patient() {
            let patient = secret
                .get(PATIENT_ID)
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(format!("a {} needs its patientId", kind.route())))?
                .to_owned();
            let patient_secret = self.patient_secret(&patient).await?;
            secret_foreign_keys.push(secret_foreign_key(&patient_secret, kind.route())?);
        }
        let key = SecretKey::generate()?;
        let mut entity = Entity {
            id: id.clone(),
            rev: None,
            created: None,
            modified: None,
            deletion_date: None,
            author: None,
            encrypted_self: String::new(),
            content_version: 1,
            security_metadata: SecurityMetadata {
                key_version: 1,
                secure_delegations: BTreeMap::new(),
            },
            secret_foreign_keys,
            services: Vec::new(),
            clear,
        };
        Self::seal_content(kind, &mut entity, &key, &secret, samples)?;
        let mut delegates = vec![(self.me_id.clone(), Permission::Write)];
        delegates.extend(share_with.iter().cloned());
        for (delegate, permission) in delegates {
            let d = self
                .delegate(kind, &id, 1, &key, &delegate, permission)
                .await?;
            entity
                .security_metadata
                .secure_delegations
                .insert(delegate, d);
        }
        let body = serde_json::to_value(&entity).map_err(unexpected)?;
        let saved = self
            .send(
                Method::Post,
                &format!("/rest/v2/{}", kind.route()),
                Some(body),
            )
            .await?;
        self.decrypt(kind, serde_json::from_value(saved).map_err(unexpected)?)
            .await
    }

    async fn fetch(&self, kind: EntityKind, id: &str) -> Result<Entity> {
        let path = format!("/rest/v2/{}/{}", kind.route(), encode(id));
        let entity: Entity = serde_json::from_value(self.send(Method::Get, &path, None).await?)
            .map_err(unexpected)?;
        if entity.id != id {
            return Err(tampered(format!("the server answered another entity than {id}")).into());
        }
        Ok(entity)
    }

    pub async fn get(&self, kind: EntityKind, id: &str) -> Result<Map<String, Value>> {
        let entity = self.fetch(kind, id).await?;
        self.decrypt(kind, entity).await
    }

    async fn decrypt_page(&self, kind: EntityKind, page: Value) -> Result<PlainPage> {
        let cursor = page
            .pointer("/nextKeyPair/startKeyDocId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let rows: Vec<Entity> =
            serde_json::from_value(page.get("rows").cloned().unwrap_or_default())
                .map_err(unexpected)?;
        let mut out = Vec::with_capacity(rows.len());
        for entity in rows {
            out.push(self.decrypt(kind, entity).await?);
        }
        Ok((out, cursor))
    }

    /// A page of the entities of `kind` shared with me.
    pub async fn list(
        &self,
        kind: EntityKind,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<PlainPage> {
        let path = page_path(&format!("/rest/v2/{}", kind.route()), limit, cursor, "");
        let page = self.send(Method::Get, &path, None).await?;
        self.decrypt_page(kind, page).await
    }

    /// A page of a patient's visits or Healthcare Elements shared with me,
    /// found by the secret foreign key only its delegates can compute.
    pub async fn children(
        &self,
        kind: EntityKind,
        patient_id: &str,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<PlainPage> {
        if !kind.belongs_to_patient() {
            return Err(invalid(format!(
                "a {} does not belong to a patient",
                kind.route()
            )));
        }
        let secret = self.patient_secret(patient_id).await?;
        let key = secret_foreign_key(&secret, kind.route())?;
        let base = format!("/rest/v2/{}/byForeignKey/{}", kind.route(), encode(&key));
        let page = self
            .send(Method::Get, &page_path(&base, limit, cursor, ""), None)
            .await?;
        let (rows, next) = self.decrypt_page(kind, page).await?;
        // A server that puts another patient's child under this key is caught:
        // each child names its patient inside its encrypted content.
        for row in &rows {
            if row.get(PATIENT_ID).and_then(Value::as_str) != Some(patient_id) {
                return Err(
                    tampered("a child listed under this patient names another patient").into(),
                );
            }
        }
        Ok((rows, next))
    }

    /// A page of the Notifications shared with me in a status.
    pub async fn tasks(&self, status: &str, limit: u32, cursor: Option<&str>) -> Result<PlainPage> {
        let kind = EntityKind::MaintenanceTask;
        let extra = format!("&status={}", encode(status));
        let path = page_path(&format!("/rest/v2/{}", kind.route()), limit, cursor, &extra);
        let page = self.send(Method::Get, &path, None).await?;
        self.decrypt_page(kind, page).await
    }

    /// Saves an app's object over the stored entity (its `rev` must be
    /// current): clear metadata as given, content encrypted again under the
    /// same key with the next content version.
    pub async fn update(
        &self,
        kind: EntityKind,
        plain: &Map<String, Value>,
    ) -> Result<Map<String, Value>> {
        let id = plain
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("id is required"))?;
        let rev = plain
            .get("rev")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("rev is required"))?;
        let mut entity = self.fetch(kind, id).await?;
        let (key, _) = self.entity_key(kind, &entity).await?;
        // What the app cannot see stays: the patient's secret, the children's patient.
        let kept = self.decrypt(kind, entity.clone()).await?;
        let (clear, mut secret, samples) = Self::split(kind, plain)?;
        if kind == EntityKind::Patient {
            secret.insert(SECRET_ID.into(), json!(self.patient_secret(id).await?));
        }
        if kind.belongs_to_patient() && secret.get(PATIENT_ID) != kept.get(PATIENT_ID) {
            return Err(invalid(
                "a visit or Healthcare Element cannot move to another patient",
            ));
        }
        entity.rev = Some(rev.to_owned());
        entity.clear = clear;
        entity.content_version += 1;
        Self::seal_content(kind, &mut entity, &key, &secret, samples)?;
        self.put(kind, entity).await
    }

    async fn put(&self, kind: EntityKind, entity: Entity) -> Result<Map<String, Value>> {
        let body = serde_json::to_value(&entity).map_err(unexpected)?;
        let saved = self
            .send(
                Method::Put,
                &format!("/rest/v2/{}", kind.route()),
                Some(body),
            )
            .await?;
        self.decrypt(kind, serde_json::from_value(saved).map_err(unexpected)?)
            .await
    }

    /// Changes only clear metadata (a Notification's status): the content
    /// is not touched.
    pub async fn set_clear(
        &self,
        kind: EntityKind,
        id: &str,
        field: &str,
        value: Value,
    ) -> Result<Map<String, Value>> {
        if !kind.clear_fields().contains(&field) {
            return Err(invalid(format!(
                "{field} is not clear metadata of a {}",
                kind.route()
            )));
        }
        let mut entity = self.fetch(kind, id).await?;
        // Only an entity I can read (and whose content is intact) is written.
        self.decrypt(kind, entity.clone()).await?;
        entity.clear.insert(field.to_owned(), value);
        self.put(kind, entity).await
    }

    /// Shares an entity with one more data owner: one more delegation, no
    /// re-encryption. I can grant no more than I have.
    pub async fn share(
        &self,
        kind: EntityKind,
        id: &str,
        delegate: &str,
        permission: Permission,
    ) -> Result<Map<String, Value>> {
        let entity = self.fetch(kind, id).await?;
        let (key, mine) = self.entity_key(kind, &entity).await?;
        let permission = permission.min(mine);
        let delegation = self
            .delegate(
                kind,
                id,
                entity.security_metadata.key_version,
                &key,
                delegate,
                permission,
            )
            .await?;
        let path = format!(
            "/rest/v2/{}/{}/delegations/{}",
            kind.route(),
            encode(id),
            encode(delegate)
        );
        let body = serde_json::to_value(&delegation).map_err(unexpected)?;
        let saved = self.send(Method::Put, &path, Some(body)).await?;
        self.decrypt(kind, serde_json::from_value(saved).map_err(unexpected)?)
            .await
    }

    /// Revokes a delegate: the entity gets a new key (next key version), its
    /// content is encrypted again, and every other delegate gets the new key.
    /// The server refuses the revoked data owner at once, and what it may
    /// have kept of the old key opens nothing written from now on.
    pub async fn revoke(
        &self,
        kind: EntityKind,
        id: &str,
        delegate: &str,
    ) -> Result<Map<String, Value>> {
        let mut entity = self.fetch(kind, id).await?;
        let plain = self.decrypt(kind, entity.clone()).await?;
        let (old_key, _) = self.entity_key(kind, &entity).await?;
        // The hidden parts of the content (a patient's secret) travel as they are.
        let aad = Aad {
            kind: kind.route(),
            id,
            key_version: entity.security_metadata.key_version,
            content_version: entity.content_version,
            part: "self",
        };
        let raw = old_key.open(&aad.bytes(), &entity.encrypted_self)?;
        let mut secret: Map<String, Value> =
            serde_json::from_slice(&raw).map_err(|_| tampered("content is not a JSON object"))?;
        let (_, _, samples) = Self::split(kind, &plain)?;
        secret.remove(SAMPLES);
        let remaining: Vec<(String, Permission)> = entity
            .security_metadata
            .secure_delegations
            .iter()
            .filter(|(d, _)| d.as_str() != delegate)
            .map(|(d, del)| (d.clone(), del.permission))
            .collect();
        let key = SecretKey::generate()?;
        entity.security_metadata.key_version += 1;
        entity.content_version += 1;
        Self::seal_content(kind, &mut entity, &key, &secret, samples)?;
        let version = entity.security_metadata.key_version;
        let mut delegations = BTreeMap::new();
        for (d, permission) in remaining {
            let delegation = self
                .delegate(kind, id, version, &key, &d, permission)
                .await?;
            delegations.insert(d, delegation);
        }
        entity.security_metadata.secure_delegations = delegations;
        self.put(kind, entity).await
    }

    pub async fn delete(&self, kind: EntityKind, id: &str, rev: &str) -> Result<()> {
        let path = format!(
            "/rest/v2/{}/{}?rev={}",
            kind.route(),
            encode(id),
            encode(rev)
        );
        self.send(Method::Delete, &path, None).await?;
        Ok(())
    }
}

/// A random (v4) UUID, from the CSPRNG.
fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| CryptoError::Random(e.to_string()))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = base16ct::lower::encode_string(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
