//! JSON Web Key (RFC 7518 §6.2) for P-256, written by hand: p256's `jwk`
//! feature pulls in a second JSON stack for four fields.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::error::{KeyError, invalid_key};

/// An EC JWK as WebCrypto's `exportKey("jwk")` writes it; `d` only for a
/// private key. `d` is wiped when the value is dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub y: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
}

impl Drop for Jwk {
    fn drop(&mut self) {
        if let Some(d) = self.d.as_mut() {
            d.zeroize();
        }
    }
}

const COORD_LEN: usize = 32;

impl Jwk {
    pub(crate) fn from_point(x: &[u8], y: &[u8]) -> Jwk {
        Jwk {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: Base64UrlUnpadded::encode_string(x),
            y: Base64UrlUnpadded::encode_string(y),
            d: None,
        }
    }

    /// The uncompressed SEC1 point `04 || x || y` this JWK describes.
    pub(crate) fn sec1_point(&self) -> Result<Vec<u8>, KeyError> {
        if self.kty != "EC" {
            return Err(invalid_key(format!(
                "JWK kty is {:?}, expected \"EC\"",
                self.kty
            )));
        }
        if self.crv != "P-256" {
            return Err(invalid_key(format!(
                "JWK crv is {:?}, expected \"P-256\"",
                self.crv
            )));
        }
        let mut point = Vec::with_capacity(1 + 2 * COORD_LEN);
        point.push(0x04);
        point.extend_from_slice(&decode_coord(&self.x, "x")?);
        point.extend_from_slice(&decode_coord(&self.y, "y")?);
        Ok(point)
    }

    pub(crate) fn private_scalar(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyError> {
        let d = self
            .d
            .as_deref()
            .ok_or_else(|| invalid_key("JWK has no private part \"d\""))?;
        Ok(zeroize::Zeroizing::new(decode_coord(d, "d")?))
    }
}

fn decode_coord(text: &str, name: &str) -> Result<Vec<u8>, KeyError> {
    let bytes = Base64UrlUnpadded::decode_vec(text)
        .map_err(|_| invalid_key(format!("JWK \"{name}\" is not base64url")))?;
    if bytes.len() != COORD_LEN {
        return Err(invalid_key(format!(
            "JWK \"{name}\" is {} bytes, expected {COORD_LEN} for P-256",
            bytes.len()
        )));
    }
    Ok(bytes)
}
