//! Parsing JSON with the path of the first syntax or type error, so that even a wrongly typed
//! field (`"pain": "bad"`) or an unknown one is named in the answer.

use painpath_core::problems::Problems;
use serde::de::DeserializeOwned;

/// Whether the bytes were not JSON at all (400) or JSON of the wrong shape (422).
#[derive(Debug)]
pub enum JsonFailure {
    Syntax(Problems),
    Shape(Problems),
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonFailure> {
    // Every input of painpath is an object with named fields. serde would also accept the same
    // fields as an array, by position, which would let a misplaced value change a clinical
    // result without any name to catch it; so anything but an object is refused first.
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(b'[' | b'"' | b'0'..=b'9' | b'-' | b't' | b'f' | b'n') => {
            return Err(JsonFailure::Shape(Problems::single(
                "body",
                "expected a JSON object with named fields",
            )));
        }
        _ => {}
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = match result {
        Ok(v) => v,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let field = if path == "." || path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            return Err(if inner.is_syntax() || inner.is_eof() {
                // Text that is not JSON has no fields yet, so its problem is the body's (the
                // parser's path for a syntax error can be `?`, which names nothing).
                JsonFailure::Syntax(Problems::single("body", plain(&inner)))
            } else {
                JsonFailure::Shape(Problems::single(
                    name_missing(&field, &inner),
                    plain(&inner),
                ))
            });
        }
    };
    // Trailing characters after the value are a syntax error too.
    de.end()
        .map_err(|e| JsonFailure::Syntax(Problems::single("body", plain(&e))))?;
    Ok(value)
}

/// serde reports a missing field at the object that lacks it (the body itself, for a top-level
/// field) and names the field only in its message; name the field itself, as every other
/// problem does, so that `{}` sent for a PHQ-9 is a problem with `items`.
fn name_missing(at: &str, err: &serde_json::Error) -> String {
    let text = err.to_string();
    let missing = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name.to_owned());
    match missing {
        Some(name) if at == "body" => name,
        Some(name) => format!("{at}.{name}"),
        None => at.to_owned(),
    }
}

/// serde_json's message without its "at line 1 column 9" tail, which means nothing to a person.
fn plain(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        pain: Option<i64>,
        regions: Option<Vec<String>>,
    }

    fn field(f: JsonFailure) -> (bool, String) {
        match f {
            JsonFailure::Syntax(p) => (true, p.iter().next().unwrap().field.clone()),
            JsonFailure::Shape(p) => (false, p.iter().next().unwrap().field.clone()),
        }
    }

    #[test]
    fn malformed_json_is_a_syntax_failure() {
        assert!(field(parse::<Shape>(b"{\"pain\": ").unwrap_err()).0);
        assert!(field(parse::<Shape>(b"{} x").unwrap_err()).0);
    }

    #[test]
    fn a_wrong_type_names_its_field() {
        assert_eq!(
            field(parse::<Shape>(br#"{"pain": 6.5}"#).unwrap_err()),
            (false, "pain".to_owned())
        );
        assert_eq!(
            field(parse::<Shape>(br#"{"regions": ["a", 3]}"#).unwrap_err()),
            (false, "regions[1]".to_owned())
        );
    }

    #[test]
    fn fields_given_as_an_array_by_position_are_refused() {
        let (syntax, f) = field(parse::<Shape>(b"[6, []]").unwrap_err());
        assert!(!syntax);
        assert_eq!(f, "body");
        assert!(parse::<Shape>(b" {\"pain\": 1}").is_ok());
    }

    #[test]
    fn a_missing_field_is_named_as_the_field() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Needs {
            items: Vec<i64>,
        }
        let (syntax, f) = field(parse::<Needs>(b"{}").unwrap_err());
        assert!(!syntax);
        assert_eq!(f, "items");
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let (syntax, _) = field(parse::<Shape>(br#"{"pian": 6}"#).unwrap_err());
        assert!(!syntax);
    }

    #[test]
    fn a_good_body_parses() {
        assert_eq!(parse::<Shape>(br#"{"pain": 6}"#).unwrap().pain, Some(6));
    }
}
