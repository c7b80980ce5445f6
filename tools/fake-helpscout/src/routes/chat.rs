//! Chat API v1 (catalogue 3 chats, 4.13).

use crate::hal::ApiResult;
use crate::routes::Req;
use crate::state::{State, Time};

#[derive(Debug, Default)]
pub(crate) struct ChatState {}

/// Seeds this resource group (called from `seed::build` for a full seed).
pub(crate) fn seed(_state: &mut State, _now: Time) {}

pub(crate) fn route(_state: &mut State, _req: &Req, _segs: &[&str]) -> Option<ApiResult> {
    None
}
