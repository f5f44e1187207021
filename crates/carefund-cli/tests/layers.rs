//! The command is a thin layer: it reaches the library only through `carefund::api`
//! (the use cases, their requests and outcomes), never into the engine, the summaries
//! or the report writers (issue 17).

use std::path::Path;

#[test]
fn the_command_uses_only_the_librarys_use_case_api() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = 0;
    let mut offences = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("carefund::") {
                let after = &rest[at + "carefund::".len()..];
                if !after.starts_with("api") {
                    offences.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
                rest = after;
            }
        }
    }
    assert!(
        files >= 10,
        "found only {files} source files in {}",
        src.display()
    );
    assert!(
        offences.is_empty(),
        "reaches past carefund::api:\n{}",
        offences.join("\n")
    );
}
