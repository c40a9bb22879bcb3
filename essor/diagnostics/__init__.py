"""Self-assessments and expert diagnostics: answers, scores, notes, targets and results."""
