//! Integration tests of the domain core: properties that must hold for every input.

mod properties;
