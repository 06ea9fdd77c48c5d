//! Integration tests: the whole pipeline, from files to the record, on
//! the bundled example and on a hostile second incident.

mod support;

mod browser;
mod cli;
mod demo;
#[cfg(feature = "discord")]
mod discord;
#[cfg(feature = "discord")]
mod fake_discord;
mod hostile;
mod ingest;
mod roundtrip;
