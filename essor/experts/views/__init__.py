"""The experts pages, by who uses them: managers (`experts`), experts and firms (`own`),
and the matching workflow (`matching`)."""
