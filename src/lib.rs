//! kiemphieu: a ballot counting station for the election of the head of a
//! thôn, ấp, khu phố or tổ dân phố in Viet Nam.
//!
//! Data flows one way: scanner → sheet store → interpreter → rules → tally →
//! report. Each stage is a module that knows nothing of the user interface.

pub mod ballot;
pub mod bundle;
pub mod election;
pub mod interpret;
pub mod kiosk;
pub mod print;
pub mod report;
pub mod result;
pub mod rules;
pub mod scanner;
pub mod station;
pub mod store;
pub mod synth;
