//! Signing keys for OAuth 2.0 `private_key_jwt` client assertions: RS256 and ES256, read from PEM
//! (PKCS#8, or PKCS#1 for RSA) or from a private JWK, and the compact JWS they sign.

use crate::config::ConfigError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{json, Value};

/// A private key the client signs its assertions with.
pub struct SigningKey {
    kind: KeyKind,
    /// The `kid` to put in the header, when the app has several keys.
    pub key_id: Option<String>,
    rng: SystemRandom,
}

enum KeyKind {
    Rs256(RsaKeyPair),
    Es256(EcdsaKeyPair),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, kid {:?})", self.algorithm(), self.key_id)
    }
}

fn bad(reason: impl Into<String>) -> ConfigError {
    ConfigError::PrivateKey(reason.into())
}

impl SigningKey {
    /// Reads a PEM block or a private JWK (JSON), whichever `text` holds.
    pub fn parse(text: &str) -> Result<SigningKey, ConfigError> {
        let text = text.trim();
        if text.starts_with('{') {
            Self::from_jwk(text)
        } else {
            Self::from_pem(text)
        }
    }

    /// A PKCS#8 or PKCS#1 PEM key (RSA, or EC P-256).
    pub fn from_pem(pem: &str) -> Result<SigningKey, ConfigError> {
        let (label, der) = pem_block(pem)?;
        let rng = SystemRandom::new();
        let kind = match label.as_str() {
            "PRIVATE KEY" => match RsaKeyPair::from_pkcs8(&der) {
                Ok(k) => KeyKind::Rs256(k),
                Err(_) => EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                    .map(KeyKind::Es256)
                    .map_err(|_| bad("a PKCS#8 key that is neither RSA nor EC P-256"))?,
            },
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der)
                .map(KeyKind::Rs256)
                .map_err(|e| bad(format!("RSA key: {e}")))?,
            "EC PRIVATE KEY" => {
                return Err(bad(
                    "SEC1 EC keys are not read; convert with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`",
                ))
            }
            other => return Err(bad(format!("unexpected PEM block {other:?}"))),
        };
        Ok(SigningKey {
            kind,
            key_id: None,
            rng,
        })
    }

    /// A private JWK (RSA, or EC P-256).
    pub fn from_jwk(jwk: &str) -> Result<SigningKey, ConfigError> {
        let jwk: Value =
            serde_json::from_str(jwk).map_err(|e| bad(format!("JWK is not JSON: {e}")))?;
        let field = |name: &str| -> Result<Vec<u8>, ConfigError> {
            let text = jwk[name]
                .as_str()
                .ok_or_else(|| bad(format!("JWK has no {name:?}")))?;
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| bad(format!("JWK {name:?} is not base64url")))
        };
        let rng = SystemRandom::new();
        let kind = match jwk["kty"].as_str() {
            Some("RSA") => {
                let components = ring::rsa::KeyPairComponents {
                    public_key: ring::rsa::PublicKeyComponents {
                        n: field("n")?,
                        e: field("e")?,
                    },
                    d: field("d")?,
                    p: field("p")?,
                    q: field("q")?,
                    dP: field("dp")?,
                    dQ: field("dq")?,
                    qInv: field("qi")?,
                };
                RsaKeyPair::from_components(&components)
                    .map(KeyKind::Rs256)
                    .map_err(|e| bad(format!("RSA JWK: {e}")))?
            }
            Some("EC") if jwk["crv"] == "P-256" => {
                let mut point = vec![4u8];
                point.extend(field("x")?);
                point.extend(field("y")?);
                EcdsaKeyPair::from_private_key_and_public_key(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &field("d")?,
                    &point,
                    &rng,
                )
                .map(KeyKind::Es256)
                .map_err(|e| bad(format!("EC JWK: {e}")))?
            }
            _ => return Err(bad("JWK must be an RSA key or an EC P-256 key")),
        };
        Ok(SigningKey {
            kind,
            key_id: jwk["kid"].as_str().map(str::to_owned),
            rng,
        })
    }

    /// The `kid` to name in the assertion's header (Okta matches it to the app's key).
    pub fn with_key_id(mut self, kid: Option<String>) -> SigningKey {
        if kid.is_some() {
            self.key_id = kid;
        }
        self
    }

    /// `RS256` or `ES256`.
    pub fn algorithm(&self) -> &'static str {
        match self.kind {
            KeyKind::Rs256(_) => "RS256",
            KeyKind::Es256(_) => "ES256",
        }
    }

    /// The public half as a JWK, to register with the Okta app.
    pub fn public_jwk(&self) -> Value {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match &self.kind {
            KeyKind::Rs256(k) => {
                let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(k.public());
                json!({"kty": "RSA", "alg": "RS256", "use": "sig", "n": b64(&public.n), "e": b64(&public.e)})
            }
            KeyKind::Es256(k) => {
                let point = k.public_key().as_ref();
                json!({"kty": "EC", "alg": "ES256", "use": "sig", "crv": "P-256",
                       "x": b64(&point[1..33]), "y": b64(&point[33..65])})
            }
        };
        if let Some(kid) = &self.key_id {
            jwk["kid"] = json!(kid);
        }
        jwk
    }

    /// Signs `claims` into a compact JWS.
    pub fn sign(&self, claims: &Value) -> Result<String, ConfigError> {
        let mut header = json!({"alg": self.algorithm(), "typ": "JWT"});
        if let Some(kid) = &self.key_id {
            header["kid"] = json!(kid);
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = match &self.kind {
            KeyKind::Rs256(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &self.rng,
                    signing_input.as_bytes(),
                    &mut sig,
                )
                .map_err(|_| bad("RSA signing failed"))?;
                sig
            }
            KeyKind::Es256(k) => k
                .sign(&self.rng, signing_input.as_bytes())
                .map_err(|_| bad("EC signing failed"))?
                .as_ref()
                .to_vec(),
        };
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    /// A new ES256 private key as PKCS#8 PEM, for an app's key pair.
    pub fn generate_es256_pem() -> Result<String, ConfigError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| bad("key generation failed"))?;
        Ok(format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(pkcs8.as_ref())
        ))
    }
}

/// The label and the DER bytes of the first PEM block.
fn pem_block(pem: &str) -> Result<(String, Vec<u8>), ConfigError> {
    let begin = pem
        .find("-----BEGIN ")
        .ok_or_else(|| bad("no PEM block (-----BEGIN ...) and not a JWK"))?;
    let rest = &pem[begin + 11..];
    let (label, rest) = rest
        .split_once("-----")
        .ok_or_else(|| bad("broken PEM header"))?;
    let end = rest
        .find("-----END ")
        .ok_or_else(|| bad("PEM block has no END line"))?;
    let body: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD
        .decode(body)
        .map_err(|_| bad("PEM body is not base64"))?;
    Ok((label.to_owned(), der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es256_round_trip_through_jwk_shape() {
        let pem = SigningKey::generate_es256_pem().expect("key");
        let key = SigningKey::parse(&pem).expect("parses");
        let jwt = key.sign(&json!({"iss": "x"})).expect("signed");
        assert_eq!(jwt.split('.').count(), 3);
        let jwk = key.public_jwk();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(jwk["x"].as_str().expect("x"))
                .expect("b64")
                .len(),
            32
        );
    }

    #[test]
    fn refuses_sec1_and_garbage_clearly() {
        let err =
            SigningKey::parse("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")
                .expect_err("sec1");
        assert!(err.to_string().contains("openssl pkcs8"), "{err}");
        assert!(SigningKey::parse("not a key").is_err());
        assert!(SigningKey::parse(r#"{"kty":"oct"}"#).is_err());
    }
}
