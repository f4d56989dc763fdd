//! RFC 8785 (JSON Canonicalization Scheme) serialization of validated values:
//! members sorted by UTF-16 code units, ECMAScript number formatting, minimal
//! string escaping, no whitespace.

use std::cmp::Ordering;
use std::fmt::Write;

use crate::json::{MAX_DEPTH, MAX_SAFE_INTEGER, Tok, decode_escaped};
use crate::node::Node;
use crate::value::Value;

pub(crate) fn write_value(out: &mut String, value: &Node<'_>) {
    match value {
        Node::Null => out.push_str("null"),
        Node::Bool(true) => out.push_str("true"),
        Node::Bool(false) => out.push_str("false"),
        Node::Number(n) => write_number(out, *n),
        Node::String(s) => write_string(out, s),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        // Identity normalization sorts members once, when a key is built;
        // the label re-renders values parsed back from the canonical form.
        Node::Object(members) => {
            debug_assert!(
                members
                    .windows(2)
                    .all(|w| utf16_cmp(&w[0].0, &w[1].0).is_lt())
            );
            write_members(out, members.iter().map(|(k, v)| (k.as_ref(), v)));
        }
    }
}

/// Writes an object whose members are already in canonical order.
pub(crate) fn write_members<'a, 'b: 'a>(
    out: &mut String,
    members: impl Iterator<Item = (&'a str, &'a Node<'b>)>,
) {
    out.push('{');
    for (i, (name, value)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// Writes the value that starts at `toks[at]` (see [`crate::json::tokenize`])
/// in canonical form: the fast path's writer. `Err` on a duplicate member
/// name.
pub(crate) fn write_tokens(
    out: &mut String,
    text: &str,
    toks: &[Tok],
    at: usize,
) -> Result<(), ()> {
    match toks[at] {
        Tok::Null => out.push_str("null"),
        Tok::Bool(true) => out.push_str("true"),
        Tok::Bool(false) => out.push_str("false"),
        Tok::Number(n) => write_number(out, n),
        Tok::String {
            start,
            end,
            escaped,
        } => {
            let raw = &text[start as usize..end as usize];
            if escaped {
                write_string(out, &decode_escaped(raw));
            } else {
                // Without a backslash, the text holds no quote and no
                // control character: quoted, it is its own canonical form.
                out.push_str(&text[start as usize - 1..end as usize + 1]);
            }
        }
        Tok::Array { end } => {
            out.push('[');
            let mut i = at + 1;
            while i < end as usize {
                if i > at + 1 {
                    out.push(',');
                }
                write_tokens(out, text, toks, i)?;
                i = Tok::next(toks, i);
            }
            out.push(']');
        }
        Tok::Object { end } => {
            let mut count = 0;
            let mut plain = true;
            let mut i = at + 1;
            while i < end as usize {
                let Tok::String { escaped, .. } = toks[i] else {
                    return Err(());
                };
                plain &= !escaped;
                count += 1;
                i = Tok::next(toks, i + 1);
            }
            let mut local = [0u32; SMALL_OBJECT];
            let mut heap = Vec::new();
            let members = member_slots(&mut local, &mut heap, count);
            let mut i = at + 1;
            for slot in members.iter_mut() {
                *slot = u32::try_from(i).map_err(|_| ())?;
                i = Tok::next(toks, i + 1);
            }
            sort_names(text, toks, members, plain)?;
            out.push('{');
            for (k, &name) in members.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write_tokens(out, text, toks, name as usize)?;
                out.push(':');
                write_tokens(out, text, toks, name as usize + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Objects with at most this many members sort their member indices on the
/// stack (one array per nesting level), larger ones on the heap.
const SMALL_OBJECT: usize = 16;

fn member_slots<'a>(
    local: &'a mut [u32; SMALL_OBJECT],
    heap: &'a mut Vec<u32>,
    count: usize,
) -> &'a mut [u32] {
    if count <= SMALL_OBJECT {
        &mut local[..count]
    } else {
        heap.resize(count, 0);
        heap
    }
}

/// Sorts an object's members (given by the indices of their name tokens)
/// into canonical order; `Err` when two names are equal. `plain`: no name
/// holds an escape, so each name's text is the name itself.
fn sort_names(text: &str, toks: &[Tok], members: &mut [u32], plain: bool) -> Result<(), ()> {
    let raw = |i: u32| match toks[i as usize] {
        Tok::String { start, end, .. } => &text[start as usize..end as usize],
        _ => "",
    };
    if plain {
        members.sort_unstable_by(|&a, &b| utf16_cmp(raw(a), raw(b)));
        if members.windows(2).any(|w| raw(w[0]) == raw(w[1])) {
            return Err(());
        }
        return Ok(());
    }
    let mut named: Vec<(String, u32)> = members
        .iter()
        .map(|&i| (decode_escaped(raw(i)), i))
        .collect();
    named.sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0));
    if named.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(());
    }
    for (slot, (_, i)) in members.iter_mut().zip(named) {
        *slot = i;
    }
    Ok(())
}

/// Writes a parameter value given as a [`Value`] in canonical form: the
/// fast path of `Key::new`. `depth` is the value's nesting depth (a
/// parameter's value is at 1).
/// `Err` where the identity rules reject the value: too deep, a non-finite
/// or out-of-range number, a duplicate member name.
pub(crate) fn write_tree(out: &mut String, value: &Value, depth: usize) -> Result<(), ()> {
    if depth > MAX_DEPTH {
        return Err(());
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if !n.is_finite() || (n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER) {
                return Err(());
            }
            write_number(out, *n);
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_tree(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut local = [0u32; SMALL_OBJECT];
            let mut heap = Vec::new();
            let order = member_slots(&mut local, &mut heap, members.len());
            for (i, slot) in order.iter_mut().enumerate() {
                *slot = u32::try_from(i).map_err(|_| ())?;
            }
            let name = |i: u32| members[i as usize].0.as_str();
            order.sort_unstable_by(|&a, &b| utf16_cmp(name(a), name(b)));
            if order.windows(2).any(|w| name(w[0]) == name(w[1])) {
                return Err(());
            }
            out.push('{');
            for (k, &i) in order.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                let (name, value) = &members[i as usize];
                write_string(out, name);
                out.push(':');
                write_tree(out, value, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Index one past the canonical JSON value that starts at `bytes[start]`
/// (the end of `bytes` if it is cut short).
pub(crate) fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    // Skip the escaped character (a `\u` escape's digits
                    // are plain characters).
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' | b',' if depth == 0 => return i,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
        if depth == 0 && matches!(bytes.get(start), Some(b'"' | b'{' | b'[')) {
            return i;
        }
    }
    bytes.len()
}

/// JCS orders member names by their UTF-16 code units, which differs from
/// byte order only around supplementary-plane characters.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Bytes that JSON strings must escape: `"`, `\\` and the C0 controls.
pub(crate) const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

pub(crate) fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs of characters that need no escape in one go; every byte that
    // needs one is ASCII, so the run boundaries are character boundaries.
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip plain bytes quickly; stop at the next one needing an escape.
        let byte = bytes[i];
        if !NEEDS_ESCAPE[usize::from(byte)] {
            i += 1;
            continue;
        }
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            _ => "",
        };
        out.push_str(&s[run_start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        i += 1;
        run_start = i;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

/// ECMAScript `Number::toString` for finite values, as RFC 8785 requires:
/// the shortest digit string that reads back as `n`, and of two such strings
/// equally close to `n` the one ending in an even digit. Ryu produces exactly
/// that digit string (std's `{:e}` does not: it rounds exact decimal ties
/// up); only the layout below is ECMAScript's own.
pub(crate) fn write_number(out: &mut String, n: f64) {
    debug_assert!(n.is_finite());
    if n == 0.0 {
        out.push('0'); // also -0
        return;
    }
    // Integers (the common case: counts, sizes) need no digit search.
    if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
        if n < 0.0 {
            out.push('-');
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        write_integer(out, n.abs() as u64);
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let mut buffer = ryu::Buffer::new();
    let (digits, n10) = decimal_digits(buffer.format_finite(n.abs()));
    let digits = digits.as_str();
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if k <= n10 && n10 <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n10 - k) as usize));
    } else if 0 < n10 && n10 <= 21 {
        let (int, frac) = digits.split_at(n10 as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n10 && n10 <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n10) as usize));
        out.push_str(digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = n10 - 1;
        let _ = write!(out, "e{}{}", if e < 0 { '-' } else { '+' }, e.abs());
    }
}

/// Writes `n` in decimal (what `{}` formats, without the formatter).
fn write_integer(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 10) as u8;
        digits[at] = b'0' + digit;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Splits a positive number's text (`123.45`, `1e-7`, `1.5e300`, `0.001`)
/// into its significant digits and the decimal exponent `n` such that the
/// value is `0.digits × 10^n`.
fn decimal_digits(text: &str) -> (String, i32) {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all[leading..].trim_end_matches('0').to_owned();
    let int_len = i32::try_from(int.len()).unwrap_or(i32::MAX);
    let leading = i32::try_from(leading).unwrap_or(i32::MAX);
    (digits, exponent + int_len - leading)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: f64) -> String {
        let mut s = String::new();
        write_number(&mut s, n);
        s
    }

    #[test]
    fn numbers_follow_ecmascript() {
        // Figures from RFC 8785 appendix B and ECMAScript.
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-1.5), "-1.5");
        assert_eq!(num(1e21), "1e+21");
        assert_eq!(num(1e20), "100000000000000000000");
        assert_eq!(num(123456789012345680000.0), "123456789012345680000");
        assert_eq!(num(1e-6), "0.000001");
        assert_eq!(num(1e-7), "1e-7");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(5e-324), "5e-324");
        assert_eq!(num(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(num(9007199254740991.0), "9007199254740991");
        assert_eq!(num(4.5), "4.5");
        assert_eq!(num(2e-3), "0.002");
        assert_eq!(num(0.000001234), "0.000001234");
        assert_eq!(num(333333333.3333333), "333333333.3333333");
    }

    #[test]
    #[allow(clippy::excessive_precision)] // the exact value is the point
    fn exact_decimal_ties_go_to_the_even_digit() {
        // 2586107838255.15625 is exactly representable; both ...1562 and
        // ...1563 read back as it, and ECMAScript picks the even digit.
        assert_eq!(num(2586107838255.15625), "2586107838255.1562");
        assert_eq!(num(-2586107838255.15625), "-2586107838255.1562");
        assert_eq!(num(4503599627370495.5), "4503599627370495.5");
        assert_eq!(num(0.30000000000000004), "0.30000000000000004");
        assert_eq!(num(9.999999999999998e-7), "9.999999999999997e-7");
        assert_eq!(num(0.0000015), "0.0000015");
        assert_eq!(num(123456789012.5), "123456789012.5");
    }

    #[test]
    fn strings_escape_minimally() {
        let mut s = String::new();
        write_string(&mut s, "a\"b\\c\u{1}\n\u{7f}\u{2028}é😀/");
        assert_eq!(s, "\"a\\\"b\\\\c\\u0001\\n\u{7f}\u{2028}é😀/\"");
    }

    #[test]
    fn names_sort_by_utf16() {
        // U+FB33 sorts after U+1F600 in UTF-16 (surrogates are 0xD83D..).
        assert_eq!(utf16_cmp("\u{1F600}", "\u{FB33}"), Ordering::Less);
        assert_eq!(utf16_cmp("a", "b"), Ordering::Less);
    }
}
