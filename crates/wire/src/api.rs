//! The request and response bodies of `/api/v1` (docs/API.md).
