//! Parser fuzzing: any input parses or fails with a diagnostic; a parsed
//! script prints back to FQL that parses to the same text again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = faultline::syntax::is_complete(text);
    if let Ok(statements) = faultline::syntax::parse_script(text) {
        for s in statements {
            let printed = s.to_string();
            let again = faultline::syntax::parse_script(&printed)
                .unwrap_or_else(|e| panic!("printed statement does not parse: {printed:?}: {e}"));
            let reprinted: Vec<String> = again.iter().map(|s| s.to_string()).collect();
            assert_eq!(reprinted, vec![printed]);
        }
    }
});
