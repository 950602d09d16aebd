//! Front matter: splitting never panics and the parts reassemble into the
//! input; parsing never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medsite::content::front_matter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = front_matter::strip_bom(text);
    let Ok(split) = front_matter::split(text) else { return };
    if split.format.is_some() {
        // fence line + block + closing fence line + body == the input
        assert_eq!(&text[split.block_offset..split.block_offset + split.block.len()], split.block);
        assert_eq!(&text[split.body_offset..], split.body);
        assert!(split.block_offset + split.block.len() <= split.body_offset);
    } else {
        assert_eq!(split.body, text);
    }
    let _ = front_matter::parse(&split);
});
