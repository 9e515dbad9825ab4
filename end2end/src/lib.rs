//! See `tests/`: browser tests that drive a real `kiln` server.
