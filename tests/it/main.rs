//! The integration tests: one binary, one module per concern. Every test
//! runs the real `medsite` binary on a site in a temporary folder.

mod bad_input;
mod cards;
mod careers_site;
mod check;
mod components;
mod data;
mod data_pages;
mod deploy;
mod errors;
mod external;
mod feeds;
mod golden;
mod highlight;
mod images;
mod init;
mod json_ld;
mod lists;
mod new;
mod output_folder;
mod provenance;
mod rebuild;
mod release;
mod schema;
mod search;
mod serve;
mod support;
mod watch;
