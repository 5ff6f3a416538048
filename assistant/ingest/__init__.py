"""From a reply file to answer units and passages: readers per format, title page, parser, references,
questionnaire, chunking, and the check a candidate reply gets before it is added."""
