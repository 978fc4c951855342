// Embeds themes/classic in the binary, so that `zhushu new` can give a new
// edition a complete theme to start from.
use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new("themes/classic");
    println!("cargo::rerun-if-changed=themes/classic");
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let mut code = String::from("pub static CLASSIC_THEME: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in files {
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&out).join("builtin_theme.rs"), code).unwrap();
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo::rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let relative = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let absolute = std::fs::canonicalize(&path)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            files.push((relative, absolute));
        }
    }
}
