"""From a question to cited passages: search, answer, comparison across Parties, citations and renderings."""
