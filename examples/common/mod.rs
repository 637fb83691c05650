//! What the examples share: the real texts they run on.

/// Every text of ../shared/data, file by file in name order; with `pad`, the non-empty ones
/// repeated or cut to exactly 200 characters (the budgets' message size).
pub fn texts(pad: bool) -> Vec<String> {
    let dir = ["../shared/data", "../../shared/data"].into_iter().find(|d| std::path::Path::new(d).is_dir()).expect("../shared/data");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "jsonl")).collect();
    files.sort();
    let mut texts = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let v: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(_) => continue,
            };
            let mut t = v["text"].as_str().unwrap_or("").to_string();
            if !pad {
                texts.push(t);
                continue;
            }
            if t.trim().is_empty() {
                continue;
            }
            while t.chars().count() < 200 {
                t = format!("{t} {t}");
            }
            texts.push(t.chars().take(200).collect::<String>());
        }
    }
    texts
}
