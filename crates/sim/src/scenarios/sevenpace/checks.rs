//! The acceptance properties of the 7pace models (MODEL.md 5.3, 5.4).
