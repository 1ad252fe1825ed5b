//! The pages: the landing page, the "Queueing basics" chapter, the two incident chapters and the
//! not-found page.

pub mod basics;
pub mod content;
pub mod landing;
pub mod live;
pub mod not_found;
pub mod quotes;
pub mod sevenpace;
pub mod vsts;
