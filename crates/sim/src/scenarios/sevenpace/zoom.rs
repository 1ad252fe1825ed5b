//! `7pace-2018-01-02`: the two-hour zoom on the per-request engine (see below).
