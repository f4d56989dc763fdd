//! A short string kept inline: the region of params built on every call
//! then needs no allocation (and no free) at all.

use std::fmt;

/// Longest string kept inline: every AWS region name fits.
const INLINE: usize = 22;

/// A string of up to [`INLINE`] bytes stored inline, longer ones on the
/// heap. Compared and hashed as bytes; read as `&str` only when a key or
/// a client is built.
#[derive(Clone)]
pub(crate) enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    pub(crate) fn new(s: &str) -> Text {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Text::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            Text::Heap(s.into())
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Text::Heap(s) => s.as_bytes(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // The bytes of a whole `&str`, copied: always valid UTF-8.
            Text::Inline { .. } => std::str::from_utf8(self.as_bytes()).expect("copied from a str"),
            Text::Heap(s) => s,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_strings_round_trip_and_compare_by_content() {
        for s in [
            "",
            "us-west-2",
            "ap-southeast-4",
            "é-ü",
            &"x".repeat(22),
            &"y".repeat(23),
        ] {
            let t = Text::new(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t.as_bytes(), s.as_bytes());
            assert_eq!(t, Text::new(s));
            assert_eq!(matches!(t, Text::Inline { .. }), s.len() <= INLINE);
        }
        assert_ne!(Text::new("us-west-2"), Text::new("us-west-1"));
        assert_ne!(Text::new("ab"), Text::new("ab\0"));
        assert_ne!(Text::new(&"x".repeat(22)), Text::new(&"x".repeat(23)));
        assert_eq!(format!("{:?}", Text::new("eu-west-1")), "\"eu-west-1\"");
    }
}
