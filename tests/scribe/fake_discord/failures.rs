//! Failure injection: the next N requests on a route get a 429, a 500, or
//! are performed and then lose their response on the wire.
//!
//! "Lost" is done below HTTP: every connection's stream can be doomed, and
//! a doomed stream fails its next write, so the client sees the socket
//! close without a status line while the fake has already acted.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State as Extract};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::Shared;

/// A REST route a failure can be aimed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `POST /channels/{id}/messages`, the publish path.
    CreateMessage,
    /// `PATCH /channels/{id}/messages/{id}`.
    EditMessage,
    /// `GET /channels/{id}/messages`, the history read.
    GetMessages,
    /// `PUT .../reactions/{emoji}/@me`.
    AddReaction,
    /// `POST /interactions/{id}/{token}/callback`.
    InteractionCallback,
    /// `PATCH /webhooks/{app}/{token}/messages/@original`.
    EditOriginal,
    /// `POST /webhooks/{app}/{token}`, a follow-up.
    Followup,
    /// Attachment downloads from the CDN path.
    Download,
}

impl Route {
    /// The method and path pattern, `*` standing for one segment.
    fn pattern(self) -> (Method, &'static str) {
        match self {
            Route::CreateMessage => (Method::POST, "api/v10/channels/*/messages"),
            Route::EditMessage => (Method::PATCH, "api/v10/channels/*/messages/*"),
            Route::GetMessages => (Method::GET, "api/v10/channels/*/messages"),
            Route::AddReaction => (Method::PUT, "api/v10/channels/*/messages/*/reactions/*/@me"),
            Route::InteractionCallback => (Method::POST, "api/v10/interactions/*/*/callback"),
            Route::EditOriginal => (Method::PATCH, "api/v10/webhooks/*/*/messages/@original"),
            Route::Followup => (Method::POST, "api/v10/webhooks/*/*"),
            Route::Download => (Method::GET, "attachments/*/*/*"),
        }
    }

    /// Whether a request for `path` with `method` takes this route.
    pub fn matches(self, method: &Method, path: &str) -> bool {
        let (want, pattern) = self.pattern();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        let expected: Vec<&str> = pattern.split('/').collect();
        let same = |(p, g): (&&str, &&str)| *p == "*" || p == g;
        want == method && got.len() == expected.len() && expected.iter().zip(&got).all(same)
    }
}

/// What happens to a request that meets an armed failure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failure {
    /// 429 with `retry_after` seconds in the body and `Retry-After`.
    RateLimited(f64),
    /// 500 without performing the request.
    ServerError,
    /// The request is performed, then the response is lost.
    Lost,
}

/// A failure waiting for `remaining` more requests on its route.
#[derive(Clone, Debug)]
pub struct Armed {
    /// The route it waits on.
    pub route: Route,
    /// What it does.
    pub failure: Failure,
    /// How many more requests it takes.
    pub remaining: usize,
}

/// Takes the first armed failure for this request, if any.
fn take(shared: &Shared, method: &Method, path: &str) -> Option<Failure> {
    let mut state = shared.lock().unwrap();
    let armed = state
        .failures
        .iter_mut()
        .find(|a| a.remaining > 0 && a.route.matches(method, path))?;
    armed.remaining -= 1;
    Some(armed.failure)
}

/// The middleware in front of every route: logs the request and applies
/// an armed failure.
pub async fn inject(
    Extract(shared): Extract<Shared>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    request: Request,
    next: Next,
) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let failure = take(&shared, &method, &path);
    let response = match failure {
        Some(Failure::RateLimited(after)) => rate_limited(after),
        Some(Failure::ServerError) => server_error(),
        Some(Failure::Lost) | None => next.run(request).await,
    };
    let line = format!("{method} {path} {}", response.status().as_u16());
    shared.lock().unwrap().requests.push(line);
    if failure == Some(Failure::Lost) {
        conn.doomed.store(true, Ordering::SeqCst);
    }
    response
}

/// Discord's 429: JSON body and the rate-limit headers.
fn rate_limited(after: f64) -> Response {
    let body =
        json!({"message": "You are being rate limited.", "retry_after": after, "global": false});
    let headers = [
        ("retry-after", (after.ceil() as u64).to_string()),
        ("x-ratelimit-limit", "5".into()),
        ("x-ratelimit-remaining", "0".into()),
        ("x-ratelimit-reset-after", format!("{after:.3}")),
        ("x-ratelimit-bucket", "fake-bucket".into()),
        ("x-ratelimit-scope", "user".into()),
    ];
    (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
}

/// A bare 500 as Discord's edge sends it.
fn server_error() -> Response {
    let body = json!({"message": "500: Internal Server Error", "code": 0});
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

/// An empty 204, Discord's answer to most actions.
pub fn no_content() -> Response {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::empty())
        .unwrap()
}

/// A TCP listener whose connections can be doomed.
pub struct DoomListener(pub TcpListener);

/// The connection-info handle a request carries to doom its connection.
#[derive(Clone, Debug, Default)]
pub struct Conn {
    doomed: Arc<AtomicBool>,
}

/// A TCP stream that fails every read and write once doomed.
pub struct DoomStream {
    inner: TcpStream,
    doomed: Arc<AtomicBool>,
}

impl axum::serve::Listener for DoomListener {
    type Io = DoomStream;
    type Addr = Conn;

    async fn accept(&mut self) -> (DoomStream, Conn) {
        loop {
            if let Ok((inner, _)) = self.0.accept().await {
                let conn = Conn::default();
                let stream = DoomStream {
                    inner,
                    doomed: conn.doomed.clone(),
                };
                return (stream, conn);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Conn> {
        Ok(Conn::default())
    }
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, DoomListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, DoomListener>) -> Conn {
        stream.remote_addr().clone()
    }
}

impl DoomStream {
    fn lost(&self) -> Option<io::Error> {
        let doomed = self.doomed.load(Ordering::SeqCst);
        doomed.then(|| io::Error::new(io::ErrorKind::ConnectionReset, "response lost on purpose"))
    }
}

impl AsyncRead for DoomStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.lost() {
            Some(err) => Poll::Ready(Err(err)),
            None => Pin::new(&mut self.inner).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for DoomStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.lost() {
            Some(err) => Poll::Ready(Err(err)),
            None => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_their_method_and_shape_only() {
        let post = Method::POST;
        assert!(Route::CreateMessage.matches(&post, "/api/v10/channels/12/messages"));
        assert!(!Route::CreateMessage.matches(&Method::GET, "/api/v10/channels/12/messages"));
        assert!(!Route::CreateMessage.matches(&post, "/api/v10/channels/12/messages/3"));
        assert!(Route::Followup.matches(&post, "/api/v10/webhooks/1/tok"));
        assert!(!Route::Followup.matches(&post, "/api/v10/interactions/1/tok/callback"));
    }
}
