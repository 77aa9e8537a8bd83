"""Reading the content folder into the content model (the first phase of a build)."""
