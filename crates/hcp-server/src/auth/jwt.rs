//! The JWTs the API hands out (HS256, `jsonwebtoken`). Each names its session
//! (`sid`), so a token is only as good as its session: `Caller` and the
//! refresh route look the session up on every use.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session id.
    pub sid: String,
    pub typ: TokenType,
    /// A refresh token's own id: only the session's current one is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    pub iat: i64,
    pub exp: i64,
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Result<Keys, ApiError> {
        let bad = |e: jsonwebtoken::errors::Error| ApiError::Internal(format!("JWT secret: {e}"));
        let mut validation = Validation::new(Algorithm::HS256);
        // Expired means expired: clocks are the server's own.
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Keys {
            encoding: EncodingKey::from_secret(secret).map_err(bad)?,
            decoding: DecodingKey::from_secret(secret).map_err(bad)?,
            validation,
        })
    }

    pub fn issue(&self, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing a token: {e}")))
    }

    /// The claims of a well-signed, unexpired token of that type.
    pub fn check(&self, token: &str, typ: TokenType) -> Option<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        // The crate still accepts a token during its `exp` second.
        let now = crate::auth::now_ms() / 1000;
        (data.claims.typ == typ && data.claims.exp > now).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(typ: TokenType, exp_in: i64) -> Claims {
        let now = crate::auth::now_ms() / 1000;
        Claims {
            sub: "u".into(),
            sid: "s".into(),
            typ,
            jti: None,
            iat: now,
            exp: now + exp_in,
        }
    }

    #[test]
    fn only_well_signed_unexpired_tokens_of_the_asked_type_pass() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let access = keys.issue(&claims(TokenType::Access, 60)).unwrap();
        assert_eq!(keys.check(&access, TokenType::Access).unwrap().sid, "s");
        assert!(keys.check(&access, TokenType::Refresh).is_none());
        let expired = keys.issue(&claims(TokenType::Access, -1)).unwrap();
        assert!(keys.check(&expired, TokenType::Access).is_none());
        let other = Keys::new(b"another secret, another secret!!").unwrap();
        assert!(other.check(&access, TokenType::Access).is_none());
        // alg "none" and tampered payloads are refused.
        let mut parts: Vec<&str> = access.split('.').collect();
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        parts[0] = none_header;
        assert!(keys.check(&parts.join("."), TokenType::Access).is_none());
    }
}
