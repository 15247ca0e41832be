//! Interop with the real OpenSSL binary: our PEM keys are accepted by
//! `openssl pkey`, and signatures verify in both directions. OpenSSL is a
//! hard requirement of this test (scripts/install.sh installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use hcp_core::keys::{KeyPair, PublicKey};

struct TempDir(PathBuf);
impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("hcp-openssl-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl binary must be installed")
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn openssl_reads_our_private_pem_and_derives_the_same_public_key() {
    let dir = TempDir::new("pkey");
    let pair = KeyPair::generate().unwrap();
    let key = dir.file("key.pem", pair.private_pem().as_bytes());
    let out = openssl(&["pkey", "-in", path(&key), "-pubout", "-outform", "DER"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, pair.public_key().spki_der());
    let text = openssl(&["pkey", "-in", path(&key), "-noout", "-text"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("NIST CURVE: P-256"));
}

#[test]
fn our_signature_verifies_in_openssl_and_a_tampered_one_does_not() {
    let dir = TempDir::new("verify");
    let pair = KeyPair::generate().unwrap();
    let msg = b"HCP 3f1c2a7e public key registration";
    let pubkey = dir.file("pub.pem", pair.public_key().pem().as_bytes());
    let msg_path = dir.file("msg", msg);
    let sig = dir.file("sig.der", &pair.sign_der(msg));
    let ok = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        path(&pubkey),
        "-signature",
        path(&sig),
        path(&msg_path),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let other = dir.file("other", b"HCP 3f1c2a7e public key registratioN");
    let bad = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        path(&pubkey),
        "-signature",
        path(&sig),
        path(&other),
    ]);
    assert!(!bad.status.success());
}

#[test]
fn openssl_signature_verifies_with_us() {
    let dir = TempDir::new("sign");
    let gen_out = openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
    ]);
    assert!(gen_out.status.success());
    let key = dir.file("key.pem", &gen_out.stdout);
    let msg = b"signed by openssl";
    let msg_path = dir.file("msg", msg);
    let sig = openssl(&["dgst", "-sha256", "-sign", path(&key), path(&msg_path)]);
    assert!(sig.status.success());
    let public_pem = openssl(&["pkey", "-in", path(&key), "-pubout"]);
    let public = PublicKey::parse(std::str::from_utf8(&public_pem.stdout).unwrap()).unwrap();
    assert!(public.verify(msg, &sig.stdout));
    assert!(!public.verify(b"signed by openssL", &sig.stdout));
    // The private key OpenSSL wrote (PKCS#8 PEM) loads into the same public key.
    let pair = KeyPair::from_private_text(std::str::from_utf8(&gen_out.stdout).unwrap()).unwrap();
    assert_eq!(pair.public_key(), &public);
}
