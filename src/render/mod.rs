//! The HTML record and the archive JSON.
