//! Reads back a `multipart/form-data` body the scripted server received, so tests can
//! assert each field and file exactly as a real server would see them.

use super::scripted::Request;

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Field {
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("a text field is UTF-8")
    }
}

fn quoted(header: &str, key: &str) -> Option<String> {
    let start = header.find(&format!("{key}=\""))? + key.len() + 2;
    let end = header[start..].find('"')? + start;
    Some(header[start..end].to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every field of `request`'s multipart body, in order; panics if it is not one.
pub fn fields(request: &Request) -> Vec<Field> {
    let content_type = request.header("content-type").expect("a Content-Type");
    assert!(
        content_type.starts_with("multipart/form-data"),
        "the request is multipart/form-data: {content_type}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"');
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut body = b"\r\n".to_vec();
    body.extend_from_slice(&request.body);
    let mut fields = Vec::new();
    let mut rest = &body[..];
    let first = find(rest, &delimiter).expect("a first boundary");
    rest = &rest[first + delimiter.len()..];
    while !rest.starts_with(b"--") {
        let next = find(rest, &delimiter).expect("each part ends with a boundary");
        let part = rest[..next]
            .strip_prefix(b"\r\n")
            .expect("CRLF after a boundary");
        let split = find(part, b"\r\n\r\n").expect("part headers end with a blank line");
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let mut field = Field {
            name: String::new(),
            file_name: None,
            content_type: None,
            bytes: part[split + 4..].to_vec(),
        };
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(':').unwrap_or((line, ""));
            if key.eq_ignore_ascii_case("content-disposition") {
                field.name = quoted(value, "name").unwrap_or_default();
                field.file_name = quoted(value, "filename");
            } else if key.eq_ignore_ascii_case("content-type") {
                field.content_type = Some(value.trim().to_owned());
            }
        }
        fields.push(field);
        rest = &rest[next + delimiter.len()..];
    }
    fields
}

/// The one field called `name`.
pub fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    let found: Vec<&Field> = fields.iter().filter(|f| f.name == name).collect();
    assert_eq!(found.len(), 1, "one field {name} in {fields:?}");
    found[0]
}
