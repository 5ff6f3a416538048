"""The chat page: Ask, Compare Parties, Coverage and Add a reply, over the Python API."""
