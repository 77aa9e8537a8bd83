"""``sitegen find-copies``: which of the photographer's photos a set of suspected copies are."""
