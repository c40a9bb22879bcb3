"""The référentiel core: file format, validation, parsed model and scoring (no Django)."""
