//! placeholder
pub struct Engine;
pub struct EngineConfig;
pub struct AskQuery;
pub struct Answer;
pub struct Hit;
pub struct AddOutcome;
pub struct ImportReport;
pub struct Refusal;
#[derive(Debug, thiserror::Error)]
#[error("x")]
pub struct Error;
