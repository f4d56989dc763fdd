//! A strict RFC 8259 parser for parameter text. It keeps object members in
//! order and keeps duplicates (the identity rules reject them with a clear
//! message), bounds nesting depth so hostile input cannot exhaust the stack,
//! and reports byte offsets in errors. It never echoes string contents,
//! which may be secrets.

use crate::Error;
use std::borrow::Cow;

use crate::node::Node;

/// Deepest nesting accepted, in parse and in validation alike.
pub(crate) const MAX_DEPTH: usize = 64;

pub(crate) fn parse(bytes: &[u8]) -> Result<Node<'_>, Error> {
    parse_with_depth(bytes, MAX_DEPTH)
}

/// Parses a canonical form produced by this crate: its params sit two levels
/// below the top (`{"params":{"config":…}}`), so it nests up to two levels
/// deeper than any params text that was accepted.
pub(crate) fn parse_canonical(bytes: &[u8]) -> Result<Node<'_>, Error> {
    parse_with_depth(bytes, MAX_DEPTH + 2)
}

fn parse_with_depth(bytes: &[u8], max_depth: usize) -> Result<Node<'_>, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!(
            "params are not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        max_depth,
    };
    parser.skip_ws();
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.pos != parser.bytes.len() {
        return Err(parser.error("unexpected trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, what: &str) -> Error {
        Error::invalid(format!(
            "malformed params JSON at byte {}: {what}",
            self.pos
        ))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &str, value: Node<'a>) -> Result<Node<'a>, Error> {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, Error> {
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Node::String(self.string()?)),
            Some(b't') => self.expect_literal("true", Node::Bool(true)),
            Some(b'f') => self.expect_literal("false", Node::Bool(false)),
            Some(b'n') => self.expect_literal("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), Error> {
        if depth > self.max_depth {
            Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node<'a>, Error> {
        self.check_depth(depth)?;
        self.pos += 1; // '{'
        let mut members = Vec::with_capacity(4);
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name"));
            }
            let name = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((name, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node<'a>, Error> {
        self.check_depth(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("truncated \\u escape"))?;
        let mut code = 0u32;
        for &d in digits {
            let nibble = char::from(d)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            code = code * 16 + nibble;
        }
        self.pos += 4;
        Ok(code)
    }

    /// A string without escapes is borrowed from the input; only escaped
    /// strings are copied.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1; // opening quote
        let mut owned: Option<String> = None;
        loop {
            let start = self.pos;
            self.pos += self.bytes[self.pos..]
                .iter()
                .position(|&b| crate::jcs::NEEDS_ESCAPE[usize::from(b)])
                .unwrap_or(self.bytes.len() - self.pos);
            // Runs stop only at ASCII bytes, so they are character boundaries.
            let run = &self.text[start..self.pos];
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(run),
                        Some(mut out) => {
                            out.push_str(run);
                            Cow::Owned(out)
                        }
                    });
                }
                Some(b'\\') => {
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(run);
                    self.pos += 1;
                    let escape = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated escape"))?;
                    self.pos += 1;
                    let decoded = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    owned.get_or_insert_with(String::new).push(decoded);
                }
                Some(_) => return Err(self.error("unescaped control character in string")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(self.error("unpaired surrogate in \\u escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("unpaired surrogate in \\u escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("unpaired surrogate in \\u escape")),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn number(&mut self) -> Result<Node<'a>, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        let text = &self.text[start..self.pos];
        // Rust's parser rounds correctly; range checks happen in the
        // identity rules so both construction paths share them.
        let n: f64 = text.parse().map_err(|_| self.error("invalid number"))?;
        Ok(Node::Number(n))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }
}

/// One token of [`tokenize`]'s flat parse tree: values in document order,
/// each container followed by its contents. Strings and names are byte
/// ranges of the input, so parsing allocates nothing but the token list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Tok {
    Null,
    Bool(bool),
    /// A valid identity number (finite, integral values within ±(2^53−1)),
    /// `-0` already read as `0`.
    Number(f64),
    /// The bytes between a string's quotes as written; `escaped` when they
    /// hold a backslash escape (then they must be decoded, see
    /// [`decode_escaped`]); otherwise they are the string itself.
    String {
        start: u32,
        end: u32,
        escaped: bool,
    },
    /// An array; `end` is the index one past its last token.
    Array {
        end: u32,
    },
    /// An object: a `String` token (the name) then the value's tokens, for
    /// each member in written order; `end` as for arrays.
    Object {
        end: u32,
    },
}

impl Tok {
    /// Index one past the value that starts at `index` (a token of `toks`).
    pub(crate) fn next(toks: &[Tok], index: usize) -> usize {
        match toks[index] {
            Tok::Array { end } | Tok::Object { end } => end as usize,
            _ => index + 1,
        }
    }
}

/// Parses params text into a flat token list (replacing what `toks` held),
/// for the key fast path.
///
/// It accepts exactly the texts [`parse`] accepts, and also applies the
/// number rules of identity (finite; integral values within ±(2^53−1)). It
/// reports no reason: on `Err` the caller runs the tree parser and the
/// identity rules, which name the problem.
pub(crate) fn tokenize<'a>(bytes: &'a [u8], toks: &mut Vec<Tok>) -> Result<&'a str, ()> {
    let text = std::str::from_utf8(bytes).map_err(|_| ())?;
    if u32::try_from(bytes.len()).is_err() {
        return Err(());
    }
    toks.clear();
    let mut lexer = Lexer {
        bytes,
        pos: 0,
        toks,
    };
    lexer.skip_ws();
    lexer.value(0)?;
    lexer.skip_ws();
    if lexer.pos != bytes.len() {
        return Err(());
    }
    Ok(text)
}

struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    toks: &'a mut Vec<Tok>,
}

/// `pos` as a token offset; inputs longer than `u32::MAX` never reach the
/// lexer.
#[allow(clippy::cast_possible_truncation)]
fn offset(pos: usize) -> u32 {
    pos as u32
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, literal: &[u8], tok: Tok) -> Result<(), ()> {
        if self.bytes[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            self.toks.push(tok);
            Ok(())
        } else {
            Err(())
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), ()> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true", Tok::Bool(true)),
            Some(b'f') => self.literal(b"false", Tok::Bool(false)),
            Some(b'n') => self.literal(b"null", Tok::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(()),
        }
    }

    /// Opens a container: checks depth, pushes its token (its `end` is set
    /// by [`Lexer::close`]) and returns its index.
    fn open(&mut self, depth: usize, tok: Tok) -> Result<usize, ()> {
        if depth > MAX_DEPTH {
            return Err(());
        }
        self.pos += 1;
        self.toks.push(tok);
        Ok(self.toks.len() - 1)
    }

    fn close(&mut self, at: usize) {
        self.pos += 1;
        let end = offset(self.toks.len());
        match &mut self.toks[at] {
            Tok::Array { end: e } | Tok::Object { end: e } => *e = end,
            _ => {}
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), ()> {
        let at = self.open(depth, Tok::Object { end: 0 })?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.close(at);
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(());
            }
            self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(());
            }
            self.pos += 1;
            self.skip_ws();
            self.value(depth)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.close(at);
                    return Ok(());
                }
                _ => return Err(()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), ()> {
        let at = self.open(depth, Tok::Array { end: 0 })?;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.close(at);
            return Ok(());
        }
        loop {
            self.skip_ws();
            self.value(depth)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.close(at);
                    return Ok(());
                }
                _ => return Err(()),
            }
        }
    }

    /// Checks a string's escapes without decoding them.
    fn string(&mut self) -> Result<(), ()> {
        self.pos += 1; // opening quote
        let start = self.pos;
        let mut escaped = false;
        loop {
            self.pos = next_special(self.bytes, self.pos).ok_or(())?;
            match self.bytes[self.pos] {
                b'"' => {
                    self.toks.push(Tok::String {
                        start: offset(start),
                        end: offset(self.pos),
                        escaped,
                    });
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    escaped = true;
                    self.pos = escape_end(self.bytes, self.pos).ok_or(())?;
                }
                _ => return Err(()), // an unescaped control character
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<(), ()> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                1
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(()),
        };
        let mut plain = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(());
            }
            plain = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(());
            }
            plain = false;
        }
        let n = if plain && int_digits <= 15 {
            // At most 15 digits: exact in an f64 and within ±(2^53−1).
            let magnitude = self.bytes[int_start..self.pos]
                .iter()
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            #[allow(clippy::cast_precision_loss)]
            let n = magnitude as f64;
            if negative { -n } else { n }
        } else {
            // The text is ASCII: the lexer stopped at its first non-number
            // byte. Rust's parser rounds correctly, as the tree parser does.
            let text = std::str::from_utf8(&self.bytes[start..self.pos]).map_err(|_| ())?;
            let n: f64 = text.parse().map_err(|_| ())?;
            if !n.is_finite() || (n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER) {
                return Err(());
            }
            n
        };
        self.toks.push(Tok::Number(if n == 0.0 { 0.0 } else { n }));
        Ok(())
    }
}

/// Index of the first byte at or after `from` that ends a run of string
/// text: a quote, a backslash or a control character (a byte of
/// [`crate::jcs::NEEDS_ESCAPE`]). Eight bytes at a time: strings are most of
/// a params text.
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Sets the high bit of the lowest byte that is zero in `x` (and maybe of
    // bytes above it, which the lowest-set-bit search ignores).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
        let hits = below_space
            | zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i.min(bytes.len())..]
        .iter()
        .position(|&b| crate::jcs::NEEDS_ESCAPE[usize::from(b)])
        .map(|at| i + at)
}

/// Largest integer magnitude every language's JSON numbers hold exactly.
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Checks the escape at `bytes[pos]` (a backslash) as the tree parser does
/// and returns the index just past it, or `None` when it is invalid.
fn escape_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let hex4 = |at: usize| -> Option<u32> {
        let digits = bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |code, &d| {
            Some(code * 16 + char::from(d).to_digit(16)?)
        })
    };
    match *bytes.get(pos + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(pos + 2),
        b'u' => match hex4(pos + 2)? {
            0xD800..=0xDBFF => {
                if bytes.get(pos + 6..pos + 8)? != b"\\u" {
                    return None;
                }
                (0xDC00..=0xDFFF)
                    .contains(&hex4(pos + 8)?)
                    .then_some(pos + 12)
            }
            0xDC00..=0xDFFF => None,
            _ => Some(pos + 6),
        },
        _ => None,
    }
}

/// Decodes the escaped contents of a string token (validated by the lexer).
pub(crate) fn decode_escaped(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut run = 0;
    let mut i = 0;
    let hex4 = |at: usize| {
        bytes[at..at + 4].iter().fold(0u32, |code, &d| {
            code * 16 + char::from(d).to_digit(16).unwrap_or(0)
        })
    };
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&raw[run..i]);
        let (decoded, len) = match bytes[i + 1] {
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let first = hex4(i + 2);
                if (0xD800..=0xDBFF).contains(&first) {
                    let second = hex4(i + 8);
                    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    (
                        char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                        12,
                    )
                } else {
                    (
                        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
                        6,
                    )
                }
            }
            other => (char::from(other), 2), // `"`, `\` and `/` stand for themselves
        };
        out.push(decoded);
        i += len;
        run = i;
    }
    out.push_str(&raw[run..]);
    out
}
