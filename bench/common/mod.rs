//! What the benchmarks share: the real texts they run on, and the command line's allocator.

/// The allocator `sentinelle` itself runs with (src/bin/sentinelle/main.rs): the benchmarks time
/// the engine as the command line ships it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../tests/common/shared_data.rs"]
mod shared_data;

/// Every text of ../shared/data, file by file in name order; with `pad`, each non-empty one made
/// exactly 200 characters long (the budgets' message size): cut, or followed by the next texts of
/// its file until it is long enough. Not by repeating itself: a repeated text has half its words
/// seen twice, which makes counting features cheaper than in real messages (8 % of the character
/// n-gram work is repeated words in real texts, 48 % in texts padded with themselves).
/// `bench/sample.mjs` builds the same messages for the wasm benchmarks.
pub fn texts(pad: bool) -> Vec<String> {
    let dir = shared_data::shared_data("");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "jsonl")).collect();
    files.sort();
    let mut texts = Vec::new();
    for f in files {
        let file: Vec<String> = std::fs::read_to_string(f)
            .unwrap()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .map(|v| v["text"].as_str().unwrap_or("").to_string())
            .collect();
        if !pad {
            texts.extend(file);
            continue;
        }
        let file: Vec<&String> = file.iter().filter(|t| !t.trim().is_empty()).collect();
        for (i, t) in file.iter().enumerate() {
            let mut m = t.to_string();
            // The next texts, wrapping round to the file's first ones.
            for next in file.iter().cycle().skip(i + 1) {
                if m.chars().count() >= 200 {
                    break;
                }
                m.push(' ');
                m.push_str(next);
            }
            texts.push(m.chars().take(200).collect());
        }
    }
    texts
}
