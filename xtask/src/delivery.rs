//! What the server sends, made at build time: the glue and the wasm of each app
//! under a name that carries their hash (so they can be cached for a year), and
//! a brotli and a gzip copy beside each app's entry, glue and wasm (so the
//! server never compresses on the fly, and sends exactly the bytes the size
//! budget counts). Files an app copies as they are (the inbox's small worker
//! script) go out uncompressed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// One app Trunk built: its folder in `dist/`, and the file that names the
/// glue and the wasm (the widget's loader, or the page Trunk wrote).
#[derive(Debug)]
pub(crate) struct App {
    /// The app's folder, relative to `dist/`.
    pub(crate) dir: &'static str,
    /// The Cargo package: the prefix of the hashed names.
    package: &'static str,
    /// The crate name, which the Trunk hooks give the glue and the wasm.
    crate_name: &'static str,
    pub(crate) entry: &'static str,
}

pub(crate) const WIDGET: App = App {
    dir: "",
    package: "sealbook-widget",
    crate_name: "sealbook_widget",
    entry: "embed.js",
};

pub(crate) const MANAGE: App = App {
    dir: "manage",
    package: "sealbook-manage",
    crate_name: "sealbook_manage",
    entry: "index.html",
};

pub(crate) const INBOX: App = App {
    dir: "inbox",
    package: "sealbook-inbox",
    crate_name: "sealbook_inbox",
    entry: "index.html",
};

/// Hex digits of SHA-256 in a hashed name: 64 bits, far from any collision
/// among the builds one server ever sends.
const HASH_HEX: usize = 16;

/// The files of one built app, by their final names.
#[derive(Debug)]
pub(crate) struct Files {
    pub(crate) entry: PathBuf,
    pub(crate) glue: PathBuf,
    pub(crate) wasm: PathBuf,
}

impl Files {
    pub(crate) fn all(&self) -> [&Path; 3] {
        [&self.entry, &self.glue, &self.wasm]
    }
}

/// Renames `app`'s glue and wasm in `dist` after their content, points the
/// entry file at the new names, and writes `.br` and `.gz` beside the three.
/// The glue's own bytes do not change: the integrity hashes that the loader
/// and the page carry for it stay true.
pub(crate) fn prepare(dist: &Path, app: &App) -> anyhow::Result<Files> {
    let dir = dist.join(app.dir);
    let entry = dir.join(app.entry);
    let mut entry_text = std::fs::read_to_string(&entry)
        .with_context(|| format!("cannot read {}; build the app first", entry.display()))?;
    let mut hashed = Vec::new();
    for (stable, extension) in [
        (format!("{}.js", app.crate_name), "js"),
        (format!("{}_bg.wasm", app.crate_name), "wasm"),
    ] {
        let from = dir.join(&stable);
        let bytes = std::fs::read(&from)
            .with_context(|| format!("cannot read {}; build the app first", from.display()))?;
        let name = hashed_name(app.package, &bytes, extension);
        if !entry_text.contains(&stable) {
            bail!(
                "{} does not name {stable}: it would load nothing",
                app.entry
            );
        }
        entry_text = entry_text.replace(&stable, &name);
        let to = dir.join(&name);
        std::fs::rename(&from, &to)
            .with_context(|| format!("cannot rename {} to {name}", from.display()))?;
        hashed.push(to);
    }
    std::fs::write(&entry, entry_text)
        .with_context(|| format!("cannot write {}", entry.display()))?;
    let [glue, wasm] = <[PathBuf; 2]>::try_from(hashed).expect("one glue and one wasm");
    let files = Files { entry, glue, wasm };
    for file in files.all() {
        precompress(file)?;
    }
    Ok(files)
}

/// `<package>-<16 hex of SHA-256>.<extension>`.
fn hashed_name(package: &str, bytes: &[u8], extension: &str) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{package}-{}.{extension}", &hex[..HASH_HEX])
}

/// The final files of `app` in `dist`, as [`prepare`] left them.
pub(crate) fn files(dist: &Path, app: &App) -> anyhow::Result<Files> {
    let dir = dist.join(app.dir);
    let find = |extension: &str| -> anyhow::Result<PathBuf> {
        let prefix = format!("{}-", app.package);
        let suffix = format!(".{extension}");
        let mut found = Vec::new();
        let listing = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot list {}; build the app first", dir.display()))?;
        for item in listing {
            let name = item?.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_hashed = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(&suffix))
                .is_some_and(|hash| {
                    hash.len() == HASH_HEX
                        && hash
                            .bytes()
                            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
                });
            if is_hashed {
                found.push(dir.join(name));
            }
        }
        match <[PathBuf; 1]>::try_from(found) {
            Ok([path]) => Ok(path),
            Err(found) => bail!(
                "{} holds {} files named {prefix}<hash>{suffix}, not one: rebuild it",
                dir.display(),
                found.len()
            ),
        }
    };
    Ok(Files {
        entry: dir.join(app.entry),
        glue: find("js")?,
        wasm: find("wasm")?,
    })
}

/// Writes `<file>.br` and `<file>.gz` beside `file`.
fn precompress(file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    for (extension, compressed) in [("br", brotli(&bytes)?), ("gz", gzip(&bytes)?)] {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(extension);
        std::fs::write(&name, compressed)
            .with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
    }
    Ok(())
}

/// gzip at level 9. The header carries no name and no time, so a build is reproducible.
pub(crate) fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Brotli at quality 11 with a 4 MiB window (lgwin 22, what browsers accept).
pub(crate) fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut output = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut output, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glue_and_wasm_are_renamed_after_their_content_and_the_entry_follows() {
        let dist = tempfile::tempdir().expect("temp dir");
        let dir = dist.path().join("manage");
        std::fs::create_dir(&dir).expect("dir");
        std::fs::write(
            dir.join("index.html"),
            "<script type=module>import init from '/widget/manage/sealbook_manage.js'; \
             init({ module_or_path: '/widget/manage/sealbook_manage_bg.wasm' })</script>",
        )
        .expect("page");
        std::fs::write(dir.join("sealbook_manage.js"), "export default 1;").expect("glue");
        std::fs::write(dir.join("sealbook_manage_bg.wasm"), b"\0asm\x01\0\0\0").expect("wasm");

        let files = prepare(dist.path(), &MANAGE).expect("prepared");
        // `printf 'export default 1;' | sha256sum | cut -c1-16`
        assert_eq!(
            files.glue.file_name().and_then(|name| name.to_str()),
            Some("sealbook-manage-56332e0a55734bc2.js")
        );
        let page = std::fs::read_to_string(&files.entry).expect("page");
        let wasm = files.wasm.file_name().and_then(|name| name.to_str());
        let wasm = wasm.expect("a UTF-8 name");
        assert!(
            page.contains("/widget/manage/sealbook-manage-56332e0a55734bc2.js'"),
            "{page}"
        );
        assert!(page.contains(&format!("/widget/manage/{wasm}'")), "{page}");
        assert!(!dir.join("sealbook_manage.js").exists());
        assert_eq!(
            std::fs::read(&files.glue).expect("glue"),
            b"export default 1;"
        );

        for file in files.all() {
            let identity = std::fs::read(file).expect("identity");
            let mut decoded = Vec::new();
            let br = std::fs::read(format!("{}.br", file.display())).expect(".br");
            brotli::BrotliDecompress(&mut br.as_slice(), &mut decoded).expect("brotli");
            assert_eq!(decoded, identity, "{}.br", file.display());
            let gz = std::fs::read(format!("{}.gz", file.display())).expect(".gz");
            let mut decoded = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(gz.as_slice()),
                &mut decoded,
            )
            .expect("gzip");
            assert_eq!(decoded, identity, "{}.gz", file.display());
        }

        let found = super::files(dist.path(), &MANAGE).expect("one glue and one wasm");
        assert_eq!(found.glue, files.glue);
        assert_eq!(found.wasm, files.wasm);
    }

    #[test]
    fn an_entry_that_does_not_name_the_glue_fails_the_build() {
        let dist = tempfile::tempdir().expect("temp dir");
        std::fs::write(dist.path().join("embed.js"), "import('elsewhere.js')").expect("loader");
        std::fs::write(dist.path().join("sealbook_widget.js"), "1").expect("glue");
        std::fs::write(dist.path().join("sealbook_widget_bg.wasm"), "2").expect("wasm");
        let error = prepare(dist.path(), &WIDGET).expect_err("nothing to point at");
        assert!(error.to_string().contains("sealbook_widget.js"), "{error}");
    }

    #[test]
    fn compression_is_reproducible() {
        let text = b"the same bytes make the same files".repeat(50);
        assert_eq!(gzip(&text).expect("gzip"), gzip(&text).expect("gzip"));
        assert_eq!(brotli(&text).expect("br"), brotli(&text).expect("br"));
    }
}
