"""Diagnostic pages, by journey: the firm's and expert's pages, and the public self-assessment."""
