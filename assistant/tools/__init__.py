"""For maintainers: evaluation, benchmarks, the load check, a synthetic round, deriving the questionnaire."""
