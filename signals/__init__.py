"""signals: an indicators-and-warnings tracker for analysts."""
