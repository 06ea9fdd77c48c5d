//! Request bodies as Discord takes them (JSON, or multipart with
//! `payload_json` and `files[n]` parts), the checks Discord makes on a
//! message, and its error bodies.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::File;

/// A request body split into its JSON payload and uploaded files.
#[derive(Debug, Default)]
pub struct Upload {
    /// The JSON body, or the `payload_json` part.
    pub payload: Value,
    /// The `files[n]` parts in index order.
    pub files: Vec<File>,
}

/// An error as Discord answers it: a status and `{message, code}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub &'static str, pub u32);

impl ApiError {
    /// 404 for an id the fake does not know, e.g. ("Unknown Message", 10008).
    pub fn unknown(what: &'static str, code: u32) -> ApiError {
        ApiError(StatusCode::NOT_FOUND, what, code)
    }

    /// 400 for a body Discord would refuse.
    pub fn invalid(what: &'static str, code: u32) -> ApiError {
        ApiError(StatusCode::BAD_REQUEST, what, code)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"message": self.1, "code": self.2});
        (self.0, axum::Json(body)).into_response()
    }
}

/// Discord's checks on a message to post: something to show, content
/// within 2000 characters, each file within `file_limit` bytes.
pub fn check_message(data: &Value, files: &[File], file_limit: usize) -> Result<(), ApiError> {
    let content = data["content"].as_str().unwrap_or_default();
    let embeds = data["embeds"].as_array().is_some_and(|e| !e.is_empty());
    if content.is_empty() && !embeds && files.is_empty() {
        return Err(ApiError::invalid("Cannot send an empty message", 50006));
    }
    if content.chars().count() > 2000 {
        return Err(ApiError::invalid(
            "Invalid Form Body: content must be 2000 or fewer in length",
            50035,
        ));
    }
    if files.iter().any(|f| f.bytes.len() > file_limit) {
        let too_large = StatusCode::PAYLOAD_TOO_LARGE;
        return Err(ApiError(too_large, "Request entity too large", 40005));
    }
    Ok(())
}

/// Reads a JSON or multipart body; an empty body is an empty object.
pub fn read(headers: &HeaderMap, body: &[u8]) -> Result<Upload, String> {
    let kind = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = kind.split("boundary=").nth(1) {
        return multipart(body, boundary.trim_matches('"'));
    }
    if body.is_empty() {
        return Ok(Upload {
            payload: json!({}),
            files: Vec::new(),
        });
    }
    let payload = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    Ok(Upload {
        payload,
        files: Vec::new(),
    })
}

/// Splits a multipart body at `boundary`.
fn multipart(body: &[u8], boundary: &str) -> Result<Upload, String> {
    let delimiter = format!("--{boundary}");
    let mut upload = Upload {
        payload: json!({}),
        files: Vec::new(),
    };
    let mut indexed = Vec::new();
    for part in split(body, delimiter.as_bytes()).into_iter().skip(1) {
        if part.starts_with(b"--") {
            break;
        }
        let (head, content) = part_sections(part)?;
        let name = disposition(&head, "name").ok_or("a part has no name")?;
        match disposition(&head, "filename") {
            Some(filename) => indexed.push((
                file_index(&name),
                File {
                    name: filename,
                    bytes: content.to_vec(),
                },
            )),
            None if name == "payload_json" => {
                upload.payload = serde_json::from_slice(content)
                    .map_err(|e| format!("payload_json is not JSON: {e}"))?;
            }
            None => {}
        }
    }
    indexed.sort_by_key(|(index, _)| *index);
    upload.files = indexed.into_iter().map(|(_, file)| file).collect();
    Ok(upload)
}

/// The `n` of `files[n]`; other names sort last.
fn file_index(name: &str) -> usize {
    let inner = name.trim_start_matches("files[").trim_end_matches(']');
    inner.parse().unwrap_or(usize::MAX)
}

/// The pieces of `body` between occurrences of `delimiter`.
fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.windows(delimiter.len()).position(|w| w == delimiter) {
        pieces.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    pieces.push(rest);
    pieces
}

/// A part's header text and its content, without the CRLFs around it.
fn part_sections(part: &[u8]) -> Result<(String, &[u8]), String> {
    let part = part.strip_prefix(b"\r\n").unwrap_or(part);
    let at = part
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a part has no blank line after its headers")?;
    let head = String::from_utf8_lossy(&part[..at]).to_string();
    let content = &part[at + 4..];
    Ok((head, content.strip_suffix(b"\r\n").unwrap_or(content)))
}

/// A quoted parameter of the Content-Disposition header.
fn disposition(head: &str, key: &str) -> Option<String> {
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    let needle = format!("; {key}=\"");
    let start = line.find(&needle)? + needle.len();
    let end = line[start..].find('"')? + start;
    Some(line[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (HeaderMap, Vec<u8>) {
        let mut body = Vec::new();
        for (name, filename, content) in parts {
            let file = filename
                .map(|f| format!("; filename=\"{f}\""))
                .unwrap_or_default();
            body.extend(
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n")
                    .bytes(),
            );
            body.extend(*content);
            body.extend(b"\r\n");
        }
        body.extend(b"--XyZ--\r\n");
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            "multipart/form-data; boundary=XyZ".parse().unwrap(),
        );
        (headers, body)
    }

    #[test]
    fn multipart_gives_the_payload_and_files_in_index_order() {
        let html = b"<html>\r\n\r\n--not-a-boundary</html>";
        let (headers, body) = form(&[
            ("files[1]", Some("b.zip"), b"PK"),
            (
                "payload_json",
                None,
                br#"{"content":"v2","nonce":"scribe-x-v2"}"#,
            ),
            ("files[0]", Some("INC-1-v2.html"), html),
        ]);
        let upload = read(&headers, &body).unwrap();
        assert_eq!(upload.payload["nonce"], "scribe-x-v2");
        assert_eq!(upload.files[0].name, "INC-1-v2.html");
        assert_eq!(upload.files[0].bytes, html);
        assert_eq!(upload.files[1].name, "b.zip");
    }

    #[test]
    fn messages_discord_would_refuse_are_refused() {
        let file = File {
            name: "a.html".into(),
            bytes: vec![0; 11],
        };
        assert_eq!(check_message(&json!({}), &[], 10).unwrap_err().2, 50006);
        let long = json!({"content": "x".repeat(2001)});
        assert_eq!(check_message(&long, &[], 10).unwrap_err().2, 50035);
        assert_eq!(
            check_message(&json!({}), std::slice::from_ref(&file), 10)
                .unwrap_err()
                .2,
            40005
        );
        assert!(check_message(&json!({"content": "é".repeat(2000)}), &[file], 11).is_ok());
    }

    #[test]
    fn bad_bodies_are_refused_with_a_reason() {
        let (headers, _) = form(&[]);
        let err = read(&headers, b"--XyZ\r\nno headers end").unwrap_err();
        assert!(err.contains("blank line"), "{err}");
        assert!(
            read(&HeaderMap::new(), b"{not json")
                .unwrap_err()
                .contains("not JSON")
        );
    }
}
