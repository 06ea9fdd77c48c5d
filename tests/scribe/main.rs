//! Integration tests: the whole pipeline, from files to the record, on
//! the bundled example and on a hostile second incident.

mod support;

mod cli;
mod demo;
mod hostile;
mod ingest;
mod roundtrip;
