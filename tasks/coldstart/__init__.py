"""Cold start: a new model's benchmark accuracy and operator from K planned prompts and the known models' operators."""
