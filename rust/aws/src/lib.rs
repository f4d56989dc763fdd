//! placeholder: see issue 5
