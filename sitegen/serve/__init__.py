"""``sitegen serve``: the preview server, its output folder, file watching and live reload."""
