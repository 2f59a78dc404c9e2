"""HTML form state: the officer's raw input, its errors, and the API payload built from it."""
