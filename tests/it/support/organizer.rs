//! What an organizer (or someone posing as one) does with the `relais` tools: a key pair,
//! a kit source folder, a signed `.relais` kit. And the forger's trick: a new key pair
//! that carries someone else's minisign key id, made here so no secret is committed.

use std::path::{Path, PathBuf};

use blake2::digest::{Update, VariableOutput};
use ct_codecs::{Base64, Decoder, Encoder};
use relais::kit::PublicKey;

/// An organizer key folder (`relais-kit.key`, `relais-kit.pub`), unencrypted.
pub struct Keys {
    pub dir: PathBuf,
    pub public: PublicKey,
}

impl Keys {
    /// `relais kit keygen --unencrypted --out <dir>`.
    pub fn generate(dir: &Path) -> Self {
        let home = dir.with_extension("home");
        let keygen = super::relais(&home)
            .args(["kit", "keygen", "--unencrypted", "--out"])
            .arg(dir)
            .output()
            .expect("run relais kit keygen");
        assert!(keygen.status.success(), "keygen: {keygen:?}");
        Self::read(dir)
    }

    pub fn read(dir: &Path) -> Self {
        let text = std::fs::read_to_string(dir.join("relais-kit.pub")).expect("public key file");
        Self {
            dir: dir.to_path_buf(),
            public: PublicKey::parse(&text).expect("a minisign public key"),
        }
    }

    pub fn secret(&self) -> PathBuf {
        self.dir.join("relais-kit.key")
    }

    /// A new key pair in `dir` carrying `victim`'s key id: minisign's key id is 8 bytes
    /// stored in both key files, the secret key's checksum (BLAKE2b-256 over the
    /// algorithm, the key id and the secret key) recomputed so every tool accepts it.
    pub fn forged_from(victim: &Keys, dir: &Path) -> Self {
        let fresh = Self::generate(dir);
        let key_id = key_id_bytes(&victim.public);

        let secret_path = fresh.secret();
        let secret_text = std::fs::read_to_string(&secret_path).expect("secret key file");
        let mut lines: Vec<String> = secret_text.lines().map(str::to_owned).collect();
        let mut secret = Base64::decode_to_vec(lines[1].trim(), None).expect("base64 secret key");
        assert_eq!(secret.len(), 158, "an unencrypted minisign secret key");
        secret[54..62].copy_from_slice(&key_id);
        let mut checksum = [0u8; 32];
        let mut hasher = blake2::Blake2bVar::new(32).expect("BLAKE2b-256");
        hasher.update(&secret[0..2]);
        hasher.update(&secret[54..62]);
        hasher.update(&secret[62..126]);
        hasher
            .finalize_variable(&mut checksum)
            .expect("32-byte digest");
        secret[126..158].copy_from_slice(&checksum);
        lines[1] = Base64::encode_to_string(&secret).expect("base64");
        std::fs::write(&secret_path, lines.join("\n") + "\n").expect("write forged secret key");

        let mut public = Base64::decode_to_vec(fresh.public.to_base64(), None).expect("base64");
        public[2..10].copy_from_slice(&key_id);
        let line = Base64::encode_to_string(&public).expect("base64");
        let forged = PublicKey::parse(&line).expect("the forged public key parses");
        std::fs::write(dir.join("relais-kit.pub"), forged.to_file_text())
            .expect("write forged public key");
        assert_eq!(
            forged.key_id(),
            victim.public.key_id(),
            "the forged key carries the victim's key id"
        );
        Self {
            dir: dir.to_path_buf(),
            public: forged,
        }
    }
}

fn key_id_bytes(key: &PublicKey) -> [u8; 8] {
    let bytes = Base64::decode_to_vec(key.to_base64(), None).expect("base64 public key");
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes[2..10]);
    id
}

/// A kit source folder with one poster, and the `.relais` file `relais kit build` makes
/// from it with `keys`.
pub struct KitSpec<'a> {
    pub id: &'a str,
    pub version: u64,
    pub publisher: &'a str,
    pub title_fr: &'a str,
    pub asset_id: &'a str,
    pub asset_title_fr: &'a str,
    /// Red channel of the poster, so two kits can differ in their pixels.
    pub shade: u8,
}

impl Default for KitSpec<'_> {
    fn default() -> Self {
        Self {
            id: "legislatives-ete",
            version: 3,
            publisher: "Collectif Été",
            title_fr: "Législatives, été",
            asset_id: "ete-solidaire",
            asset_title_fr: "Été solidaire",
            shade: 0,
        }
    }
}

/// `relais kit build` of `spec` into `out` (a folder, or a file ending in `.relais`).
pub fn build_kit(work: &Path, keys: &Keys, spec: &KitSpec, out: &Path) -> PathBuf {
    let src = work.join(format!("src-{}-{}", spec.id, spec.version));
    std::fs::create_dir_all(&src).expect("source folder");
    let shade = spec.shade;
    std::fs::write(
        src.join("affiche.png"),
        super::png(240, 300, move |x, y| {
            [(x % 256) as u8 ^ shade, 120, (y % 256) as u8, 255]
        }),
    )
    .expect("poster");
    std::fs::write(
        src.join("kit.toml"),
        format!(
            "id = \"{}\"\npublisher = \"{}\"\nversion = {}\n\
             title = {{ fr = \"{}\", en = \"Summer election\" }}\n\n\
             [[assets]]\nid = \"{}\"\nkind = \"image\"\nfile = \"affiche.png\"\n\
             title = {{ fr = \"{}\", en = \"Summer of solidarity\" }}\n\
             tags = [\"été\"]\n",
            spec.id,
            spec.publisher,
            spec.version,
            spec.title_fr,
            spec.asset_id,
            spec.asset_title_fr
        ),
    )
    .expect("kit.toml");
    let build = super::relais(&work.join("organizer-home"))
        .args(["kit", "build"])
        .arg(&src)
        .arg("--key")
        .arg(keys.secret())
        .arg("--out")
        .arg(out)
        .output()
        .expect("run relais kit build");
    assert!(build.status.success(), "build: {build:?}");
    out.to_path_buf()
}
