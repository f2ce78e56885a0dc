//! A small well-formedness check for the SVG the crate writes, instead of an XML dependency.
//!
//! It accepts the subset of XML the charts use (elements, quoted attributes, text, the five named
//! entities and numeric character references, an optional declaration and comments) and checks
//! that tags nest and balance, that there is one root element, that no attribute is given twice,
//! and that every `&` starts a reference. That is what a browser's or typst's parser would reject.

/// `Ok` if `text` is a well-formed XML document in the subset above, otherwise what is wrong and
/// where.
pub fn check_well_formed(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let end = text[i..].find('<').map_or(text.len(), |n| i + n);
            let chunk = &text[i..end];
            if open.is_empty() && !chunk.trim().is_empty() {
                return Err(format!("text outside the root element at byte {i}"));
            }
            check_text(chunk).map_err(|e| format!("{e} in text at byte {i}"))?;
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<?") {
            i += rest.find("?>").ok_or("unterminated declaration")? + 2;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->").ok_or("unterminated comment")? + 3;
        } else if let Some(closing) = rest.strip_prefix("</") {
            let end = closing.find('>').ok_or("unterminated end tag")?;
            let name = closing[..end].trim_end();
            match open.pop() {
                Some(expected) if expected == name => {}
                Some(expected) => {
                    return Err(format!("</{name}> at byte {i} closes <{expected}>"));
                }
                None => return Err(format!("</{name}> at byte {i} closes nothing")),
            }
            i += 2 + end + 1;
        } else {
            let (name, self_closing, length) =
                start_tag(rest).map_err(|e| format!("{e} in the tag at byte {i}"))?;
            if open.is_empty() {
                roots += 1;
                if roots > 1 {
                    return Err(format!("a second root element <{name}> at byte {i}"));
                }
            }
            if !self_closing {
                open.push(name);
            }
            i += length;
        }
    }
    match (open.last(), roots) {
        (Some(name), _) => Err(format!("<{name}> is never closed")),
        (None, 0) => Err("no root element".to_owned()),
        (None, _) => Ok(()),
    }
}

/// Reads a start tag at the beginning of `tag`: its name, whether it closes itself, and its
/// length in bytes.
fn start_tag(tag: &str) -> Result<(&str, bool, usize), String> {
    let bytes = tag.as_bytes();
    let mut i = 1;
    let name_end = name_end(tag, i);
    if name_end == i {
        return Err("a tag without a name".to_owned());
    }
    let name = &tag[i..name_end];
    i = name_end;
    let mut seen: Vec<&str> = Vec::new();
    loop {
        let spaced = i < bytes.len() && bytes[i].is_ascii_whitespace();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return Err("an unterminated tag".to_owned()),
            Some(b'>') => return Ok((name, false, i + 1)),
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return Ok((name, true, i + 2)),
            Some(_) if !spaced => return Err("attributes not separated by a space".to_owned()),
            Some(_) => {}
        }
        let attr_end = name_end_of_attribute(tag, i);
        if attr_end == i {
            return Err(format!(
                "an unexpected character {:?}",
                char::from(bytes[i])
            ));
        }
        let attribute = &tag[i..attr_end];
        if seen.contains(&attribute) {
            return Err(format!("the attribute {attribute} given twice"));
        }
        seen.push(attribute);
        i = attr_end;
        if bytes.get(i) != Some(&b'=') {
            return Err(format!("the attribute {attribute} without a value"));
        }
        let quote = match bytes.get(i + 1) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err(format!("the attribute {attribute} without quotes")),
        };
        let value_start = i + 2;
        let value_len = tag[value_start..]
            .find(char::from(quote))
            .ok_or_else(|| format!("the attribute {attribute} never closes its quote"))?;
        let value = &tag[value_start..value_start + value_len];
        if value.contains('<') {
            return Err(format!("a bare < in the attribute {attribute}"));
        }
        check_text(value).map_err(|e| format!("{e} in the attribute {attribute}"))?;
        i = value_start + value_len + 1;
    }
}

fn name_end(tag: &str, start: usize) -> usize {
    tag[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
        .map_or(tag.len(), |n| start + n)
}

fn name_end_of_attribute(tag: &str, start: usize) -> usize {
    match tag[start..].chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => name_end(tag, start),
        _ => start,
    }
}

/// Every `&` must begin a named entity XML knows or a numeric character reference.
fn check_text(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        let after = &rest[at + 1..];
        let end = after.find(';').ok_or("a bare &")?;
        let reference = &after[..end];
        let known = matches!(reference, "amp" | "lt" | "gt" | "quot" | "apos")
            || reference
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || reference
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !known {
            return Err(format!("a bare & (or an unknown entity &{reference};)"));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

#[test]
fn the_checker_accepts_nested_elements_with_quoted_attributes_and_entities() {
    let good = "<?xml version=\"1.0\"?>\n<svg a=\"1\" b='&amp;&#39;'><g><text>x &lt; y</text></g><line/></svg>\n";
    assert_eq!(check_well_formed(good), Ok(()));
}

#[test]
fn the_checker_rejects_what_a_parser_would_refuse() {
    let bad = [
        "<svg><g></svg>",
        "<svg></g></svg>",
        "<svg><text>a & b</text></svg>",
        "<svg a=\"1\" a=\"2\"/>",
        "<svg a=1/>",
        "<svg a=\"<\"/>",
        "<svg/><svg/>",
        "<svg>",
        "text",
        "<svg a=\"1\"b=\"2\"/>",
        "<svg><text>&nbsp;</text></svg>",
    ];
    for case in bad {
        assert!(check_well_formed(case).is_err(), "accepted {case:?}");
    }
}
