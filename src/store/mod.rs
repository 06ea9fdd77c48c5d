//! sled behind a typed API.
